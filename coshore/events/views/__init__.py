"""Pages of events (thin: parse, call the services, render): one module per topic."""

from .door import *  # noqa: F403
from .pages import *  # noqa: F403
