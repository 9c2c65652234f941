"""Shared fixtures: every test runs with an isolated AWS configuration; moto on demand.

- `aws_isolation` (autouse): no AWS_* variable of the developer's shell leaks in; dummy
  credentials, region us-east-1, config and credentials files pointing at nothing, no IMDS.
- `aws_config`: write an AWS config file for one test (profiles, SSO) and point at it.
- `moto_server` (session) / `moto_endpoint` (per test, state reset): an in-process moto
  server on 127.0.0.1 for tests that need a real endpoint (CLI, TUI, the emulator path).
  In-process `mock_aws` tests do not need either.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account

# The screens show times of day in the local zone: the snapshots are drawn in UTC on any machine.
os.environ["TZ"] = "UTC"
time.tzset()


@pytest.fixture(autouse=True)
def aws_isolation(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Isolate every test from the developer's AWS setup (chalice's conftest does the same)."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    nowhere = tmp_path_factory.getbasetemp() / "no-aws-config"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(nowhere / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nowhere / "credentials"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    # botocore >= 1.34 + moto: DynamoDB Streams 404s with account-based endpoints.
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    # Without credentials botocore would ask the EC2 metadata service (seconds of timeouts).
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Write `text` as this test's AWS config file (and point AWS_CONFIG_FILE at it)."""

    def write(text: str) -> Path:
        path = tmp_path / "aws-config"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
        return path

    return write


def _post(url: str, body: dict[str, Any] | None = None) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


class MotoServer:
    """A running in-process moto server; `reset()` clears every service's state."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url

    def reset(self) -> None:
        _post(f"{self.endpoint_url}/moto-api/reset")

    def configure(self, config: dict[str, Any]) -> None:
        _post(f"{self.endpoint_url}/moto-api/config", config)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One moto server for the whole session (127.0.0.1, free port, Lambda without Docker).

    moto's state lives in process-wide backends, shared with `mock_aws` and with
    ddbwizard's own LocalEmulator: use `moto_endpoint` to start each test from a clean slate.
    """
    pytest.importorskip("moto.server")
    import logging

    from moto.server import ThreadedMotoServer

    from ddbwizard.local.fixes import moto_behaves_like_aws

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    running = MotoServer(f"http://{host}:{port}")
    running.configure({"lambda": {"use_docker": False}})
    with moto_behaves_like_aws():  # stream records stay readable; stack outputs appear
        yield running
    server.stop()


@pytest.fixture
def moto_endpoint(moto_server: MotoServer) -> str:
    """The moto server's URL, with all state reset before the test."""
    moto_server.reset()
    moto_server.configure({"lambda": {"use_docker": False}})
    return moto_server.endpoint_url
