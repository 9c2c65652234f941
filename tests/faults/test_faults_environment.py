"""faults.md rows 9-14: region, credentials, network, permissions and throttling."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from ddbwizard.core.aws.facade import Aws
from tests.helpers.cfn_fakes import ALL_ADDS, STACK, STACK_ID, event
from tests.helpers.fault_kit import (
    Calls,
    CliResult,
    Stubbed,
    answers,
    client_error,
    make_table,
    moto,
)

Cli = Callable[..., CliResult]


def test_row_09_no_region_says_how_to_set_one(
    cli: Cli, calls: Calls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = cli("--answers", answers(tmp_path), "--yes")
    assert result.code == 2
    assert (
        "No AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), or add region to your profile"
        in (result.err)
    )
    assert "ddbwizard --local" in result.err
    assert calls.made == []


@pytest.mark.parametrize("case", ["no-credentials", "unknown-profile", "expired-sso"])
def test_row_10_credentials_say_which_problem(
    cli: Cli,
    calls: Calls,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    aws_config: Any,
    case: str,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no cached SSO token, no ~/.aws
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    aws_config(
        "[profile dev]\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\nsso_account_id = 123456789012\n"
        "sso_role_name = Developer\nregion = us-east-1\n"
    )
    flags = {"no-credentials": [], "unknown-profile": ["--profile", "prod"]}
    result = cli("--answers", answers(tmp_path), "--yes", *flags.get(case, ["--profile", "dev"]))
    if case == "no-credentials":
        assert result.code == 2  # a setup problem, like no region
        assert "No AWS credentials found" in result.err
        assert "aws configure" in result.err
        assert "ddbwizard --local" in result.err
    elif case == "unknown-profile":
        assert result.code == 2
        assert "AWS profile 'prod' is not in your AWS config files" in result.err
        assert "Known profiles: dev" in result.err
    else:
        assert result.code == 1
        assert "SSO session for profile dev has expired or was never started" in result.err
        assert "aws sso login --profile dev" in result.err
    assert calls.mutations() == []


def new_stack_plan(cfn: Stubbed) -> None:
    """The CloudFormation answers before ExecuteChangeSet for a stack that does not exist."""
    cfn.script.describe_stacks(None)  # the preflight: no stack yet
    cfn.script.create_change_set("CREATE")
    cfn.script.describe_change_set("CREATE_COMPLETE", changes=ALL_ADDS)
    cfn.script.events([event(STACK, "REVIEW_IN_PROGRESS", -10, token=None)])  # baseline
    cfn.script.execute_change_set()


def test_row_11_expired_token_while_waiting_says_the_stack_goes_on(
    cli: Cli, calls: Calls, cfn: Stubbed, tmp_path: Path
) -> None:
    with moto():
        make_table()
        new_stack_plan(cfn)
        cfn.script.describe_stacks_error("ExpiredToken", "The security token included has expired")
        result = cli("--answers", answers(tmp_path), "--yes")
    assert result.code == 1
    assert "Your AWS session token has expired" in result.err
    assert (
        "ddbwizard stopped watching stack orders-echo; the deploy goes on in CloudFormation "
        "without it."
    ) in result.err
    assert "aws sso login" in result.err
    assert "aws cloudformation describe-stack-events --stack-name orders-echo" in result.err
    assert "a deploy of stack orders-echo was started" in result.err  # the change log
    cfn.script.stubber.assert_no_pending_responses()
    assert "DeleteStack" not in cfn.operations()  # the deploy is left to go on


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_row_12_unreachable_endpoint_is_named(
    cli: Cli, calls: Calls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _: None)  # retries, no waiting
    url = f"http://127.0.0.1:{closed_port()}"
    result = cli("--answers", answers(tmp_path), "--yes", "--endpoint-url", url)
    assert result.code == 1
    assert f"Cannot reach {url}/ (sts:GetCallerIdentity failed)" in result.err
    assert "pass --endpoint-url" in result.err
    assert calls.operations() == ["GetCallerIdentity"]


DENIED = (
    "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
    "dynamodb:DescribeTable on resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders "
    "because no identity-based policy allows the dynamodb:DescribeTable action"
)
PASS_ROLE = (
    'Resource handler returned message: "User: arn:aws:iam::123456789012:user/dev is not '
    "authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/"
    'orders-echo-EchoRole-1A2B3C4D5E6F (Service: Lambda, Status Code: 403)"'
)


def test_row_13_access_denied_names_action_and_resource(
    cli: Cli, calls: Calls, cfn: Stubbed, tmp_path: Path
) -> None:
    def deny(call: Any, params: dict[str, Any]) -> Any:
        raise client_error("DescribeTable", "AccessDeniedException", DENIED)

    with moto():
        make_table()
        calls.overrides["DescribeTable"] = deny
        result = cli("--answers", answers(tmp_path), "--yes")
        assert result.code == 1
        assert "Access denied: dynamodb:DescribeTable on arn:aws:dynamodb:us-east-1:" in result.err
        assert "table/orders" in result.err
        assert calls.mutations() == []

        # iam:PassRole refused inside CloudFormation: the failed resource's reason is shown.
        del calls.overrides["DescribeTable"]
        new_stack_plan(cfn)
        cfn.script.describe_stacks("ROLLBACK_COMPLETE", by=STACK_ID)
        cfn.script.events([
            event(STACK, "REVIEW_IN_PROGRESS", -10, token=None),
            event(STACK, "CREATE_IN_PROGRESS", 0.2),
            event("EchoRole", "CREATE_COMPLETE", 1.0),
            event("EchoFunction", "CREATE_FAILED", 2.0, reason=PASS_ROLE),
            event(STACK, "ROLLBACK_COMPLETE", 3.0),
        ])  # fmt: skip
        result = cli("--answers", answers(tmp_path), "--yes")
    assert result.code == 1
    assert "Deploy failed: EchoFunction (AWS::Lambda::Function) CREATE_FAILED" in result.err
    assert "iam:PassRole on resource: arn:aws:iam::123456789012:role/" in result.err
    cfn.script.stubber.assert_no_pending_responses()


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


@pytest.mark.parametrize(
    ("operation", "code", "expected"),
    [
        ("DescribeTable", "ThrottlingException", "AWS throttled dynamodb:DescribeTable after 5 attempts (ThrottlingException)"),
        ("UpdateTable", "LimitExceededException", "AWS limited dynamodb:UpdateTable after 5 attempts (LimitExceededException)"),
    ],
)  # fmt: skip
def test_row_14_throttling_is_retried_with_backoff_then_a_clear_error(
    cli: Cli,
    calls: Calls,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    operation: str,
    code: str,
    expected: str,
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", slept.append)
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "Rate"})
    sent = {"n": 0}

    def throttle(request: Any, **_: Any) -> AWSResponse:
        sent["n"] += 1
        headers = {"x-amzn-RequestId": "r"}
        return AWSResponse(request.url, 400, headers, _Raw(body.encode()))  # type: ignore[arg-type]

    original = Aws.client

    def client(self: Aws, name: Any) -> Any:
        made = original(self, name)
        if name == "dynamodb" and not getattr(made, "_throttled", False):
            made.meta.events.register_first(f"before-send.dynamodb.{operation}", throttle)
            made._throttled = True
        return made

    monkeypatch.setattr(Aws, "client", client)
    with moto():
        make_table(view_type=None)
        calls.made.clear()
        result = cli("--answers", answers(tmp_path), "--yes")
    assert result.code == 1
    assert expected in result.err
    assert "try again in a minute" in result.err
    assert sent["n"] == 5  # bounded: botocore's standard mode, 5 attempts in all
    assert len(slept) == 4  # backoff between attempts
    assert all(0 <= s <= 20 for s in slept)
    assert calls.operations().count(operation) == 1  # one call, its attempts inside botocore
    assert "CreateChangeSet" not in calls.operations()
