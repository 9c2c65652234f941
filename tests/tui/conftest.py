"""TUI test helpers: wait for a condition while the app runs, drive the steps, an emulator."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ddbwizard.core.engine import Connection


@pytest.fixture
def local_connect() -> Iterator[Callable[..., Connection]]:
    """A connect function for make_app: the embedded emulator, reset and freshly seeded."""
    from ddbwizard.core.aws.facade import Aws, make_session
    from ddbwizard.local.emulator import LocalEmulator

    started: list[LocalEmulator] = []

    def connect(*_args: Any, **_kwargs: Any) -> Connection:
        emulator = LocalEmulator().start()
        started.append(emulator)
        request = urllib.request.Request(
            f"{emulator.endpoint_url}/moto-api/reset", data=json.dumps({}).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
        configure = urllib.request.Request(  # moto's config, which the reset may have reset
            f"{emulator.endpoint_url}/moto-api/config",
            data=json.dumps({"lambda": {"use_docker": False}}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(configure, timeout=10) as answer:
            answer.read()
        emulator.seed()
        aws = Aws(make_session(None, emulator.region), emulator.endpoint_url)
        return Connection(aws, aws.identity(), emulator)

    yield connect
    for emulator in started:
        emulator.stop()
