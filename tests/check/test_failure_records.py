"""Invocation records as Lambda writes them: parsed, shown inert, read from an S3 destination;
and `--local --check`, which deploys into the fresh emulator first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import boto3
from moto import mock_aws

from ddbwizard.core import Aws, failed_batch_line, make_session
from ddbwizard.core.failed import parse_failed_batch, read_destination
from tests.check.kit import invocation_record

ROOT = Path(__file__).resolve().parents[2]
STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/customers/stream/2026-12-01T08:00:00.000"
SHARD = "shardId-00000001733040000000-6fd3c1a2"
WHEN = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def test_an_invocation_record_is_read_as_shard_range_when_and_why() -> None:
    text = invocation_record(STREAM, SHARD, "100", "104", 5, arrived=WHEN, failed=WHEN)

    batch = parse_failed_batch(text)

    assert batch is not None
    assert (batch.shard_id, batch.first_sequence, batch.last_sequence) == (SHARD, "100", "104")
    assert (batch.batch_size, batch.stream_arn, batch.failed_at) == (5, STREAM, WHEN)
    assert failed_batch_line(batch) == (
        f"2026-12-02 09:30:00 UTC  {SHARD}  #100..104 (5 record(s)): "
        "RetryAttemptsExhausted after 3 invoke(s), function error Unhandled"
    )


def test_what_is_not_an_invocation_record_is_counted_not_parsed() -> None:
    assert parse_failed_batch("not json") is None
    assert parse_failed_batch('{"Records": []}') is None
    assert parse_failed_batch('{"DDBStreamBatchInfo": {"startSequenceNumber": 7}}') is None


def test_text_from_the_record_is_shown_inert() -> None:
    text = invocation_record(
        STREAM, SHARD, "1", "1", 1, arrived=WHEN, failed=WHEN, condition="\x1b]52;c;eA==\x07"
    )

    batch = parse_failed_batch(text)

    assert batch is not None
    line = failed_batch_line(batch)
    assert "\x1b" not in line
    assert "\\x1b]52;c;eA==\\x07" in line


def test_an_s3_destination_shows_its_newest_objects() -> None:
    uuid = "a1b2c3d4-5678-90ab-cdef-11111EXAMPLE"
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="failures")
        for minute, first in ((1, "100"), (2, "200")):
            failed = WHEN.replace(minute=minute)
            body = invocation_record(STREAM, SHARD, first, first, 1, arrived=failed, failed=failed)
            key = f"aws/lambda/{uuid}/{SHARD}/2026/12/02/2026-12-02T09.0{minute}.00-{first}"
            s3.put_object(Bucket="failures", Key=key, Body=body.encode())
        s3.put_object(Bucket="failures", Key="elsewhere/x", Body=b"{}")

        found = read_destination(
            Aws(make_session(region="us-east-1")), "arn:aws:s3:::failures", uuid
        )

    assert (found.kind, found.backlog, found.unreadable) == ("s3", 2, 0)
    assert [b.first_sequence for b in found.batches] == ["200", "100"]  # newest first
    assert found.note == f"the newest objects under s3://failures/aws/lambda/{uuid}/"


def test_local_check_deploys_into_the_emulator_then_checks(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable, "-m", "ddbwizard", "--local", "--answers",
            str(ROOT / "examples" / "advanced.yaml"), "--yes", "--check", "--json",
        ],
        capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ), timeout=180,
        check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # one JSON document: the check's, not the deploy's
    assert report["healthy"] is True
    assert report["stack"]["status"] == "CREATE_COMPLETE"
    assert report["destination"]["kind"] == "sqs"
    assert "checking stack orders-echo-advanced (read only)" in done.stderr
