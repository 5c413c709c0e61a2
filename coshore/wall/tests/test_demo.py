"""The demo has offers and needs on the wall, and loading it again adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coshore.activity.models import Activity
from coshore.wall import selectors
from coshore.wall.demo import load_wall_demo
from coshore.wall.models import Post


@pytest.mark.django_db
def test_the_demo_wall_is_consistent_and_idempotent() -> None:
    out = StringIO()
    call_command("load_demo", "--skip-skills", stdout=out)
    assert "wall: 5 demo post(s)" in out.getvalue()
    posts = Post.objects.all()
    assert {p.kind for p in posts} == {"offer", "need"}
    for p in posts:
        assert selectors.list_postable_spaces(p.author).filter(pk=p.space_id).exists()
        assert p.is_live
    public = selectors.search_posts(viewer=None, query=selectors.PostQuery()).items
    assert {p.title for p in public} == {
        "Launch marketing for start-ups in the network",
        "Laser cutting and 3D printing for small series",
    }
    before = (Post.objects.count(), Activity.objects.count())
    assert load_wall_demo() == 0
    assert (Post.objects.count(), Activity.objects.count()) == before
