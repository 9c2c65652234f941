"""Fixtures of the safe-update tests: the CLI in-process, and every AWS call recorded."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.helpers.fault_kit import Calls, CliResult, record_calls, run_cli


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    return record_calls(monkeypatch)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., CliResult]]:
    """Run `ddbwizard.cli.main` in-process; the signal handlers it installs are restored."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}

    def run(*args: Any) -> CliResult:
        return run_cli(capsys, *args)

    yield run
    for number, handler in saved.items():
        signal.signal(number, handler)
