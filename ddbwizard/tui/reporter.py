"""The TUI's Reporter: posts every report as a message to one screen (thread-safe)."""

from __future__ import annotations

from textual.message_pump import MessagePump

from ddbwizard.core import StackEvent
from ddbwizard.tui import messages


class TuiReporter:
    """Implements core.report.Reporter; never touches a widget, only posts messages."""

    def __init__(self, target: MessagePump) -> None:
        self._target = target

    def step(self, message: str) -> None:
        self._target.post_message(messages.ReportLine("step", message))

    def info(self, message: str) -> None:
        self._target.post_message(messages.ReportLine("info", message))

    def warn(self, message: str) -> None:
        self._target.post_message(messages.ReportLine("warn", message))

    def waiting(self, what: str, elapsed: float) -> None:
        self._target.post_message(messages.Waiting(what, elapsed))

    def stack_event(self, event: StackEvent) -> None:
        self._target.post_message(messages.StackEventSeen(event))

    def progress(self, done: int, total: int) -> None:
        self._target.post_message(messages.Progress(done, total))
