"""JSON API for accounts, profiles, personal access tokens and organisations (thin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.params import P, PathEx, QueryEx
from pydantic import StringConstraints, field_validator
from pydantic.json_schema import SkipJsonSchema

from coshore.core.api import ErrorOut
from coshore.core.cursor import decode_cursor, encode_cursor
from coshore.core.errors import Invalid

from . import selectors, services
from .auth import AUTH_OPTIONAL, AUTH_REQUIRED
from .errors import StaffRequired
from .models import AccessToken, Organisation, OrganisationMember, Profile, User

router = Router()

MAX_ID = 2**63 - 1
ShortStr = Annotated[str, StringConstraints(max_length=500)]
Text20 = Annotated[str, StringConstraints(max_length=20)]
Text100 = Annotated[str, StringConstraints(max_length=100)]
Text200 = Annotated[str, StringConstraints(max_length=200)]
Text1000 = Annotated[str, StringConstraints(max_length=1000)]
Text20000 = Annotated[str, StringConstraints(max_length=20000)]
ERRORS_4XX: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


# --- schemas ------------------------------------------------------------------------------


class TokenExchangeIn(Schema):
    email: str = Field(..., max_length=254)
    password: str = Field(..., max_length=4096)
    name: Text100 | None = None


class TokenCreatedOut(Schema):
    token: str
    id: int
    name: str
    prefix: str


class TokenIn(Schema):
    name: str = Field(..., max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class UserIn(Schema):
    email: str = Field(..., max_length=254)
    password: str = Field(..., max_length=4096)
    display_name: str = Field("", max_length=120)
    is_staff: bool = False


class UserOut(Schema):
    id: int
    email: str
    display_name: str
    is_staff: bool
    email_verified: bool


class SkillRefOut(Schema):
    uri: str
    label: str


class AccountSpaceRefOut(Schema):
    slug: str
    name: str


class ProfileOut(Schema):
    user_id: int
    display_name: str
    headline: str
    bio: str
    skills: list[SkillRefOut]
    occupation: SkillRefOut | None
    languages: list[str]
    timezone: str
    home_space: AccountSpaceRefOut | None
    links: list[str]


class MyProfileOut(ProfileOut):
    visibility: str
    scouting_opt_in: bool


class SpaceRoleOut(Schema):
    slug: str
    name: str
    role: str


class AccountNetworkRefOut(Schema):
    slug: str
    name: str


class OrganisationRoleOut(Schema):
    slug: str
    name: str
    role: str


class RolesOut(Schema):
    staff: bool
    spaces: list[SpaceRoleOut]
    networks_operated: list[AccountNetworkRefOut]
    organisations: list[OrganisationRoleOut]


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    email_verified: bool
    profile: MyProfileOut
    roles: RolesOut


class ProfilePatchIn(Schema):
    """Only the fields sent change. `occupation` and `home_space` take null to clear; the other
    fields refuse null."""

    # `SkipJsonSchema[None]` keeps "absent" expressible without advertising null as valid.
    # Length limits sit inside the non-null member so an explicit null never reaches them.
    display_name: Text1000 | SkipJsonSchema[None] = None
    headline: Text1000 | SkipJsonSchema[None] = None
    bio: Text20000 | SkipJsonSchema[None] = None
    skills: Annotated[list[ShortStr], Field(max_length=500)] | SkipJsonSchema[None] = Field(
        None, description="ESCO skill URIs"
    )
    occupation: ShortStr | None = Field(None, description="ESCO occupation URI; null clears")
    languages: Annotated[list[Text20], Field(max_length=200)] | SkipJsonSchema[None] = Field(
        None, description="ISO 639-1 codes"
    )
    timezone: Text100 | SkipJsonSchema[None] = Field(
        None, description="IANA name, e.g. Europe/Madrid"
    )
    home_space: Text200 | None = Field(None, description="slug of one of your spaces; null clears")
    links: Annotated[list[ShortStr], Field(max_length=100)] | SkipJsonSchema[None] = Field(
        None, description="http(s) URLs, at most 10"
    )
    visibility: Text20 | SkipJsonSchema[None] = Field(
        None, description="private, space, network or public"
    )
    scouting_opt_in: bool | SkipJsonSchema[None] = None

    @field_validator(
        "display_name",
        "headline",
        "bio",
        "skills",
        "languages",
        "timezone",
        "links",
        "visibility",
        "scouting_opt_in",
    )
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


class ProfilePageOut(Schema):
    items: list[ProfileOut]
    next: str | None


class OrganisationIn(Schema):
    name: str = Field(..., max_length=1000)
    kind: str = Field(..., max_length=40, description="firm, public_body or association")
    website: str = Field("", max_length=1000)
    description: str = Field("", max_length=20000)
    city: str = Field("", max_length=1000)
    country: str = Field("", max_length=10, description="ISO 3166-1 alpha-2")


class OrganisationPersonOut(Schema):
    user_id: int
    display_name: str
    role: str
    joined_at: datetime


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    website: str
    description: str
    city: str
    country: str
    people: list[OrganisationPersonOut] | None = Field(
        description="Only for the organisation's people and staff; null for everyone else."
    )


class OrganisationMemberIn(Schema):
    email: str = Field(..., max_length=254)
    role: str = Field("member", max_length=20, description="admin or member")


# --- shaping ------------------------------------------------------------------------------


def _profile_out(profile: Profile, *, own: bool = False) -> dict[str, Any]:
    user = profile.user
    out: dict[str, Any] = {
        "user_id": user.pk,
        "display_name": public_name(user),
        "headline": profile.headline,
        "bio": profile.bio,
        "skills": [{"uri": s.uri, "label": s.preferred_label} for s in profile.skills.all()],
        "occupation": (
            {"uri": profile.occupation.uri, "label": profile.occupation.preferred_label}
            if profile.occupation
            else None
        ),
        "languages": list(profile.languages or []),
        "timezone": profile.timezone,
        "home_space": (
            {"slug": profile.home_space.slug, "name": profile.home_space.name}
            if profile.home_space
            else None
        ),
        "links": list(profile.links or []),
    }
    if own:
        out["visibility"] = profile.visibility
        out["scouting_opt_in"] = profile.scouting_opt_in
    return out


def _me_out(user: User) -> dict[str, Any]:
    services.ensure_profile(user=user)
    roles = selectors.get_roles_of_user(user)
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "email_verified": user.is_verified,
        "profile": _profile_out(selectors.get_own_profile(user), own=True),
        "roles": {
            "staff": roles.is_staff,
            "spaces": [
                {"slug": r.space.slug, "name": r.space.name, "role": r.role} for r in roles.spaces
            ],
            "networks_operated": [
                {"slug": n.slug, "name": n.name} for n in roles.networks_operated
            ],
            "organisations": [
                {"slug": o.organisation.slug, "name": o.organisation.name, "role": o.role}
                for o in roles.organisations
            ],
        },
    }


def _token_out(token: AccessToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


def _issued_out(issued: services.IssuedToken) -> dict[str, Any]:
    token = issued.token
    return {"token": issued.plaintext, "id": token.pk, "name": token.name, "prefix": token.prefix}


def _person_out(member: OrganisationMember) -> dict[str, Any]:
    return {
        "user_id": member.user_id,
        "display_name": public_name(member.user),
        "role": member.role,
        "joined_at": member.joined_at,
    }


def _organisation_out(organisation: Organisation, viewer: Any) -> dict[str, Any]:
    people = selectors.list_organisation_people(viewer=viewer, organisation=organisation)
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "website": organisation.website,
        "description": organisation.description,
        "city": organisation.city,
        "country": organisation.country,
        "people": None if people is None else [_person_out(m) for m in people],
    }


def _cursor_after(cursor: str) -> int:
    after = decode_cursor(cursor, keys=("after",))["after"]
    if not isinstance(after, int) or isinstance(after, bool):
        raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor")
    return after


def public_name(user: User) -> str:
    """The name shown to others: never derived from the email address."""
    return user.display_name or f"Member {user.pk}"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- endpoints ----------------------------------------------------------------------------


@router.post(
    "/auth/tokens",
    auth=None,
    response={201: TokenCreatedOut, **ERRORS_4XX},
    tags=["auth"],
    summary="Exchange email and password for a personal access token",
)
def exchange_token(request: HttpRequest, payload: TokenExchangeIn) -> Status[dict[str, Any]]:
    """The token is shown once. Failed attempts are throttled per account (429 `auth.throttled`
    with `detail.retry_after` seconds)."""
    issued = services.exchange_password_for_token(
        email=payload.email, password=payload.password, name=payload.name or "API token"
    )
    return Status(201, _issued_out(issued))


@router.get("/me", auth=AUTH_REQUIRED, response={200: MeOut, **ERRORS_4XX}, tags=["me"])
def me(request: HttpRequest) -> dict[str, Any]:
    """The caller's account, own profile (with its visibility) and roles."""
    return _me_out(_user(request))


@router.patch("/me/profile", auth=AUTH_REQUIRED, response={200: MeOut, **ERRORS_4XX}, tags=["me"])
def update_my_profile(request: HttpRequest, payload: ProfilePatchIn) -> dict[str, Any]:
    user = _user(request)
    sent = payload.model_dump(exclude_unset=True)
    renamed = {
        "skills": "skill_uris",
        "occupation": "occupation_uri",
        "timezone": "timezone_name",
        "home_space": "home_space_slug",
    }
    # Explicit nulls reach here only for the clearable fields; the schema refuses the others.
    changes = {renamed.get(field, field): value for field, value in sent.items()}
    services.update_profile(actor=user, user=user, **changes)
    user.refresh_from_db()
    return _me_out(user)


@router.get(
    "/me/tokens", auth=AUTH_REQUIRED, response={200: list[TokenOut], **ERRORS_4XX}, tags=["me"]
)
def my_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    """Active tokens (never their secret)."""
    return [_token_out(t) for t in selectors.list_tokens_of_user(_user(request))]


@router.post(
    "/me/tokens",
    auth=AUTH_REQUIRED,
    response={201: TokenCreatedOut, **ERRORS_4XX},
    tags=["me"],
)
def create_my_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    issued = services.create_token(user=_user(request), name=payload.name, via="api")
    return Status(201, _issued_out(issued))


@router.delete(
    "/me/tokens/{token_id}",
    auth=AUTH_REQUIRED,
    response={204: None, **ERRORS_4XX},
    tags=["me"],
)
def revoke_my_token(
    request: HttpRequest, token_id: PathEx[int, P(ge=1, le=MAX_ID)]
) -> Status[None]:
    """Someone else's token, or one already revoked, is 404 `token.not_found`."""
    user = _user(request)
    token = selectors.get_token_for_user(user=user, token_id=token_id)
    services.revoke_token(actor=user, token=token)
    return Status(204, None)


@router.post("/users", auth=AUTH_REQUIRED, response={201: UserOut, **ERRORS_4XX}, tags=["accounts"])
def create_user(request: HttpRequest, payload: UserIn) -> Status[dict[str, Any]]:
    """Staff only: a verified account (403 `auth.staff_required`, 409 `accounts.email_taken`)."""
    actor = _user(request)
    if not actor.is_staff:
        raise StaffRequired("Only staff can create accounts.")
    user = services.create_user(
        actor=actor,
        email=payload.email,
        password=payload.password,
        display_name=payload.display_name,
        is_staff=payload.is_staff,
    )
    return Status(
        201,
        {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "is_staff": user.is_staff,
            "email_verified": user.is_verified,
        },
    )


@router.get(
    "/profiles",
    auth=AUTH_OPTIONAL,
    response={200: ProfilePageOut, **ERRORS_4XX},
    tags=["profiles"],
)
def list_profiles(
    request: HttpRequest,
    space: QueryEx[str | None, P(max_length=120, description="space slug")] = None,
    skill: QueryEx[str | None, P(max_length=255, description="ESCO skill URI")] = None,
    q: QueryEx[str | None, P(max_length=200, description="in name or headline")] = None,
    limit: QueryEx[int, P(ge=1, le=200)] = 50,
    cursor: QueryEx[str | None, P(max_length=1000)] = None,
) -> dict[str, Any]:
    """Profiles the caller may see, by account id, `limit` at a time; `next` is the cursor of
    the following page or null."""
    qs = selectors.list_profiles(viewer=request.user, space_slug=space, skill_uri=skill, q=q or "")
    if cursor:
        qs = qs.filter(user_id__gt=_cursor_after(cursor))
    page = list(qs[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {
        "items": [_profile_out(p) for p in page],
        "next": encode_cursor({"after": page[-1].user_id}) if more else None,
    }


@router.get(
    "/profiles/{user_id}",
    auth=AUTH_OPTIONAL,
    response={200: ProfileOut, **ERRORS_4XX},
    tags=["profiles"],
)
def get_profile(request: HttpRequest, user_id: PathEx[int, P(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    """404 `profile.not_found` both when there is no such person and when the profile is not
    visible to the caller."""
    return _profile_out(selectors.get_profile_for_user(viewer=request.user, user_id=user_id))


@router.post(
    "/organisations",
    auth=AUTH_REQUIRED,
    response={201: OrganisationOut, **ERRORS_4XX},
    tags=["organisations"],
)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[dict[str, Any]]:
    """The caller becomes the organisation's first admin."""
    user = _user(request)
    organisation = services.create_organisation(actor=user, **payload.model_dump())
    return Status(201, _organisation_out(organisation, user))


@router.get(
    "/organisations/{slug}",
    auth=AUTH_OPTIONAL,
    response={200: OrganisationOut, **ERRORS_4XX},
    tags=["organisations"],
)
def get_organisation(request: HttpRequest, slug: PathEx[str, P(max_length=80)]) -> dict[str, Any]:
    organisation = selectors.get_organisation_for_user(viewer=request.user, slug=slug)
    return _organisation_out(organisation, request.user)


@router.get(
    "/organisations/{slug}/talent",
    auth=AUTH_REQUIRED,
    response={200: ProfilePageOut, **ERRORS_4XX},
    tags=["organisations"],
)
def search_talent(
    request: HttpRequest,
    slug: PathEx[str, P(max_length=80)],
    skill: QueryEx[str | None, P(max_length=255, description="ESCO skill URI")] = None,
    space: QueryEx[str | None, P(max_length=120, description="space slug")] = None,
    city: QueryEx[str | None, P(max_length=120)] = None,
    q: QueryEx[str | None, P(max_length=200, description="in name or headline")] = None,
    limit: QueryEx[int, P(ge=1, le=200)] = 50,
    cursor: QueryEx[str | None, P(max_length=1000)] = None,
) -> dict[str, Any]:
    """For the organisation's people: members who opted in to scouting, by skill, space, city
    and name, `limit` at a time (403 `organisation.not_a_member` for anyone else)."""
    organisation = selectors.get_organisation_for_user(viewer=request.user, slug=slug)
    qs = selectors.search_talent(
        viewer=request.user,
        organisation=organisation,
        skill_uri=skill,
        space_slug=space,
        city=city or "",
        q=q or "",
    )
    if cursor:
        qs = qs.filter(user_id__gt=_cursor_after(cursor))
    page = list(qs[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {
        "items": [_profile_out(p) for p in page],
        "next": encode_cursor({"after": page[-1].user_id}) if more else None,
    }


@router.post(
    "/organisations/{slug}/members",
    auth=AUTH_REQUIRED,
    response={201: OrganisationPersonOut, **ERRORS_4XX},
    tags=["organisations"],
)
def add_organisation_member(
    request: HttpRequest, slug: PathEx[str, P(max_length=80)], payload: OrganisationMemberIn
) -> Status[dict[str, Any]]:
    """Organisation admins and staff add people by email (403 `organisation.admin_required`)."""
    user = _user(request)
    organisation = selectors.get_organisation_for_user(viewer=user, slug=slug)
    member = services.add_organisation_member(
        actor=user, organisation=organisation, email=payload.email, role=payload.role
    )
    return Status(201, _person_out(member))
