"""The stream step: find the table's stream, or enable one (with consent), and wait until it is ready.

ddbwizard never disables or re-creates a stream: a new stream has a new ARN and breaks the
functions that read the old one.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ddbwizard.core.aws.errors import NotFound
from ddbwizard.core.aws.facade import Aws, MappingInfo, TableInfo
from ddbwizard.core.changes import Attempt, ChangeLog
from ddbwizard.core.errors import AwsError, DdbWizardError, Interrupted, UsageError
from ddbwizard.core.model.answers import Answers
from ddbwizard.core.report import Reporter

T = TypeVar("T")

WAIT_STATES = frozenset({"CREATING", "UPDATING"})
REFUSED_STATES = {
    "DELETING": "is being deleted",
    "ARCHIVING": "is being archived",
    "ARCHIVED": "is archived (restore it first)",
    "INACCESSIBLE_ENCRYPTION_CREDENTIALS": "cannot be used: its KMS key is inaccessible",
}
MAX_READERS = 2  # DynamoDB: at most two processes should read a shard at once
MAX_ENABLE_TRIES = 3  # UpdateTable again while the table was busy (ResourceInUseException)


@dataclass(frozen=True)
class StreamFinding:
    """What the table has, read only: its latest enabled stream, or None (one must be enabled)."""

    table: TableInfo
    arn: str | None
    view_type: str


@dataclass(frozen=True)
class StreamResolution:
    arn: str
    view_type: str
    enabled_now: bool
    readers: tuple[MappingInfo, ...]
    warnings: tuple[str, ...]


class Declined(UsageError):
    """The user said no to a confirmation; nothing was changed."""


class StreamWaitTimeout(AwsError):
    """The deadline passed while waiting for a table or a stream."""


def _check_command(table: str) -> str:
    return (
        f"aws dynamodb describe-table --table-name {table} "
        "--query 'Table.[TableStatus,LatestStreamArn]'"
    )


@dataclass
class _Waiter:
    """Polls under one deadline shared by the whole step."""

    reporter: Reporter
    deadline_seconds: float
    poll_seconds: float
    sleep: Callable[[float], None]
    clock: Callable[[], float]

    def __post_init__(self) -> None:
        self.start = self.clock()

    def until(self, what: str, check: Callable[[], T | None], on_timeout: Callable[[], str]) -> T:
        while True:
            result = check()
            if result is not None:
                return result
            elapsed = self.clock() - self.start
            if elapsed >= self.deadline_seconds:
                raise StreamWaitTimeout(on_timeout())
            self.reporter.waiting(what, elapsed)
            self.sleep(self.poll_seconds)


def _table_not_found(aws: Aws, name: str, exc: NotFound) -> DdbWizardError:
    try:
        names = aws.list_table_names()
    except DdbWizardError:
        return exc
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    if not names:
        hint = f"There are no tables in {aws.region}; check the region (--region)."
    elif close:
        hint = "Did you mean: " + ", ".join(close) + "?"
    elif len(names) <= 10:
        hint = f"Tables in {aws.region}: " + ", ".join(names)
    else:
        hint = (
            f"Check the table name and the region (--region); {len(names)} tables in {aws.region}."
        )
    return NotFound(
        f"Table {name!r} was not found in {aws.region}",
        hint,
        action="dynamodb:DescribeTable",
        code="ResourceNotFoundException",
    )


def _active_table(aws: Aws, name: str, waiter: _Waiter) -> TableInfo:
    """DescribeTable until ACTIVE; refuse tables that cannot get a stream."""
    try:
        first = aws.describe_table(name)
    except NotFound as exc:
        raise _table_not_found(aws, name, exc) from None
    info: TableInfo | None = None

    def poll() -> TableInfo | None:
        nonlocal info
        info = first if info is None else aws.describe_table(name)
        if info.status == "ACTIVE":
            return info
        if info.status in REFUSED_STATES:
            raise AwsError(
                f"Table {name} {REFUSED_STATES[info.status]} ({info.status}); nothing was changed"
            )
        if info.status not in WAIT_STATES:
            raise AwsError(f"Table {name} is {info.status}; nothing was changed")
        return None

    def timeout() -> str:
        status = info.status if info else first.status
        return (
            f"Table {name} is still {status} after {waiter.deadline_seconds:g} s; nothing was "
            f"changed. Run ddbwizard again when it is ACTIVE ({_check_command(name)})"
        )

    if first.status != "ACTIVE":
        waiter.reporter.info(f"Table {name} is {first.status}; waiting until it is ACTIVE")
    try:
        return waiter.until(f"table {name} is {first.status}", poll, timeout)
    except KeyboardInterrupt:
        raise Interrupted(f"Stopped waiting for table {name}. Nothing was changed.") from None


def find_stream(
    aws: Aws,
    answers: Answers,
    reporter: Reporter,
    *,
    deadline_seconds: float = 300,
    poll_seconds: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> StreamFinding:
    """Read only: the table (waited for until ACTIVE) and its latest enabled stream, if any.

    Refuses what the answers cannot get: a pinned stream.arn that is not the latest, a table
    without a stream when stream.enable is false, a stream being disabled.
    """
    name = answers.table.name
    wanted = answers.stream.view_type
    waiter = _Waiter(reporter, deadline_seconds, poll_seconds, sleep, clock)
    reporter.step(f"Checking table {name} in {aws.region}")
    table = _active_table(aws, name, waiter)
    if not (table.stream_enabled and table.latest_stream_arn):
        if (
            table.latest_stream_arn
            and _old_stream_status(aws, table.latest_stream_arn) == "DISABLING"
        ):
            raise AwsError(
                f"The stream on table {name} is being disabled; nothing was changed",
                "Run ddbwizard again once it is DISABLED (a new stream gets a new ARN).",
            )
        if answers.stream.arn:
            raise UsageError(
                f"stream.arn {answers.stream.arn} is given, but table {name} has no enabled stream",
                "Remove stream.arn from the answers to let ddbwizard enable a new stream.",
            )
        if not answers.stream.enable:
            raise UsageError(
                f"table {name} has no stream; set stream.enable: true or enable it",
                f"aws dynamodb update-table --table-name {name} "
                f"--stream-specification StreamEnabled=true,StreamViewType={wanted}",
            )
        return StreamFinding(table, None, wanted)
    arn = table.latest_stream_arn
    if answers.stream.arn and answers.stream.arn != arn:
        raise UsageError(
            f"stream.arn {answers.stream.arn} is not the latest stream of table {name} "
            f"(which is {arn})",
            "Set stream.arn to the latest stream, or remove it from the answers.",
        )
    return StreamFinding(table, arn, table.view_type or wanted)


def resolve_stream(
    aws: Aws,
    answers: Answers,
    reporter: Reporter,
    confirm: Callable[[str], bool],
    *,
    changes: ChangeLog | None = None,
    finding: StreamFinding | None = None,
    deadline_seconds: float = 300,
    poll_seconds: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> StreamResolution:
    """The table's latest stream ARN, enabling a stream (after `confirm`) when there is none.

    `finding` is `find_stream(...)` when the caller already read it; the UpdateTable call is
    recorded in `changes` (the run's change log).
    """
    name = answers.table.name
    wanted = answers.stream.view_type
    log = changes if changes is not None else ChangeLog()
    waiter = _Waiter(reporter, deadline_seconds, poll_seconds, sleep, clock)
    if finding is None:
        finding = find_stream(
            aws, answers, reporter, deadline_seconds=deadline_seconds,
            poll_seconds=poll_seconds, sleep=sleep, clock=clock,
        )  # fmt: skip
    table = finding.table
    warnings: list[str] = []
    enabled_now = waited = False

    if finding.arn is None:
        question = (
            f"Enable a {wanted} stream on table {name}? This updates the table (UpdateTable); "
            "the stream stays on after ddbwizard ends."
        )
        if not confirm(question):
            raise Declined(f"Nothing was changed: table {name} still has no stream.")
        table, enabled_now = _enable(aws, name, wanted, reporter, waiter, log)
        waited = True

    arn = table.latest_stream_arn
    assert arn is not None  # _enable and find_stream guarantee it
    view_type = table.view_type or wanted
    if view_type != wanted:
        message = (
            f"Table {name} already has a {view_type} stream; you asked for {wanted}. "
            "ddbwizard keeps the existing stream: changing its view type would create a new "
            "stream ARN and break every function that reads it."
        )
        reporter.warn(message)
        warnings.append(message)
        if not confirm(f"Use the existing {view_type} stream of {name} instead of {wanted}?"):
            raise Declined(f"Nothing was changed: table {name} keeps its {view_type} stream.")
    if not waited:
        reporter.info(f"Reusing the {view_type} stream of {name}: {arn}")
        _wait_stream_enabled(aws, name, arn, waiter)

    readers = tuple(aws.mappings_on_stream(arn))
    if len(readers) >= MAX_READERS:
        functions = ", ".join(r.function_name or r.uuid for r in readers)
        more = "a third" if len(readers) == MAX_READERS else "another"
        message = (
            f"{len(readers)} functions already read this stream ({functions}); {more} may be "
            f"throttled (at most {MAX_READERS} readers per shard)"
        )
        reporter.warn(message)
        warnings.append(message)
    elif readers:
        reporter.info(f"1 function already reads this stream ({readers[0].function_name})")
    return StreamResolution(arn, view_type, enabled_now, readers, tuple(warnings))


def _old_stream_status(aws: Aws, arn: str) -> str:
    """The status of a table's previous stream (disabled streams vanish after 24 hours)."""
    try:
        return aws.stream_status(arn)
    except NotFound:
        return "DISABLED"


def _enable(
    aws: Aws, name: str, view_type: str, reporter: Reporter, waiter: _Waiter, changes: ChangeLog
) -> tuple[TableInfo, bool]:
    """UpdateTable, then wait for the table and the new stream; (table, whether we enabled it)."""
    reporter.step(f"Enabling a {view_type} stream on {name}")
    with changes.attempt(
        f"an UpdateTable call was in flight: the stream on table {name} may be on",
        _check_command(name),
    ) as attempt:
        table, changed = _enable_and_wait(aws, name, view_type, reporter, waiter, attempt)
        attempt.confirm(f"a {view_type} stream was enabled on table {name}")
    reporter.info(f"Stream enabled: {table.latest_stream_arn}")
    return table, changed


def _enable_and_wait(
    aws: Aws, name: str, view_type: str, reporter: Reporter, waiter: _Waiter, attempt: Attempt
) -> tuple[TableInfo, bool]:
    """UpdateTable (again while the table is busy) until the stream is ENABLED.

    A "yes" confirms the change at once; "already has a stream" (a retry of a call whose
    answer was lost, or another client) leaves it unknown until the stream is seen on.
    """
    changed = aws.enable_stream(name, view_type)
    if changed:
        attempt.confirm(f"a {view_type} stream was enabled on table {name}")
    tries = 1
    if not changed:
        reporter.info(f"Table {name} is busy or already has a stream; reading it again")

    def table_ready() -> TableInfo | None:
        nonlocal changed, tries
        info = aws.describe_table(name)
        if info.status in REFUSED_STATES:
            raise AwsError(f"Table {name} {REFUSED_STATES[info.status]} ({info.status})")
        if info.status != "ACTIVE":
            return None
        if info.stream_enabled and info.latest_stream_arn:
            return info
        if not changed and tries < MAX_ENABLE_TRIES:  # it was busy (UPDATING): try again
            tries += 1
            changed = aws.enable_stream(name, view_type)
        return None

    try:
        table = waiter.until(
            f"stream on {name}",
            table_ready,
            lambda: (
                f"The stream on table {name} is still being enabled after "
                f"{waiter.deadline_seconds:g} s. It stays on; check it with {_check_command(name)} "
                "and run ddbwizard again."
            ),
        )
        assert table.latest_stream_arn is not None
        _wait_stream_enabled(aws, name, table.latest_stream_arn, waiter)
    except KeyboardInterrupt:
        raise Interrupted(
            f"Stopped waiting. The stream on {name} is being enabled and stays on: "
            f"check it with {_check_command(name)}"
        ) from None
    return table, changed


def _wait_stream_enabled(aws: Aws, name: str, arn: str, waiter: _Waiter) -> None:
    """DescribeStream until ENABLED (a stream is ENABLING for a while after UpdateTable)."""

    def enabled() -> bool | None:
        status = aws.stream_status(arn)
        if status == "ENABLED":
            return True
        if status in ("DISABLING", "DISABLED"):
            raise AwsError(
                f"The stream of table {name} is {status}; nothing was changed",
                "Run ddbwizard again once the table has an enabled stream.",
            )
        return None

    try:
        waiter.until(
            f"stream on {name} is enabling",
            enabled,
            lambda: (
                f"The stream on table {name} is still ENABLING after {waiter.deadline_seconds:g} s. "
                f"It stays on; check it with {_check_command(name)} and run ddbwizard again."
            ),
        )
    except KeyboardInterrupt:
        raise Interrupted(
            f"Stopped waiting. The stream on {name} is being enabled and stays on: "
            f"check it with {_check_command(name)}"
        ) from None
