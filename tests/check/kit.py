"""Helpers of the check tests: a deployed trigger on the moto server, invocation records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.endpoint_run import client
from tests.helpers.fault_kit import CliResult, run_cli
from tests.helpers.moto_kit import create_table

TABLE = "customers"
STACK = "customers-echo"


def write_answers(folder: Path, batch_size: int = 25, pinned: str | None = None) -> Path:
    """The trigger's answers: TRIM_HORIZON, 2 retries, a failure queue the stack creates."""
    pin = f", arn: '{pinned}'" if pinned else ""
    path = folder / "answers.yaml"
    path.write_text(
        f"""version: 1
table: {{name: {TABLE}}}
stream: {{view_type: NEW_IMAGE{pin}}}
mapping:
  batch_size: {batch_size}
  starting_position: TRIM_HORIZON
  max_retry_attempts: 2
  on_failure: {{create_queue: true}}
  filter_patterns: [{{eventName: [INSERT, MODIFY]}}]
stack: {{name: {STACK}}}
""",
        encoding="utf-8",
    )
    return path


def make_table(endpoint: str) -> str:
    """The table with a NEW_IMAGE stream; its stream ARN."""
    ddb = client(endpoint, "dynamodb")
    create_table(ddb, TABLE, "NEW_IMAGE")
    arn: str = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    return arn


def recreate_table(endpoint: str) -> str:
    """moto cannot disable and re-enable a stream: a new table of the same name has a new one."""
    client(endpoint, "dynamodb").delete_table(TableName=TABLE)
    return make_table(endpoint)


def cli(capsys: pytest.CaptureFixture[str], endpoint: str, *args: Any) -> CliResult:
    return run_cli(capsys, "--endpoint-url", endpoint, *args)


def deploy(capsys: pytest.CaptureFixture[str], endpoint: str, answers: Path) -> None:
    done = cli(capsys, endpoint, "--answers", answers, "--yes")
    assert done.code == 0, done.err


def failure_queue_url(endpoint: str) -> str:
    cfn = client(endpoint, "cloudformation")
    outputs = cfn.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]
    arn = next(o["OutputValue"] for o in outputs if o["OutputKey"] == "FailureQueueArn")
    url: str = client(endpoint, "sqs").get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]
    return url


def stream_records(endpoint: str, stream_arn: str) -> tuple[str, list[dict[str, Any]]]:
    """The stream's first shard and its records (read from TRIM_HORIZON)."""
    streams = client(endpoint, "dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = streams.get_records(ShardIterator=iterator)["Records"]
    return shard["ShardId"], records


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def invocation_record(
    stream_arn: str,
    shard_id: str,
    first: str,
    last: str,
    batch_size: int,
    *,
    arrived: datetime,
    failed: datetime,
    condition: str = "RetryAttemptsExhausted",
) -> str:
    """What Lambda sends an on-failure destination for a DynamoDB stream batch (the shape the
    Lambda developer guide documents: requestContext, responseContext, DDBStreamBatchInfo)."""
    return json.dumps(
        {
            "requestContext": {
                "requestId": "316aa6d0-8154-xmpl-9af7-85d5f4a6bc81",
                "functionArn": f"arn:aws:lambda:us-east-1:123456789012:function:{STACK}",
                "condition": condition,
                "approximateInvokeCount": 3,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "version": "1.0",
            "timestamp": _iso(failed),
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": first,
                "endSequenceNumber": last,
                "approximateArrivalOfFirstRecord": _iso(arrived).replace(".000Z", "Z"),
                "approximateArrivalOfLastRecord": _iso(arrived).replace(".000Z", "Z"),
                "batchSize": batch_size,
                "streamArn": stream_arn,
            },
        }
    )
