"""The embedded emulator (`--local`) and the local Lambda poller."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ddbwizard.core.aws.facade import Aws
from ddbwizard.core.errors import UsageError
from ddbwizard.core.failed import lambda_record
from ddbwizard.core.model.filters import matches
from ddbwizard.core.template.handlers import handler_source
from ddbwizard.local import process
from ddbwizard.local.child import ChildRuntime, FunctionProcess, Invocation
from ddbwizard.local.demo import DEMO_STREAM_LABEL, demo_item, demo_stream_arn
from ddbwizard.local.emulator import LocalEmulator, require_moto
from ddbwizard.local.poller import LocalPoller, passes_filters
from tests.helpers.moto_kit import create_function

FUNCTION = "orders-echo"
GROUP = f"/aws/lambda/{FUNCTION}"


def make_echo(aws: Aws, *, env: dict[str, str] | None = None, **mapping: Any) -> str:
    """A function, its log group and a mapping on the orders stream, as the stack would make."""
    endpoint = aws.endpoint_url
    lam = aws.client("lambda")
    create_function(lam, aws._session.client("iam", endpoint_url=endpoint), FUNCTION, env)
    aws.client("logs").create_log_group(logGroupName=GROUP)
    made = lam.create_event_source_mapping(
        EventSourceArn=demo_stream_arn("orders"),
        FunctionName=FUNCTION,
        **{"StartingPosition": "TRIM_HORIZON", "BatchSize": 2, **mapping},
    )
    return made["UUID"]


def echo_lines(aws: Aws) -> list[dict[str, Any]]:
    lines, _ = aws.log_events(GROUP, 0)
    return [json.loads(line.message) for line in lines]


def test_the_emulator_seeds_three_tables_with_fixed_stream_arns(emulator: LocalEmulator) -> None:
    aws = emulator.aws()
    assert emulator.endpoint_url.startswith("http://127.0.0.1:")
    assert aws.identity().account == "123456789012"
    tables = {t.name: t for t in aws.describe_tables(aws.list_table_names())}
    assert set(tables) == {"orders", "sessions", "customers"}
    assert tables["orders"].view_type == "NEW_AND_OLD_IMAGES"
    assert tables["orders"].latest_stream_arn == (
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
    )
    assert tables["sessions"].view_type == "KEYS_ONLY"
    assert tables["sessions"].latest_stream_arn == demo_stream_arn("sessions")
    assert not tables["customers"].stream_enabled
    assert all((t.item_count or 0) >= 2 for t in tables.values())
    assert aws.stream_status(demo_stream_arn("orders")) == "ENABLED"
    assert aws.queues() == ["arn:aws:sqs:us-east-1:123456789012:orders-echo-failures"]
    assert aws.topics() == ["arn:aws:sns:us-east-1:123456789012:orders-alerts"]
    emulator.seed()  # idempotent
    assert len(aws.list_table_names()) == 3


def test_the_emulator_sets_and_restores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    monkeypatch.setenv("AWS_PROFILE", "prod")
    with LocalEmulator():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert "AWS_SESSION_TOKEN" not in os.environ
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_REGION"] == "us-east-1"
        assert os.environ["AWS_ACCOUNT_ID_ENDPOINT_MODE"] == "disabled"
    assert os.environ["AWS_SESSION_TOKEN"] == "real-token"
    assert os.environ["AWS_PROFILE"] == "prod"
    assert "AWS_REGION" not in os.environ


def test_trim_horizon_replays_the_seeded_changes_on_the_fixed_arn(emulator: LocalEmulator) -> None:
    streams = emulator.aws().client("dynamodbstreams")
    arn = demo_stream_arn("orders")
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamLabel"] == DEMO_STREAM_LABEL
    shard = description["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["eventName"] for r in records] == [
        "INSERT",
        "INSERT",
        "INSERT",
        "MODIFY",
        "INSERT",
        "REMOVE",
    ]
    assert records[1]["dynamodb"]["NewImage"]["customer"] == {"S": "李雷"}
    assert records[3]["dynamodb"]["OldImage"]["status"] == {"S": "pending"}


def test_the_poller_turns_a_written_item_into_an_echo_line(emulator: LocalEmulator) -> None:
    aws = emulator.aws()
    make_echo(aws)
    poller = LocalPoller(aws)
    assert poller.poll_once() == 6  # the seeded changes, in batches of 2
    item = demo_item()
    aws.put_item("orders", item)
    assert poller.poll_once() == 1
    assert poller.poll_once() == 0
    poller.stop()  # ends the function's process
    assert poller.errors == []
    lines = echo_lines(aws)
    assert [line["eventName"] for line in lines] == [
        "INSERT",
        "INSERT",
        "INSERT",
        "MODIFY",
        "INSERT",
        "REMOVE",
        "INSERT",
    ]
    last = lines[-1]
    assert last["keys"] == {"pk": item["pk"]["S"]}
    assert last["newImage"]["message"] == item["message"]["S"]
    assert isinstance(last["approximateCreationDateTime"], int)
    assert lines[1]["newImage"]["total"] == 1999
    stream = aws.log_events(GROUP, 0)[0][0].stream
    assert stream.endswith("[$LATEST]local")


def test_a_restarted_poller_resumes_after_what_it_delivered(emulator: LocalEmulator) -> None:
    """Like Lambda's checkpoint: leaving the Done screen and coming back (a no-change
    redeploy) must not echo the same records again; only what was written since."""
    aws = emulator.aws()
    uuid = make_echo(aws)
    poller = LocalPoller(aws)
    assert poller.results == {}
    assert poller.poll_once() == 6
    assert poller.results == {uuid: "OK"}
    poller.stop()
    assert poller.poll_once() == 0  # after a stop: the same mapping, nothing new
    aws.put_item("orders", demo_item())
    assert poller.poll_once() == 1
    poller.stop()
    assert len(echo_lines(aws)) == 7


def test_the_poller_thread_follows_writes(emulator: LocalEmulator) -> None:
    aws = emulator.aws()
    make_echo(aws, StartingPosition="LATEST")
    with LocalPoller(aws, interval=0.05) as poller:
        deadline = time.monotonic() + 10
        while poller.delivered == 0 and not poller.errors and time.monotonic() < deadline:
            aws.put_item("orders", demo_item())
            time.sleep(0.1)
    assert poller.errors == []
    assert poller.delivered >= 1
    assert all(line["eventName"] == "INSERT" for line in echo_lines(aws))


def test_filters_and_disabled_mappings_are_honoured(emulator: LocalEmulator) -> None:
    aws = emulator.aws()
    uuid = make_echo(
        aws,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"eventName": ["MODIFY", "REMOVE"]})}]},
        BatchSize=100,
    )
    poller = LocalPoller(aws)
    assert poller.poll_once() == 2
    assert [line["eventName"] for line in echo_lines(aws)] == ["MODIFY", "REMOVE"]
    aws.client("lambda").update_event_source_mapping(UUID=uuid, Enabled=False)
    aws.put_item("orders", demo_item())
    assert poller.poll_once() == 0
    poller.stop()


def test_the_poller_filters_with_lambdas_matcher_and_skips_empty_batches(
    emulator: LocalEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seeded changes in batches of 2: [1001, 1002], [1003, MODIFY 1002], [0000, REMOVE]."""
    aws = emulator.aws()
    patterns = [
        {"dynamodb": {"NewImage": {"status": {"S": [{"prefix": "p"}]}}}},  # pending, paid
        {"dynamodb": {"NewImage": {"total": {"N": [{"numeric": [">", 0]}]}}}},  # never: "N" is text
    ]
    make_echo(aws, FilterCriteria={"Filters": [{"Pattern": json.dumps(p)} for p in patterns]})
    batches: list[list[str]] = []
    invoke = ChildRuntime.invoke

    def counting(runtime: ChildRuntime, event: dict[str, Any]) -> Invocation:
        batches.append([record["eventName"] for record in event["Records"]])
        return invoke(runtime, event)

    monkeypatch.setattr(ChildRuntime, "invoke", counting)
    poller = LocalPoller(aws)
    assert poller.poll_once() == 2
    poller.stop()
    assert batches == [["INSERT"], ["MODIFY"]]  # the third batch passes nothing: not invoked
    assert [line["newImage"]["status"] for line in echo_lines(aws)] == ["pending", "paid"]
    assert poller.errors == []


def test_demo_items_fit_every_demo_table(emulator: LocalEmulator) -> None:
    aws = emulator.aws()
    for table in ("orders", "sessions", "customers"):
        aws.put_item(table, demo_item(table))


def test_require_moto_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "moto", None)
    with pytest.raises(UsageError) as caught:
        require_moto()
    assert str(caught.value) == "--local needs the emulator: pip install 'ddbwizard[local]'"


def test_a_server_that_cannot_start_is_said_and_the_environment_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_socket(**_: Any) -> None:
        raise OSError(97, "Address family not supported by protocol")

    monkeypatch.setattr(process, "spawn", no_socket)
    monkeypatch.setattr(process, "_early", [])  # none started ahead
    monkeypatch.setenv("AWS_PROFILE", "mine")
    with pytest.raises(UsageError) as caught:
        LocalEmulator().start()
    assert "The embedded emulator (moto) did not start: [Errno 97]" in str(caught.value)
    assert os.environ["AWS_PROFILE"] == "mine"


def test_a_call_made_while_the_server_boots_is_answered_once_it_is_up() -> None:
    """The URL is known at launch (this process binds the socket), so clients are made and
    a first call sent while the server boots; it waits in the socket's backlog."""
    process.start_early()
    emulator = LocalEmulator().launch()
    try:
        aws = emulator.aws()
        assert aws.identity().account == "123456789012"  # sent before the server said ready
        emulator.wait_ready()
        emulator.seed()  # the early server seeds itself too: this finds it made (or waits)
        assert aws.list_table_names() == ["orders", "sessions", "customers"]
    finally:
        emulator.stop()


# -- pure parts of the poller --------------------------------------------------------------
def test_lambda_record_matches_the_lambda_event_format() -> None:
    record = {
        "eventID": "e1",
        "eventName": "INSERT",
        "eventVersion": "1.0",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 1, 1, 0, 0, 5, 700_000, tzinfo=UTC),
            "Keys": {"pk": {"S": "a"}},
            "NewImage": {"pk": {"S": "a"}, "blob": {"B": b"\x00\xff"}, "set": {"BS": [b"hi"]}},
            "SequenceNumber": "100",
            "SizeBytes": 26,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }
    event = lambda_record(record, "us-east-1", demo_stream_arn("orders"))
    assert event == {
        "eventID": "e1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1767225605,
            "Keys": {"pk": {"S": "a"}},
            "NewImage": {"pk": {"S": "a"}, "blob": {"B": "AP8="}, "set": {"BS": ["aGk="]}},
            "SequenceNumber": "100",
            "SizeBytes": 26,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": demo_stream_arn("orders"),
    }
    json.dumps(event)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"eventName": ["INSERT"]}, True),
        ({"eventName": ["REMOVE"]}, False),
        ({"dynamodb": {"NewImage": {"status": {"S": ["shipped", "paid"]}}}}, True),
        ({"dynamodb": {"NewImage": {"status": {"S": [{"prefix": "ship"}]}}}}, True),
        ({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": ["shipped"]}]}}}}, False),
        # numeric never matches a DynamoDB value: stream records carry numbers as strings
        # https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
        ({"dynamodb": {"NewImage": {"total": {"N": [{"numeric": [">", 10, "<=", 50]}]}}}}, False),
        ({"dynamodb": {"NewImage": {"total": {"N": ["42.5"]}}}}, True),
        ({"dynamodb": {"NewImage": {"total": {"N": [{"numeric": [">", 100]}]}}}}, False),
        ({"dynamodb": {"OldImage": [{"exists": False}]}}, True),
        ({"dynamodb": {"OldImage": {"status": {"S": ["shipped"]}}}}, False),
        ({"dynamodb": {"NewImage": {"status": {"S": [{"equals-ignore-case": "SHIPPED"}]}}}}, True),
    ],
)
def test_filter_patterns(pattern: dict[str, Any], expected: bool) -> None:
    record = {
        "eventName": "INSERT",
        "dynamodb": {"NewImage": {"status": {"S": "shipped"}, "total": {"N": "42.5"}}},
    }
    assert matches(pattern, record) is expected
    criteria = {"Filters": [{"Pattern": json.dumps(pattern)}]}
    assert passes_filters(criteria, record) is expected
    assert passes_filters(None, record)


@pytest.mark.parametrize(
    "pattern",
    ["{not json", '["INSERT"]', '{"eventName": "INSERT"}', '{"eventName": [{"wildcard": "I*"}]}'],
)
def test_a_filter_lambda_would_refuse_matches_nothing(pattern: str) -> None:
    record = {"eventName": "INSERT"}
    assert not passes_filters({"Filters": [{"Pattern": pattern}]}, record)
    assert passes_filters({"Filters": []}, record)


def test_the_echo_runs_in_a_child_process_with_the_function_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "index.py").write_text(handler_source("python"), encoding="utf-8")

    def run(env: dict[str, str]) -> Invocation:
        spec = FunctionProcess("python", code, "index.handler", env, "arn:aws:lambda:x", 30.0)
        with ChildRuntime(spec, tmp_path / f"out-{len(env)}-{sorted(env)}.log") as runtime:
            return runtime.invoke({"Records": [record]})

    record = lambda_record(
        {
            "eventID": "e1",
            "eventName": "INSERT",
            "dynamodb": {"Keys": {"pk": {"S": "ü"}}, "SequenceNumber": "1"},
        },
        "us-east-1",
        demo_stream_arn("orders"),
    )
    reported = run({"REPORT_BATCH_ITEM_FAILURES": "true"})
    assert reported.result.result() == {"batchItemFailures": []}
    assert len(reported.lines) == 1
    assert json.loads(reported.lines[0])["keys"] == {"pk": "ü"}
    assert run({}).result.result() is None
    assert run({"AWS_LAMBDA_LOG_LEVEL": "ERROR"}).lines == []
    assert capsys.readouterr().out == ""
    assert "REPORT_BATCH_ITEM_FAILURES" not in os.environ
