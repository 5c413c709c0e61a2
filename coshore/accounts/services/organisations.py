"""Organisations (firms, public bodies, associations) and their people."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from coshore.activity.services import record_activity
from coshore.core.text import unique_slug

from ..errors import (
    AlreadyOrganisationMember,
    InvalidOrganisation,
    OrganisationAdminRequired,
    UserNotFound,
)
from ..models import Organisation, OrganisationKind, OrganisationMember, OrganisationRole, User
from ..selectors import can_manage_organisation
from ._shared import _url_validator


def _clean_organisation(
    *, name: str, kind: str, website: str, description: str, city: str, country: str
) -> dict[str, str]:
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise InvalidOrganisation(
            "Give the organisation a name of 1 to 200 characters.",
            code="organisation.invalid_name",
            detail={"field": "name"},
        )
    if kind not in OrganisationKind.values:
        raise InvalidOrganisation(
            "Kind is one of firm, public_body or association.",
            code="organisation.invalid_kind",
            detail={"field": "kind"},
        )
    website = (website or "").strip()
    if website:
        try:
            if len(website) > 200:
                raise ValidationError("too long")
            _url_validator(website)
        except ValidationError as exc:
            raise InvalidOrganisation(
                "The website must be an http:// or https:// address.",
                code="organisation.invalid_website",
                detail={"field": "website"},
            ) from exc
    description = (description or "").strip()
    if len(description) > 5000:
        raise InvalidOrganisation(
            "Use at most 5000 characters.",
            code="organisation.too_long",
            detail={"field": "description"},
        )
    city = " ".join((city or "").split())
    if len(city) > 120:
        raise InvalidOrganisation(
            "Use at most 120 characters.", code="organisation.too_long", detail={"field": "city"}
        )
    country = (country or "").strip().upper()
    if country and (len(country) != 2 or not country.isalpha() or not country.isascii()):
        raise InvalidOrganisation(
            "Country is an ISO 3166-1 alpha-2 code such as ES.",
            code="organisation.invalid_country",
            detail={"field": "country"},
        )
    return {
        "name": name,
        "kind": kind,
        "website": website,
        "description": description,
        "city": city,
        "country": country,
    }


def create_organisation(
    *,
    actor: User,
    name: str,
    kind: str,
    website: str = "",
    description: str = "",
    city: str = "",
    country: str = "",
) -> Organisation:
    """Register an organisation (firm, public body or association). Its creator becomes its
    first admin."""
    fields = _clean_organisation(
        name=name, kind=kind, website=website, description=description, city=city, country=country
    )
    with transaction.atomic():
        organisation = Organisation.objects.create(
            slug=unique_slug(Organisation, fields["name"]), **fields
        )
        OrganisationMember.objects.create(
            organisation=organisation, user=actor, role=OrganisationRole.ADMIN
        )
        record_activity(
            actor=actor,
            verb="organisation.created",
            target=organisation,
            metadata={"kind": organisation.kind},
        )
    return organisation


def add_organisation_member(
    *, actor: User, organisation: Organisation, email: str, role: str = OrganisationRole.MEMBER
) -> OrganisationMember:
    """Add the account with this email to the organisation's people. Only the organisation's
    admins (and staff) add people; a person is added once."""
    if not can_manage_organisation(actor, organisation):
        raise OrganisationAdminRequired("Only the organisation's admins can add people.")
    if role not in OrganisationRole.values:
        raise InvalidOrganisation(
            "Role is admin or member.", code="organisation.invalid_role", detail={"field": "role"}
        )
    key = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=key, is_active=True).first() if key else None
    if user is None:
        raise UserNotFound("No account with this email.", detail={"field": "email"})
    with transaction.atomic():
        if OrganisationMember.objects.filter(organisation=organisation, user=user).exists():
            raise AlreadyOrganisationMember(
                "This person already belongs to the organisation.", detail={"field": "email"}
            )
        try:
            with transaction.atomic():
                member = OrganisationMember.objects.create(
                    organisation=organisation, user=user, role=role
                )
        except IntegrityError as exc:
            raise AlreadyOrganisationMember(
                "This person already belongs to the organisation.", detail={"field": "email"}
            ) from exc
        record_activity(
            actor=actor,
            verb="organisation.member_added",
            target=organisation,
            metadata={"user_id": user.pk, "role": role},
        )
    return member
