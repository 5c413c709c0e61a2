"""HTML forms: they parse input; the rules live in the services they feed."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from coshore.core.errors import DomainError

from .languages import language_choices
from .models import OrganisationKind, OrganisationRole, Profile, Visibility
from .selectors import list_home_space_choices
from .services import timezone_choices


def add_domain_error(
    form: forms.Form, error: DomainError, *, fields: dict[str, str] | None = None
) -> None:
    """Show a service's error next to the field it names (`detail.field`), else on the form."""
    field = str(error.detail.get("field", "")) if error.detail else ""
    field = (fields or {}).get(field, field)
    form.add_error(field if field in form.fields else None, error.message)


class SignUpForm(forms.Form):
    display_name = forms.CharField(
        max_length=120,
        help_text="How other members see you; you can change it later.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=254,
        help_text="We send a link to confirm it before you can log in.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        max_length=4096,
        strip=False,
        help_text="At least 8 characters; not a common or all-digit password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class LoginForm(forms.Form):
    email = forms.CharField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class SetPasswordForm(forms.Form):
    new_password = forms.CharField(
        label="New password",
        max_length=4096,
        strip=False,
        help_text="At least 8 characters; not a common or all-digit password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, e.g. “laptop script”.",
    )


class SkillUrisField(forms.Field):
    """Any number of `skills` inputs, one ESCO URI each (the chips of the autocomplete)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(v).strip() for v in value if str(v).strip()]


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=120)
    headline = forms.CharField(
        max_length=160,
        required=False,
        help_text="One line, e.g. “Product designer, 3D printing”.",
    )
    bio = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Up to 5000 characters.",
    )
    skills = SkillUrisField(required=False, help_text="ESCO skills: type and pick from the list.")
    occupation = forms.CharField(
        required=False,
        max_length=500,
        help_text="Your ESCO occupation, e.g. “web developer”, or its ESCO URI.",
    )
    languages = forms.MultipleChoiceField(
        required=False,
        choices=language_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    timezone = forms.ChoiceField(required=False)
    home_space = forms.ChoiceField(
        required=False, help_text="One of the spaces where you are a member or a manager."
    )
    links = forms.CharField(
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One http(s) address per line, at most 10.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text="Who can see your profile. Staff can always see it.",
    )
    scouting_opt_in = forms.BooleanField(
        required=False,
        label="Visible to organisations for talent scouting",
        help_text=(
            "People of registered organisations (firms, public bodies, associations) can see "
            "your profile even outside your spaces and networks. Has no effect while your "
            "profile is private."
        ),
    )

    # Form field → service keyword.
    SERVICE_ARGS = {
        "display_name": "display_name",
        "headline": "headline",
        "bio": "bio",
        "skills": "skill_uris",
        "occupation": "occupation_uri",
        "languages": "languages",
        "timezone": "timezone_name",
        "home_space": "home_space_slug",
        "links": "links",
        "visibility": "visibility",
        "scouting_opt_in": "scouting_opt_in",
    }

    def __init__(self, *args: Any, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        timezone_field = cast(forms.ChoiceField, self.fields["timezone"])
        timezone_field.choices = [("", "—"), *((tz, tz) for tz in timezone_choices())]
        spaces = list(list_home_space_choices(profile.user))
        if profile.home_space and profile.home_space not in spaces:
            spaces.insert(0, profile.home_space)
        home_field = cast(forms.ChoiceField, self.fields["home_space"])
        home_field.choices = [("", "—"), *((s.slug, s.name) for s in spaces)]

    @classmethod
    def initial_for(cls, profile: Profile) -> dict[str, Any]:
        return {
            "display_name": profile.user.display_name,
            "headline": profile.headline,
            "bio": profile.bio,
            "skills": [s.uri for s in profile.skills.all()],
            "occupation": profile.occupation.preferred_label if profile.occupation else "",
            "languages": list(profile.languages or []),
            "timezone": profile.timezone,
            "home_space": profile.home_space.slug if profile.home_space else "",
            "links": "\n".join(profile.links or []),
            "visibility": profile.visibility,
            "scouting_opt_in": profile.scouting_opt_in,
        }

    def service_kwargs(self, *, occupation_uri: str | None) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "display_name": data["display_name"],
            "headline": data["headline"],
            "bio": data["bio"],
            "skill_uris": data["skills"],
            "occupation_uri": occupation_uri,
            "languages": data["languages"],
            "timezone_name": data["timezone"],
            "home_space_slug": data["home_space"] or None,
            "links": [line.strip() for line in data["links"].splitlines() if line.strip()],
            "visibility": data["visibility"],
            "scouting_opt_in": data["scouting_opt_in"],
        }


class OrganisationForm(forms.Form):
    """The service checks the website and country; the form only parses them."""

    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=[("", "Choose a kind…"), *OrganisationKind.choices])
    website = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "url"}),
        help_text="An http:// or https:// address.",
    )
    city = forms.CharField(required=False, max_length=120)
    country = forms.CharField(
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"size": 2, "autocapitalize": "characters"}),
        help_text="Two-letter ISO code, e.g. ES or FR.",
    )
    description = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the organisation does; up to 5000 characters.",
    )


class OrganisationPersonForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        help_text="The email of their Coshore account.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(choices=OrganisationRole.choices, initial=OrganisationRole.MEMBER)
