"""Account journeys in real Chromium: sign up and confirm the address from the email, edit the
profile (visibility, headline, an ESCO skill through the autocomplete), reset a forgotten
password, look at other people's profiles, and use a personal access token on the API.

Emails go to `django.core.mail.outbox`: the live server runs in this process, with the locmem
backend and immediate background tasks. Links in emails point at SITE_URL; the tests open
their path on the live server.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from coshore.accounts.models import AccessToken, Profile, User, Visibility
from coshore.accounts.tests.factories import (
    ProfileFactory,
    SkillFactory,
    UserFactory,
)
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import PageErrors, log_in, screenshot

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+")


def _emailed_path(to: str, subject_contains: str) -> str:
    """The path of the one link in the last email to `to` whose subject mentions the words."""
    sent = [m for m in mail.outbox if to in m.to and subject_contains in m.subject.lower()]
    assert sent, f"no email to {to} about {subject_contains!r}: {[m.subject for m in mail.outbox]}"
    links = LINK.findall(sent[-1].body)
    assert len(links) == 1, links
    parts = urlsplit(links[0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _expect_error_pages_logged(page_errors: PageErrors, status: int, count: int) -> None:
    """Chromium logs each expected error page to the console; anything else is still a bug."""
    errors = page_errors.take()
    assert len(errors) == count and all(f"status of {status}" in e for e in errors), errors


def _no_horizontal_scroll(page: Page) -> None:
    # Compared with the device width: a phone widens its layout viewport to fit wide content.
    assert page.viewport_size is not None
    overflow = page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def test_sign_up_confirm_log_in_and_edit_the_profile(
    page: Page, live_server: Any, transactional_db: None
) -> None:
    python = SkillFactory(
        uri="http://data.europa.eu/esco/skill/test-python",
        preferred_label="Python (computer programming)",
        search_text="python (computer programming)\npython",
        alt_labels="Python",
    )
    SkillFactory(preferred_label="Pythagorean geometry", search_text="pythagorean geometry")
    SkillFactory(preferred_label="manage a team", search_text="manage a team")
    mail.outbox.clear()

    page.goto(live_server.url + "/accounts/signup/")
    screenshot(page, "accounts-signup")
    page.get_by_label("Display name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password").fill("cobol-Is-not-dead-59")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/accounts/signup/check-email/$"))
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("grace@example.org")
    screenshot(page, "accounts-check-email")
    user = User.objects.get(email="grace@example.org")
    assert user.email_verified_at is None

    # Not confirmed yet: logging in is refused and offers a new link.
    page.get_by_role("main").get_by_role("link", name="log in").click()
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password").fill("cobol-Is-not-dead-59")
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name="Send the confirmation link again")).to_be_visible()
    screenshot(page, "accounts-login-unverified")

    page.goto(live_server.url + _emailed_path("grace@example.org", "confirm"))
    expect(page.get_by_role("heading", name="Your email is confirmed")).to_be_visible()
    screenshot(page, "accounts-verified")
    user.refresh_from_db()
    assert user.email_verified_at is not None

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password").fill("cobol-Is-not-dead-59")
    page.get_by_role("main").get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    page.get_by_label("Headline").fill("Compiler writer, COBOL and Python")
    page.get_by_role("radio", name="Everyone").check()
    page.get_by_label("Languages").select_option(["en", "fr"])
    expect(page.locator("#languages-chosen")).to_have_text("Chosen: English, French.")

    search = page.get_by_role("combobox", name="Skills")
    with page.expect_response(lambda r: "/api/v1/skills?" in r.url and r.status == 200):
        search.press_sequentially("pyth")
    suggestions = page.get_by_role("listbox", name="Matching skills")
    expect(suggestions.get_by_role("option")).to_have_text(
        ["Pythagorean geometry", "Python (computer programming)"]  # equal rank: shorter first
    )
    option = suggestions.get_by_role("option", name="Python (computer programming)")
    screenshot(page, "accounts-profile-autocomplete")
    option.click()
    chips = page.get_by_role("list", name="Your skills")
    expect(chips.get_by_role("listitem")).to_have_count(1)
    expect(chips.get_by_role("listitem")).to_contain_text("Python (computer programming)")
    expect(chips.get_by_role("button", name="Remove Python (computer programming)")).to_be_visible()
    expect(suggestions).to_be_hidden()

    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    screenshot(page, "accounts-profile-edit")
    expect(page.get_by_label("Headline")).to_have_value("Compiler writer, COBOL and Python")
    expect(page.get_by_role("radio", name="Everyone")).to_be_checked()

    profile = Profile.objects.get(user=user)
    assert profile.visibility == Visibility.PUBLIC
    assert profile.headline == "Compiler writer, COBOL and Python"
    assert list(profile.skills.values_list("uri", flat=True)) == [python.uri]
    assert sorted(profile.languages) == ["en", "fr"]

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()


def test_reset_a_forgotten_password_through_the_emailed_link(
    page: Page, live_server: Any, transactional_db: None, page_errors: PageErrors
) -> None:
    UserFactory(email="linus@example.org", display_name="Linus")
    mail.outbox.clear()

    page.goto(live_server.url + "/accounts/login/")
    screenshot(page, "accounts-login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    screenshot(page, "accounts-password-reset")
    page.get_by_label("Email").fill("linus@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page).to_have_url(re.compile(r"/accounts/password-reset/sent/$"))
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    screenshot(page, "accounts-password-reset-done")

    reset_path = _emailed_path("linus@example.org", "password")
    page.goto(live_server.url + reset_path)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password").fill("123")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".field.has-error")).to_be_visible()
    screenshot(page, "accounts-password-reset-confirm")
    page.get_by_label("New password").fill("penguins-Sail-north-42")
    page.get_by_role("button", name="Change password").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("status")).to_contain_text("Your password is changed.")
    page.get_by_label("Email").fill("linus@example.org")
    page.get_by_label("Password").fill("penguins-Sail-north-42")
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    user = User.objects.get(email="linus@example.org")
    assert user.check_password("penguins-Sail-north-42")

    # The link works once.
    response = page.goto(live_server.url + reset_path)
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    screenshot(page, "accounts-password-reset-invalid")
    _expect_error_pages_logged(page_errors, 400, 1)


def test_a_member_sees_public_profiles_but_not_space_profiles_of_another_space(
    page: Page, live_server: Any, transactional_db: None, page_errors: PageErrors
) -> None:
    mine, theirs = SpaceFactory(name="Atelier Nord"), SpaceFactory(name="Ruche Sud")
    viewer = UserFactory(email="viewer@example.org", display_name="Vera")
    SpaceRoleFactory(space=mine, user=viewer)
    hidden = ProfileFactory(
        user=UserFactory(display_name="Hidden Hal"), visibility=Visibility.SPACE
    ).user
    shown = ProfileFactory(
        user=UserFactory(display_name="Open Olga"),
        visibility=Visibility.PUBLIC,
        headline="Woodworker and CNC teacher",
        bio="I run the Thursday workshop.\n\nAsk me about joinery.",
        languages=["fr", "en"],
        timezone="Europe/Paris",
        home_space=theirs,
        links=["https://example.org/olga"],
        skills=[SkillFactory(preferred_label="operate CNC machines")],
    ).user
    for owner in (hidden, shown):
        SpaceRoleFactory(space=theirs, user=owner)
    log_in(page, live_server, viewer)

    response = page.goto(live_server.url + f"/accounts/people/{hidden.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Hidden Hal")
    screenshot(page, "accounts-person-404")
    _expect_error_pages_logged(page_errors, 404, 1)

    response = page.goto(live_server.url + f"/accounts/people/{shown.pk}/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="Open Olga")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Woodworker and CNC teacher")
    expect(main).to_contain_text("Ruche Sud, Paris")
    expect(main.get_by_role("listitem").filter(has_text="operate CNC machines")).to_be_visible()
    screenshot(page, "accounts-person")


def test_a_personal_access_token_is_shown_once_works_and_stops_when_revoked(
    page: Page, live_server: Any, transactional_db: None
) -> None:
    user = UserFactory(email="tina@example.org", display_name="Tina")
    log_in(page, live_server, user)
    page.goto(live_server.url + "/accounts/tokens/")
    expect(page.get_by_text("You have no active tokens.")).to_be_visible()
    page.get_by_label("Name").fill("laptop script")
    page.get_by_role("button", name="Create token").click()

    secret = page.locator("#new-token-value").inner_text().strip()
    assert len(secret) >= 32
    expect(page.get_by_role("cell", name="laptop script", exact=True)).to_be_visible()
    screenshot(page, "accounts-tokens")
    page.reload()  # the token was shown once; reloading neither shows it again nor posts again
    expect(page.get_by_role("cell", name="laptop script", exact=True)).to_be_visible()
    expect(page.locator("#new-token-value")).to_have_count(0)
    assert secret not in page.content()
    assert AccessToken.objects.filter(user=user).count() == 1

    me = live_server.url + "/api/v1/me"
    bearer = {"Authorization": f"Bearer {secret}"}
    response = page.request.get(me, headers=bearer)
    assert response.status == 200
    assert response.json()["email"] == "tina@example.org"

    page.get_by_role("button", name="Revoke laptop script").click()
    expect(page.get_by_role("status")).to_contain_text("The token “laptop script” is revoked.")
    expect(page.get_by_text("You have no active tokens.")).to_be_visible()
    assert AccessToken.objects.get(user=user).revoked_at is not None
    response = page.request.get(me, headers=bearer)
    assert response.status == 401


def test_account_pages_fit_a_phone_screen(
    mobile_page: Page, live_server: Any, transactional_db: None, page_errors: PageErrors
) -> None:
    page = mobile_page
    user = UserFactory(email="mo@example.org", display_name="Mo Bile")
    ProfileFactory(
        user=user,
        visibility=Visibility.NETWORK,
        headline="Mobile developer on the move",
        languages=["sv"],
        links=["https://example.org/a-rather-long-address/that-keeps-going/and-going"],
        skills=[SkillFactory(preferred_label="develop mobile applications")],
    )
    for path, name in [
        ("/accounts/signup/", "signup"),
        ("/accounts/login/", "login"),
        ("/accounts/signup/check-email/", "check-email"),
        ("/accounts/verify/not-a-token/", "verify-failed"),
        ("/accounts/password-reset/", "password-reset"),
        ("/accounts/password-reset/sent/", "password-reset-done"),
        ("/accounts/password-reset/MQ/bad-token/", "password-reset-invalid"),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _no_horizontal_scroll(page)
        screenshot(page, f"accounts-mobile-{name}")
    _expect_error_pages_logged(page_errors, 400, 2)

    log_in(page, live_server, user)
    page.goto(live_server.url + "/accounts/tokens/")
    page.get_by_label("Name").fill("phone")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token-value")).to_be_visible()
    for path, name in [
        ("", "tokens"),
        ("/accounts/profile/", "profile-edit"),
        (f"/accounts/people/{user.pk}/", "person"),
    ]:
        if path:
            page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _no_horizontal_scroll(page)
        screenshot(page, f"accounts-mobile-{name}")


def test_sign_up_errors_and_a_broken_confirmation_link_read_well(
    page: Page, live_server: Any, transactional_db: None, page_errors: PageErrors
) -> None:
    UserFactory(email="taken@example.org")
    mail.outbox.clear()
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill("taken@example.org")
    page.get_by_label("Password").fill("1234")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".field.has-error")).to_contain_text(["This field is required."])
    page.get_by_label("Display name").fill("Second Try")
    page.get_by_label("Password").fill("1234")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".field.has-error")).to_contain_text(["This password is too short."])
    page.get_by_label("Password").fill("a-Much-better-one-31")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".field.has-error")).to_contain_text(
        ["An account with this email already exists."]
    )
    expect(page.get_by_label("Email")).to_have_value("taken@example.org")
    screenshot(page, "accounts-signup-errors")
    assert User.objects.filter(display_name="Second Try").count() == 0

    response = page.goto(live_server.url + "/accounts/verify/not-a-token/")
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    screenshot(page, "accounts-verify-failed")
    _expect_error_pages_logged(page_errors, 400, 1)

    page.get_by_label("Email").fill("taken@example.org")
    page.get_by_role("button", name="Send a new link").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/check-email/$"))
    expect(page.get_by_role("status")).to_contain_text("a new confirmation link is on its way")
    assert mail.outbox == []  # the account is already confirmed; the page does not say so
