"""Networks, spaces, their weekly hours, tags and the roles people hold in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coshore.core.models import TimeStamped

from .rules import decode_amenities, format_address


class Network(TimeStamped):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    website = models.URLField(blank=True)
    spaces: models.ManyToManyField[Space, NetworkSpace] = models.ManyToManyField(
        "Space", through="NetworkSpace", related_name="networks"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HoursStatus(models.TextChoices):
    KNOWN = "known", "Known weekly hours"
    UNKNOWN = "unknown", "Unknown"


class Space(TimeStamped):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10000)
    lat = models.FloatField()
    lon = models.FloatField()
    street = models.CharField(max_length=200, blank=True)
    housenumber = models.CharField(max_length=40, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    timezone = models.CharField(max_length=64)
    opening_hours = models.CharField(
        max_length=1000, blank=True, help_text="OpenStreetMap opening_hours syntax, as given"
    )
    opening_hours_normalized = models.CharField(max_length=1000, blank=True)
    hours_status = models.CharField(
        max_length=16, choices=HoursStatus.choices, default=HoursStatus.UNKNOWN
    )
    hours_note = models.CharField(max_length=300, blank=True)
    website = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=60, blank=True)
    brand = models.CharField(max_length=120, blank=True)
    source = models.CharField(max_length=16, default="manual")
    source_ref = models.CharField(max_length=64, null=True, blank=True, unique=True)
    osm_tags = models.JSONField(default=dict, blank=True)
    attribution = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    # Lower-cased name, city and description, for `q` search on both databases.
    search_text = models.TextField(blank=True)
    # Copies of the amenity tags and the weekly-hours rows in compact text (rules.encode_*), so
    # that a list page is one query. The rows stay the source of truth for filters.
    amenity_list = models.CharField(max_length=500, blank=True)
    weekly_hours = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["lat", "lon"], name="space_lat_lon"),
            models.Index(fields=["city"], name="space_city"),
            models.Index(fields=["country", "city"], name="space_country_city"),
            models.Index(fields=["timezone"], name="space_timezone"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__gte=-90) & Q(lat__lte=90) & Q(lon__gte=-180) & Q(lon__lte=180),
                name="space_coordinates_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def amenities(self) -> list[str]:
        return decode_amenities(self.amenity_list)

    @property
    def address(self) -> str:
        return format_address(
            housenumber=self.housenumber, street=self.street, postcode=self.postcode, city=self.city
        )


class SpaceHours(models.Model):
    """One open interval of a regular week, in the space's local time (minutes from 00:00)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday")
    opens = models.PositiveSmallIntegerField()
    closes = models.PositiveSmallIntegerField(help_text="exclusive; 1440 = midnight")

    class Meta:
        ordering = ["weekday", "opens"]
        indexes = [models.Index(fields=["weekday", "opens", "closes"], name="hours_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6) & Q(opens__lt=models.F("closes")) & Q(closes__lte=1440),
                name="hours_interval_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.space_id}: day {self.weekday} {self.opens}-{self.closes}"


class TagKind(models.TextChoices):
    AMENITY = "amenity", "Amenity"
    SPECIALTY = "specialty", "Specialty"


class SpaceTag(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=16, choices=TagKind.choices)
    value = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "kind", "value"], name="uniq_space_tag")
        ]
        indexes = [models.Index(fields=["kind", "value", "space"], name="tag_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class NetworkSpace(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="network_links")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "space"], name="uniq_network_space")
        ]

    def __str__(self) -> str:
        return f"{self.space_id} in {self.network_id}"


class SpaceRoleKind(models.TextChoices):
    MEMBER = "member", "Member"
    MANAGER = "manager", "Manager"


class SpaceRole(models.Model):
    """A person's standing in a space: member, or manager (who is also counted a member)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_roles"
    )
    role = models.CharField(max_length=16, choices=SpaceRoleKind.choices)
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "user", "role"], name="uniq_space_role")
        ]
        indexes = [models.Index(fields=["user", "role"], name="space_role_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.space_id}"


class NetworkRole(models.Model):
    """A network operator."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="operators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_roles"
    )
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="uniq_network_operator")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} operates {self.network_id}"
