"""The AWS facade against moto (mock_aws): plain values back, pagination, concurrency, retries."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from ddbwizard.core.aws.errors import AwsConfigError, NotFound, ThrottledError
from ddbwizard.core.aws.facade import Aws, make_session
from ddbwizard.core.errors import EXIT_USAGE
from tests.helpers.moto_kit import create_table

REGION = "us-east-1"


@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws():
        yield Aws(make_session(None, None))


def make_table(aws: Aws, name: str, view_type: str | None = None) -> None:
    create_table(aws.client("dynamodb"), name, view_type)


def make_function(aws: Aws, name: str) -> str:
    role = boto3.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    made = aws.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role["Role"]["Arn"],
        Handler="index.handler",
        Code={"ZipFile": code.getvalue()},
    )
    return made["FunctionArn"]


def test_identity_names_account_arn_and_region(aws: Aws) -> None:
    who = aws.identity()
    assert who.account == "123456789012"
    assert who.arn.startswith("arn:aws:sts::123456789012:")
    assert who.region == REGION


def test_table_listing_follows_pages_past_100(aws: Aws) -> None:
    names = [f"t{i:03d}" for i in range(105)]
    for name in names:
        make_table(aws, name)
    pages = list(aws.iter_table_name_pages())
    assert [len(page) for page in pages] == [100, 5]
    assert sorted(aws.list_table_names()) == names


def test_no_tables_is_an_empty_list(aws: Aws) -> None:
    assert aws.list_table_names() == []


def test_describe_table_returns_plain_values(aws: Aws) -> None:
    make_table(aws, "orders", "NEW_AND_OLD_IMAGES")
    make_table(aws, "customers")
    orders = aws.describe_table("orders")
    assert orders.status == "ACTIVE"
    assert orders.stream_enabled
    assert orders.view_type == "NEW_AND_OLD_IMAGES"
    assert orders.latest_stream_arn is not None
    assert orders.latest_stream_arn.startswith(
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/"
    )
    assert orders.billing_mode == "PAY_PER_REQUEST"
    assert orders.item_count == 0
    customers = aws.describe_table("customers")
    assert not customers.stream_enabled
    assert customers.view_type is None
    assert customers.latest_stream_arn is None


def test_describe_missing_table_names_table_and_region(aws: Aws) -> None:
    with pytest.raises(NotFound, match=r"Table 'nope' was not found in us-east-1"):
        aws.describe_table("nope")


def test_describe_tables_concurrently_yields_every_table(aws: Aws) -> None:
    names = [f"table-{i:02d}" for i in range(24)]
    for name in names:
        make_table(aws, name)
    threads: set[str] = set()
    original = aws.describe_table

    def spy(name: str) -> Any:
        threads.add(threading.current_thread().name)
        return original(name)

    aws.describe_table = spy  # type: ignore[method-assign]
    found = list(aws.describe_tables([*names, "vanished"], max_workers=6))
    assert sorted(t.name for t in found) == sorted([*names, "vanished"])
    gone = next(t for t in found if t.name == "vanished")
    assert gone.status == "UNKNOWN"
    assert gone.error is not None
    assert "vanished" in gone.error
    assert all(t.status == "ACTIVE" for t in found if t.name != "vanished")
    assert len(threads) > 1
    assert all(name.startswith("describe-table") for name in threads)


def test_put_item_and_stream_status(aws: Aws) -> None:
    make_table(aws, "orders", "KEYS_ONLY")
    aws.put_item("orders", {"pk": {"S": "ünïcödé"}})
    arn = aws.describe_table("orders").latest_stream_arn
    assert arn is not None
    assert aws.stream_status(arn) == "ENABLED"


def test_enable_stream_tolerates_an_enabled_stream(aws: Aws) -> None:
    make_table(aws, "orders")
    assert aws.enable_stream("orders", "NEW_IMAGE") is True
    first = aws.describe_table("orders").latest_stream_arn
    assert aws.enable_stream("orders", "NEW_IMAGE") is False  # moto: ResourceInUseException
    assert aws.describe_table("orders").latest_stream_arn == first


def test_mappings_on_stream_and_mapping(aws: Aws) -> None:
    make_table(aws, "orders", "NEW_AND_OLD_IMAGES")
    arn = aws.describe_table("orders").latest_stream_arn
    assert arn is not None
    assert aws.mappings_on_stream(arn) == []
    function_arn = make_function(aws, "orders-echo")
    made = aws.client("lambda").create_event_source_mapping(
        EventSourceArn=arn,
        FunctionName="orders-echo",
        StartingPosition="TRIM_HORIZON",
        BatchSize=10,
        MaximumRetryAttempts=3,
    )
    (found,) = aws.mappings_on_stream(arn)
    assert found.uuid == made["UUID"]
    assert found.function_arn == function_arn
    assert found.function_name == "orders-echo"
    assert found.state == "Enabled"
    assert found.batch_size == 10
    assert found.starting_position == "TRIM_HORIZON"
    assert found.event_source_arn == arn
    assert found.settings["MaximumRetryAttempts"] == 3
    json.dumps(dict(found.settings))  # plain values only (datetimes become text)
    assert aws.mapping(made["UUID"]) == found


def test_queues_and_topics_skip_fifo(aws: Aws) -> None:
    sqs, sns = aws.client("sqs"), aws.client("sns")
    sqs.create_queue(QueueName="failures")
    sqs.create_queue(QueueName="ordered.fifo", Attributes={"FifoQueue": "true"})
    sns.create_topic(Name="alerts")
    sns.create_topic(Name="ordered.fifo", Attributes={"FifoTopic": "true"})
    assert aws.queues() == ["arn:aws:sqs:us-east-1:123456789012:failures"]
    assert aws.topics() == ["arn:aws:sns:us-east-1:123456789012:alerts"]


def test_function_and_log_group_exist(aws: Aws) -> None:
    assert not aws.function_exists("orders-echo")
    assert not aws.log_group_exists("/aws/lambda/orders-echo")
    make_function(aws, "orders-echo")
    aws.client("logs").create_log_group(logGroupName="/aws/lambda/orders-echo-2")
    assert aws.function_exists("orders-echo")
    assert not aws.log_group_exists("/aws/lambda/orders-echo")  # a prefix is not a match
    assert aws.log_group_exists("/aws/lambda/orders-echo-2")


def test_log_events_of_a_missing_group_are_empty(aws: Aws) -> None:
    assert aws.log_events("/aws/lambda/not-yet", 0) == ([], None)


def test_log_events_come_back_as_lines(aws: Aws) -> None:
    now = int(time.time() * 1000)
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/f")
    logs.create_log_stream(logGroupName="/aws/lambda/f", logStreamName="s")
    logs.put_log_events(
        logGroupName="/aws/lambda/f",
        logStreamName="s",
        logEvents=[{"timestamp": now, "message": '{"eventName":"INSERT","k":"é"}\n'}],
    )
    lines, _ = aws.log_events("/aws/lambda/f", now - 1_000)
    assert [(line.timestamp_ms, line.stream, line.message) for line in lines] == [
        (now, "s", '{"eventName":"INSERT","k":"é"}')
    ]
    assert aws.log_events("/aws/lambda/f", now + 1) == ([], None)


def test_clients_use_standard_retries_and_short_timeouts() -> None:
    aws = Aws(make_session(None, None))
    ddb = aws.client("dynamodb")
    assert aws.client("dynamodb") is ddb  # cached
    config: Any = ddb.meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 5}
    assert config.connect_timeout == 5
    assert config.read_timeout == 30
    logs_config: Any = aws.client("logs").meta.config
    assert logs_config.read_timeout == 60
    assert ddb.meta.region_name == REGION


def test_endpoint_url_is_used_by_every_client() -> None:
    aws = Aws(make_session(None, None), "http://127.0.0.1:4566")
    assert aws.client("dynamodbstreams").meta.endpoint_url == "http://127.0.0.1:4566"
    assert aws.client("sts").meta.endpoint_url == "http://127.0.0.1:4566"


def test_no_region_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    aws = Aws(make_session(None, None))
    with pytest.raises(AwsConfigError) as caught:
        aws.identity()
    assert caught.value.message == (
        "No AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), or add region to your profile"
    )
    assert "ddbwizard --local" in str(caught.value)
    assert caught.value.exit_code == EXIT_USAGE


def test_region_from_flag_wins_over_environment() -> None:
    assert Aws(make_session(None, "eu-west-1")).region == "eu-west-1"


def test_unknown_profile_lists_known_ones(aws_config: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # it would win over the profile's region
    aws_config("[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-1\n")
    assert make_session("dev", None).region_name == "eu-west-1"
    with pytest.raises(AwsConfigError) as caught:
        make_session("prod", None)
    assert "'prod'" in str(caught.value)
    assert "Known profiles: default, dev" in str(caught.value)
    assert caught.value.exit_code == EXIT_USAGE


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _throttle(times: int) -> Any:
    """A before-send hook answering ThrottlingException `times` times, then letting moto answer."""
    calls = {"n": 0}
    body = json.dumps(
        {
            "__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
            "message": "Rate exceeded",
        }
    ).encode()

    def hook(request: Any, **_: Any) -> AWSResponse | None:
        calls["n"] += 1
        if calls["n"] <= times:
            return AWSResponse(request.url, 400, {"x-amzn-RequestId": "r"}, _Raw(body))  # type: ignore[arg-type]
        return None

    hook.calls = calls  # type: ignore[attr-defined]
    return hook


def test_throttling_is_retried_by_botocore_then_succeeds(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", slept.append)
    make_table(aws, "orders")
    hook = _throttle(2)
    aws.client("dynamodb").meta.events.register_first("before-send.dynamodb.ListTables", hook)
    assert aws.list_table_names() == ["orders"]
    assert hook.calls["n"] == 3
    assert len(slept) == 2  # backoff between attempts


def test_throttling_past_the_last_attempt_is_a_clear_error(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _: None)
    hook = _throttle(99)
    aws.client("dynamodb").meta.events.register_first("before-send.dynamodb.ListTables", hook)
    with pytest.raises(ThrottledError) as caught:
        aws.list_table_names()
    assert str(caught.value) == (
        "AWS throttled dynamodb:ListTables after 5 attempts (ThrottlingException); "
        "try again in a minute"
    )
    assert caught.value.attempts == 5
    assert hook.calls["n"] == 5


def test_session_region_follows_aws_region_like_the_aws_cli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert make_session().region_name == "eu-west-1"
    assert make_session(region="ap-south-1").region_name == "ap-south-1"


def test_a_pinned_stream_region_applies_only_when_nothing_else_names_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert make_session(fallback_region="eu-central-1").region_name == "us-east-1"  # env wins
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert make_session(fallback_region="eu-central-1").region_name == "eu-central-1"
    assert make_session().region_name is None
