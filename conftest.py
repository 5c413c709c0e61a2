"""Suite-wide hooks. With CI=true a skipped test fails the run: skips must not hide missing work."""

from __future__ import annotations

import os

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped and os.environ.get("CI", "").lower() == "true":
        terminalreporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped; skipped tests fail the run.", red=True
        )
        terminalreporter._session.exitstatus = pytest.ExitCode.TESTS_FAILED  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    if reporter.stats.get("skipped") and os.environ.get("CI", "").lower() == "true":
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
