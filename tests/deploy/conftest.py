"""Fixtures of the safe-update tests: the fault suite's (the CLI in-process with its signal
handlers restored, and every AWS call recorded)."""

from __future__ import annotations

from tests.faults.conftest import calls, cli

__all__ = ["calls", "cli"]
