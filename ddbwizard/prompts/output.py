"""Output helpers for the line wizard: a progress reporter with a spinner, wrapping.

What they print may come from AWS (names, ARNs, outputs, warnings), so it is made inert.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from dataclasses import dataclass, field
from typing import TextIO

from ddbwizard.core import inert
from ddbwizard.lines import LineReporter

SPINNER = "|/-\\"


def controls_allowed(stream: TextIO) -> bool:
    """Control sequences only on a terminal that is not TERM=dumb."""
    term = os.environ.get("TERM", "")
    return bool(term) and term != "dumb" and hasattr(stream, "isatty") and stream.isatty()


def columns() -> int:
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def wrapped(text: str, indent: str = "  ", first: str | None = None) -> list[str]:
    """`text` (made inert) wrapped to the terminal, each line indented (the first with `first`)."""
    return textwrap.wrap(
        inert(text),
        columns() - 1,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=False,
    ) or [indent.rstrip()]


def pair(key: str, value: str, key_width: int = 22) -> list[str]:
    """`key value` on one line when it fits, else the value on its own line (kept whole);
    both made inert (an output's key and value come from the stack)."""
    key, value = inert(key), inert(value)
    line = f"    {key:<{key_width}} {value}"
    return [line] if len(line) < columns() else [f"    {key}", f"      {value}"]


@dataclass
class PromptReporter(LineReporter):
    """LineReporter plus a one-line spinner while the engine waits (terminals only)."""

    spinner: bool | None = None
    _spinning: bool = field(default=False, init=False)
    _ticks: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.spinner is None:
            self.spinner = controls_allowed(self.stream)

    def _write(self, text: str) -> None:
        self.end_line()
        super()._write(text)

    def end_line(self) -> None:
        """Clear the spinner's line, so the next line (or the shell prompt) starts clean."""
        if self._spinning:
            self.stream.write("\r" + " " * (columns() - 1) + "\r")
            self.stream.flush()
            self._spinning = False

    def waiting(self, what: str, elapsed: float) -> None:
        if not self.spinner:
            return
        self._ticks += 1
        spin = SPINNER[self._ticks % len(SPINNER)]
        line = f"    {spin} waiting: {inert(what)} ({elapsed:.0f} s)"
        self.stream.write("\r" + line[: columns() - 1])
        self.stream.flush()
        self._spinning = True
