"""`--check` end to end through the CLI, against the moto server: healthy, drift, JSON, read only."""

from __future__ import annotations

import json
import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.check.kit import (
    STACK,
    cli,
    deploy,
    failure_queue_url,
    invocation_record,
    make_table,
    recreate_table,
    stream_records,
    write_answers,
)
from tests.helpers.endpoint_run import client
from tests.helpers.fault_kit import record_calls

READS = ("Describe", "Get", "List", "Receive")


@pytest.fixture
def deployed(moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The table with its stream, and the trigger deployed from the answers file."""
    make_table(moto_endpoint)
    answers = write_answers(tmp_path)
    deploy(capsys, moto_endpoint, answers)
    return answers


def test_a_fresh_deploy_is_healthy(
    deployed: Path, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    checked = cli(capsys, moto_endpoint, "--answers", deployed, "--check")

    assert checked.code == 0, checked.text
    assert "Health: OK" in checked.out
    assert f"{STACK}: CREATE_COMPLETE" in checked.out
    assert "Enabled (User initiated)" in checked.out
    assert "the trigger reads the table's latest stream" in checked.out
    assert checked.out.rstrip().endswith("Healthy.")
    assert "read only" in checked.err


def test_drift_names_both_arns_and_the_command_that_repoints(
    deployed: Path, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = client(moto_endpoint, "dynamodb").describe_table(TableName="customers")["Table"][
        "LatestStreamArn"
    ]
    new = recreate_table(moto_endpoint)
    assert new != old

    checked = cli(capsys, moto_endpoint, "--answers", deployed, "--check")

    assert checked.code == 1, checked.text
    assert "Health: drift" in checked.out
    assert "[stream-drift]" in checked.out
    assert old in checked.out
    assert new in checked.out
    repoint = (
        f"ddbwizard --answers {shlex.quote(str(deployed))} --yes --endpoint-url {moto_endpoint}"
    )
    assert f"fix: Re-point the trigger: {repoint}" in checked.out
    assert checked.out.rstrip().endswith("Not healthy.")


def test_json_has_the_documented_shape(
    deployed: Path, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    new = recreate_table(moto_endpoint)

    checked = cli(capsys, moto_endpoint, "--answers", deployed, "--check", "--json")

    assert checked.code == 1
    report = json.loads(checked.out)
    assert {"healthy", "problems", "stack", "mapping", "stream", "metrics"} <= set(report)
    assert report["healthy"] is False
    (drift,) = [p for p in report["problems"] if p["kind"] == "stream-drift"]
    assert set(drift) == {"kind", "message", "fix"}
    assert new in drift["message"]
    assert "--yes" in drift["fix"]
    assert report["stack"] == {
        "name": STACK,
        "exists": True,
        "ours": True,
        "status": "CREATE_COMPLETE",
        "made_for": "customers",
    }
    assert report["mapping"]["state"] == "Enabled"
    assert report["mapping"]["settings_match"] is True
    assert report["stream"]["latest_arn"] == new
    assert report["stream"]["drift"] is True
    assert report["metrics"]["period_seconds"] == 60
    assert report["metrics"]["iterator_age_max_ms"] is None  # moto has no Lambda metrics


def test_settings_that_differ_from_the_answers_are_a_problem(
    deployed: Path, moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = write_answers(tmp_path, batch_size=50)

    checked = cli(capsys, moto_endpoint, "--answers", changed, "--check", "--json")

    assert checked.code == 1
    report = json.loads(checked.out)
    (settings,) = [p for p in report["problems"] if p["kind"] == "settings"]
    assert "BatchSize is 25, not 50" in settings["message"]
    assert settings["fix"].startswith("Deploy the answers file: ddbwizard --answers")


def test_a_stack_not_deployed_says_how_to_deploy_it(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint)
    answers = write_answers(tmp_path)

    checked = cli(capsys, moto_endpoint, "--answers", answers, "--check", "--region", "us-east-1")

    assert checked.code == 1
    assert "Health: not deployed" in checked.out
    assert "[stack-missing]" in checked.out
    assert f"--yes --endpoint-url {moto_endpoint} --region us-east-1" in checked.out


def test_failed_batches_are_peeked_and_stay_in_the_queue(
    deployed: Path, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stream_arn = client(moto_endpoint, "dynamodb").describe_table(TableName="customers")["Table"][
        "LatestStreamArn"
    ]
    queue = failure_queue_url(moto_endpoint)
    now = datetime.now(UTC)
    body = invocation_record(
        stream_arn,
        "shardId-00000001541626099285-f35f62ef",
        "1100000000017454423009",
        "1100000000017454423011",
        3,
        arrived=now,
        failed=now,
    )
    sqs = client(moto_endpoint, "sqs")
    sqs.send_message(QueueUrl=queue, MessageBody=body)

    checked = cli(capsys, moto_endpoint, "--answers", deployed, "--check")

    assert checked.code == 0, checked.text  # failed batches warn; they do not make it unhealthy
    assert "Failed batches          1 waiting" in checked.out
    assert (
        "shardId-00000001541626099285-f35f62ef  "
        "#1100000000017454423009..1100000000017454423011 (3 record(s)): "
        "RetryAttemptsExhausted after 3 invoke(s), function error Unhandled"
    ) in checked.out
    assert "peeked without deleting" in checked.out
    assert "[failed-batches]" in checked.out
    assert "--fetch-failed --out failed.json" in checked.out
    depth = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
    assert depth["Attributes"]["ApproximateNumberOfMessages"] == "1"
    (again,) = sqs.receive_message(QueueUrl=queue)["Messages"]  # visible at once
    assert again["Body"] == body


def test_the_check_makes_only_read_calls(
    deployed: Path,
    moto_endpoint: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream_arn = client(moto_endpoint, "dynamodb").describe_table(TableName="customers")["Table"][
        "LatestStreamArn"
    ]
    client(moto_endpoint, "dynamodb").put_item(TableName="customers", Item={"pk": {"S": "a"}})
    shard, records = stream_records(moto_endpoint, stream_arn)
    number = records[0]["dynamodb"]["SequenceNumber"]
    now = datetime.now(UTC)
    client(moto_endpoint, "sqs").send_message(
        QueueUrl=failure_queue_url(moto_endpoint),
        MessageBody=invocation_record(
            stream_arn, shard, number, number, 1, arrived=now, failed=now
        ),
    )
    recreate_table(moto_endpoint)
    calls = record_calls(monkeypatch)

    checked = cli(capsys, moto_endpoint, "--answers", deployed, "--check", "--json")
    fetched = cli(capsys, moto_endpoint, "--answers", deployed, "--fetch-failed")

    assert checked.code == 1, checked.text
    assert fetched.code == 0, fetched.text
    operations = calls.operations()
    assert {"GetMetricData", "ReceiveMessage", "GetQueueAttributes", "GetShardIterator"} <= set(
        operations
    )
    assert [op for op in operations if not op.startswith(READS)] == []
    for service, operation, params in calls.made:
        if operation == "ReceiveMessage":
            assert (service, params["VisibilityTimeout"]) == ("sqs", 0)


def test_a_pinned_stream_that_is_no_longer_the_latest_is_named_with_the_repoint_command(
    deployed: Path, moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = client(moto_endpoint, "dynamodb").describe_table(TableName="customers")["Table"][
        "LatestStreamArn"
    ]
    new = recreate_table(moto_endpoint)
    pinned = write_answers(tmp_path, pinned=old)

    checked = cli(capsys, moto_endpoint, "--answers", pinned, "--check", "--json")

    assert checked.code == 1
    problems = {p["kind"]: p for p in json.loads(checked.out)["problems"]}
    assert {"stream-drift", "pinned-stale"} <= set(problems)
    assert old in problems["pinned-stale"]["message"]
    assert new in problems["pinned-stale"]["message"]
    assert "--yes --repoint --endpoint-url" in problems["stream-drift"]["fix"]


def test_a_disabled_trigger_is_a_problem_when_the_answers_say_enabled(
    deployed: Path, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lam = client(moto_endpoint, "lambda")
    (mapping,) = lam.list_event_source_mappings(FunctionName=STACK)["EventSourceMappings"]
    lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)

    checked = cli(capsys, moto_endpoint, "--answers", deployed, "--check")

    assert checked.code == 1
    assert "Health: failing" in checked.out
    assert f"[mapping-state] The trigger {mapping['UUID']} is Disabled" in checked.out
    assert "fix: Deploy again to enable it: ddbwizard --answers" in checked.out


def test_since_sets_the_window_and_its_period(
    deployed: Path, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    checked = cli(
        capsys, moto_endpoint, "--answers", deployed, "--check", "--json", "--since", "2h"
    )

    assert checked.code == 0, checked.text
    metrics = json.loads(checked.out)["metrics"]
    assert metrics["period_seconds"] == 120  # 60 periods over the window, a sparkline's width
    start, end = (datetime.fromisoformat(metrics[k]) for k in ("start", "end"))
    assert end - start == timedelta(hours=2)


def test_a_stack_ddbwizard_did_not_make_is_not_checked(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint)
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}
    client(moto_endpoint, "cloudformation").create_stack(
        StackName=STACK, TemplateBody=json.dumps(template)
    )

    checked = cli(capsys, moto_endpoint, "--answers", write_answers(tmp_path), "--check")

    assert checked.code == 1
    assert f"[stack-not-ours] Stack {STACK} is not made by ddbwizard" in checked.out
    assert "State " not in checked.out  # nothing of another tool's stack is read further
