"""Reads about the wall, already scoped to the caller: posts and their visibility, search,
threads, screens (`posts`), and matches (`matches`)."""

from .matches import *  # noqa: F403
from .posts import *  # noqa: F403
