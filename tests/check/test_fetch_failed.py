"""`--fetch-failed`: a failed batch's original records, read back from the moto stream."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.check.kit import (
    cli,
    deploy,
    failure_queue_url,
    invocation_record,
    make_table,
    stream_records,
    write_answers,
)
from tests.helpers.endpoint_run import client


@pytest.fixture
def stream(moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The deployed trigger's stream, holding three INSERTs and one MODIFY."""
    arn = make_table(moto_endpoint)
    deploy(capsys, moto_endpoint, write_answers(tmp_path))
    ddb = client(moto_endpoint, "dynamodb")
    for key in ("c#1", "c#2", "c#3"):
        ddb.put_item(TableName="customers", Item={"pk": {"S": key}, "name": {"S": "Zoë"}})
    ddb.put_item(TableName="customers", Item={"pk": {"S": "c#1"}, "name": {"S": "Ann"}})
    return arn


def park_failure(endpoint: str, stream_arn: str, first: int, last: int, arrived: datetime) -> None:
    """Put Lambda's invocation record for records `first`..`last` of the shard on the queue."""
    shard, records = stream_records(endpoint, stream_arn)
    numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
    body = invocation_record(
        stream_arn,
        shard,
        numbers[first],
        numbers[last],
        last - first + 1,
        arrived=arrived,
        failed=arrived + timedelta(minutes=2),
    )
    client(endpoint, "sqs").send_message(QueueUrl=failure_queue_url(endpoint), MessageBody=body)


def test_the_failed_range_becomes_an_event_file_that_the_local_tools_accept(
    stream: str, moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    park_failure(moto_endpoint, stream, 1, 3, datetime.now(UTC))
    answers, out = tmp_path / "answers.yaml", tmp_path / "failed.json"

    fetched = cli(capsys, moto_endpoint, "--answers", answers, "--fetch-failed", "--out", out)

    assert fetched.code == 0, fetched.text
    assert "3 of 3 record(s) read from the stream" in fetched.err
    assert "peeked without deleting" in fetched.err
    assert f"--invoke-local {out}" in fetched.err
    event = json.loads(out.read_text(encoding="utf-8"))
    assert [r["eventName"] for r in event["Records"]] == ["INSERT", "INSERT", "MODIFY"]
    first = event["Records"][0]
    assert first["eventSource"] == "aws:dynamodb"
    assert first["eventSourceARN"] == stream
    assert first["dynamodb"]["Keys"] == {"pk": {"S": "c#2"}}
    assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], int)
    assert (
        client(moto_endpoint, "sqs").get_queue_attributes(
            QueueUrl=failure_queue_url(moto_endpoint),
            AttributeNames=["ApproximateNumberOfMessages"],
        )["Attributes"]["ApproximateNumberOfMessages"]
        == "1"
    )

    filtered = cli(capsys, moto_endpoint, "--answers", answers, "--test-filters", out, "--json")
    assert filtered.code == 0, filtered.text
    assert [r["passes"] for r in json.loads(filtered.out)["records"]] == [True, True, True]


def test_without_out_the_event_goes_to_stdout(
    stream: str, moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    park_failure(moto_endpoint, stream, 0, 0, datetime.now(UTC))

    fetched = cli(capsys, moto_endpoint, "--answers", tmp_path / "answers.yaml", "--fetch-failed")

    assert fetched.code == 0, fetched.text
    (record,) = json.loads(fetched.out)["Records"]
    assert record["dynamodb"]["NewImage"]["name"] == {"S": "Zoë"}


def test_a_batch_past_the_retention_is_said_to_be_trimmed(
    stream: str, moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    park_failure(moto_endpoint, stream, 0, 1, datetime.now(UTC) - timedelta(hours=25))

    fetched = cli(capsys, moto_endpoint, "--answers", tmp_path / "answers.yaml", "--fetch-failed")

    assert fetched.code == 0, fetched.text
    assert "0 of 2 record(s) read from the stream: older than the stream's 24-hour" in fetched.err
    assert json.loads(fetched.out) == {"Records": []}


def test_an_empty_queue_has_nothing_to_fetch(
    stream: str, moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched = cli(capsys, moto_endpoint, "--answers", tmp_path / "answers.yaml", "--fetch-failed")

    assert fetched.code == 0
    assert "No failed batch is waiting there" in fetched.err
    assert fetched.out == ""
