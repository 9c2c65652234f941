"""Deploy notice: how long after CloudFormation finishes does the deployer report it?

A real botocore CloudFormation client whose calls are answered in-process by a `before-call`
hook (as botocore's Stubber does, but answering from the wall clock): the stack reaches
CREATE_COMPLETE a known time after ExecuteChangeSet. The Deployer runs with its real sleep,
clock and 1.5 s poll interval; the delay is from that known moment to the reporter's
"Stack ... is CREATE_COMPLETE" line. Completion times are spread over a poll interval, so the
median is about half an interval and the worst case one interval plus a poll's calls.
Floor 0; botocore's waiter (stack_create_complete) polls every 30 s.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import Result, Series
from ddbwizard.core.aws.cloudformation import CloudFormation

STACK = "orders-echo"
STACK_ID = f"arn:aws:cloudformation:us-east-1:123456789012:stack/{STACK}/{uuid.uuid4()}"
CHANGE_SET_ID = f"arn:aws:cloudformation:us-east-1:123456789012:changeSet/cs/{uuid.uuid4()}"
RESOURCES = [
    ("EchoLogGroup", "AWS::Logs::LogGroup"),
    ("EchoRole", "AWS::IAM::Role"),
    ("EchoFunction", "AWS::Lambda::Function"),
    ("EchoMapping", "AWS::Lambda::EventSourceMapping"),
]


class FakeStack:
    """CloudFormation's side: the stack completes `duration` seconds after the execute call."""

    def __init__(self, duration: float) -> None:
        self.duration = duration
        self.executed_at: float | None = None  # time.monotonic()
        self.token = ""
        self.wall0 = datetime.now(UTC)

    @property
    def done_at(self) -> float | None:
        return None if self.executed_at is None else self.executed_at + self.duration

    def _events(self, now: float) -> list[dict[str, Any]]:
        if self.executed_at is None:
            return []
        t0 = self.executed_at
        timeline = [(0.0, STACK, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS")]
        for i, (logical, kind) in enumerate(RESOURCES):
            start = self.duration * i / (len(RESOURCES) + 1)
            end = self.duration * (i + 1) / (len(RESOURCES) + 1)
            timeline += [(start, logical, kind, "CREATE_IN_PROGRESS")]
            timeline += [(end, logical, kind, "CREATE_COMPLETE")]
        timeline.append((self.duration, STACK, "AWS::CloudFormation::Stack", "CREATE_COMPLETE"))
        events = [
            {
                "StackId": STACK_ID,
                "EventId": f"{logical}-{status}-{at:.3f}",
                "StackName": STACK,
                "LogicalResourceId": logical,
                "PhysicalResourceId": logical,
                "ResourceType": kind,
                "Timestamp": self.wall0 + timedelta(seconds=at + 1),
                "ResourceStatus": status,
                "ClientRequestToken": self.token,
            }
            for at, logical, kind, status in timeline
            if t0 + at <= now
        ]
        return events[::-1]  # newest first

    def answer(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        now = time.monotonic()
        if operation == "ExecuteChangeSet":
            self.executed_at = now
            self.token = params.get("body", {}).get("ClientRequestToken", "")  # the request dict
            return {}
        if operation == "DescribeStackEvents":
            return {"StackEvents": self._events(now)}
        if operation == "DescribeStacks":
            done = self.done_at is not None and now >= self.done_at
            status = "CREATE_COMPLETE" if done else "CREATE_IN_PROGRESS"
            if self.executed_at is None:
                status = "REVIEW_IN_PROGRESS"
            stack = {
                "StackId": STACK_ID,
                "StackName": STACK,
                "CreationTime": self.wall0,
                "StackStatus": status,
                "Outputs": [{"OutputKey": "FunctionName", "OutputValue": STACK}] if done else [],
            }
            return {"Stacks": [stack]}
        raise AssertionError(f"unexpected call {operation}")


def _client(stack: FakeStack) -> Any:
    import boto3
    from botocore.awsrequest import AWSResponse

    client = boto3.client(
        "cloudformation",
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        endpoint_url="http://127.0.0.1:9",  # never reached: every call is answered by the hook
    )

    def answer(model: Any, params: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        parsed = stack.answer(model.name, params)
        parsed.setdefault("ResponseMetadata", {"HTTPStatusCode": 200})
        return AWSResponse("http://127.0.0.1:9", 200, {}, None), parsed

    client.meta.events.register_first("before-call.cloudformation", answer)
    return client


class NoticeReporter:
    """The deployer's Reporter: notes when it says the stack is complete."""

    def __init__(self) -> None:
        self.completed_at: float | None = None

    def step(self, message: str) -> None:
        pass

    def info(self, message: str) -> None:
        if "CREATE_COMPLETE" in message and self.completed_at is None:
            self.completed_at = time.monotonic()

    def warn(self, message: str) -> None:
        pass

    def waiting(self, what: str, elapsed: float) -> None:
        pass

    def stack_event(self, event: Any) -> None:
        pass

    def progress(self, done: int, total: int) -> None:
        pass


def one_deploy(duration: float) -> float:
    """Seconds from the stack's completion to the deployer's notice."""
    from ddbwizard.core.deploy.execute import Change, Deployer, Plan

    stack = FakeStack(duration)
    reporter = NoticeReporter()
    deployer = Deployer(CloudFormation(_client(stack)), reporter)
    plan = Plan(
        stack_name=STACK,
        stack_id=STACK_ID,
        change_set_id=CHANGE_SET_ID,
        change_set_name="cs",
        kind="CREATE",
        changes=tuple(Change("Add", logical, kind) for logical, kind in RESOURCES),
        new_stack=True,
    )
    result = deployer.execute(plan)
    returned = time.monotonic()
    assert result.status == "CREATE_COMPLETE", result
    assert stack.done_at is not None
    noticed = reporter.completed_at if reporter.completed_at is not None else returned
    return noticed - stack.done_at


def waiter_delay() -> int:
    import botocore.session

    model = botocore.session.get_session().get_waiter_model("cloudformation")
    return int(model.get_waiter("StackCreateComplete").delay)


def bench_deploy(runs: int) -> list[Result]:
    from ddbwizard.core.deploy.execute import DEFAULT_POLL_INTERVAL

    rng = random.Random(7)
    # Completion 1..2.5 s after the execute call, spread over one poll interval.
    delays = [one_deploy(1.0 + rng.uniform(0, DEFAULT_POLL_INTERVAL)) for _ in range(runs)]
    return [
        Result(
            "deploy notice: stack complete -> reported",
            Series("Deployer", delays),
            None,
            target="<= 2 s (floor 0)",
            check=lambda r: r.subject.high <= 2.0,
            note=f"poll every {DEFAULT_POLL_INTERVAL} s; botocore's waiter polls every "
            f"{waiter_delay()} s; met = worst run",
        )
    ]
