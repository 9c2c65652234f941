"""How a front end connects: to AWS (flags, environment, config), an endpoint, or --local's emulator."""

from __future__ import annotations

from collections.abc import Callable

from ddbwizard.core import Connection, connect


def open_connection(
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    local: bool,
    fallback_region: str | None = None,
    slow: Callable[[str], object] | None = None,
) -> Connection:
    """Connect; under `local`, start the embedded emulator with its demo tables first.

    `slow` hears of any call that waits for an answer (a hung endpoint), within seconds.
    """
    if not local:
        return connect(profile, region, endpoint_url, fallback_region=fallback_region, slow=slow)
    from ddbwizard.local.emulator import LocalEmulator

    emulator = LocalEmulator().start()
    try:
        emulator.seed()
        return connect(None, emulator.region, emulator.endpoint_url, emulator=emulator)
    except BaseException:
        emulator.stop()
        raise
