"""Error pages are our own, styled pages (and API errors keep the JSON shape)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_unknown_page_renders_the_styled_404(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert 'class="error-page"' in body


@pytest.mark.django_db
def test_unknown_api_path_and_wrong_method_keep_the_json_shape(client: Client) -> None:
    r = client.get("/api/v1/no-such-endpoint")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    r = client.delete("/api/v1/ping")
    assert r.status_code == 405
    assert r.json()["code"] == "method_not_allowed"
    assert set(r.json()) == {"code", "message", "detail"}
