"""Projects services: every rule, and on every refusal nothing written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.core.errors import DomainError
from coshore.notifications.models import Notification
from coshore.projects import selectors, services
from coshore.projects.models import (
    Agreement,
    AgreementAcceptance,
    ClientPayment,
    Invitation,
    Project,
    TeamMember,
    TimeEntry,
    TimeEntryStatus,
)
from coshore.projects.tests.factories import agree, join, member_of

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (
            Project,
            TeamMember,
            Invitation,
            Agreement,
            AgreementAcceptance,
            TimeEntry,
            ClientPayment,
        )
    )


def refused(code: str, fn: Any, **kwargs: Any) -> DomainError:
    """Call a service that must refuse with `code` and write nothing."""
    before = (_counts(), Activity.objects.count())
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    assert exc.value.code == code, exc.value.message
    assert (_counts(), Activity.objects.count()) == before
    return exc.value


def today() -> Any:
    return timezone.now().date()


# --- Opening and invitations -------------------------------------------------------------------


def test_the_opener_is_the_first_team_member(project: Project, ana: Any, cities: Any) -> None:
    assert project.currency == "EUR"
    member = TeamMember.objects.get(project=project)
    assert (member.user, member.space) == (ana, cities.paris)
    assert Activity.objects.filter(verb="project.opened", actor=ana).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"title": " ", "currency": "EUR"}, "project.invalid"),
        ({"title": "x" * 201, "currency": "EUR"}, "project.invalid"),
        ({"title": "App", "currency": "EURO"}, "project.invalid"),
        ({"title": "App", "currency": "EUR", "expected_income": Decimal("-1")}, "project.invalid"),
        (
            {"title": "App", "currency": "JPY", "expected_income": Decimal("10.5")},
            "project.invalid",
        ),
    ],
)
def test_opening_refuses_bad_input(ana: Any, kwargs: dict, code: str) -> None:
    refused(code, services.open_project, creator=ana, **kwargs)


def test_invites_a_member_of_another_space_of_the_network(team: Project, ben: Any) -> None:
    assert selectors.is_on_team(ben, team)
    invitation = Invitation.objects.get(project=team)
    assert invitation.status == "accepted"
    verbs = list(Activity.objects.values_list("verb", flat=True).order_by("id"))
    assert verbs[-2:] == ["project.invited", "project.invitation_accepted"]


def test_cannot_invite_someone_outside_the_networks(
    project: Project, ana: Any, make_user: Any
) -> None:
    from coshore.spaces.tests.factories import SpaceFactory

    stranger = member_of(SpaceFactory(), make_user("far@example.org"))
    refused(
        "project.person_not_found",
        services.invite_member,
        project=project,
        inviter=ana,
        email=stranger.email,
    )
    refused(
        "project.person_not_found",
        services.invite_member,
        project=project,
        inviter=ana,
        email="nobody@example.org",
    )


def test_invitation_conflicts(project: Project, ana: Any, ben: Any, make_user: Any) -> None:
    services.invite_member(project=project, inviter=ana, email="BEN@example.org")
    refused(
        "invitation.conflict", services.invite_member, project=project, inviter=ana, email=ben.email
    )
    refused(
        "project.already_on_team",
        services.invite_member,
        project=project,
        inviter=ana,
        email=ana.email,
    )
    outsider = make_user()
    refused(
        "project.not_on_team",
        services.invite_member,
        project=project,
        inviter=outsider,
        email=ben.email,
    )


def test_only_the_invitee_decides_and_only_once(project: Project, ana: Any, ben: Any) -> None:
    invitation = services.invite_member(project=project, inviter=ana, email=ben.email)
    refused("invitation.not_found", services.accept_invitation, invitation=invitation, user=ana)
    services.decline_invitation(invitation=invitation, user=ben)
    refused("invitation.conflict", services.accept_invitation, invitation=invitation, user=ben)
    assert not selectors.is_on_team(ben, project)


def test_withdrawn_invitation_cannot_be_accepted(project: Project, ana: Any, ben: Any) -> None:
    invitation = services.invite_member(project=project, inviter=ana, email=ben.email)
    services.withdraw_invitation(invitation=invitation, user=ana)
    refused("invitation.conflict", services.accept_invitation, invitation=invitation, user=ben)


# --- Agreements --------------------------------------------------------------------------------


def test_an_agreement_is_in_force_once_everyone_accepted(team: Project, ana: Any, ben: Any) -> None:
    v1 = services.propose_agreement(
        project=team, proposer=ana, coordinator_email=ana.email, coordinator_share="10",
        pool_share="5", split_by="logged_hours",
        budgets=[services.BudgetIn(ana.email, "30"), services.BudgetIn(ben.email, "10")],
    )  # fmt: skip
    assert v1.version == 1 and v1.accepted_at is None
    assert selectors.agreement_in_force(team) is None
    services.accept_agreement(project=team, user=ben)
    assert selectors.agreement_in_force(team).pk == v1.pk
    refused("agreement.conflict", services.accept_agreement, project=team, user=ben)


def test_a_change_is_a_new_version_and_the_old_stays_in_force(
    team: Project, ana: Any, ben: Any
) -> None:
    v1 = agree(team, [ana, ben], budgets=["30", "10"])
    v2 = services.propose_agreement(
        project=team, proposer=ben, coordinator_email=ben.email, coordinator_share="20",
        split_by="budget_hours",
        budgets=[services.BudgetIn(ana.email, "20"), services.BudgetIn(ben.email, "20")],
    )  # fmt: skip
    assert v2.version == 2
    assert selectors.agreement_in_force(team).pk == v1.pk
    refused("agreement.conflict", services.accept_agreement, project=team, user=ana, version=1)
    services.accept_agreement(project=team, user=ana, version=2)
    assert selectors.agreement_in_force(team).pk == v2.pk
    history = list(selectors.list_agreements(team))
    assert [a.version for a in history] == [2, 1]
    assert Agreement.objects.get(pk=v1.pk).coordinator_share == Decimal("10")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"coordinator_share": "101"}, "agreement.invalid"),
        ({"coordinator_share": "-1"}, "agreement.invalid"),
        ({"coordinator_share": "60", "pool_share": "41"}, "agreement.invalid"),
        ({"pool_share": "abc"}, "agreement.invalid"),
        ({"coordinator_share": "NaN"}, "agreement.invalid"),
        ({"coordinator_share": "10.001"}, "agreement.invalid"),
        ({"coordinator_share": 1.5}, "agreement.invalid"),
        ({"split_by": "equal"}, "agreement.invalid"),
        ({"coordinator_email": "nobody@example.org"}, "agreement.invalid"),
        ({"budgets": [("ana@example.org", "10")]}, "agreement.invalid"),
        ({"budgets": [("ana@example.org", "-5"), ("ben@example.org", "10")]}, "agreement.invalid"),
        ({"budgets": [("ana@example.org", "0"), ("ben@example.org", "0")]}, "agreement.invalid"),
        ({"budgets": [("ana@example.org", "1"), ("ana@example.org", "1")]}, "agreement.invalid"),
        ({"budgets": [("ana@example.org", "1"), ("x@example.org", "1")]}, "agreement.invalid"),
    ],
)
def test_agreement_refuses_bad_terms(team: Project, ana: Any, overrides: dict, code: str) -> None:
    args: dict[str, Any] = {
        "coordinator_email": ana.email,
        "coordinator_share": "10",
        "pool_share": "5",
        "split_by": "logged_hours",
        "budgets": [("ana@example.org", "30"), ("ben@example.org", "10")],
    }
    args.update(overrides)
    args["budgets"] = [services.BudgetIn(e, h) for e, h in args["budgets"]]
    refused(code, services.propose_agreement, project=team, proposer=ana, **args)


def test_the_whole_income_to_the_coordinator_needs_no_hours(
    team: Project, ana: Any, ben: Any
) -> None:
    agreement = agree(team, [ana, ben], budgets=["0", "0"], coordinator_share="100")
    assert agreement.is_accepted


# --- Time --------------------------------------------------------------------------------------


def test_time_needs_an_accepted_agreement(team: Project, ben: Any) -> None:
    refused(
        "agreement.not_accepted", services.log_time, project=team, user=ben, day=today(), hours="2"
    )


def test_time_warns_at_80_and_100_percent_and_waits_beyond(
    team: Project, ana: Any, ben: Any
) -> None:
    agree(team, [ana, ben], budgets=["30", "10"])
    first = services.log_time(project=team, user=ben, day=today(), hours="7.5")
    assert first.warnings == [] and first.entry.status == TimeEntryStatus.APPROVED
    second = services.log_time(project=team, user=ben, day=today() - timedelta(days=1), hours="1")
    assert second.warnings == ["You have used 80 % of your 10.00 h budget."]
    third = services.log_time(project=team, user=ben, day=today() - timedelta(days=2), hours="2")
    assert third.entry.status == TimeEntryStatus.PENDING
    assert third.warnings == [
        "You have used 100 % of your 10.00 h budget.",
        "Hours beyond your budget wait for the coordinator's approval.",
    ]
    refused(
        "project.not_coordinator",
        services.decide_time_entry,
        entry=third.entry,
        user=ben,
        approve=True,
    )
    approved = services.decide_time_entry(entry=third.entry, user=ana, approve=True)
    assert approved.status == TimeEntryStatus.APPROVED and approved.decided_by == ana
    refused(
        "time_entry.conflict",
        services.decide_time_entry,
        entry=third.entry,
        user=ana,
        approve=False,
    )
    assert Activity.objects.filter(verb="time.logged").count() == 3
    assert Activity.objects.filter(verb="time.approved").count() == 1


@pytest.mark.parametrize(
    ("hours", "code"),
    [("-1", "time_entry.invalid"), ("0", "time_entry.invalid"), ("24.5", "time_entry.invalid"),
     ("1.005", "time_entry.invalid"), ("x", "time_entry.invalid"), (2.5, "time_entry.invalid"),
     ("1e400", "time_entry.invalid"), ("Infinity", "time_entry.invalid")],
)  # fmt: skip
def test_time_refuses_bad_hours(team: Project, ana: Any, ben: Any, hours: Any, code: str) -> None:
    agree(team, [ana, ben], budgets=["30", "10"])
    refused(code, services.log_time, project=team, user=ben, day=today(), hours=hours)


def test_no_more_than_24_hours_a_day_across_projects(team: Project, ana: Any, ben: Any) -> None:
    agree(team, [ana, ben], budgets=["30", "100"])
    other = services.open_project(creator=ben, title="Side job", currency="EUR")
    agree(other, [ben], budgets=["50"])
    services.log_time(project=other, user=ben, day=today(), hours="14")
    services.log_time(project=team, user=ben, day=today(), hours="10")
    refused(
        "time_entry.invalid", services.log_time, project=team, user=ben, day=today(), hours="0.25"
    )


def test_time_refuses_future_days_non_members_and_closed_projects(
    team: Project, ana: Any, ben: Any, make_user: Any
) -> None:
    agree(team, [ana, ben], budgets=["30", "10"])
    refused(
        "time_entry.invalid",
        services.log_time,
        project=team,
        user=ben,
        day=today() + timedelta(days=5),
        hours="1",
    )
    refused(
        "project.not_on_team",
        services.log_time,
        project=team,
        user=make_user(),
        day=today(),
        hours="1",
    )
    services.close_project(project=team, user=ana)
    refused("project.closed", services.log_time, project=team, user=ben, day=today(), hours="1")


def test_a_new_member_logs_time_once_a_version_gives_them_a_budget(
    team: Project, ana: Any, ben: Any, make_user: Any, cities: Any
) -> None:
    agree(team, [ana, ben], budgets=["30", "10"])
    cleo = member_of(cities.paris, make_user("cleo@example.org"))
    join(team, ana, cleo)
    refused(
        "time_entry.conflict", services.log_time, project=team, user=cleo, day=today(), hours="1"
    )
    agree(team, [ana, ben, cleo], budgets=["30", "10", "5"])
    assert (
        services.log_time(project=team, user=cleo, day=today(), hours="1").entry.agreement.version
        == 2
    )


# --- Money -------------------------------------------------------------------------------------


def test_payouts_need_an_accepted_agreement(team: Project, ana: Any) -> None:
    with pytest.raises(DomainError) as exc:
        selectors.get_payouts(project=team, user=ana)
    assert exc.value.code == "agreement.not_accepted"


def test_payouts_split_partial_payments_exactly(team: Project, ana: Any, ben: Any) -> None:
    agree(team, [ana, ben], budgets=["40", "20"], coordinator_share="10", pool_share="5")
    services.log_time(project=team, user=ana, day=today(), hours="20")
    services.log_time(project=team, user=ben, day=today(), hours="10")
    services.record_payment(
        project=team, user=ana, amount="600.00", currency="EUR", received_at=today()
    )
    services.record_payment(
        project=team, user=ana, amount="400", currency="eur", received_at=today()
    )
    payouts = selectors.get_payouts(project=team, user=ben)
    assert payouts.income == Decimal("1000.00") and payouts.basis == "logged_hours"
    assert [(i.email, i.role, i.hours, i.amount) for i in payouts.items] == [
        ("ana@example.org", "coordinator", None, Decimal("100.00")),
        (None, "pool", None, Decimal("50.00")),
        ("ana@example.org", "hours", Decimal("20"), Decimal("566.67")),
        ("ben@example.org", "hours", Decimal("10"), Decimal("283.33")),
    ]
    assert sum(i.amount for i in payouts.items) == payouts.income
    statement = selectors.get_statement(project=team, user=ben, member=ben)
    assert statement.total == Decimal("283.33") and [e.hours for e in statement.entries] == [
        Decimal("10")
    ]
    with pytest.raises(DomainError):
        selectors.get_statement(project=team, user=ben, member=ana)
    assert selectors.get_statement(project=team, user=ana, member=ben).total == Decimal("283.33")


def test_payouts_fall_back_to_budgets_before_any_time(team: Project, ana: Any, ben: Any) -> None:
    agree(team, [ana, ben], budgets=["30", "10"], coordinator_share="0")
    services.record_payment(
        project=team, user=ana, amount="100", currency="EUR", received_at=today()
    )
    payouts = selectors.get_payouts(project=team, user=ana)
    assert payouts.basis == "budget_hours" and "Nobody has logged" in payouts.basis_note
    assert [i.amount for i in payouts.items] == [Decimal("75.00"), Decimal("25.00")]


def test_pending_hours_do_not_count_until_approved(team: Project, ana: Any, ben: Any) -> None:
    agree(team, [ana, ben], budgets=["10", "10"], coordinator_share="0")
    services.log_time(project=team, user=ana, day=today(), hours="10")
    services.log_time(project=team, user=ben, day=today(), hours="10")
    extra = services.log_time(project=team, user=ben, day=today() - timedelta(days=1), hours="10")
    services.record_payment(
        project=team, user=ana, amount="90", currency="EUR", received_at=today()
    )
    assert [i.amount for i in selectors.get_payouts(project=team, user=ana).items] == [
        Decimal("45.00"), Decimal("45.00"),
    ]  # fmt: skip
    services.decide_time_entry(entry=extra.entry, user=ana, approve=True)
    assert [i.amount for i in selectors.get_payouts(project=team, user=ana).items] == [
        Decimal("30.00"), Decimal("60.00"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [("100", "USD", "payment.currency_mismatch"), ("0", "EUR", "payment.invalid"),
     ("-5", "EUR", "payment.invalid"), ("1.001", "EUR", "payment.invalid"),
     ("abc", "EUR", "payment.invalid"), ("1e20", "EUR", "payment.invalid")],
)  # fmt: skip
def test_payment_refuses_bad_amounts(
    team: Project, ana: Any, amount: str, currency: str, code: str
) -> None:
    refused(
        code,
        services.record_payment,
        project=team,
        user=ana,
        amount=amount,
        currency=currency,
        received_at=today(),
    )


def test_only_the_coordinator_or_opener_records_payments(team: Project, ana: Any, ben: Any) -> None:
    agree(team, [ana, ben], budgets=["10", "10"])
    refused("project.not_coordinator", services.record_payment, project=team, user=ben,
            amount="10", currency="EUR", received_at=today())  # fmt: skip
    refused("payment.invalid", services.record_payment, project=team, user=ana,
            amount="10", currency="EUR", received_at=today() + timedelta(days=3))  # fmt: skip


# --- Closing and the gallery -------------------------------------------------------------------


def test_the_gallery_shows_closed_projects_whose_whole_team_agreed(
    team: Project, ana: Any, ben: Any
) -> None:
    refused("project.not_coordinator", services.close_project, project=team, user=ben)
    services.close_project(project=team, user=ana)
    refused("project.closed", services.close_project, project=team, user=ana)
    services.set_gallery_consent(project=team, user=ana, consent=True)
    assert list(selectors.list_gallery()) == []
    services.set_gallery_consent(project=team, user=ben, consent=True)
    assert list(selectors.list_gallery()) == [team]
    assert selectors.get_project_for_user(user=None, project_id=team.pk) == team


def test_project_gate(team: Project, ana: Any, ben: Any, make_user: Any, cities: Any) -> None:
    neighbour = member_of(cities.paris, make_user())
    for viewer in (None, neighbour):
        with pytest.raises(DomainError) as exc:
            selectors.get_project_for_user(user=viewer, project_id=team.pk)
        assert exc.value.code == "project.not_found"
    invitee = member_of(cities.paris, make_user())
    services.invite_member(project=team, inviter=ben, email=invitee.email)
    assert selectors.get_project_for_user(user=invitee, project_id=team.pk) == team
    assert selectors.get_project_for_user(user=make_user(staff=True), project_id=team.pk) == team
    for bad in (0, -1, 2**70, "1", True):
        with pytest.raises(DomainError):
            selectors.get_project_for_user(user=ana, project_id=bad)


def test_team_shows_spaces_local_times_and_shared_hours(team: Project) -> None:
    view = selectors.get_team(team)
    assert [(r.user.email, r.space.city, str(r.zone)) for r in view.rows] == [
        ("ana@example.org", "Paris", "Europe/Paris"),
        ("ben@example.org", "Tel Aviv", "Asia/Jerusalem"),
    ]
    assert view.shared is not None and view.shared.hours == 8.0


def test_candidates_are_visible_members_of_the_network_not_yet_on_the_team(
    team: Project, ana: Any, make_user: Any, cities: Any
) -> None:
    from coshore.accounts.models import Profile
    from coshore.spaces.tests.factories import SpaceFactory

    cleo = member_of(cities.tel_aviv, make_user("cleo@example.org", name="Cleo"))
    hidden = member_of(cities.tel_aviv, make_user("hidden@example.org", name="Hidden"))
    Profile.objects.filter(user=cleo).update(visibility="network")
    Profile.objects.filter(user=hidden).update(visibility="private")
    member_of(SpaceFactory(), make_user("far@example.org", name="Far"))
    found = selectors.search_invitable_people(inviter=ana, project=team)
    assert [u.email for u in found] == ["cleo@example.org"]
    assert selectors.search_invitable_people(inviter=ana, project=team, q="zzz") == []


def test_invitee_and_teammates_are_emailed(
    project: Project, ana: Any, ben: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            project=project, inviter=ana, email=ben.email, message="Join us"
        )
    assert [m.to for m in mailoutbox] == [["ben@example.org"]]
    assert mailoutbox[0].subject == "[Coshore] Ana invites you to the project “Museum app”"
    assert "Join us" in mailoutbox[0].body and "/projects/" in mailoutbox[0].body
    services.accept_invitation(invitation=invitation, user=ben)
    with django_capture_on_commit_callbacks(execute=True):
        services.propose_agreement(
            project=project, proposer=ana, coordinator_email=ana.email, coordinator_share="10",
            split_by="logged_hours",
            budgets=[services.BudgetIn(ana.email, "30"), services.BudgetIn(ben.email, "12.5")],
        )  # fmt: skip
    assert [m.to for m in mailoutbox[1:]] == [["ben@example.org"]]
    assert "your hour budget: 12.50 h" in mailoutbox[1].body
    assert mailoutbox[1].subject == "[Coshore] Agreement version 1 of “Museum app” waits for you"
    assert f"/projects/{project.pk}/agreement/" in mailoutbox[1].body
    assert [(n.recipient, n.kind) for n in Notification.objects.filter(topic="projects")] == [
        (ben, "project.agreement_proposed"),
        (ben, "project.invited"),
    ]


def test_the_coordinator_edits_an_open_project(team: Project, ana: Any, ben: Any) -> None:
    refused(
        "project.not_coordinator", services.update_project, project=team, user=ben, title="Mine"
    )
    refused("project.invalid", services.update_project, project=team, user=ana, title=" ")
    refused("project.invalid", services.update_project, project=team, user=ana,
            expected_income=Decimal("10.001"))  # fmt: skip
    edited = services.update_project(
        project=team, user=ana, title="Museum app v2", expected_income=Decimal("12000")
    )
    assert (edited.title, edited.brief, edited.expected_income) == (
        "Museum app v2", "An app", Decimal("12000"),
    )  # fmt: skip
    assert Activity.objects.filter(verb="project.edited").count() == 1
    services.close_project(project=team, user=ana)
    refused("project.closed", services.update_project, project=team, user=ana, title="Late")
