"""Watching one CloudFormation stack operation: its status and its new events, polled every 1-2 s."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ddbwizard.core.aws.errors import CredentialsError
from ddbwizard.core.errors import AwsError, Interrupted
from ddbwizard.core.report import Reporter, StackEvent

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.type_defs import StackEventTypeDef, StackTypeDef

    from ddbwizard.core.aws.cloudformation import CloudFormation

STACK_TYPE = "AWS::CloudFormation::Stack"
CANCELLED_PREFIXES = ("Resource creation cancelled", "Resource update cancelled")
MAX_EVENT_PAGES = 10
MAX_POLL_FAILURES = 5  # consecutive polls that AWS did not answer (throttled, reset, 5xx)


def is_terminal(status: str) -> bool:
    """True once no operation runs on the stack (ROLLBACK_COMPLETE, UPDATE_COMPLETE, *_FAILED)."""
    return status.endswith(("_COMPLETE", "_FAILED"))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_event(raw: StackEventTypeDef) -> StackEvent:
    return StackEvent(
        timestamp=_utc(raw["Timestamp"]),
        logical_id=raw.get("LogicalResourceId", ""),
        resource_type=raw.get("ResourceType", ""),
        status=raw.get("ResourceStatus", ""),
        reason=raw.get("ResourceStatusReason", ""),
        physical_id=raw.get("PhysicalResourceId", ""),
        event_id=raw["EventId"],
    )


def is_stack_itself(event: StackEvent) -> bool:
    return event.resource_type == STACK_TYPE


def first_failure(events: Iterable[StackEvent]) -> StackEvent | None:
    """The oldest resource failure that is a cause, not a "Resource creation cancelled" cascade."""
    for event in events:
        cascade = event.reason.startswith(CANCELLED_PREFIXES)
        if event.failed and not is_stack_itself(event) and not cascade:
            return event
    return None


def stuck_resources(events: Iterable[StackEvent]) -> list[StackEvent]:
    """Resources that failed in the stack's last phase (the latest stack *_IN_PROGRESS event on).

    For UPDATE_ROLLBACK_FAILED these are the resources the rollback could not revert, not the
    update's first failure; for DELETE_FAILED, the ones the delete left. `events`: oldest first.
    """
    ordered = list(events)
    phase_start = 0
    for index, event in enumerate(ordered):
        if is_stack_itself(event) and event.status.endswith("_IN_PROGRESS"):
            phase_start = index
    latest: dict[str, StackEvent] = {}
    for event in ordered[phase_start:]:
        if not is_stack_itself(event):
            latest[event.logical_id] = event
    return [event for event in latest.values() if event.failed]


def describe_resource(event: StackEvent) -> str:
    reason = f": {event.reason}" if event.reason else ""
    return f"{event.logical_id} ({event.resource_type}) {event.status}{reason}"


def follow_command(stack_name: str, region: str | None) -> str:
    where = f" --region {region}" if region else ""
    return f"aws cloudformation describe-stack-events --stack-name {stack_name}{where}"


@dataclass(frozen=True)
class WatchOutcome:
    """Where a stack operation ended: `status` is None when the stack is gone (deleted)."""

    status: str | None
    stack: StackTypeDef | None
    events: tuple[StackEvent, ...]
    elapsed: float


@dataclass
class StackWatcher:
    """Polls one stack (by id, so a deleted stack still answers) until its status is terminal.

    Events count as this operation's when they carry its ClientRequestToken; events without a
    token count when they are newer than the newest event seen before the operation started
    (`take_baseline`), so CloudFormation's own clock decides and a skewed local clock does not.
    Each event is reported once, oldest first.
    """

    cfn: CloudFormation
    reporter: Reporter
    stack_id: str
    stack_name: str
    token: str
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    poll_interval: float
    deadline: float
    region: str | None
    _baseline_ids: set[str] = field(default_factory=set)
    _cutoff: datetime | None = None
    _seen: set[str] = field(default_factory=set)
    _events: list[StackEvent] = field(default_factory=list)

    def take_baseline(self) -> None:
        """Remember the newest events before the operation starts; call it before the mutation."""
        page = next(iter(self.cfn.event_pages(self.stack_id)), [])
        self._baseline_ids = {raw["EventId"] for raw in page}
        if page:
            self._cutoff = max(_utc(raw["Timestamp"]) for raw in page)

    def watch(self, operation: str, expected: Mapping[str, str] | None = None) -> WatchOutcome:
        """Poll until the stack's status is terminal or it is gone.

        `operation` ("deploy", "delete") words the messages; `expected` maps each logical id in
        the change set to the status that finishes it (CREATE_COMPLETE for an Add), for progress.
        Ctrl-C, an expired token and the deadline stop the waiting, never the stack operation.
        """
        start = self.clock()
        shown_done = -1
        failures = 0
        try:
            while True:
                try:
                    stack = self.cfn.describe(self.stack_id)
                    self._poll_events()
                    failures = 0
                except CredentialsError:
                    raise
                except AwsError as error:
                    failures += 1
                    if failures >= MAX_POLL_FAILURES:
                        raise self._lost(operation, error) from None
                    self.reporter.warn(f"{error.message}; trying again")
                    self.sleep(self.poll_interval * failures)
                    continue
                status = stack["StackStatus"] if stack else None
                if expected:
                    done = self._done(expected)
                    if done != shown_done:
                        self.reporter.progress(done, len(expected))
                        shown_done = done
                elapsed = self.clock() - start
                if status is None or status == "DELETE_COMPLETE" or is_terminal(status):
                    gone = status is None or status == "DELETE_COMPLETE"
                    return WatchOutcome(
                        None if gone else status, stack, tuple(self._events), elapsed
                    )
                if elapsed >= self.deadline:
                    raise AwsError(
                        f"Stack {self.stack_name} is still working ({status}) after "
                        f"{self.deadline / 60:.0f} min; ddbwizard stopped waiting and the "
                        f"{operation} goes on.",
                        hint=f"Follow it with: {follow_command(self.stack_name, self.region)}",
                    )
                self.reporter.waiting(f"stack {self.stack_name} ({status})", elapsed)
                self.sleep(self.poll_interval)
        except KeyboardInterrupt:
            raise Interrupted(
                f"The {operation} goes on in CloudFormation without ddbwizard. Follow it with: "
                f"{follow_command(self.stack_name, self.region)}"
            ) from None
        except CredentialsError as error:
            raise self._lost(operation, error) from None

    def _lost(self, operation: str, error: AwsError) -> AwsError:
        """ddbwizard can no longer watch: the operation goes on; say how to follow it."""
        lost = AwsError(
            f"{error.message}. ddbwizard stopped watching stack {self.stack_name}; "
            f"the {operation} goes on in CloudFormation without it.",
            hint=(f"{error.hint} " if error.hint else "")
            + f"Follow it with: {follow_command(self.stack_name, self.region)}",
        )
        lost.refused = False
        return lost

    @property
    def events(self) -> tuple[StackEvent, ...]:
        return tuple(self._events)

    def _is_ours(self, raw: StackEventTypeDef) -> bool:
        token = raw.get("ClientRequestToken")
        if token:
            return token == self.token
        if raw["EventId"] in self._baseline_ids:
            return False
        return self._cutoff is None or _utc(raw["Timestamp"]) >= self._cutoff

    def _is_older(self, raw: StackEventTypeDef) -> bool:
        """An event from before the operation: the pages after it hold nothing new."""
        if raw["EventId"] in self._baseline_ids:
            return True
        return self._cutoff is not None and _utc(raw["Timestamp"]) < self._cutoff

    def _poll_events(self) -> None:
        fresh: list[StackEvent] = []
        for count, page in enumerate(self.cfn.event_pages(self.stack_id), start=1):
            fresh.extend(
                to_event(raw)
                for raw in page
                if raw["EventId"] not in self._seen and self._is_ours(raw)
            )
            if count >= MAX_EVENT_PAGES or any(self._is_older(raw) for raw in page):
                break
        fresh.reverse()  # CloudFormation lists newest first
        fresh.sort(key=lambda event: event.timestamp)
        for event in fresh:
            if event.event_id in self._seen:
                continue
            self._seen.add(event.event_id)
            self._events.append(event)
            self.reporter.stack_event(event)

    def _done(self, expected: Mapping[str, str]) -> int:
        finished = {
            event.logical_id
            for event in self._events
            if expected.get(event.logical_id) == event.status
        }
        return len(finished)
