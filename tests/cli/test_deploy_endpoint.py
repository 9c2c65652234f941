"""`ddbwizard --answers F` as a separate process against a moto server (--endpoint-url)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.endpoint_run import client, ddbwizard
from tests.helpers.moto_kit import create_table

TABLE = "customers"


@pytest.fixture
def table(moto_endpoint: str) -> str:
    """A table without a stream, with one item."""
    ddb = client(moto_endpoint, "dynamodb")
    create_table(ddb, TABLE)
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "c#1"}, "name": {"S": "Zoë"}})
    return TABLE


def write_answers(path: Path, batch_size: int = 25) -> Path:
    path.write_text(
        f"""version: 1
table: {{name: {TABLE}}}
stream: {{view_type: NEW_IMAGE}}
mapping:
  batch_size: {batch_size}
  starting_position: LATEST
  enabled: false
  batching_window_seconds: 5
  parallelization_factor: 3
  bisect_on_error: true
  max_retry_attempts: 7
  max_record_age_seconds: 3600
  on_failure: {{create_queue: true}}
  filter_patterns: [{{eventName: [INSERT, MODIFY]}}]
  report_batch_item_failures: true
  tumbling_window_seconds: 30
stack: {{name: customers-echo, tags: {{team: data}}}}
""",
        encoding="utf-8",
    )
    return path


def test_deploy_update_no_changes_and_destroy(
    table: str, moto_endpoint: str, tmp_path: Path
) -> None:
    answers = write_answers(tmp_path / "a.yaml")

    first = ddbwizard(moto_endpoint, "--answers", str(answers), "--yes", "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["status"] == "CREATE_COMPLETE"
    account = first.stderr[first.stderr.index("Changed in AWS:") :]  # the run's last lines
    assert "a NEW_IMAGE stream was enabled on table customers" in account
    assert "stack customers-echo was deployed (CREATE_COMPLETE)" in account
    described = client(moto_endpoint, "dynamodb").describe_table(TableName=table)["Table"]
    assert described["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_IMAGE",
    }
    stream_arn = described["LatestStreamArn"]
    assert summary["stream_arn"] == stream_arn
    assert set(summary["outputs"]) >= {
        "FunctionName", "FunctionArn", "LogGroupName", "EventSourceMappingId", "StreamArn", "FailureQueueUrl",
    }  # fmt: skip

    # What another AWS client sees on the stream: every setting from the answers file.
    mappings = client(moto_endpoint, "lambda").list_event_source_mappings(EventSourceArn=stream_arn)
    (mapping,) = mappings["EventSourceMappings"]
    assert (
        mapping["UUID"] == summary["mapping"]["uuid"] == summary["outputs"]["EventSourceMappingId"]
    )
    assert mapping["BatchSize"] == 25
    assert mapping["StartingPosition"] == "LATEST"
    assert mapping["MaximumBatchingWindowInSeconds"] == 5
    assert mapping["ParallelizationFactor"] == 3
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] == 7
    assert mapping["MaximumRecordAgeInSeconds"] == 3600
    assert mapping["TumblingWindowInSeconds"] == 30
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["FilterCriteria"] == {
        "Filters": [{"Pattern": '{"eventName":["INSERT","MODIFY"]}'}]
    }
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"].startswith(
        "arn:aws:sqs:us-east-1:"
    )

    again = ddbwizard(moto_endpoint, "--answers", str(answers), "--yes", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "No changes to deploy" in again.stderr

    write_answers(answers, batch_size=50)
    update = ddbwizard(moto_endpoint, "--answers", str(answers), "--json", cwd=tmp_path)
    assert update.returncode == 0, update.stderr
    assert "(UPDATE)" in update.stderr
    assert json.loads(update.stdout)["status"] == "UPDATE_COMPLETE"
    (mapping,) = client(moto_endpoint, "lambda").list_event_source_mappings(
        EventSourceArn=stream_arn
    )["EventSourceMappings"]
    assert mapping["BatchSize"] == 50

    gone = ddbwizard(moto_endpoint, "--answers", str(answers), "--destroy", "--yes", cwd=tmp_path)
    assert gone.returncode == 0, gone.stderr
    cfn = client(moto_endpoint, "cloudformation")
    assert [
        s for s in cfn.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"
    ] == []
    after = client(moto_endpoint, "dynamodb").describe_table(TableName=table)["Table"]
    assert after["LatestStreamArn"] == stream_arn
    assert after["StreamSpecification"] == described["StreamSpecification"]

    twice = ddbwizard(moto_endpoint, "--answers", str(answers), "--destroy", "--yes", cwd=tmp_path)
    assert twice.returncode == 0
    assert "does not exist" in twice.stderr


def test_enabling_a_stream_needs_yes(table: str, moto_endpoint: str, tmp_path: Path) -> None:
    answers = write_answers(tmp_path / "a.yaml")
    result = ddbwizard(moto_endpoint, "--answers", str(answers), cwd=tmp_path)
    assert result.returncode == 2
    assert "--yes" in result.stderr
    assert "Traceback" not in result.stderr
    described = client(moto_endpoint, "dynamodb").describe_table(TableName=table)["Table"]
    assert "LatestStreamArn" not in described


def test_dry_run_shows_the_change_set_and_deploys_nothing(
    table: str, moto_endpoint: str, tmp_path: Path
) -> None:
    answers = write_answers(tmp_path / "a.yaml")
    result = ddbwizard(moto_endpoint, "--answers", str(answers), "--yes", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for logical_id in ("EchoLogGroup", "EchoRole", "EchoFunction", "EchoMapping", "FailureQueue"):
        assert f"Add     {logical_id}" in result.stderr
    stacks = client(moto_endpoint, "cloudformation").list_stacks()["StackSummaries"]
    assert [s for s in stacks if s["StackStatus"] not in ("DELETE_COMPLETE",)] == []


def test_destroy_needs_yes(table: str, moto_endpoint: str, tmp_path: Path) -> None:
    answers = write_answers(tmp_path / "a.yaml")
    result = ddbwizard(moto_endpoint, "--answers", str(answers), "--destroy", cwd=tmp_path)
    assert result.returncode == 2
    assert "--yes" in result.stderr


def test_missing_table_is_named_with_its_region(moto_endpoint: str, tmp_path: Path) -> None:
    answers = write_answers(tmp_path / "a.yaml")
    result = ddbwizard(moto_endpoint, "--answers", str(answers), "--yes", cwd=tmp_path)
    assert result.returncode in (1, 2)
    assert "customers" in result.stderr
    assert "us-east-1" in result.stderr
    assert "Traceback" not in result.stderr


def test_plain_output_has_no_escape_sequences(
    table: str, moto_endpoint: str, tmp_path: Path
) -> None:
    answers = write_answers(tmp_path / "a.yaml")
    result = ddbwizard(moto_endpoint, "--answers", str(answers), "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stderr + result.stdout
