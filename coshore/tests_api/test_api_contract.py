"""The API contract: the served OpenAPI document is the committed one, and no input makes a 500."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


@pytest.mark.django_db
def test_served_openapi_document_matches_the_committed_snapshot(client: Any) -> None:
    served = client.get("/api/v1/openapi.json").json()
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert served == committed, "run `coshore export-openapi` and commit docs/api/openapi.json"


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_db_connection() -> Any:
    """Calling the WSGI app directly would close the test's connection at request end (as
    Django's test client avoids too), which PostgreSQL's test transaction cannot survive."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_headers(db: Any, keep_db_connection: Any) -> dict[str, str]:
    from coshore.accounts.models import User
    from coshore.accounts.services import create_token
    from coshore.spaces.tests.factories import NetworkFactory, SpaceFactory

    SpaceFactory(slug="fuzz-space", weekly=[(0, 540, 1080)])
    NetworkFactory(slug="fuzz-network")
    staff = User.objects.create_user(
        email="fuzz@example.org", password="x-Fuzz-2026", is_staff=True
    )
    token = create_token(user=staff, name="fuzz")
    return {"Authorization": f"Bearer {token.plaintext}"}


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@hsettings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_input_makes_the_api_fail_with_a_server_error(
    case: Any, staff_headers: dict[str, str]
) -> None:
    response = case.call(headers=staff_headers)
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "detail"}, body
