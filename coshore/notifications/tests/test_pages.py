"""The notification pages: the list, opening and marking read, the bell, preferences and the
unsubscribe page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from coshore.notifications import selectors, services
from coshore.notifications.models import Notification

pytestmark = pytest.mark.django_db


def note(user: Any, title: str = "Something", **kw: Any) -> Notification:
    values: dict[str, Any] = {"topic": "feed", "kind": "test.kind", "title": title}
    values.update(kw)
    made = services.notify(recipient=user, **values)
    assert made is not None
    return made


def test_pages_ask_anonymous_visitors_to_log_in(client: Client) -> None:
    for url in ["/notifications/", "/notifications/preferences/", "/notifications/1/open/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/notifications/bell/").status_code == 286


def test_the_list_shows_yours_with_unread_ones_emphasised(
    make_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    ana, ben = make_user(), make_user()
    read = note(ana, title="Old news")
    services.mark_read(user=ana, ids=[read.pk])
    fresh = note(ana, title="Fresh <news>", body="Line one\nline two")
    note(ben, title="Ben's secret")
    c = client_for(ana)
    with django_assert_max_num_queries(8):
        page = c.get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<li class="note is-unread" id="note-{fresh.pk}">' in html
    assert f'<li class="note" id="note-{read.pk}">' in html
    assert "Fresh &lt;news&gt;" in html and "Line one<br>line two" in html
    assert f'href="/notifications/{fresh.pk}/open/"' in html
    assert "Ben&#x27;s secret" not in html and "Ben's secret" not in html
    assert '<span class="nav-bell-count" data-testid="unread-count">1</span>' in html
    assert "<strong>1</strong> unread" in html


def test_the_list_is_paged(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    for i in range(35):
        note(ana, title=f"note {i:02d}")
    c = client_for(ana)
    first = c.get("/notifications/")
    assert first.content.decode().count('class="note ') == 30
    cursor = first.context["next_cursor"]
    second = c.get("/notifications/", {"cursor": cursor})
    assert second.content.decode().count('class="note ') == 5
    assert c.get("/notifications/", {"cursor": "bad"}).status_code == 422


def test_opening_marks_read_and_redirects_to_its_page(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    made = note(ana, url="/wall/posts/3/")
    response = client_for(ana).get(f"/notifications/{made.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/wall/posts/3/"
    made.refresh_from_db()
    assert made.read_at is not None


def test_opening_without_a_local_link_goes_back_to_the_list(
    make_user: Any, client_for: Any
) -> None:
    ana = make_user()
    made = note(ana)
    # Even a link written around notify() is only followed when it is a path on this site.
    Notification.objects.filter(pk=made.pk).update(url="https://evil.example/")
    response = client_for(ana).get(f"/notifications/{made.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_someone_elses_notification_is_not_found(make_user: Any, client_for: Any) -> None:
    ana, ben = make_user(), make_user()
    theirs = note(ben)
    c = client_for(ana)
    assert c.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert c.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert c.get("/notifications/999999/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_read_with_and_without_htmx(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    a, b = note(ana, title="a"), note(ana, title="b")
    c = client_for(ana)
    plain = c.post(f"/notifications/{a.pk}/read/")
    assert plain.status_code == 302 and plain["Location"] == "/notifications/"
    fragment = c.post(f"/notifications/{b.pk}/read/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert f'<li class="note" id="note-{b.pk}">' in html
    assert 'id="nav-bell"' in html and 'hx-swap-oob="outerHTML"' in html
    assert "You are all caught up." in html
    assert selectors.count_unread(user=ana) == 0


def test_mark_all_read_with_and_without_htmx(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    note(ana), note(ana)
    c = client_for(ana)
    fragment = c.post("/notifications/read-all/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert '<div id="notifications"' in html and "is-unread" not in html
    assert 'id="nav-bell"' in html and "nav-bell-count" not in html
    note(ana)
    plain = c.post("/notifications/read-all/")
    assert plain.status_code == 302
    assert selectors.count_unread(user=ana) == 0
    assert c.get("/notifications/read-all/").status_code == 405


def test_the_bell_polls_the_count(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    for _ in range(120):
        note(ana)
    html = client_for(ana).get("/notifications/bell/").content.decode()
    assert 'hx-trigger="every 60s' in html and ">99+</span>" in html
    assert 'aria-label="Notifications, 120 unread"' in html


def test_preferences_page_saves_one_row_per_topic(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    c = client_for(ana)
    html = c.get("/notifications/preferences/").content.decode()
    assert html.count('<fieldset class="pref"') == 8
    assert '<input type="radio" name="wall.matches" value="digest" checked>' in html
    saved = c.post("/notifications/preferences/", {"wall.matches": "off", "bookings": "digest"})
    assert saved.status_code == 302
    prefs = selectors.get_preferences(user=ana)
    assert (prefs["wall.matches"], prefs["bookings"], prefs["feed"]) == ("off", "digest", "digest")
    bad = c.post("/notifications/preferences/", {"wall.matches": "weekly"})
    assert bad.status_code == 422 and b"Choose immediate, digest or off." in bad.content
    assert selectors.get_preferences(user=ana)["wall.matches"] == "off"


def test_the_profile_page_links_the_preferences(make_user: Any, client_for: Any) -> None:
    html = client_for(make_user()).get("/accounts/profile/").content.decode()
    assert 'href="/notifications/preferences/"' in html


def test_a_bad_unsubscribe_link_is_not_found(client: Client, make_user: Any) -> None:
    ana = make_user()
    token = services.unsubscribe_token(user=ana, topics=["feed"])
    assert client.get(f"/notifications/unsubscribe/{token[:-1]}x/").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{token[:-1]}x/").status_code == 404
    assert selectors.get_preferences(user=ana)["feed"] == "digest"
