from __future__ import annotations

from typing import Any

import pytest

from coshore.skills.extraction import semantic


@pytest.fixture(scope="session")
def minilm() -> Any:
    """The packaged MiniLM model, loaded once for the whole test session; tests using it skip
    on an install without the `semantic` extra (CI installs it and allows no skip)."""
    if not semantic.is_available():
        pytest.skip("the semantic extra (MiniLM model package) is not installed")
    return semantic.get_model()
