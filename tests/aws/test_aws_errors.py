"""botocore failures become domain errors with the message a user needs (faults.md rows 9-14)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    NoRegionError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from botocore.stub import Stubber

from ddbwizard.core.aws.errors import (
    AccessDenied,
    AwsCallError,
    AwsConfigError,
    CredentialsError,
    EndpointUnreachable,
    NoTables,
    NotFound,
    ThrottledError,
    no_tables_error,
    translate,
)
from ddbwizard.core.aws.facade import Aws, make_session
from ddbwizard.core.errors import EXIT_AWS, EXIT_USAGE, AwsError

DENIED = (
    "User: arn:aws:sts::123456789012:assumed-role/dev/alice is not authorized to perform: "
    "dynamodb:UpdateTable on resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders "
    "because no identity-based policy allows the dynamodb:UpdateTable action"
)


@pytest.fixture
def aws() -> Aws:
    return Aws(make_session(None, None))


@pytest.fixture
def ddb(aws: Aws) -> Iterator[Stubber]:
    with Stubber(aws.client("dynamodb")) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def test_access_denied_names_action_and_resource(aws: Aws, ddb: Stubber) -> None:
    ddb.add_client_error("update_table", "AccessDeniedException", DENIED, 400)
    with pytest.raises(AccessDenied) as caught:
        aws.enable_stream("orders", "NEW_IMAGE")
    error = caught.value
    assert error.action == "dynamodb:UpdateTable"
    assert error.resource == "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
    assert error.message == (
        "Access denied: dynamodb:UpdateTable on arn:aws:dynamodb:us-east-1:123456789012:table/orders"
        " (as arn:aws:sts::123456789012:assumed-role/dev/alice): because no identity-based policy"
        " allows the dynamodb:UpdateTable action"
    )
    assert "--profile" in str(error)
    assert error.exit_code == EXIT_AWS


def test_access_denied_with_an_explicit_deny_and_no_resource() -> None:
    message = (
        "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: "
        "lambda:ListEventSourceMappings with an explicit deny in a service control policy"
    )
    error = translate(_client_error("AccessDeniedException", message), "lambda:List")
    assert isinstance(error, AccessDenied)
    assert error.action == "lambda:ListEventSourceMappings"
    assert error.message == (
        "Access denied: lambda:ListEventSourceMappings (as arn:aws:iam::123456789012:user/bob): "
        "with an explicit deny in a service control policy"
    )


def test_access_denied_without_the_usual_message_falls_back_to_the_call(
    aws: Aws, ddb: Stubber
) -> None:
    ddb.add_client_error("describe_table", "AccessDeniedException", "Access denied", 400)
    with pytest.raises(AccessDenied) as caught:
        aws.describe_table("orders")
    assert caught.value.message == "Access denied: dynamodb:DescribeTable on table orders"


def test_a_final_throttle_is_a_clear_error(aws: Aws, ddb: Stubber) -> None:
    # The Stubber bypasses botocore's retries: this is the answer after the last attempt.
    ddb.add_client_error("list_tables", "ThrottlingException", "Rate exceeded", 400)
    with pytest.raises(ThrottledError) as caught:
        aws.list_table_names()
    assert str(caught.value) == (
        "AWS throttled dynamodb:ListTables after 5 attempts (ThrottlingException); "
        "try again in a minute"
    )


def test_throttle_then_success_through_the_stubber_needs_a_second_call(
    aws: Aws, ddb: Stubber
) -> None:
    ddb.add_client_error("list_tables", "ThrottlingException", "Rate exceeded", 400)
    ddb.add_response("list_tables", {"TableNames": ["orders"]})
    with pytest.raises(ThrottledError):
        aws.list_table_names()
    assert aws.list_table_names() == ["orders"]


def test_control_plane_limit_is_reported_as_a_limit(aws: Aws, ddb: Stubber) -> None:
    ddb.add_client_error(
        "update_table",
        "LimitExceededException",
        "Subscriber limit exceeded: Only 10 tables can be created, updated, or deleted simultaneously",
        400,
    )
    with pytest.raises(ThrottledError, match=r"AWS limited dynamodb:UpdateTable after 5 attempts"):
        aws.enable_stream("orders", "KEYS_ONLY")


def test_expired_token_says_how_to_renew(aws: Aws) -> None:
    with Stubber(aws.client("sts")) as sts:
        sts.add_client_error(
            "get_caller_identity",
            "ExpiredToken",
            "The security token included in the request is expired",
            403,
        )
        with pytest.raises(CredentialsError) as caught:
            aws.identity()
    assert "expired" in caught.value.message
    assert "aws sso login" in str(caught.value)


def test_invalid_keys_are_a_credentials_error(aws: Aws) -> None:
    with Stubber(aws.client("sts")) as sts:
        sts.add_client_error(
            "get_caller_identity",
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            403,
        )
        with pytest.raises(CredentialsError, match="did not accept your credentials"):
            aws.identity()


def test_no_credentials_says_how_to_configure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(CredentialsError) as caught:
        Aws(make_session(None, None)).identity()
    text = str(caught.value)
    assert text.startswith("No AWS credentials found")
    assert "aws configure" in text
    assert "--profile" in text
    assert "ddbwizard --local" in text
    assert caught.value.exit_code == EXIT_USAGE  # a setup problem, like no region


def test_expired_sso_session_names_the_login_command(
    aws_config: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no cached SSO token anywhere
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    aws_config(
        "[profile dev]\n"
        "sso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\n"
        "sso_account_id = 123456789012\n"
        "sso_role_name = Developer\n"
        "region = us-east-1\n"
    )
    with pytest.raises(CredentialsError) as caught:
        Aws(make_session("dev", None)).identity()
    assert "SSO session for profile dev" in caught.value.message
    assert caught.value.hint == "run `aws sso login --profile dev` and try again"


@pytest.mark.parametrize(
    "exc",
    [
        UnauthorizedSSOTokenError(),
        TokenRetrievalError(provider="sso", error_msg="Token has expired and refresh failed"),
    ],
)
def test_sso_token_errors_all_say_sso_login(exc: Exception) -> None:
    error = translate(exc, "sts:GetCallerIdentity", profile="dev")
    assert isinstance(error, CredentialsError)
    assert "aws sso login --profile dev" in str(error)


def test_no_region_error_from_botocore() -> None:
    error = translate(NoRegionError(), "dynamodb:ListTables")
    assert isinstance(error, AwsConfigError)
    assert error.exit_code == EXIT_USAGE
    assert "--region" in str(error)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_endpoint_names_the_url_and_the_flag() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    aws = Aws(make_session(None, None), url, max_attempts=1, connect_timeout=0.5)
    with pytest.raises(EndpointUnreachable) as caught:
        aws.list_table_names()
    assert url in caught.value.message
    assert "dynamodb:ListTables" in caught.value.message
    assert "--endpoint-url" in str(caught.value)
    assert caught.value.endpoint_url.startswith(url)


def test_timeouts_say_timed_out() -> None:
    error = translate(
        ConnectTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/"), "x:Y"
    )
    assert isinstance(error, EndpointUnreachable)
    assert "https://dynamodb.us-east-1.amazonaws.com/" in error.message
    assert "timed out" in error.message


def test_a_bad_endpoint_url_is_a_usage_error() -> None:
    aws = Aws(make_session(None, None), "not a url")
    with pytest.raises(AwsConfigError, match="Invalid endpoint URL 'not a url'"):
        aws.client("dynamodb")


def test_not_found_and_other_codes_keep_the_code() -> None:
    missing = translate(
        _client_error("ResourceNotFoundException", "Requested resource not found"),
        "lambda:GetEventSourceMapping",
        resource="event source mapping u-1",
    )
    assert isinstance(missing, NotFound)
    assert missing.message == (
        "lambda:GetEventSourceMapping: event source mapping u-1 was not found: "
        "Requested resource not found"
    )
    other = translate(
        _client_error("ValidationException", "1 validation error"), "dynamodb:UpdateTable"
    )
    assert isinstance(other, AwsCallError)
    assert isinstance(other, AwsError)
    assert other.code == "ValidationException"
    assert other.message == "dynamodb:UpdateTable failed: ValidationException: 1 validation error"


def test_non_aws_exceptions_are_not_translated() -> None:
    assert translate(ValueError("bug"), "x:Y") is None


def _client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Operation")


def test_no_tables_names_region_and_account() -> None:
    error = no_tables_error("eu-west-3", "123456789012")
    assert isinstance(error, NoTables)
    assert str(error) == (
        "No DynamoDB tables in eu-west-3 (account 123456789012)\n"
        "Check the region (--region, AWS_REGION) and the profile (--profile), or create a table."
    )
    assert error.exit_code == EXIT_USAGE
