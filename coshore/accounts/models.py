"""Users, profiles, organisations, personal access tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from coshore.core.models import TimeStamped


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).strip().lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        # Every account has a profile; creating it here covers services, commands and fixtures.
        Profile.objects.using(self._db).create(user=user)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified_at", timezone.now())
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True, max_length=254)
    display_name = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="uniq_user_email_ci",
                violation_error_message="An account with this email already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    SPACE = "space", "Members of my spaces"
    NETWORK = "network", "Members of my networks"
    PUBLIC = "public", "Everyone"


class Profile(TimeStamped):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    headline = models.CharField(max_length=160, blank=True)
    bio = models.TextField(blank=True, max_length=5000)
    skills = models.ManyToManyField("skills.Skill", blank=True, related_name="profiles")
    occupation = models.ForeignKey(
        "skills.Occupation", null=True, blank=True, on_delete=models.SET_NULL
    )
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes")
    timezone = models.CharField(max_length=64, blank=True)
    home_space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    links = models.JSONField(default=list, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.SPACE, db_index=True
    )
    scouting_opt_in = models.BooleanField(
        default=False, help_text="Visible to organisations for talent scouting"
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class OrganisationKind(models.TextChoices):
    FIRM = "firm", "Firm"
    PUBLIC_BODY = "public_body", "Public body"
    ASSOCIATION = "association", "Association"


class Organisation(TimeStamped):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=OrganisationKind.choices)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True, max_length=5000)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationRole(models.TextChoices):
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


class OrganisationMember(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisation_roles")
    role = models.CharField(
        max_length=16, choices=OrganisationRole.choices, default=OrganisationRole.MEMBER
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="uniq_org_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"


class AccessToken(models.Model):
    """A personal access token. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuthFailure(models.Model):
    """A failed credential check, counted per account for throttling."""

    email = models.CharField(max_length=254, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["email", "at"], name="authfailure_email_at")]

    def __str__(self) -> str:
        return f"{self.email} at {self.at:%Y-%m-%d %H:%M:%S}"
