"""The one log follower of every front end: the function's log events, as they arrive.

`LogTail` reads what is new in a log group; `follow_logs` loops over it until the caller
stops it, and rides out what a long tail meets (throttled FilterLogEvents, a reset
connection, a 5xx) with a notice and a growing pause instead of ending the tail. A refusal
that waiting cannot fix (access denied, expired credentials) ends it with that error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ddbwizard.core.aws.errors import AwsCallError, EndpointUnreachable, ThrottledError
from ddbwizard.core.aws.facade import Aws
from ddbwizard.core.aws.values import LogLine
from ddbwizard.core.errors import DdbWizardError
from ddbwizard.core.model.limits import LOG_POLL_INTERVAL

LOOK_BACK_MS = 3_600_000  # a new tail shows the last hour's events first
POLL_EVENTS = 10_000  # one full FilterLogEvents page: a poll returns about this many at most
RETRY_PAUSES = (2.0, 4.0, 8.0, 15.0, 30.0)  # after 1, 2, ... failed reads in a row; then 30 s

LOGS_WAITING = "No log events yet; waiting for the function to run"


class LogTail:
    """Follows a log group: each `poll()` returns the events not seen before, oldest first.

    A missing log group (the function never ran) is simply empty; the caller keeps polling.
    A burst costs about one page of memory: a poll stops after POLL_EVENTS events and the
    next one goes on from FilterLogEvents' token; only the ids of the newest millisecond are
    remembered (the next query reads that millisecond again: events can share it).
    """

    def __init__(self, aws: Aws, group: str, since_ms: int) -> None:
        self._aws, self._group, self._since = aws, group, since_ms
        self._token: str | None = None  # the query under way, when a poll stopped inside it
        self._newest = since_ms  # the newest timestamp the query under way has shown
        self._at_newest: set[str] = set()  # ... and the ids of its events at that millisecond
        self._seen: set[str] = set()  # ids of events at `_since` that were shown already

    def poll(self) -> list[LogLine]:
        fresh: list[LogLine] = []
        while True:
            lines, self._token = self._aws.log_events(self._group, self._since, self._token)
            fresh += [line for line in lines if self._is_new(line)]
            if not self._token:
                self._query_read()
                break
            if len(fresh) >= POLL_EVENTS:
                break
        return sorted(fresh, key=lambda line: line.timestamp_ms)

    def _is_new(self, line: LogLine) -> bool:
        key = line.event_id or f"{line.timestamp_ms}:{line.stream}:{line.message}"
        if line.timestamp_ms <= self._since and key in self._seen:
            return False
        if line.timestamp_ms > self._newest:
            self._newest, self._at_newest = line.timestamp_ms, {key}
        elif line.timestamp_ms == self._newest:
            self._at_newest.add(key)
        return True

    def _query_read(self) -> None:
        """The query is read to its end: the next one starts at its newest millisecond."""
        if self._newest > self._since:
            self._since, self._seen = self._newest, self._at_newest
        else:
            self._seen |= self._at_newest
        self._at_newest = set()


@dataclass(frozen=True)
class Follow:
    """Where a tail's output goes. `notice` gets one-line states (waiting, retrying, back);
    `each_round` runs after every read (the TUI re-reads the trigger's state there)."""

    lines: Callable[[list[LogLine]], object]
    notice: Callable[[str], object]
    each_round: Callable[[int], object] | None = None


def follow_logs(
    aws: Aws,
    group: str,
    sink: Follow,
    *,
    since_ms: int,
    interval: float = LOG_POLL_INTERVAL,
    pause: Callable[[float], bool] | None = None,
) -> None:
    """Read `group` every `interval` seconds until `pause` (which waits) returns True, or
    Ctrl-C in the caller.

    A failed read that may pass (throttling, the network, a 5xx: AWS did not refuse it) is
    said and retried after a growing pause; the tail says when it reads again.
    """
    pause = pause or _sleep
    tail, said_waiting, failures, rounds = LogTail(aws, group, since_ms), False, 0, 0
    while True:
        try:
            lines = tail.poll()
        except DdbWizardError as exc:
            if not _passing(exc):
                raise
            wait = RETRY_PAUSES[min(failures, len(RETRY_PAUSES) - 1)]
            failures += 1
            sink.notice(f"Reading the log events failed ({exc.message}); retrying in {wait:g} s")
            if pause(wait):
                return
            continue
        if failures:
            sink.notice("Reading the log events again")
            failures = 0
        if lines:
            sink.lines(lines)
        elif not said_waiting:
            sink.notice(LOGS_WAITING)
        said_waiting = True  # once, and only before the first event
        rounds += 1
        if sink.each_round is not None:
            sink.each_round(rounds)
        if pause(interval):
            return


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return False


def _passing(exc: DdbWizardError) -> bool:
    """Waiting may fix throttling, the network and AWS's own errors (a 5xx); not a refusal."""
    if isinstance(exc, ThrottledError | EndpointUnreachable):
        return True
    return type(exc) is AwsCallError and not exc.refused
