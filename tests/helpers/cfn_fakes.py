"""Recorded-response helpers for botocore's Stubber: CloudFormation answers shaped like real AWS.

A `CfnScript` queues the calls the deployer is expected to make, in order, with answers copied
in shape from real CloudFormation (newest-first events, ARNs, status reasons). A `FakeTime`
gives the deployer a clock and a sleep that never blocks; `Timeline` turns "what happened when"
into the answers of each poll, so a test can check when the deployer noticed something.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.stub import ANY, Stubber

from ddbwizard.core.report import RecordingReporter

REGION = "us-east-1"
ACCOUNT = "123456789012"
STACK = "orders-echo"
STACK_ID = (
    f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/5e0b7f40-fc1e-11ee-9c3a-0a1b2c3d4e5f"
)
CHANGE_SET_ID = (
    f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:changeSet/ddbwizard-20260128T120000Z-a1b2c3/"
    "0f3c2a77-5d8e-4b9a-9e51-2a6f3c1d0b99"
)
CHANGE_SET_NAME = "ddbwizard-20260128T120000Z-a1b2c3"
T0 = datetime(2026, 1, 28, 12, 0, 0, tzinfo=UTC)
OURS = "<token of the operation under test>"  # replaced by the real token once it is sent
STACK_TYPE = "AWS::CloudFormation::Stack"

# The echo stack's resources, as the template names them.
RESOURCES = {
    "EchoLogGroup": "AWS::Logs::LogGroup",
    "EchoRole": "AWS::IAM::Role",
    "EchoFunction": "AWS::Lambda::Function",
    "EchoMapping": "AWS::Lambda::EventSourceMapping",
}
PHYSICAL = {
    "EchoLogGroup": "/aws/lambda/orders-echo",
    "EchoRole": "orders-echo-EchoRole-1A2B3C4D5E6F",
    "EchoFunction": "orders-echo",
    "EchoMapping": "0c4a3e9f-1d2b-4c5e-8f7a-6b5c4d3e2f10",
}
MAPPING_REASON = (
    'Resource handler returned message: "Cannot access stream arn:aws:dynamodb:us-east-1:'
    "123456789012:table/orders/stream/2026-01-28T11:00:00.000. Please ensure the role can "
    "perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on "
    "your stream in IAM. (Service: Lambda, Status Code: 400, Request ID: 1f2e3d4c-5b6a-7980-"
    'a1b2-c3d4e5f60718)" (RequestToken: 9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4, '
    "HandlerErrorCode: InvalidRequest)"
)
_ids = itertools.count(1)


def at(seconds: float) -> datetime:
    """The wall-clock time `seconds` after the fake clock's zero."""
    return T0 + timedelta(seconds=seconds)


@dataclass
class FakeTime:
    """`clock` and `sleep` for the deployer: sleeping advances the clock and returns at once.

    `interrupt_on` makes the n-th sleep (1-based) raise KeyboardInterrupt, like a Ctrl-C.
    """

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)
    interrupt_on: int | None = None

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.interrupt_on is not None and len(self.sleeps) >= self.interrupt_on:
            raise KeyboardInterrupt
        self.now += seconds


@dataclass
class TimedReporter(RecordingReporter):
    """A RecordingReporter that also notes the fake time of each line and event."""

    time: FakeTime = field(default_factory=FakeTime)
    line_times: list[float] = field(default_factory=list)
    event_times: list[float] = field(default_factory=list)

    def info(self, message: str) -> None:
        super().info(message)
        self.line_times.append(self.time.now)

    def step(self, message: str) -> None:
        super().step(message)
        self.line_times.append(self.time.now)

    def warn(self, message: str) -> None:
        super().warn(message)
        self.line_times.append(self.time.now)

    def stack_event(self, event: Any) -> None:
        super().stack_event(event)
        self.event_times.append(self.time.now)

    def time_of(self, text: str) -> float:
        """The fake time of the first line containing `text`."""
        for (_, message), when in zip(self.lines, self.line_times, strict=True):
            if text in message:
                return when
        raise AssertionError(f"no line contains {text!r}: {self.text()}")


def cfn_client() -> Any:
    return boto3.client(
        "cloudformation",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def event(
    logical_id: str,
    status: str,
    when: float,
    *,
    reason: str | None = None,
    token: str | None = OURS,
) -> dict[str, Any]:
    """One DescribeStackEvents entry; the stack itself when `logical_id` is the stack's name."""
    itself = logical_id == STACK
    raw: dict[str, Any] = {
        "StackId": STACK_ID,
        "EventId": f"{logical_id}-{status}-{next(_ids):04d}",
        "StackName": STACK,
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": STACK_ID if itself else PHYSICAL.get(logical_id, ""),
        "ResourceType": STACK_TYPE if itself else RESOURCES.get(logical_id, "AWS::SQS::Queue"),
        "Timestamp": at(when),
        "ResourceStatus": status,
    }
    if reason:
        raw["ResourceStatusReason"] = reason
    if token:
        raw["ClientRequestToken"] = token
    return raw


def stack(
    status: str, *, outputs: dict[str, str] | None = None, reason: str | None = None
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "StackId": STACK_ID,
        "StackName": STACK,
        "CreationTime": at(-60),
        "StackStatus": status,
        "Capabilities": ["CAPABILITY_IAM"],
        "Tags": [
            {"Key": "app", "Value": "ddbwizard"},
            {"Key": "ddbwizard:table", "Value": "orders"},
        ],
        "DisableRollback": False,
    }
    if outputs:
        raw["Outputs"] = [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()]
    if reason:
        raw["StackStatusReason"] = reason
    return raw


def change(action: str, logical_id: str, *, replacement: str | None = None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "Action": action,
        "LogicalResourceId": logical_id,
        "ResourceType": RESOURCES[logical_id],
        "Scope": ["Properties"] if action == "Modify" else [],
        "Details": [],
    }
    if action != "Add":
        resource["PhysicalResourceId"] = PHYSICAL[logical_id]
    if replacement is not None:
        resource["Replacement"] = replacement
    return {"Type": "Resource", "ResourceChange": resource}


ALL_ADDS = [change("Add", logical_id) for logical_id in RESOURCES]


@dataclass
class CfnScript:
    """Queues the deployer's expected calls on a Stubber and records the calls it really made."""

    client: Any
    stubber: Stubber
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    pending_ours: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def start(cls) -> CfnScript:
        client = cfn_client()
        script = cls(client, Stubber(client))
        client.meta.events.register("before-parameter-build.cloudformation", script._record)
        script.stubber.activate()
        return script

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, dict(params)))
        token = params.get("ClientRequestToken")
        if token and model.name in ("ExecuteChangeSet", "DeleteStack"):
            for raw in self.pending_ours:  # this operation's events now carry its token
                raw["ClientRequestToken"] = token
            self.pending_ours.clear()

    def operations(self) -> list[str]:
        return [name for name, _ in self.calls]

    def params(self, operation: str) -> dict[str, Any]:
        return next(p for name, p in self.calls if name == operation)

    # -- single calls --------------------------------------------------------------------

    def describe_stacks(
        self, status: str | None, *, by: str = STACK, outputs: dict[str, str] | None = None,
        reason: str | None = None,
    ) -> None:  # fmt: skip
        if status is None:
            self.stubber.add_client_error(
                "describe_stacks",
                service_error_code="ValidationError",
                service_message=f"Stack with id {by} does not exist",
                http_status_code=400,
                expected_params={"StackName": by},
            )
            return
        answer = {"Stacks": [stack(status, outputs=outputs, reason=reason)]}
        self.stubber.add_response("describe_stacks", answer, {"StackName": by})

    def describe_stacks_error(self, code: str, message: str) -> None:
        self.stubber.add_client_error(
            "describe_stacks", service_error_code=code, service_message=message,
            http_status_code=400, expected_params={"StackName": STACK_ID},
        )  # fmt: skip

    def events(
        self, raw_events: Iterable[dict[str, Any]], *, next_token: str | None = None,
        after: str | None = None,
    ) -> None:  # fmt: skip
        """One DescribeStackEvents page, answered newest first (`raw_events` is oldest first)."""
        ordered = sorted(enumerate(raw_events), key=lambda pair: (pair[1]["Timestamp"], pair[0]))
        page = [raw for _, raw in reversed(ordered)]
        for raw in page:
            if raw.get("ClientRequestToken") == OURS and raw not in self.pending_ours:
                self.pending_ours.append(raw)
        answer: dict[str, Any] = {"StackEvents": page}
        if next_token:
            answer["NextToken"] = next_token
        expected: dict[str, Any] = {"StackName": STACK_ID}
        if after:
            expected["NextToken"] = after
        self.stubber.add_response("describe_stack_events", answer, expected)

    def create_change_set(self, kind: str, *, tags: dict[str, str] | None = None) -> None:
        expected = {
            "StackName": STACK,
            "ChangeSetName": ANY,
            "ChangeSetType": kind,
            "TemplateBody": ANY,
            "Capabilities": ["CAPABILITY_IAM"],
            "Description": ANY,
            "Tags": ANY if tags is None else [{"Key": k, "Value": v} for k, v in tags.items()],
            "ClientToken": ANY,
        }
        answer = {"Id": CHANGE_SET_ID, "StackId": STACK_ID}
        self.stubber.add_response("create_change_set", answer, expected)

    def describe_change_set(
        self, status: str, *, changes: Sequence[dict[str, Any]] = (), reason: str | None = None,
        next_token: str | None = None, after: str | None = None,
    ) -> None:  # fmt: skip
        answer: dict[str, Any] = {
            "ChangeSetName": CHANGE_SET_NAME,
            "ChangeSetId": CHANGE_SET_ID,
            "StackId": STACK_ID,
            "StackName": STACK,
            "Description": f"ddbwizard deploy of stack {STACK}",
            "CreationTime": at(0),
            "ExecutionStatus": "AVAILABLE" if status == "CREATE_COMPLETE" else "UNAVAILABLE",
            "Status": status,
            "Capabilities": ["CAPABILITY_IAM"],
            "Changes": list(changes),
            "IncludeNestedStacks": False,
        }
        if reason:
            answer["StatusReason"] = reason
        if next_token:
            answer["NextToken"] = next_token
        expected: dict[str, Any] = {"ChangeSetName": CHANGE_SET_ID, "StackName": STACK_ID}
        if after:
            expected["NextToken"] = after
        self.stubber.add_response("describe_change_set", answer, expected)

    def delete_change_set(self, change_set: str = CHANGE_SET_ID) -> None:
        expected = {"ChangeSetName": change_set, "StackName": STACK}
        self.stubber.add_response("delete_change_set", {}, expected)

    def execute_change_set(self) -> None:
        expected = {"ChangeSetName": CHANGE_SET_ID, "StackName": STACK, "ClientRequestToken": ANY}
        self.stubber.add_response("execute_change_set", {}, expected)

    def delete_stack(self) -> None:
        expected = {"StackName": STACK_ID, "ClientRequestToken": ANY}
        self.stubber.add_response("delete_stack", {}, expected)

    def list_change_sets(self, names: Sequence[str]) -> None:
        summaries = [
            {
                "StackId": STACK_ID,
                "StackName": STACK,
                "ChangeSetId": CHANGE_SET_ID.replace(CHANGE_SET_NAME, name),
                "ChangeSetName": name,
                "ExecutionStatus": "AVAILABLE",
                "Status": "CREATE_COMPLETE",
                "CreationTime": at(-300),
            }
            for name in names
        ]
        self.stubber.add_response(
            "list_change_sets", {"Summaries": summaries}, {"StackName": STACK_ID}
        )

    # -- sequences -----------------------------------------------------------------------

    def delete_to_gone(self, history: Sequence[dict[str, Any]] = ()) -> None:
        """Baseline events, DeleteStack, then one poll that finds the stack DELETE_COMPLETE."""
        self.events(history)
        self.delete_stack()
        self.describe_stacks("DELETE_COMPLETE", by=STACK_ID)
        self.events([
            *history,
            event(STACK, "DELETE_IN_PROGRESS", 0.2, reason="User Initiated"),
            event(STACK, "DELETE_COMPLETE", 0.8),
        ])  # fmt: skip


@dataclass
class Timeline:
    """What CloudFormation did and when (fake seconds): `polls` queues what each poll sees.

    `history` are events from before the operation (they answer the baseline call too);
    `events` happen during it; `statuses` are (time, status) changes of the stack.
    """

    history: list[dict[str, Any]]
    events: list[dict[str, Any]]
    statuses: list[tuple[float, str]]
    outputs: dict[str, str] | None = None

    def status_at(self, when: float) -> str:
        current = self.statuses[0][1]
        for moment, status in self.statuses:
            if moment <= when:
                current = status
        return current

    def visible(self, when: float) -> list[dict[str, Any]]:
        return [*self.history, *(e for e in self.events if e["Timestamp"] <= at(when))]

    def polls(
        self, script: CfnScript, *, start: float = 0.0, interval: float = 1.5,
        count: int | None = None,
    ) -> list[float]:  # fmt: skip
        """Queue the answers of each poll (status, then events) until a terminal status.

        Returns the fake times of the polls.
        """
        times: list[float] = []
        when = start
        while True:
            status = self.status_at(when)
            final = status.endswith(("_COMPLETE", "_FAILED"))
            outputs = self.outputs if final else None
            script.describe_stacks(status, by=STACK_ID, outputs=outputs)
            script.events(self.visible(when))
            times.append(when)
            if final or (count is not None and len(times) >= count):
                return times
            when += interval


def review_history() -> list[dict[str, object]]:
    """What a new stack shows after CreateChangeSet: one REVIEW_IN_PROGRESS event, no token."""
    return [event(STACK, "REVIEW_IN_PROGRESS", -10, reason="User Initiated", token=None)]


def failed_create() -> Timeline:
    """A first create whose mapping fails: the function's cancellation cascades, then rollback."""
    rollback_reason = (
        "The following resource(s) failed to create: [EchoMapping, EchoFunction]. "
        "Rollback requested by user."
    )
    return Timeline(
        history=review_history(),
        events=[
            event(STACK, "CREATE_IN_PROGRESS", 0.3, reason="User Initiated"),
            event("EchoLogGroup", "CREATE_COMPLETE", 1.0),
            event("EchoRole", "CREATE_COMPLETE", 2.0),
            event("EchoFunction", "CREATE_IN_PROGRESS", 2.2),
            event("EchoMapping", "CREATE_IN_PROGRESS", 2.2),
            event("EchoFunction", "CREATE_FAILED", 3.4, reason="Resource creation cancelled"),
            event("EchoMapping", "CREATE_FAILED", 3.4, reason=MAPPING_REASON),
            event(STACK, "ROLLBACK_IN_PROGRESS", 3.6, reason=rollback_reason),
            event("EchoRole", "DELETE_COMPLETE", 4.5),
            event("EchoLogGroup", "DELETE_COMPLETE", 4.7),
            event(STACK, "ROLLBACK_COMPLETE", 4.8),
        ],
        statuses=[(-10, "CREATE_IN_PROGRESS"), (3.6, "ROLLBACK_IN_PROGRESS"), (4.8, "ROLLBACK_COMPLETE")],
    )  # fmt: skip
