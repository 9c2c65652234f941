"""Real AWS error answers at every phase of a deploy, a redeploy and a destroy (FaultProxy).

Each case runs `ddbwizard --answers F --yes --endpoint-url PROXY` as a subprocess; the proxy
(tests/helpers/fault_proxy.py) forwards to the session's moto server and answers one action
with an AWS error in its wire format, a connection reset, or a lost answer (forwarded, so it
took effect, then the connection dropped: botocore retries). Afterwards moto's state is read
directly, and every case must hold these rules (`run_problems`):

- the exit code is 0, 1 or 130, and stderr has no Python traceback;
- the final account (stderr after the last `==>` progress step) is true against moto:
  a stream enabled by the run is named (a line with "stream" and the table name), a stack or
  change set left behind is named (`stack orders-echo`, a `--stack-name orders-echo` command,
  or "change set"), a stack deleted or changed is named; "Nothing was changed" only when
  nothing was, and a failure that changed nothing says so;
- a non-zero exit names the failing action ("CreateChangeSet", or "change set") and, for
  AccessDenied, says "Access denied" (for an expired token, "expired").

Scenarios: `deploy` (table without a stream, `stream.enable: true`: UpdateTable, the waits,
trigger and name checks, a CREATE change set), `redeploy` (the stack exists; batch_size
changes: an UPDATE change set) and `destroy` (`--destroy --yes`). The setup of `redeploy` and
`destroy` is a plain deploy straight to moto.

Not here: a `hang` (an answer that never comes). ddbwizard's clients wait READ_TIMEOUT = 30 s
per attempt, 5 attempts (core/aws/facade.py), and the CLI has no way to shorten that, so one
such case costs 150 s; it is listed and skipped. The proxy's hang itself is checked below with
a short-timeout client.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from tests.helpers.fault_proxy import (
    Fault,
    FaultProxy,
    Kind,
    aws_client,
    problem_report,
    read_state,
    run_ddbwizard,
    run_problems,
    state_diff,
)
from tests.helpers.moto_kit import create_table

TABLE = "orders"
STACK = "orders-echo"
HANG_SKIP = (
    "a hang costs 5 attempts x READ_TIMEOUT (30 s, core/aws/facade.py) = 150 s: needs a "
    "CLI/env setting for a short read timeout (e.g. DDBWIZARD_READ_TIMEOUT=2)"
)


@dataclass(frozen=True)
class Case:
    scenario: str  # deploy | redeploy | destroy
    fault: Fault | None
    skip: str = ""

    @property
    def id(self) -> str:
        if self.fault is None:
            return f"{self.scenario}-no-fault"
        f = self.fault
        parts = [self.scenario, f.operation, f.kind]
        if f.after_forward:
            parts.append("after-forward")
        if f.times > 1:
            parts.append(f"x{f.times}")
        if f.after_action:
            parts.append("after-" + f.after_action.partition(":")[2])
        return "-".join(parts)

    def param(self) -> Any:
        marks = [pytest.mark.skip(reason=self.skip)] if self.skip else []
        return pytest.param(self, id=self.id, marks=marks)


def case(
    scenario: str,
    action: str,
    kind: Kind,
    *,
    times: int = 1,
    after_forward: bool = False,
    after: str | None = None,
    skip: str = "",
) -> Case:
    fault = Fault(action, kind, times=times, after_forward=after_forward, after_action=after)
    return Case(scenario, fault, skip)


CFN, DDB, STREAMS, LAMBDA, LOGS = "cloudformation", "dynamodb", "dynamodbstreams", "lambda", "logs"
EXECUTED = "cloudformation:ExecuteChangeSet"
DELETED = "cloudformation:DeleteStack"
UPDATED = "dynamodb:UpdateTable"
# times=5: every attempt botocore makes (core/aws/facade.py MAX_ATTEMPTS) gets the fault.
ALL = 5

CASES = [
    # -- a first deploy: the table has no stream yet --------------------------------------
    Case("deploy", None),
    case("deploy", "sts:GetCallerIdentity", "expired_token"),
    case("deploy", f"{DDB}:DescribeTable", "access_denied"),
    case("deploy", f"{DDB}:DescribeTable", "throttling"),
    case("deploy", f"{DDB}:UpdateTable", "access_denied"),
    case("deploy", f"{DDB}:UpdateTable", "internal_error"),
    case("deploy", f"{DDB}:UpdateTable", "reset", after_forward=True),
    case("deploy", f"{DDB}:UpdateTable", "service_unavailable", after_forward=True, times=ALL),
    case("deploy", f"{DDB}:DescribeTable", "access_denied", after=UPDATED),
    case("deploy", f"{DDB}:DescribeTable", "reset", times=ALL, after=UPDATED),
    case("deploy", f"{STREAMS}:DescribeStream", "access_denied"),
    case("deploy", f"{STREAMS}:DescribeStream", "reset"),
    case("deploy", f"{LAMBDA}:ListEventSourceMappings", "access_denied"),
    case("deploy", f"{LAMBDA}:ListEventSourceMappings", "throttling"),
    case("deploy", f"{LAMBDA}:GetFunction", "access_denied"),
    case("deploy", f"{LAMBDA}:GetFunction", "service_unavailable", times=ALL),
    case("deploy", f"{LOGS}:DescribeLogGroups", "access_denied"),
    case("deploy", f"{LOGS}:DescribeLogGroups", "throttling"),
    case("deploy", f"{CFN}:DescribeStacks", "access_denied"),
    case("deploy", f"{CFN}:DescribeStacks", "throttling", times=ALL),
    case("deploy", f"{CFN}:CreateChangeSet", "access_denied"),
    case("deploy", f"{CFN}:CreateChangeSet", "insufficient_capabilities"),
    case("deploy", f"{CFN}:CreateChangeSet", "expired_token"),
    case("deploy", f"{CFN}:CreateChangeSet", "internal_error"),
    case("deploy", f"{CFN}:CreateChangeSet", "reset", after_forward=True),
    case("deploy", f"{CFN}:DescribeChangeSet", "access_denied"),
    case("deploy", f"{CFN}:DescribeChangeSet", "throttling"),
    case("deploy", f"{CFN}:DescribeStackEvents", "access_denied"),
    case("deploy", f"{CFN}:ExecuteChangeSet", "access_denied"),
    case("deploy", f"{CFN}:ExecuteChangeSet", "insufficient_capabilities"),
    case("deploy", f"{CFN}:ExecuteChangeSet", "reset"),
    case("deploy", f"{CFN}:ExecuteChangeSet", "reset", after_forward=True),
    case("deploy", f"{CFN}:ExecuteChangeSet", "internal_error", after_forward=True, times=ALL),
    case("deploy", f"{CFN}:DescribeStackEvents", "access_denied", after=EXECUTED),
    case("deploy", f"{CFN}:DescribeStackEvents", "expired_token", after=EXECUTED),
    case("deploy", f"{CFN}:DescribeStacks", "access_denied", after=EXECUTED),
    case("deploy", f"{LAMBDA}:GetEventSourceMapping", "access_denied"),
    case("deploy", f"{LAMBDA}:GetEventSourceMapping", "throttling"),
    case("deploy", f"{DDB}:DescribeTable", "hang", after=UPDATED, skip=HANG_SKIP),
    # -- a redeploy: the stack exists, an UPDATE change set ------------------------------
    Case("redeploy", None),
    case("redeploy", f"{CFN}:DescribeStacks", "access_denied"),
    case("redeploy", f"{CFN}:CreateChangeSet", "access_denied"),
    case("redeploy", f"{CFN}:CreateChangeSet", "reset", after_forward=True),
    case("redeploy", f"{CFN}:DescribeChangeSet", "access_denied"),
    case("redeploy", f"{CFN}:ExecuteChangeSet", "access_denied"),
    case("redeploy", f"{CFN}:ExecuteChangeSet", "reset", after_forward=True),
    case("redeploy", f"{CFN}:DescribeStackEvents", "access_denied", after=EXECUTED),
    case("redeploy", f"{LAMBDA}:GetEventSourceMapping", "service_unavailable", times=ALL),
    # -- a destroy ------------------------------------------------------------------------
    Case("destroy", None),
    case("destroy", f"{CFN}:DescribeStacks", "access_denied"),
    case("destroy", f"{CFN}:DeleteStack", "access_denied"),
    case("destroy", f"{CFN}:DeleteStack", "throttling"),
    case("destroy", f"{CFN}:DeleteStack", "reset", after_forward=True),
    case("destroy", f"{CFN}:DescribeStackEvents", "access_denied", after=DELETED),
    case("destroy", f"{CFN}:DescribeStacks", "expired_token", after=DELETED),
]


def write_answers(path: Path, batch_size: int) -> Path:
    path.write_text(
        f"version: 1\n"
        f"table: {{name: {TABLE}}}\n"
        f"stream: {{view_type: NEW_AND_OLD_IMAGES, enable: true}}\n"
        f"mapping: {{batch_size: {batch_size}}}\n"
        f"stack: {{name: {STACK}}}\n",
        encoding="utf-8",
    )
    return path


def deploy_directly(endpoint: str, answers: Path) -> None:
    """The setup of a redeploy or destroy: a plain deploy, in-process, straight to moto."""
    from ddbwizard.cli import main

    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        code = main(["--answers", str(answers), "--yes", "--endpoint-url", endpoint])
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
    assert code == 0, "the setup deploy (no proxy) failed"


def prepare(scenario: str, endpoint: str, folder: Path) -> tuple[Path, list[str]]:
    """moto's state before the faulted run; the answers file and the extra flags of the run."""
    create_table(aws_client(endpoint, "dynamodb"), TABLE)
    first = write_answers(folder / "first.yaml", batch_size=100)
    if scenario == "deploy":
        return first, []
    deploy_directly(endpoint, first)
    if scenario == "destroy":
        return first, ["--destroy"]
    return write_answers(folder / "second.yaml", batch_size=50), []


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_fault_ends_with_an_exit_code_a_message_and_a_true_account(
    case: Case, fault_proxy: FaultProxy, moto_endpoint: str, tmp_path: Path
) -> None:
    answers, flags = prepare(case.scenario, moto_endpoint, tmp_path)
    before = read_state(moto_endpoint, TABLE)
    fault = replace(case.fault) if case.fault else None  # a fresh counter for every run
    if fault is not None:
        fault_proxy.add(fault)

    run = run_ddbwizard(
        "--answers", answers, "--yes", "--endpoint-url", fault_proxy.url, *flags,
        env=os.environ, cwd=tmp_path, timeout=120,
    )  # fmt: skip

    diff = state_diff(before, read_state(moto_endpoint, TABLE))
    problems = run_problems(run, diff, table=TABLE, stack=STACK, fault=fault, seen=fault_proxy.seen)
    if case.fault is None:
        assert run.returncode == 0, problem_report(run, diff, ["the control run failed"])
    assert not problems, problem_report(run, diff, problems)


# -- the proxy itself ------------------------------------------------------------------------
ONE_TRY = Config(retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=20)


def client(proxy: FaultProxy, service: str, config: Config = ONE_TRY) -> Any:
    import boto3

    make: Any = boto3.client  # any service by name
    return make(service, endpoint_url=proxy.url, region_name="us-east-1", config=config)


def test_proxy_names_actions_as_aws_routes_them(fault_proxy: FaultProxy) -> None:
    create_table(client(fault_proxy, "dynamodb"), TABLE)
    client(fault_proxy, "sts").get_caller_identity()
    client(fault_proxy, "cloudformation").describe_stacks()
    client(fault_proxy, "lambda").list_event_source_mappings()
    with pytest.raises(ClientError):
        client(fault_proxy, "lambda").get_function(FunctionName="nope")
    with pytest.raises(ClientError):
        client(fault_proxy, "lambda").get_event_source_mapping(UUID="0" * 36)
    client(fault_proxy, "logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/x")
    client(fault_proxy, "sqs").list_queues()
    client(fault_proxy, "sns").list_topics()
    assert fault_proxy.actions() == [
        "dynamodb:CreateTable",
        "sts:GetCallerIdentity",
        "cloudformation:DescribeStacks",
        "lambda:ListEventSourceMappings",
        "lambda:GetFunction",
        "lambda:GetEventSourceMapping",
        "logs:DescribeLogGroups",
        "sqs:ListQueues",
        "sns:ListTopics",
    ]


@pytest.mark.parametrize(
    ("action", "kind", "status", "code"),
    [
        ("cloudformation:DescribeStacks", "access_denied", 403, "AccessDenied"),
        ("cloudformation:DescribeStacks", "throttling", 400, "Throttling"),
        ("cloudformation:DescribeStacks", "insufficient_capabilities", 400,
         "InsufficientCapabilitiesException"),
        ("cloudformation:DescribeStacks", "expired_token", 403, "ExpiredToken"),
        ("cloudformation:DescribeStacks", "internal_error", 500, "InternalFailure"),
        ("sts:GetCallerIdentity", "service_unavailable", 503, "ServiceUnavailable"),
        ("dynamodb:ListTables", "access_denied", 400, "AccessDeniedException"),
        ("dynamodb:ListTables", "throttling", 400, "ThrottlingException"),
        ("dynamodb:ListTables", "internal_error", 500, "InternalServerError"),
        ("logs:DescribeLogGroups", "throttling", 400, "ThrottlingException"),
        ("lambda:ListEventSourceMappings", "resource_conflict", 409, "ResourceConflictException"),
        ("lambda:ListEventSourceMappings", "throttling", 429, "TooManyRequestsException"),
        ("lambda:ListEventSourceMappings", "access_denied", 403, "AccessDeniedException"),
    ],
)  # fmt: skip
def test_proxy_errors_parse_as_botocore_parses_aws(
    fault_proxy: FaultProxy, action: str, kind: Kind, status: int, code: str
) -> None:
    service, _, operation = action.partition(":")
    fault_proxy.add(Fault(action, kind))
    method = getattr(client(fault_proxy, service), _snake(operation))
    with pytest.raises(ClientError) as raised:
        method()
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    if kind == "access_denied":
        assert (
            f"is not authorized to perform: {action}" in raised.value.response["Error"]["Message"]
        )
    method()  # times=1: the next call passes through


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def test_lost_answer_takes_effect_and_reset_and_hang_do_not(
    fault_proxy: FaultProxy, moto_endpoint: str
) -> None:
    ddb = client(fault_proxy, "dynamodb")
    create_table(ddb, TABLE)
    spec: Any = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    fault_proxy.add(Fault("dynamodb:UpdateTable", "reset"))
    with pytest.raises(ConnectionClosedError):
        ddb.update_table(TableName=TABLE, StreamSpecification=spec)
    assert read_state(moto_endpoint, TABLE).stream_arn is None

    fault_proxy.add(Fault("dynamodb:UpdateTable", "reset", after_forward=True))
    with pytest.raises(ConnectionClosedError):
        ddb.update_table(TableName=TABLE, StreamSpecification=spec)
    assert read_state(moto_endpoint, TABLE).stream_arn is not None

    short = Config(retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=0.5)
    fault_proxy.add(Fault("dynamodb:DescribeTable", "hang", hang_seconds=5))
    with pytest.raises(ReadTimeoutError):
        client(fault_proxy, "dynamodb", short).describe_table(TableName=TABLE)
    assert [(s.action, s.fault, s.forwarded) for s in fault_proxy.seen[1:]] == [
        ("dynamodb:UpdateTable", "reset", False),
        ("dynamodb:UpdateTable", "reset", True),
        ("dynamodb:DescribeTable", "hang", False),
    ]


def test_faults_refuse_unknown_actions_and_kinds() -> None:
    with pytest.raises(ValueError, match="no operation"):
        Fault("cloudformation:CreateChangeset", "throttling")
    with pytest.raises(ValueError, match="service one of"):
        Fault("dynamo:UpdateTable", "throttling")
    with pytest.raises(ValueError, match="cloudformation error"):
        Fault("dynamodb:UpdateTable", "insufficient_capabilities")
