"""TUI test helpers: wait for a condition while the app runs, drive the steps, an emulator."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from ddbwizard.core.flow import Connection


async def until(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` is true (workers answer on their own threads)."""
    loops = int(timeout / 0.05)
    for _ in range(loops):
        if condition():
            await pilot.pause()
            return
        if type(pilot.app.screen).__name__ == "ErrorModal":
            break
        await pilot.pause(0.05)
    shown = getattr(pilot.app.screen, "message", "")
    raise AssertionError(f"timed out; screen is {pilot.app.screen!r} {shown}")


def screen_name(pilot: Pilot[Any]) -> str:
    return type(pilot.app.screen).__name__


@pytest.fixture
def local_connect() -> Iterator[Callable[..., Connection]]:
    """A connect function for make_app: the embedded emulator, reset and freshly seeded."""
    from ddbwizard.core.aws import Aws, make_session
    from ddbwizard.core.local import LocalEmulator, configure_moto

    started: list[LocalEmulator] = []

    def connect(*_args: Any) -> Connection:
        emulator = LocalEmulator().start()
        started.append(emulator)
        request = urllib.request.Request(
            f"{emulator.endpoint_url}/moto-api/reset", data=json.dumps({}).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
        configure_moto(emulator.endpoint_url)
        emulator.seed()
        aws = Aws(make_session(None, emulator.region), emulator.endpoint_url)
        return Connection(aws, aws.identity(), emulator)

    yield connect
    for emulator in started:
        emulator.stop()
