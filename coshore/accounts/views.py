"""HTML pages for accounts (thin: parse the form, call the service, render or redirect)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from coshore.core.errors import DomainError, Forbidden
from coshore.skills.selectors import list_skills_by_uri

from . import selectors, services
from .errors import (
    EmailUnverified,
    InvalidResetLink,
    LoginThrottled,
    OrganisationNotFound,
    ProfileNotFound,
    TokenNotFound,
)
from .forms import (
    EmailForm,
    LoginForm,
    OrganisationForm,
    OrganisationPersonForm,
    ProfileForm,
    SetPasswordForm,
    SignUpForm,
    TokenForm,
    add_domain_error,
)
from .languages import LANGUAGES
from .models import Organisation, User

SIGNUP_EMAIL_SESSION_KEY = "accounts.signup_email"


def _home_url() -> str:
    try:
        return reverse(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:
        return reverse("accounts:profile_edit")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return _home_url()


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile_edit")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session[SIGNUP_EMAIL_SESSION_KEY] = user.email
            return redirect("accounts:check_email")
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET"])
def check_email(request: HttpRequest) -> HttpResponse:
    email = request.session.get(SIGNUP_EMAIL_SESSION_KEY, "")
    return render(
        request,
        "accounts/check_email.html",
        {"email": email, "form": EmailForm(initial={"email": email})},
    )


@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST)
    if form.is_valid():
        services.resend_verification_email(email=form.cleaned_data["email"])
        request.session[SIGNUP_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
    messages.info(
        request,
        "If an unconfirmed account uses this address, a new confirmation link is on its way.",
    )
    return redirect("accounts:check_email")


@require_http_methods(["GET"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.verify_email(token=token)
    except DomainError as exc:
        return render(
            request,
            "accounts/verify_failed.html",
            {"error": exc, "form": EmailForm()},
            status=400,
        )
    return render(request, "accounts/verified.html", {"verified_user": user})


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return HttpResponseRedirect(_next_url(request))
    form = LoginForm(request.POST or None)
    unverified_email = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate_with_password(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except EmailUnverified as exc:
            unverified_email = str(exc.detail.get("email", ""))
            form.add_error(None, exc.message)
        except LoginThrottled as exc:
            minutes = max(1, round(int(exc.detail.get("retry_after", 60)) / 60))
            form.add_error(
                None,
                f"Too many failed attempts for this account. Try again in about {minutes} minute"
                f"{'s' if minutes != 1 else ''}, or reset your password.",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            auth_login(request, user, backend="coshore.accounts.backends.EmailBackend")
            return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next") or "",
            "unverified_email": unverified_email,
            "resend_form": EmailForm(initial={"email": unverified_email}),
        },
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, "You are logged out.")
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(email=form.cleaned_data["email"])
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


@require_http_methods(["GET"])
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")


@sensitive_post_parameters("new_password")
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        services.check_password_reset_link(uidb64=uidb64, token=token)
    except InvalidResetLink as exc:
        return render(request, "accounts/password_reset_invalid.html", {"error": exc}, status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(
                uidb64=uidb64, token=token, new_password=form.cleaned_data["new_password"]
            )
        except DomainError as exc:
            add_domain_error(form, exc, fields={"password": "new_password"})
        else:
            messages.success(request, "Your password is changed. Log in with the new one.")
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    services.ensure_profile(user=user)
    profile = selectors.get_own_profile(user)
    if request.method == "POST":
        form = ProfileForm(request.POST, profile=profile)
        if form.is_valid():
            occupation_text = form.cleaned_data["occupation"]
            occupation = selectors.find_occupation(occupation_text)
            if occupation_text.strip() and occupation is None:
                form.add_error("occupation", "This occupation is not in the ESCO taxonomy.")
            else:
                try:
                    services.update_profile(
                        actor=user,
                        user=user,
                        **form.service_kwargs(
                            occupation_uri=occupation.uri if occupation else None
                        ),
                    )
                except DomainError as exc:
                    add_domain_error(
                        form,
                        exc,
                        fields={"skill_uris": "skills", "timezone_name": "timezone"},
                    )
                else:
                    messages.success(request, "Your profile is saved.")
                    return redirect("accounts:profile_edit")
        posted = form.cleaned_data.get("skills") or request.POST.getlist("skills") or []
        skill_uris = [str(uri) for uri in posted]
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(profile), profile=profile)
        skill_uris = [s.uri for s in profile.skills.all()]
    return render(
        request,
        "accounts/profile_edit.html",
        {
            "form": form,
            "profile": profile,
            "skill_chips": list_skills_by_uri(skill_uris),
            "skills_api_url": "/api/v1/skills",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """Create, list and revoke personal access tokens. A new token is shown once: the POST
    keeps it in the session and redirects, and the next GET takes it out (so reloading the
    page neither shows it again nor creates a second token)."""
    user = _user(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.create_token(user=user, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session[_NEW_TOKEN_KEY] = issued.plaintext
            return redirect("accounts:tokens")
    new_token = request.session.pop(_NEW_TOKEN_KEY, None) if request.method == "GET" else None
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.list_tokens_of_user(user), "new_token": new_token},
    )
    if new_token:
        response["Cache-Control"] = "no-store"
    return response


_NEW_TOKEN_KEY = "accounts.new_token"


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _user(request)
    try:
        token = selectors.get_token_for_user(user=user, token_id=token_id)
    except TokenNotFound as exc:
        raise Http404(exc.message) from exc
    services.revoke_token(actor=user, token=token)
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("accounts:tokens")


@require_http_methods(["GET"])
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        profile = selectors.get_profile_for_user(viewer=request.user, user_id=user_id)
    except ProfileNotFound as exc:
        raise Http404(exc.message) from exc
    context: dict[str, Any] = {
        "profile": profile,
        "person": profile.user,
        "languages": [LANGUAGES.get(code, code) for code in profile.languages or []],
        "is_self": request.user.is_authenticated and request.user.pk == profile.user_id,
    }
    return render(request, "accounts/person.html", context)


# --- Organisations --------------------------------------------------------------------------


@require_http_methods(["GET"])
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.list_organisations(viewer=request.user)
    return render(
        request, "accounts/organisations/list.html", {"organisations": list(organisations)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(actor=_user(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{organisation.name} is registered. You are its admin.")
            return redirect("accounts:organisation_detail", slug=organisation.slug)
    return render(request, "accounts/organisations/new.html", {"form": form})


def _get_organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return selectors.get_organisation_for_user(viewer=request.user, slug=slug)
    except OrganisationNotFound as exc:
        raise Http404(exc.message) from exc


def _organisation_page(
    request: HttpRequest, organisation: Organisation, form: OrganisationPersonForm | None = None
) -> HttpResponse:
    can_manage = selectors.can_manage_organisation(request.user, organisation)
    people = selectors.list_organisation_people(viewer=request.user, organisation=organisation)
    talent = None
    scout = {"q": request.GET.get("q", "")[:200], "city": request.GET.get("city", "")[:120]}
    if people is not None:  # the organisation's people (and staff) scout talent
        talent = list(
            selectors.search_talent(
                viewer=request.user, organisation=organisation, city=scout["city"], q=scout["q"]
            )[:50]
        )
    context = {
        "organisation": organisation,
        "people": None if people is None else list(people),
        "can_manage": can_manage,
        "form": form or (OrganisationPersonForm() if can_manage else None),
        "talent": talent,
        "scout": scout,
    }
    return render(request, "accounts/organisations/detail.html", context)


@require_http_methods(["GET"])
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _organisation_page(request, _get_organisation(request, slug))


@login_required
@require_POST
def organisation_add_person(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's admins (and staff) add a person by the email of their account."""
    organisation = _get_organisation(request, slug)
    if not selectors.can_manage_organisation(request.user, organisation):
        raise PermissionDenied("Only the organisation's admins can add people.")
    form = OrganisationPersonForm(request.POST)
    if form.is_valid():
        try:
            member = services.add_organisation_member(
                actor=_user(request),
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{member.user.name} now belongs to {organisation.name}.")
            return redirect("accounts:organisation_detail", slug=organisation.slug)
    return _organisation_page(request, organisation, form)
