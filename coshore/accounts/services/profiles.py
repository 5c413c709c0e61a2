"""Profiles: what people tell about themselves and who may see it."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from coshore.activity.services import record_activity
from coshore.skills.models import Occupation, Skill
from coshore.spaces.models import Space
from coshore.spaces.selectors import space_ids_of_user

from ..errors import InvalidDisplayName, InvalidProfile, StaffRequired
from ..languages import LANGUAGES
from ..models import Profile, User, Visibility
from ._shared import (
    BIO_MAX,
    HEADLINE_MAX,
    MAX_LANGUAGES,
    MAX_LINK_LENGTH,
    MAX_LINKS,
    MAX_SKILLS,
    UNSET,
    _clean_display_name,
    _Unset,
    _url_validator,
)


def ensure_profile(*, user: User) -> Profile:
    """Every account has a profile. Accounts made outside the services (a raw `create`, an
    old fixture) get their empty default one here; this repairs an invariant and is not an
    activity."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def timezone_choices() -> list[str]:
    return sorted(_timezones())


def _profile_error(message: str, *, code: str, field: str, **detail: Any) -> InvalidProfile:
    return InvalidProfile(message, code=code, detail={"field": field, **detail})


def _check_length(value: str, *, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise _profile_error(
            f"Use at most {max_length} characters.",
            code="profile.too_long",
            field=field,
            max_length=max_length,
        )
    return value


def _resolve_skills(uris: list[str]) -> list[Skill]:
    unique = list(dict.fromkeys(u.strip() for u in uris if u and u.strip()))
    if len(unique) > MAX_SKILLS:
        raise _profile_error(
            f"List at most {MAX_SKILLS} skills.",
            code="profile.too_many_skills",
            field="skills",
            max=MAX_SKILLS,
        )
    too_long = [u for u in unique if len(u) > 255]
    found = {s.uri: s for s in Skill.objects.filter(uri__in=[u for u in unique if len(u) <= 255])}
    unknown = too_long + [u for u in unique if u not in found and u not in too_long]
    if unknown:
        raise _profile_error(
            "Some skills are not in the ESCO taxonomy.",
            code="profile.unknown_skill",
            field="skills",
            uris=[u[:255] for u in unknown[:20]],
        )
    return [found[u] for u in unique]


def _resolve_occupation(uri: str | None) -> Occupation | None:
    if uri is None or not uri.strip():
        return None
    occupation = Occupation.objects.filter(uri=uri.strip()[:255]).first()
    if occupation is None:
        raise _profile_error(
            "This occupation is not in the ESCO taxonomy.",
            code="profile.unknown_occupation",
            field="occupation",
            uri=uri[:255],
        )
    return occupation


def _clean_languages(codes: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys((c or "").strip().lower() for c in codes))
    unknown = [c for c in cleaned if c not in LANGUAGES]
    if unknown:
        raise _profile_error(
            "Use ISO 639-1 language codes such as en, fr or ca.",
            code="profile.invalid_language",
            field="languages",
            codes=[c[:10] for c in unknown[:20]],
        )
    if len(cleaned) > MAX_LANGUAGES:
        raise _profile_error(
            f"List at most {MAX_LANGUAGES} languages.",
            code="profile.too_many_languages",
            field="languages",
            max=MAX_LANGUAGES,
        )
    return cleaned


def _clean_timezone(name: str) -> str:
    name = (name or "").strip()
    if name and name not in _timezones():
        raise _profile_error(
            "Choose a timezone from the IANA list, such as Europe/Madrid.",
            code="profile.invalid_timezone",
            field="timezone",
        )
    return name


def _resolve_home_space(user: User, slug: str | None, current: Space | None) -> Space | None:
    if slug is None or not slug.strip():
        return None
    if current is not None and current.slug == slug.strip():
        return current  # keeping it is no change, even after leaving the space
    space = Space.objects.filter(slug=slug.strip()[:120]).first()
    if space is None:
        raise _profile_error(
            "There is no space with this slug.", code="profile.unknown_space", field="home_space"
        )
    if not space_ids_of_user(user).filter(space_id=space.pk).exists():
        raise _profile_error(
            "Your home space must be a space where you are a member or a manager.",
            code="profile.home_space_not_member",
            field="home_space",
        )
    return space


def _clean_links(links: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys((link or "").strip() for link in links if (link or "").strip()))
    if len(cleaned) > MAX_LINKS:
        raise _profile_error(
            f"List at most {MAX_LINKS} links.",
            code="profile.too_many_links",
            field="links",
            max=MAX_LINKS,
        )
    for index, link in enumerate(cleaned):
        try:
            if len(link) > MAX_LINK_LENGTH:
                raise ValidationError("too long")
            _url_validator(link)
        except ValidationError as exc:
            raise _profile_error(
                "Links must be http:// or https:// addresses.",
                code="profile.invalid_link",
                field="links",
                index=index,
            ) from exc
    return cleaned


def update_profile(
    *,
    actor: User,
    user: User,
    display_name: str | _Unset = UNSET,
    headline: str | _Unset = UNSET,
    bio: str | _Unset = UNSET,
    skill_uris: list[str] | _Unset = UNSET,
    occupation_uri: str | _Unset | None = UNSET,
    languages: list[str] | _Unset = UNSET,
    timezone_name: str | _Unset = UNSET,
    home_space_slug: str | _Unset | None = UNSET,
    links: list[str] | _Unset = UNSET,
    visibility: str | _Unset = UNSET,
    scouting_opt_in: bool | _Unset = UNSET,
) -> Profile:
    """Change the fields given, leave the others. People edit their own profile (staff may
    edit any). Rules: headline ≤ 160 and bio ≤ 5000 characters; skills and occupation are ESCO
    URIs that exist here; languages are ISO 639-1 codes; the timezone is an IANA name; the home
    space is a space where the person is a member or manager; at most 10 http(s) links;
    visibility is private, space, network or public. Nothing is saved if any rule fails."""
    if actor.pk != user.pk and not actor.is_staff:
        raise StaffRequired("You can only edit your own profile.")
    changes: dict[str, Any] = {}
    if not isinstance(display_name, _Unset):
        try:
            changes["display_name"] = _clean_display_name(display_name)
        except InvalidDisplayName as exc:
            raise _profile_error(
                exc.message, code="profile.invalid_display_name", field="display_name"
            ) from exc
    if not isinstance(headline, _Unset):
        changes["headline"] = _check_length(headline, field="headline", max_length=HEADLINE_MAX)
    if not isinstance(bio, _Unset):
        changes["bio"] = _check_length(bio, field="bio", max_length=BIO_MAX)
    if not isinstance(skill_uris, _Unset):
        changes["skills"] = _resolve_skills(skill_uris)
    if not isinstance(occupation_uri, _Unset):
        changes["occupation"] = _resolve_occupation(occupation_uri)
    if not isinstance(languages, _Unset):
        changes["languages"] = _clean_languages(languages)
    if not isinstance(timezone_name, _Unset):
        changes["timezone"] = _clean_timezone(timezone_name)
    if not isinstance(home_space_slug, _Unset):
        current = Profile.objects.filter(user=user).select_related("home_space").first()
        changes["home_space"] = _resolve_home_space(
            user, home_space_slug, current.home_space if current else None
        )
    if not isinstance(links, _Unset):
        changes["links"] = _clean_links(links)
    if not isinstance(visibility, _Unset):
        if visibility not in Visibility.values:
            raise _profile_error(
                "Visibility is one of private, space, network or public.",
                code="profile.invalid_visibility",
                field="visibility",
            )
        changes["visibility"] = visibility
    if not isinstance(scouting_opt_in, _Unset):
        changes["scouting_opt_in"] = bool(scouting_opt_in)

    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
        changed: list[str] = []
        if "display_name" in changes and changes["display_name"] != user.display_name:
            user.display_name = changes["display_name"]
            user.save(update_fields=["display_name"])
            changed.append("display_name")
        if "skills" in changes:
            before = set(profile.skills.values_list("pk", flat=True))
            after = {s.pk for s in changes["skills"]}
            if before != after:
                profile.skills.set(changes["skills"])
                changed.append("skills")
        fields = [f for f in changes if f not in ("display_name", "skills")]
        for field in fields:
            if getattr(profile, field) != changes[field]:
                setattr(profile, field, changes[field])
                changed.append(field)
        profile_fields = [f for f in changed if f not in ("display_name", "skills")]
        if profile_fields:
            profile.save(update_fields=[*profile_fields, "updated_at"])
        if changed:
            record_activity(
                actor=actor,
                verb="profile.updated",
                target=profile,
                space=profile.home_space,
                metadata={"fields": sorted(changed)},
            )
    return profile
