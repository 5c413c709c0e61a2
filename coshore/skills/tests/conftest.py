from __future__ import annotations

from typing import Any

import pytest

from coshore.skills.extraction import semantic


@pytest.fixture(scope="session")
def minilm() -> Any:
    """The packaged MiniLM model, loaded once for the whole test session."""
    return semantic.get_model()
