"""Fixtures of the fault suite (faults.md, one test per row): see fault_kit for the helpers."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.helpers.fault_kit import Calls, CliResult, Stubbed, record_calls, run_cli


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
    from ddbwizard.core.aws.facade import Aws
    from ddbwizard.core.deploy.execute import Deployer
    from tests.helpers.cfn_fakes import CfnScript, FakeTime

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


@pytest.fixture
def fault_proxy(moto_endpoint: str) -> Iterator[Any]:
    """A FaultProxy (tests/helpers/fault_proxy.py) in front of the reset moto server."""
    from tests.helpers.fault_proxy import FaultProxy

    with FaultProxy(moto_endpoint) as proxy:
        yield proxy
