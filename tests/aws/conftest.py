"""Fixtures of the AWS-level tests."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from ddbwizard.local.emulator import LocalEmulator


@pytest.fixture
def emulator() -> Iterator[LocalEmulator]:
    with LocalEmulator() as running:
        reset = urllib.request.Request(
            f"{running.endpoint_url}/moto-api/reset", data=b"{}", method="POST"
        )
        urllib.request.urlopen(reset, timeout=10).read()  # moto's state is process-wide
        running.seed()
        yield running
