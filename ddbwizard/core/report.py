"""The Reporter protocol: how long-running core work tells a front end what is happening."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class StackEvent:
    """One CloudFormation stack event, as a front end shows it."""

    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str = ""
    physical_id: str = ""
    event_id: str = ""

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


class Reporter(Protocol):
    """Injected into the stream step and the deployer; every front end implements it once."""

    def step(self, message: str) -> None:
        """A new phase starts ("Creating change set ddbwizard-...")."""

    def info(self, message: str) -> None:
        """A detail of the current phase."""

    def warn(self, message: str) -> None:
        """Something the user should know but that does not stop the run."""

    def waiting(self, what: str, elapsed: float) -> None:
        """Called on every poll while waiting, so a front end can show a spinner or a clock."""

    def stack_event(self, event: StackEvent) -> None:
        """A new stack event, oldest first, each reported once."""

    def progress(self, done: int, total: int) -> None:
        """Resources finished out of the resources in the change set."""


@dataclass
class RecordingReporter:
    """A Reporter that keeps everything it was told (tests, and the TUI's event log)."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    events: list[StackEvent] = field(default_factory=list)
    progress_seen: list[tuple[int, int]] = field(default_factory=list)

    def step(self, message: str) -> None:
        self.lines.append(("step", message))

    def info(self, message: str) -> None:
        self.lines.append(("info", message))

    def warn(self, message: str) -> None:
        self.lines.append(("warn", message))

    def waiting(self, what: str, elapsed: float) -> None:
        """Waits are not recorded: their count depends on timing."""

    def stack_event(self, event: StackEvent) -> None:
        self.events.append(event)

    def progress(self, done: int, total: int) -> None:
        self.progress_seen.append((done, total))

    def text(self) -> str:
        return "\n".join(message for _, message in self.lines)
