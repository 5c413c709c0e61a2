"""Reads about people, profiles, tokens and organisations, already scoped to the viewer.

The profile gate, in domain words:

- you always see your own profile; staff see every profile;
- `public` profiles are seen by everyone, anonymous visitors included;
- `network` profiles are seen by people who share a network with the owner (through a space
  of each, or as its operator) and, since the wider circle contains the narrower one, by
  people who share a space with the owner;
- `space` profiles are seen by people who share a space with the owner (member or manager);
- `private` profiles are seen by nobody else;
- a profile that opted in to talent scouting is, in addition, seen by the people of any
  organisation, unless it is `private` (private always wins);
- profiles of deactivated accounts are seen by staff only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from coshore.skills.models import Occupation, Skill
from coshore.spaces.models import Network, NetworkRole, NetworkSpace, Space, SpaceRole
from coshore.spaces.selectors import network_ids_of_user, space_ids_of_user

from .errors import (
    InvalidProfile,
    OrganisationForbidden,
    OrganisationNotFound,
    ProfileNotFound,
    TokenNotFound,
    UserNotFound,
)
from .models import (
    AccessToken,
    Organisation,
    OrganisationMember,
    OrganisationRole,
    Profile,
    User,
    Visibility,
)

MAX_ID = 2**63 - 1


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _profile_gate(viewer: Any) -> Q | None:
    """The visibility rule as one filter on Profile; None means "everything" (staff)."""
    if not _authenticated(viewer):
        return Q(visibility=Visibility.PUBLIC, user__is_active=True)
    if viewer.is_staff:
        return None
    my_spaces = space_ids_of_user(viewer)
    my_networks = network_ids_of_user(viewer)
    shares_space = Q(
        Exists(SpaceRole.objects.filter(user_id=OuterRef("user_id"), space_id__in=my_spaces))
    )
    shares_network = Q(
        Exists(
            NetworkSpace.objects.filter(
                network_id__in=my_networks, space__roles__user_id=OuterRef("user_id")
            )
        )
    ) | Q(
        Exists(NetworkRole.objects.filter(user_id=OuterRef("user_id"), network_id__in=my_networks))
    )
    in_an_organisation = Q(Exists(OrganisationMember.objects.filter(user_id=viewer.pk)))
    audience = (
        Q(visibility=Visibility.PUBLIC)
        | (Q(visibility=Visibility.SPACE) & shares_space)
        | (Q(visibility=Visibility.NETWORK) & (shares_space | shares_network))
        | (Q(scouting_opt_in=True) & ~Q(visibility=Visibility.PRIVATE) & in_an_organisation)
    )
    return Q(user_id=viewer.pk) | (Q(user__is_active=True) & audience)


def list_profiles_visible_to(viewer: Any) -> QuerySet[Profile]:
    """Every profile `viewer` may see (one filter, evaluated by the database)."""
    gate = _profile_gate(viewer)
    qs = Profile.objects.all()
    return qs if gate is None else qs.filter(gate)


# --- The same gate in Python, for a caller that already holds the owners' facts ------------
# The matching of the wall reads a few hundred candidate profiles together with their owners'
# spaces and networks (which it needs for scoring): applying the rule to those facts costs
# nothing, where the gate in SQL costs a query whose planning alone takes about 3 ms at
# 400,000 members. `profile_visible` is tested equal to `list_profiles_visible_to`.


@dataclass(frozen=True)
class ProfileAudience:
    """A viewer as the profile gate sees them (`profile_audience`); anonymous: user_id None."""

    user_id: int | None = None
    is_staff: bool = False
    space_ids: frozenset[int] = frozenset()
    network_ids: frozenset[int] = frozenset()
    in_organisation: bool = False


@dataclass(frozen=True)
class ProfileFacts:
    """What the gate needs to know of a profile and its owner: their spaces (member or
    manager) and networks (those of their spaces, and those they operate)."""

    user_id: int
    visibility: str
    is_active: bool
    scouting_opt_in: bool
    space_ids: frozenset[int] = frozenset()
    network_ids: frozenset[int] = frozenset()


def profile_audience(viewer: Any) -> ProfileAudience:
    """The viewer's spaces, networks (as `network_ids_of_user`) and whether they are in an
    organisation, in one query."""
    if not _authenticated(viewer):
        return ProfileAudience()
    if viewer.is_staff:
        return ProfileAudience(user_id=viewer.pk, is_staff=True)
    mine = SpaceRole.objects.filter(user_id=viewer.pk)
    rows = (
        mine.annotate(kind=Value("s"))
        .values_list("kind", "space_id")
        .union(
            NetworkSpace.objects.filter(space_id__in=mine.values("space_id"))
            .annotate(kind=Value("n"))
            .values_list("kind", "network_id"),
            NetworkRole.objects.filter(user_id=viewer.pk)
            .annotate(kind=Value("n"))
            .values_list("kind", "network_id"),
            OrganisationMember.objects.filter(user_id=viewer.pk)
            .annotate(kind=Value("o"))
            .values_list("kind", "organisation_id"),
            all=True,
        )
    )
    found: dict[str, set[int]] = {"s": set(), "n": set(), "o": set()}
    for kind, pk in rows:
        found[kind].add(pk)
    return ProfileAudience(
        user_id=viewer.pk,
        space_ids=frozenset(found["s"]),
        network_ids=frozenset(found["n"]),
        in_organisation=bool(found["o"]),
    )


def profile_visible(audience: ProfileAudience, facts: ProfileFacts) -> bool:
    """Whether the viewer behind `audience` may see the profile of `facts`: the rule of
    `list_profiles_visible_to`, in Python."""
    if audience.user_id is None:
        return facts.visibility == Visibility.PUBLIC and facts.is_active
    if audience.is_staff or facts.user_id == audience.user_id:
        return True
    if not facts.is_active:
        return False
    if facts.visibility == Visibility.PUBLIC:
        return True
    shares_space = not audience.space_ids.isdisjoint(facts.space_ids)
    if facts.visibility == Visibility.SPACE and shares_space:
        return True
    if facts.visibility == Visibility.NETWORK and (
        shares_space or not audience.network_ids.isdisjoint(facts.network_ids)
    ):
        return True
    return (
        facts.scouting_opt_in
        and facts.visibility != Visibility.PRIVATE
        and audience.in_organisation
    )


def networks_operated_by(user_ids: Any) -> dict[int, set[int]]:
    """The networks each of `user_ids` operates (one query; people who operate none are
    absent)."""
    out: dict[int, set[int]] = {}
    ids = list(user_ids)
    if ids:
        for user_id, network_id in NetworkRole.objects.filter(user_id__any=ids).values_list(
            "user_id", "network_id"
        ):
            out.setdefault(user_id, set()).add(network_id)
    return out


def can_see_profile(viewer: Any, profile: Profile) -> bool:
    return list_profiles_visible_to(viewer).filter(pk=profile.pk).exists()


def _with_details(qs: QuerySet[Profile]) -> QuerySet[Profile]:
    return qs.select_related("user", "occupation", "home_space").prefetch_related("skills")


def get_profile_for_user(*, viewer: Any, user_id: int) -> Profile:
    """The profile of `user_id` if `viewer` may see it; missing and hidden are both not-found."""
    if not 1 <= user_id <= MAX_ID:
        raise ProfileNotFound("No such profile.")
    try:
        return _with_details(list_profiles_visible_to(viewer)).get(user_id=user_id)
    except Profile.DoesNotExist as exc:
        raise ProfileNotFound("No such profile.") from exc


def get_own_profile(user: User) -> Profile:
    return _with_details(Profile.objects.all()).get(user_id=user.pk)


def list_profiles(
    *,
    viewer: Any,
    space_slug: str | None = None,
    skill_uri: str | None = None,
    q: str = "",
) -> QuerySet[Profile]:
    """Visible profiles of the people of a space, with an ESCO skill, or whose name or headline
    contains `q`; in a stable order (by account id) for keyset pagination. An unknown space or
    skill is an error, not an empty list."""
    qs = list_profiles_visible_to(viewer)
    if space_slug:
        space = Space.objects.filter(slug=space_slug[:120]).first()
        if space is None:
            raise InvalidProfile(
                "There is no space with this slug.",
                code="profile.unknown_space",
                detail={"field": "space"},
            )
        qs = qs.filter(
            Exists(SpaceRole.objects.filter(user_id=OuterRef("user_id"), space_id=space.pk))
        )
    if skill_uri:
        skill = Skill.objects.filter(uri=skill_uri[:255]).first()
        if skill is None:
            raise InvalidProfile(
                "This skill is not in the ESCO taxonomy.",
                code="profile.unknown_skill",
                detail={"field": "skill"},
            )
        qs = qs.filter(
            Exists(
                Profile.skills.through.objects.filter(profile_id=OuterRef("pk"), skill_id=skill.pk)
            )
        )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(user__display_name__icontains=q) | Q(headline__icontains=q))
    return _with_details(qs).order_by("user_id")


@dataclass(frozen=True)
class SpaceRoleView:
    space: Space
    role: str


@dataclass(frozen=True)
class OrganisationRoleView:
    organisation: Organisation
    role: str


@dataclass(frozen=True)
class Roles:
    is_staff: bool
    spaces: list[SpaceRoleView]
    networks_operated: list[Network]
    organisations: list[OrganisationRoleView]


def get_roles_of_user(user: User) -> Roles:
    """What `user` is where: space roles, networks operated, organisations."""
    space_roles = SpaceRole.objects.filter(user_id=user.pk).select_related("space")
    org_roles = OrganisationMember.objects.filter(user_id=user.pk).select_related("organisation")
    return Roles(
        is_staff=user.is_staff,
        spaces=[
            SpaceRoleView(space=r.space, role=r.role)
            for r in space_roles.order_by("space__name", "role")
        ],
        networks_operated=list(Network.objects.filter(operators__user_id=user.pk)),
        organisations=[
            OrganisationRoleView(organisation=m.organisation, role=m.role)
            for m in org_roles.order_by("organisation__name")
        ],
    )


def list_home_space_choices(user: User) -> QuerySet[Space]:
    """Spaces `user` may name as home space: those where they are a member or manager."""
    return Space.objects.filter(pk__in=space_ids_of_user(user)).order_by("name")


def list_tokens_of_user(user: User) -> QuerySet[AccessToken]:
    """The user's active (not revoked) personal access tokens, newest first."""
    return AccessToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )


def get_token_for_user(*, user: User, token_id: int) -> AccessToken:
    """One of the user's active tokens; someone else's or a revoked one is not-found."""
    if not 1 <= token_id <= MAX_ID:
        raise TokenNotFound("No such token.")
    try:
        return list_tokens_of_user(user).get(pk=token_id)
    except AccessToken.DoesNotExist as exc:
        raise TokenNotFound("No such token.") from exc


def get_user_by_email(email: str) -> User:
    try:
        return User.objects.get(email__iexact=email.strip())
    except User.DoesNotExist as exc:
        raise UserNotFound("No account with this email.") from exc


def get_organisation_for_user(*, viewer: Any, slug: str) -> Organisation:
    """Organisations are public (they post needs and sponsor events); their people are not."""
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise OrganisationNotFound("No such organisation.") from exc


def list_organisations(*, viewer: Any) -> QuerySet[Organisation]:
    """Every organisation, by name: organisations are public, their people are not."""
    return Organisation.objects.order_by("name", "pk")


def is_organisation_person(user: Any, organisation: Organisation) -> bool:
    return _authenticated(user) and (
        OrganisationMember.objects.filter(user_id=user.pk, organisation_id=organisation.pk).exists()
    )


def is_organisation_admin(user: Any, organisation: Organisation) -> bool:
    return _authenticated(user) and (
        OrganisationMember.objects.filter(
            user_id=user.pk, organisation_id=organisation.pk, role=OrganisationRole.ADMIN
        ).exists()
    )


def can_manage_organisation(user: Any, organisation: Organisation) -> bool:
    """Staff and the organisation's admins add people."""
    return _authenticated(user) and (user.is_staff or is_organisation_admin(user, organisation))


def list_organisation_people(
    *, viewer: Any, organisation: Organisation
) -> QuerySet[OrganisationMember] | None:
    """The organisation's people for its own people and staff; None for everyone else."""
    if not _authenticated(viewer):
        return None
    if not (viewer.is_staff or is_organisation_person(viewer, organisation)):
        return None
    return (
        OrganisationMember.objects.filter(organisation_id=organisation.pk)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )


def find_occupation(text: str) -> Occupation | None:
    """The ESCO occupation named by its URI or, case-insensitively, its preferred label."""
    text = " ".join((text or "").split())[:255]
    if not text:
        return None
    found = Occupation.objects.filter(uri=text).first()
    if found is None:
        found = Occupation.objects.filter(preferred_label__iexact=text).order_by("pk").first()
    return found


def search_talent(
    *,
    viewer: Any,
    organisation: Organisation,
    skill_uri: str | None = None,
    space_slug: str | None = None,
    city: str = "",
    q: str = "",
) -> QuerySet[Profile]:
    """Members who opted in to scouting (and are not private), for the people of
    `organisation` (and staff): by ESCO skill, space, city (of their home space or any of their
    spaces) and name or headline; in a stable order for keyset pagination."""
    if not _authenticated(viewer) or not (
        viewer.is_staff or is_organisation_person(viewer, organisation)
    ):
        raise OrganisationForbidden("Only the organisation's people scout talent for it.")
    qs = (
        list_profiles(viewer=viewer, space_slug=space_slug, skill_uri=skill_uri, q=q)
        .filter(scouting_opt_in=True, user__is_active=True)
        .exclude(visibility=Visibility.PRIVATE)
    )
    city = (city or "").strip()[:120]
    if city:
        qs = qs.filter(
            Q(home_space__city__iexact=city)
            | Q(
                Exists(
                    SpaceRole.objects.filter(user_id=OuterRef("user_id"), space__city__iexact=city)
                )
            )
        )
    return qs
