"""Errors of the passes app (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound


class PassNotFound(NotFound):
    code = "pass.not_found"


class BlackoutNotFound(NotFound):
    code = "pass.blackout_not_found"


class InvalidPass(Invalid):
    code = "pass.invalid"


class InvalidTerms(Invalid):
    code = "pass_terms.invalid"


class OutsideNetworks(Forbidden):
    """The host is in none of the networks where the member has a home space."""

    code = "pass.outside_networks"


class NotHostManager(Forbidden):
    code = "pass.not_host_manager"


class NotOperator(Forbidden):
    code = "pass.not_operator"


class NotYourPass(Forbidden):
    code = "pass.not_yours"


class PassConflict(Conflict):
    code = "pass.conflict"


class QuotaExhausted(Conflict):
    code = "pass.quota_exhausted"


class NoDeskFree(Conflict):
    code = "pass.no_desk_free"
