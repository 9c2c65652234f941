"""Plain progress lines for the headless runner and the line prompts: one Reporter for both.

Every message and stack event field may hold text from AWS, so each is made inert (controls
shown as escapes) before it is written; the only escapes written are this module's colours.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TextIO

from ddbwizard.core.report import StackEvent
from ddbwizard.core.text import inert

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
