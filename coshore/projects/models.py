"""Projects: teams across spaces, versioned agreements, tasks, time, client payments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from coshore.core.models import TimeStamped

USER = settings.AUTH_USER_MODEL


class ProjectStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Delivered"


class Project(TimeStamped):
    """A client project worked by a team of members, possibly from several spaces."""

    title = models.CharField(max_length=200)
    brief = models.TextField(blank=True, max_length=10_000)
    client_name = models.CharField(max_length=200, blank=True)
    client_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_projects",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        help_text="The organisation that opened the project, if any",
    )
    currency = models.CharField(max_length=3)
    expected_income = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=8, choices=ProjectStatus.choices, default=ProjectStatus.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_income__isnull=True) | Q(expected_income__gte=0),
                name="project_expected_income_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ProjectStatus.OPEN


class TeamMember(models.Model):
    """A person on a project's team; `space` is where they work from (their home space)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="project_seats")
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    gallery_consent = models.BooleanField(
        default=False, help_text="Agrees to show the delivered project in the public gallery"
    )

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="uniq_project_team_member")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.project_id}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Invitation(TimeStamped):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="project_invitations")
    invited_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "invitee"],
                condition=Q(status="pending"),
                name="uniq_pending_project_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to {self.project_id}"


class SplitBy(models.TextChoices):
    LOGGED_HOURS = "logged_hours", "Logged hours"
    BUDGET_HOURS = "budget_hours", "Agreed hour budgets"


class Agreement(models.Model):
    """One version of a project's split rule and hour budgets. Never edited: a change is a new
    version, which everyone on its budget list must accept again."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField()
    coordinator = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    coordinator_share = models.DecimalField(max_digits=5, decimal_places=2)
    pool_share = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    pool_label = models.CharField(max_length=120, blank=True)
    split_by = models.CharField(max_length=16, choices=SplitBy.choices)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last person on it accepted"
    )

    class Meta:
        ordering = ["project_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="uniq_agreement_version"),
            models.CheckConstraint(
                condition=Q(coordinator_share__gte=0)
                & Q(pool_share__gte=0)
                & Q(coordinator_share__lte=100)
                & Q(pool_share__lte=100),
                name="agreement_shares_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version} of {self.project_id}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class HourBudget(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="budgets")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["agreement_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "user"], name="uniq_hour_budget"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="hour_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h for {self.user_id} in {self.agreement_id}"


class AgreementAcceptance(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["accepted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "user"], name="uniq_agreement_acceptance")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.agreement_id}"


class TaskStatus(models.TextChoices):
    BACKLOG = "backlog", "Backlog"
    DOING = "doing", "Doing"
    DONE = "done", "Done"


class Task(TimeStamped):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.BACKLOG)
    assignee = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project_id", "status", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class PostKind(models.TextChoices):
    MESSAGE = "message", "Message"
    DECISION = "decision", "Decision"


class ProjectPost(models.Model):
    """The team's discussion thread; a `decision` post is also an entry of the decision log."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.MESSAGE)
    body = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} in {self.project_id}"


class TimeEntryStatus(models.TextChoices):
    APPROVED = "approved", "Counted"
    PENDING = "pending", "Beyond budget, waiting for the coordinator"
    DECLINED = "declined", "Declined by the coordinator"


class TimeEntry(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="time_entries")
    date = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    note = models.CharField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=TimeEntryStatus.choices, default=TimeEntryStatus.APPROVED
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The accepted agreement in force when the time was logged",
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "date", "id"]
        indexes = [models.Index(fields=["project", "user", "status"], name="time_entry_member")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="time_entry_hours_in_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hours} h by {self.user_id} on {self.date}"


class ClientPayment(models.Model):
    """Money the client paid for the project (possibly one of several partial payments)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=3)
    currency = models.CharField(max_length=3)
    received_at = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "received_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="client_payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.received_at}"
