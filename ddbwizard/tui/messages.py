"""Small messages that carry worker results (and reporter lines) back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from ddbwizard.core import (
        CheckReport,
        Connection,
        DeployedTrigger,
        Deployment,
        LogLine,
        LogView,
        MappingInfo,
        Outcome,
        Review,
        StackEvent,
        StreamResolution,
        TableInfo,
        Trial,
    )


@dataclass
class Connected(Message):
    connection: Connection


@dataclass
class TableNames(Message):
    """One ListTables page."""

    names: list[str]


@dataclass
class TablesDescribed(Message):
    """A batch of DescribeTable answers (batched so 1,000 tables are not 1,000 redraws)."""

    infos: list[TableInfo]


@dataclass
class TablesLoaded(Message):
    count: int


@dataclass
class StreamResolved(Message):
    resolution: StreamResolution


@dataclass
class Destinations(Message):
    arns: list[str]


@dataclass
class ReviewReady(Message):
    review: Review


@dataclass
class SampleRead(Message):
    """Stream records built from a few of the table's items (the Trigger step counts how
    many of them the filter patterns let through, as you type)."""

    records: list[dict[str, Any]]


@dataclass
class CodeReviewed(Message):
    """The review's line about the function's zip (your own code, or the Go echo)."""

    line: str


@dataclass
class TrialReady(Message):
    """The review's "Try it": sample records, their verdicts and the echo's lines."""

    trial: Trial


@dataclass
class PlanAnnounced(Message):
    """The mutations a deploy is about to make, in order, before the first one."""

    mutations: tuple[str, ...]


@dataclass
class Planned(Message):
    deployment: Deployment


@dataclass
class Deployed(Message):
    outcome: Outcome


@dataclass
class LogLines(Message):
    """Some of one read's events, each with its view (made on the follower's thread);
    `dropped`: how many older events of that read the view's window would not keep."""

    lines: list[tuple[LogLine, LogView]]
    dropped: int = 0


@dataclass
class LogNotice(Message):
    """The log follower's state: waiting for a first event, retrying a failed read, ..."""

    text: str


@dataclass
class MappingRead(Message):
    mapping: MappingInfo


@dataclass
class ReportLine(Message):
    """A Reporter step/info/warn line."""

    kind: str
    text: str


@dataclass
class Waiting(Message):
    what: str
    elapsed: float


@dataclass
class StackEventSeen(Message):
    event: StackEvent


@dataclass
class Progress(Message):
    done: int
    total: int


@dataclass
class HealthRead(Message):
    """A check of the deployed trigger (core.check_trigger): the Done screen's Health tab."""

    report: CheckReport


@dataclass
class TriggersFound(Message):
    """The region's ddbwizard stacks, by table (one DescribeStacks listing)."""

    triggers: dict[str, list[DeployedTrigger]]


@dataclass
class TriggerVerdict(Message):
    """A deployed trigger's health in one word (OK, drift, failing, behind, ...)."""

    table: str
    verdict: str
