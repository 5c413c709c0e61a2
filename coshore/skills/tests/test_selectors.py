"""`list_skills_by_uri`: the skill pickers' chips from URIs sent by a form or a URL."""

from __future__ import annotations

import pytest

from coshore.accounts.tests.factories import SkillFactory
from coshore.skills.selectors import MAX_URIS, list_skills_by_uri

pytestmark = pytest.mark.django_db


def test_skills_in_the_given_order_once_unknown_and_bad_values_left_out() -> None:
    a = SkillFactory(uri="http://data.europa.eu/esco/skill/a", preferred_label="A")
    b = SkillFactory(uri="http://data.europa.eu/esco/skill/b", preferred_label="B")
    sent = [b.uri, "http://example.org/unknown", a.uri, b.uri, "x" * 10_000, None]
    assert list_skills_by_uri(sent) == [b, a]  # type: ignore[list-item]
    assert list_skills_by_uri([]) == []


def test_at_most_max_uris_are_read(django_assert_max_num_queries: object) -> None:
    skills = [SkillFactory(uri=f"http://data.europa.eu/esco/skill/s{i}") for i in range(3)]
    many = [f"http://example.org/{i}" for i in range(MAX_URIS)] + [s.uri for s in skills]
    assert list_skills_by_uri(many) == []
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        assert list_skills_by_uri([s.uri for s in skills]) == skills
