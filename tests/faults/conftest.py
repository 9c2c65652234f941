"""Fixtures of the fault suite (faults.md, one test per row): see fault_kit for the helpers."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "aws"))  # cfn_fakes

from fault_kit import Calls, CliResult, Stubbed, record_calls, run_cli


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Every AWS API call made during the test (moto, Stubber or real), with overrides."""
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


@pytest.fixture
def cfn(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubbed]:
    """The facade's CloudFormation client is a Stubber's; the other services stay as they are."""
    from cfn_fakes import CfnScript, FakeTime

    from ddbwizard.core.aws import Aws
    from ddbwizard.core.deploy import Deployer

    script = CfnScript.start()
    fake = FakeTime()
    original = Aws.client

    def client(self: Aws, name: Any) -> Any:
        return script.client if name == "cloudformation" else original(self, name)

    monkeypatch.setattr(Aws, "client", client)
    defaults = Deployer.__init__.__kwdefaults__
    assert defaults is not None
    monkeypatch.setitem(defaults, "sleep", fake.sleep)
    monkeypatch.setitem(defaults, "clock", fake.clock)
    yield Stubbed(script, fake)
    script.stubber.deactivate()
