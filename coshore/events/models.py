"""Events, their hosts, occurrences edited one by one, registrations, and imported calendars.

An `Event` is a series: one occurrence, or many by an RFC 5545 RRULE from its first start
(`starts_at`, `ends_at`) in its `timezone`, minus `exdates`. An `Occurrence` row overrides
one occurrence of a series (its RECURRENCE-ID is `recurrence_id`, the original start): moved,
retitled or cancelled. Occurrences are computed (`recurrence.expand`), never stored one by one.

An occurrence is named by its event and original start: `occurrence_key` gives
"<event id>" for a single event and "<event id>-<YYYYMMDDTHHMMSSZ>" for a series.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from coshore.core.models import TimeStamped


class EventKind(models.TextChoices):
    TALK = "talk", "Talk"
    WORKSHOP = "workshop", "Workshop"
    HACKATHON = "hackathon", "Hackathon"
    PITCH = "pitch", "Pitch"
    MEETUP = "meetup", "Meetup"
    CONFERENCE = "conference", "Conference"
    OPEN_DAY = "open_day", "Open day"
    OTHER = "other", "Other"


class EventVisibility(models.TextChoices):
    SPACE = "space", "Members of the hosting spaces"
    NETWORK = "network", "Members of the hosts' networks"
    PUBLIC = "public", "Everyone"


class EventMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid"


class EventStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed (waiting for a manager)"
    PUBLISHED = "published", "Published"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class EventSource(models.TextChoices):
    COSHORE = "coshore", "Created here"
    ICAL = "ical", "Imported from a calendar"


class Event(TimeStamped):
    uid = models.CharField(max_length=255, help_text="iCalendar UID, kept across re-imports")
    # The host that owns the event: a space, or a network (then `space` is empty).
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    network = models.ForeignKey(
        "spaces.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    cohosts = models.ManyToManyField(
        "spaces.Space", blank=True, related_name="cohosted_events", through="EventCohost"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    kind = models.CharField(max_length=16, choices=EventKind.choices, default=EventKind.MEETUP)
    visibility = models.CharField(
        max_length=16, choices=EventVisibility.choices, default=EventVisibility.NETWORK
    )
    mode = models.CharField(max_length=16, choices=EventMode.choices, default=EventMode.IN_PERSON)
    online_url = models.URLField(blank=True, max_length=500, help_text="shown to registered people")
    location = models.CharField(max_length=300, blank=True, help_text="where, in words")
    room = models.ForeignKey(
        "bookings.Resource", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="empty: no limit")
    tags = models.JSONField(default=list, blank=True)
    skills = models.ManyToManyField("skills.Skill", blank=True, related_name="events")
    timezone = models.CharField(max_length=64, help_text="IANA zone the times are set in")
    starts_at = models.DateTimeField(help_text="first occurrence's start")
    ends_at = models.DateTimeField(help_text="first occurrence's end")
    all_day = models.BooleanField(default=False, help_text="dates only (in `timezone`)")
    rrule = models.CharField(max_length=500, blank=True, help_text="RFC 5545 RRULE value")
    exdates = models.JSONField(default=list, blank=True, help_text="excluded starts, ISO UTC")
    status = models.CharField(
        max_length=16, choices=EventStatus.choices, default=EventStatus.PUBLISHED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE")
    source = models.CharField(max_length=8, choices=EventSource.choices, default="coshore")
    calendar = models.ForeignKey(
        "ImportedCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    # When the last occurrence ends (overrides included): `recurrence.last_end`. Empty for a
    # series without end, or not computed yet: such a series is read for every window.
    last_ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["space", "starts_at"], name="event_space_start"),
            models.Index(fields=["network", "starts_at"], name="event_network_start"),
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(space__isnull=False) | Q(network__isnull=False),
                name="event_has_a_host",
            ),
            # One series per UID per owning host: a re-import updates it.
            models.UniqueConstraint(
                fields=["space", "uid"], condition=Q(space__isnull=False), name="event_space_uid"
            ),
            models.UniqueConstraint(
                fields=["network", "uid"],
                condition=Q(space__isnull=True),
                name="event_network_uid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)


class EventCohost(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cohost_links")
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "space"], name="event_cohost_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} co-hosted by {self.space_id}"


class Occurrence(models.Model):
    """One occurrence of a series edited on its own (RECURRENCE-ID): moved, retitled or
    cancelled. Blank fields keep the series' value."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="overrides")
    recurrence_id = models.DateTimeField(help_text="the occurrence's original start")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, max_length=10_000)
    location = models.CharField(max_length=300, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["event_id", "recurrence_id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recurrence_id"], name="occurrence_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="occurrence_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}@{self.recurrence_id:%Y-%m-%d %H:%M}"


class RoomHold(models.Model):
    """The booking that holds an event's room for one occurrence (through the booking
    service, so events and bookings never clash)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="room_holds")
    recurrence_id = models.DateTimeField()
    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, related_name="event_hold"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "recurrence_id"], name="room_hold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}@{self.recurrence_id:%Y-%m-%d %H:%M} → {self.booking_id}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    WAITLISTED = "waitlisted", "On the waitlist"
    CANCELLED = "cancelled", "Cancelled"


class Registration(models.Model):
    """A person's place at one occurrence. Waitlist order is strict arrival order: `id`
    (assigned under the event's lock)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    recurrence_id = models.DateTimeField(help_text="the occurrence's original start")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=16, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True, help_text="for the door's QR code")

    class Meta:
        ordering = ["event_id", "recurrence_id", "id"]
        indexes = [
            models.Index(fields=["event", "recurrence_id", "status"], name="registration_seat"),
            models.Index(fields=["user", "recurrence_id"], name="registration_user"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recurrence_id", "user"],
                condition=~Q(status="cancelled"),
                name="registration_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}@{self.recurrence_id:%Y-%m-%d} ({self.status})"


class ImportedCalendar(TimeStamped):
    """A space's existing calendar, imported from a file or a URL (re-import updates)."""

    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="imported_calendars"
    )
    name = models.CharField(max_length=200)
    url = models.URLField(blank=True, max_length=1000)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_imported_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["space_id", "name"]

    def __str__(self) -> str:
        return self.name


class EventFeedToken(models.Model):
    """The secret of a person's "my events" calendar feed URL (calendar apps cannot log in).
    Resetting makes a new secret; the old URL stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feed_token"
    )
    secret = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"events feed of {self.user_id}"
