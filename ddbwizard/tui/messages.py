"""Small messages that carry worker results (and reporter lines) back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ddbwizard.core.aws.values import LogLine, MappingInfo, TableInfo
    from ddbwizard.core.engine import Connection, Deployment, Outcome, Review
    from ddbwizard.core.report import StackEvent
    from ddbwizard.core.stream import StreamResolution


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
class Planned(Message):
    deployment: Deployment


@dataclass
class Deployed(Message):
    outcome: Outcome


@dataclass
class LogLines(Message):
    lines: list[LogLine]


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
