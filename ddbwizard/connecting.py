"""How a front end connects: to AWS (flags, environment, config), an endpoint, or --local's emulator."""

from __future__ import annotations

from collections.abc import Callable

from ddbwizard.core import Connection, connect, open_facade


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

    emulator = LocalEmulator().launch()  # its URL is known at once; it boots meanwhile
    try:
        # the clients the first calls need are made while the server boots, not after it
        aws = open_facade(None, emulator.region, emulator.endpoint_url)
        aws.client("sts")
        aws.prepare_table_list()
        emulator.wait_ready()
        emulator.seed()
        return Connection(aws, aws.identity(), emulator)
    except BaseException:
        emulator.stop()
        raise
