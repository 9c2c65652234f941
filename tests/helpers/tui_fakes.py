"""A fake AWS facade and fake deploy calls with fixed data: deterministic screens, no network."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, cast

from ddbwizard.core.aws.sampling import SampleSource
from ddbwizard.core.aws.values import Identity, LogLine, MappingInfo, TableInfo
from ddbwizard.core.deploy.changeset import Change, Plan
from ddbwizard.core.deploy.execute import DeployFailed
from ddbwizard.core.engine import Connection, Deployment, Outcome, Prepared
from ddbwizard.core.report import Reporter, StackEvent
from ddbwizard.core.stream import resolve_stream
from ddbwizard.tui.app import DeployFns, WizardApp, make_app

ACCOUNT = "111122223333"
REGION = "eu-west-1"
ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders/stream/2026-01-01T00:00:00.000"
CUSTOMERS_ARN = (
    f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/customers/stream/2026-02-02T00:00:00.000"
)
MAPPING_ID = "5f1c7c3e-0000-4000-8000-000000000001"
T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def _tables() -> dict[str, TableInfo]:
    return {
        "orders": TableInfo(
            "orders", "ACTIVE", True, "NEW_AND_OLD_IMAGES", ARN, 1204, 99_000, "PAY_PER_REQUEST"
        ),
        "sessions": TableInfo("sessions", "ACTIVE", False, None, None, 87, 9_000, "PROVISIONED"),
        "customers": TableInfo("customers", "ACTIVE", False, None, None, 2, 512, "PAY_PER_REQUEST"),
    }


@dataclass
class FakeCloudFormation:
    """The region's stacks, as core.deployed lists them."""

    listed: list[dict[str, Any]]

    def stacks(self) -> Iterator[dict[str, Any]]:
        yield from self.listed


@dataclass
class FakeAws:
    """The facade's surface the TUI and resolve_stream use; `delay` makes every call slow."""

    delay: float = 0.0
    region: str = REGION
    endpoint_url: str | None = None
    profile: str | None = None
    tables: dict[str, TableInfo] = field(default_factory=_tables)
    enabled: list[tuple[str, str]] = field(default_factory=list)
    items: list[tuple[str, Any]] = field(default_factory=list)
    stacks: list[dict[str, Any]] = field(default_factory=list)  # DescribeStacks' answer

    def _wait(self) -> None:
        if self.delay:
            time.sleep(self.delay)

    def cloudformation(self) -> FakeCloudFormation:
        return FakeCloudFormation(self.stacks)

    def identity(self) -> Identity:
        self._wait()
        return Identity(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/dev", REGION)

    def prepare_table_list(self) -> None:
        """Nothing to read ahead: no botocore model behind a fake."""

    def iter_table_name_pages(self) -> Iterator[list[str]]:
        self._wait()
        yield list(self.tables)

    def list_table_names(self) -> list[str]:
        return list(self.tables)

    def describe_tables(self, names: Iterable[str]) -> Iterator[TableInfo]:
        for name in names:
            self._wait()
            yield self.tables[name]

    def describe_table(self, name: str) -> TableInfo:
        self._wait()
        return self.tables[name]

    def enable_stream(self, table: str, view_type: str) -> bool:
        self.enabled.append((table, view_type))
        self.tables[table] = replace(
            self.tables[table],
            stream_enabled=True,
            view_type=view_type,
            latest_stream_arn=CUSTOMERS_ARN,
        )
        return True

    def stream_status(self, arn: str) -> str:
        return "ENABLED"

    def mappings_on_stream(self, arn: str) -> list[MappingInfo]:
        return [_mapping("orders-audit")] if arn == ARN else []

    def mapping(self, uuid: str) -> MappingInfo:
        return _mapping("orders-echo")

    def queues(self) -> list[str]:
        self._wait()
        return [f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"]

    def topics(self) -> list[str]:
        return [f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-alerts"]

    def log_events(
        self, group: str, start_ms: int, token: str | None = None
    ) -> tuple[list[LogLine], str | None]:
        stamp = int(T0.timestamp() * 1000)
        lines = [
            LogLine(stamp, "s", '{"eventName": "INSERT", "keys": {"pk": "order#1001"}}', "e1"),
            LogLine(
                stamp + 1000, "s", '{"eventName": "MODIFY", "keys": {"pk": "order#1002"}}', "e2"
            ),
        ]
        return [line for line in lines if line.timestamp_ms >= start_ms], None

    def sample_items(self, table: str, limit: int) -> SampleSource:
        """Two fixed items: the review's "Try it" builds its records from them."""
        stream = self.describe_table(table)
        items = [
            {"pk": {"S": f"{table}#{n}"}, "status": {"S": "new"}, "total": {"N": str(10 * n)}}
            for n in (1, 2)
        ]
        return SampleSource(
            table, ("pk",), {"pk": "S"}, stream.view_type, stream.latest_stream_arn, None,
            items[:limit],
        )  # fmt: skip

    def put_item(self, table: str, item: Any) -> None:
        self.items.append((table, item))


def _mapping(function: str) -> MappingInfo:
    return MappingInfo(
        MAPPING_ID,
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}",
        "Enabled",
        "OK",
        100,
        "TRIM_HORIZON",
        ARN,
    )


CHANGES = (
    Change("Add", "EchoLogGroup", "AWS::Logs::LogGroup"),
    Change("Add", "EchoRole", "AWS::IAM::Role"),
    Change("Add", "EchoFunction", "AWS::Lambda::Function"),
    Change("Add", "EchoMapping", "AWS::Lambda::EventSourceMapping"),
)


@dataclass
class FakeDeployer:
    reporter: Reporter
    discarded: list[Plan] = field(default_factory=list)  # the change sets deleted unexecuted

    def discard(self, plan: Plan) -> None:
        self.discarded.append(plan)


@dataclass
class FakeDeploy:
    """plan / execute / unchanged with fixed results; `fail` makes the execute fail."""

    fail: str | None = None  # a final stack status, e.g. ROLLBACK_COMPLETE
    empty: bool = False
    needs_replace: bool = False
    plans: list[bool] = field(default_factory=list)  # replace_failed of each plan call
    discarded: list[Plan] = field(default_factory=list)  # of every plan's deployer

    def fns(self) -> DeployFns:
        return DeployFns(prepare=self.prepare, execute=self.execute, unchanged=self.unchanged)

    def prepare(
        self, aws: Any, answers: Any, reporter: Reporter, account: str, confirm: Any, **kw: Any
    ) -> Prepared:
        """The checks pass; the stream as the engine resolves it (enabled after `confirm`, on
        the fake facade); the change set is this plan."""
        stream = resolve_stream(aws, answers, reporter, confirm, changes=kw.get("changes"))
        return Prepared(cast(Any, None), stream, self.plan(answers, reporter, **kw))

    def plan(self, answers: Any, reporter: Reporter, **kw: Any) -> Deployment:
        replace_failed = bool(kw.get("replace_failed"))
        self.plans.append(replace_failed)
        if self.needs_replace and not replace_failed:
            from ddbwizard.core.errors import ConfirmationRequired

            raise ConfirmationRequired(
                f"Stack {answers.stack.name} is ROLLBACK_COMPLETE after a failed create",
                "Delete it and create it again?",
            )
        name = answers.stack.name
        plan = Plan(
            name, f"stack/{name}", "cs-1", "ddbwizard-1", "CREATE", CHANGES, empty=self.empty
        )
        return Deployment(cast(Any, FakeDeployer(reporter, self.discarded)), plan)

    def execute(self, aws: Any, answers: Any, deployment: Deployment, stream_arn: str) -> Outcome:
        reporter = cast(FakeDeployer, deployment.deployer).reporter
        name = deployment.plan.stack_name
        events = [
            StackEvent(T0, change.logical_id, change.resource_type, "CREATE_COMPLETE")
            for change in CHANGES[:2]
        ]
        for done, event in enumerate(events, start=1):
            reporter.stack_event(event)
            reporter.progress(done, len(CHANGES))
        if self.fail:
            failure = StackEvent(
                T0,
                "EchoFunction",
                "AWS::Lambda::Function",
                "CREATE_FAILED",
                'Resource handler returned message: "iam:PassRole denied"',
            )
            reporter.stack_event(failure)
            raise DeployFailed(
                f"Deploy failed: EchoFunction (AWS::Lambda::Function): {failure.reason}. "
                f"Stack {name} is now {self.fail}.",
                "Fix the cause, then re-run with --replace-failed to delete and re-create it.",
                stack_name=name,
                status=self.fail,
                failure=failure,
                events=(failure,),
            )
        reporter.progress(len(CHANGES), len(CHANGES))
        outcome = self.unchanged(aws, answers, deployment, stream_arn, status="CREATE_COMPLETE")
        return replace(outcome, events=tuple(events))

    def unchanged(
        self,
        aws: Any,
        answers: Any,
        deployment: Deployment,
        stream_arn: str,
        status: str = "UNCHANGED",
    ) -> Outcome:
        name = deployment.plan.stack_name
        outputs = {
            "FunctionName": name,
            "FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
            "LogGroupName": f"/aws/lambda/{name}",
            "EventSourceMappingId": MAPPING_ID,
            "StreamArn": stream_arn,
        }
        return Outcome(name, status, outputs, stream_arn, _mapping(name))


def fake_app(
    aws: FakeAws | None = None, deploy: FakeDeploy | None = None, **kwargs: Any
) -> WizardApp:
    aws = aws or FakeAws()
    connection = Connection(
        cast(Any, aws), Identity(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/dev", REGION)
    )
    return make_app(
        region=REGION,
        connect=connection,
        deploy=(deploy or FakeDeploy()).fns(),
        clock=lambda: 75.0,
        now_ms=lambda: int(T0.timestamp() * 1000) - 60_000,
        log_interval=0.2,
        **kwargs,
    )
