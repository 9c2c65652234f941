"""Plain lines for the headless runner and the line prompts: one Reporter and one log tail.

Every message and stack event field may hold text from AWS, so each is made inert (controls
shown as escapes) before it is written; the only escapes written are this module's colours.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from ddbwizard.core import Reporter, StackEvent, inert

if TYPE_CHECKING:
    from ddbwizard.core import Connection, LogLine
    from ddbwizard.local.poller import LocalPoller

_COLOURS = {"step": "1", "warn": "33", "fail": "31", "ok": "32", "dim": "2"}


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never with NO_COLOR or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


@dataclass
class LineReporter:
    """Writes each report as one line; colour only where `use_colour` allows it."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    colour: bool | None = None

    def __post_init__(self) -> None:
        if self.colour is None:
            self.colour = use_colour(self.stream)

    def paint(self, text: str, style: str) -> str:
        """`text` in `style` on a colour terminal; `text` must already be inert."""
        return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m" if self.colour else text

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def step(self, message: str) -> None:
        self._write(self.paint(f"==> {inert(message)}", "step"))

    def info(self, message: str) -> None:
        self._write(f"    {inert(message)}")

    def warn(self, message: str) -> None:
        self._write(self.paint(f"warning: {inert(message)}", "warn"))

    def waiting(self, what: str, elapsed: float) -> None:
        """Plain lines show no spinner: each phase already has its own line."""

    def stack_event(self, event: StackEvent) -> None:
        style = "fail" if event.failed else ("ok" if event.status.endswith("_COMPLETE") else "dim")
        reason = f"  {inert(event.reason)}" if event.reason else ""
        line = (
            f"    {event.timestamp:%H:%M:%S}  {inert(event.status):<20} "
            f"{inert(event.logical_id)} ({inert(event.resource_type)}){reason}"
        )
        self._write(self.paint(line, style))

    def progress(self, done: int, total: int) -> None:
        """Counts are implied by the event lines."""


def follow(
    connection: Connection,
    group: str,
    reporter: Reporter,
    out: Callable[[str], None],
    *,
    demo_table: str | None = None,
    pause: Callable[[float], bool] | None = None,
) -> None:
    """Print each log event as it arrives, inert (its tabs and line breaks kept), until
    Ctrl-C, which is how the user ends the tail.

    `demo_table` (under --local): the emulator's stream poller plays the table's stream, and
    one demo item is written to it so an echo line follows.
    """
    aws, poller = connection.aws, None
    if demo_table is not None:
        from ddbwizard.local.demo import demo_item
        from ddbwizard.local.poller import LocalPoller

        poller = LocalPoller(aws)
        poller.start()
        aws.put_item(demo_table, demo_item(demo_table))
        reporter.info(f"Wrote a demo item to {demo_table}: its echo line follows")
        if pause is None:  # read again as soon as the poller has run the function
            pause = _until_delivered(poller)
    reporter.step(f"Following {group} (Ctrl-C to stop)")

    def lines(new: list[LogLine]) -> None:
        for line in new:
            out(inert(line.message, multiline=True))

    from ddbwizard.core import LOOK_BACK_MS, Follow, follow_logs  # boto3: not on --export's path

    since_ms = int(time.time() * 1000) - LOOK_BACK_MS
    sink = Follow(lines=lines, notice=reporter.info)
    try:
        follow_logs(
            aws, group, sink, since_ms=since_ms, interval=connection.poll_interval, pause=pause
        )
    except KeyboardInterrupt:
        out("")  # the terminal echoed ^C on the current line
        reporter.info("Stopped following the logs.")
    finally:
        if poller is not None:
            poller.stop()


def _until_delivered(poller: LocalPoller) -> Callable[[float], bool]:
    """A tail's pause under --local: up to `seconds`, or until the poller delivers records;
    never the end of the tail (Ctrl-C is)."""

    def pause(seconds: float) -> bool:
        poller.wait_delivery(seconds)
        return False

    return pause
