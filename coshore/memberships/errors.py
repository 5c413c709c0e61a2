"""Errors of the memberships app (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound


class PlanNotFound(NotFound):
    code = "plan.not_found"


class AccountNotFound(NotFound):
    code = "membership.account_not_found"


class CannotManagePlans(Forbidden):
    code = "plan.not_manager"


class InvalidPlan(Invalid):
    code = "plan.invalid"


class InsufficientCredits(Conflict):
    code = "credits.insufficient"


class InvalidCredits(Invalid):
    code = "credits.invalid"


class InvalidDayPass(Invalid):
    code = "day_pass.invalid"


class DayPassExists(Conflict):
    code = "day_pass.exists"
