"""faults.md rows 1-8: the answers file, checked before any AWS call (exit 2, nothing sent)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.fault_kit import Calls, CliResult, answers, stream_arn, write

Cli = Callable[..., CliResult]


def refused(cli: Cli, calls: Calls, path: Path, *expected: str) -> CliResult:
    """A deploy run (--yes) that must stop at exit 2 with `expected` and call no AWS API."""
    result = cli("--answers", path, "--yes")
    assert result.code == 2, result.err
    for text in expected:
        assert text in result.err, result.err
    assert calls.made == []
    assert result.out == ""
    return result


def test_row_01_missing_unreadable_or_directory(
    cli: Cli, calls: Calls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nope.yaml"
    refused(cli, calls, missing, f"ddbwizard: {missing}: no such file")
    refused(cli, calls, tmp_path, f"ddbwizard: {tmp_path}: is a directory, not an answers file")
    locked = answers(tmp_path)

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)  # root can read a chmod 000 file
    refused(cli, calls, locked, f"ddbwizard: {locked}: cannot read (Permission denied)")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.yaml", "table: {name: orders\n", "a.yaml: line 2, column 1:"),
        ("a.yaml", "table:\n  name: orders\n bad: 1\n", "a.yaml: line 3, column 2:"),
        ("a.json", '{"table": {"name": "orders"},}', "a.json: line 1, column 30:"),
    ],
)
def test_row_02_syntax_error_gives_line_and_column(
    cli: Cli, calls: Calls, tmp_path: Path, name: str, text: str, expected: str
) -> None:
    refused(cli, calls, write(tmp_path / name, text), expected)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.yaml", "table: {name: orders}\ntable: {name: other}\n", "duplicate key 'table' (first at line 1)"),
        ("a.yaml", "table: {name: orders, name: other}\n", "duplicate key 'name'"),
        ("a.json", '{"table": {"name": "orders"}, "table": {"name": "x"}}', "duplicate key 'table'"),
    ],
)  # fmt: skip
def test_row_03_duplicate_keys_are_rejected(
    cli: Cli, calls: Calls, tmp_path: Path, name: str, text: str, expected: str
) -> None:
    refused(cli, calls, write(tmp_path / name, text), expected)


def test_row_04_unknown_key_with_suggestion(cli: Cli, calls: Calls, tmp_path: Path) -> None:
    path = answers(tmp_path, "mapping: {bacth_size: 10}\n")
    refused(cli, calls, path, "mapping.bacth_size: unknown key (did you mean 'batch_size'?)")
    path = answers(tmp_path, "stack: {nmae: x}\n")
    refused(cli, calls, path, "stack.nmae: unknown key (did you mean 'name'?)")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("mapping: {enabled: on}\n", "mapping.enabled: must be true or false, got 'on'"),
        ("mapping: {bisect_on_error: no}\n", "mapping.bisect_on_error: must be true or false, got 'no'"),
        ("mapping: {batch_size: 010}\n", "mapping.batch_size: must be an integer, got '010' (a leading zero"),
        ("mapping: {batch_size: '10'}\n", "mapping.batch_size: must be an integer, got '10'"),
        ("function: {memory_mb: 1e3}\n", "function.memory_mb: must be an integer"),
        ("stack: {tags: {cost: 12}}\n", "stack.tags: tag 'cost' must be a string"),
        ("mapping: [1, 2]\n", "mapping: must be a mapping"),
    ],
)  # fmt: skip
def test_row_05_yaml_11_surprises_and_wrong_types(
    cli: Cli, calls: Calls, tmp_path: Path, extra: str, expected: str
) -> None:
    refused(cli, calls, answers(tmp_path, extra), expected)


SIX_FILTERS = json.dumps([{"eventName": ["INSERT"]}] * 6)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("mapping: {batch_size: 0}\n", "mapping.batch_size: must be 1 to 10000 for DynamoDB streams, got 0"),
        ("mapping: {max_record_age_seconds: 59}\n", "mapping.max_record_age_seconds: must be -1 (unlimited) or 60 to 604800"),
        ("function: {timeout_seconds: 901}\n", "function.timeout_seconds: must be 1 to 900 seconds"),
        ("mapping: {starting_position: AT_TIMESTAMP}\n", "AT_TIMESTAMP is for Kinesis and Kafka"),
        ("mapping: {filter_patterns: ['{\"eventName\": [INSERT'] }\n", "mapping.filter_patterns[0]: not valid JSON"),
        (f"mapping: {{filter_patterns: {SIX_FILTERS}}}\n", "mapping.filter_patterns: at most 5 items, got 6"),
        ("function: {log_retention_days: 10}\n", "function.log_retention_days: must be one of 1, 3, 5, 7, 14"),
        ("stack: {name: 1orders}\n", "stack.name: must start with a letter"),
        ("stack: {name: orders_echo}\n", "stack.name: must start with a letter"),
    ],
)  # fmt: skip
def test_row_06_out_of_range_and_refused_values(
    cli: Cli, calls: Calls, tmp_path: Path, extra: str, expected: str
) -> None:
    refused(cli, calls, answers(tmp_path, extra), expected)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "mapping: {on_failure: {arn: 'arn:aws:lambda:us-east-1:123456789012:function:f'}}\n",
            "mapping.on_failure.arn: must be a standard SQS queue, SNS topic or S3 bucket ARN",
        ),
        (
            "mapping: {on_failure: {arn: 'arn:aws:sqs:us-east-1:123456789012:q.fifo'}}\n",
            "mapping.on_failure.arn: FIFO queues and topics cannot take stream failures",
        ),
        (
            "aws: {region: us-east-1}\n"
            "mapping: {on_failure: {arn: 'arn:aws:sqs:eu-west-1:123456789012:q'}}\n",
            "mapping.on_failure.arn: is in eu-west-1; the stream is in us-east-1",
        ),
    ],
)
def test_row_07_on_failure_destination_kind_and_region(
    cli: Cli, calls: Calls, tmp_path: Path, extra: str, expected: str
) -> None:
    refused(cli, calls, answers(tmp_path, extra), expected)


def test_row_08_cross_field_contradictions(cli: Cli, calls: Calls, tmp_path: Path) -> None:
    keys_only = answers(
        tmp_path,
        "stream: {view_type: KEYS_ONLY}\n"
        "mapping: {filter_patterns: [{dynamodb: {NewImage: {s: {S: [x]}}}}]}\n",
    )
    refused(cli, calls, keys_only, "filters on NewImage, which a KEYS_ONLY stream never carries")
    # Allowed but surprising: warnings, and the run goes on (here: an export, no AWS call).
    warned = answers(
        tmp_path,
        f"stream: {{arn: '{stream_arn()}'}}\n"
        "mapping: {max_record_age_seconds: 604800, on_failure: {create_queue: true}}\n",
    )
    result = cli("--answers", warned, "--export", tmp_path / "t.yaml")
    assert result.code == 0, result.err
    assert "warning: mapping.max_record_age_seconds: 604800 has no effect above 86400" in result.err
    assert calls.made == []
    unlimited = answers(
        tmp_path,
        f"stream: {{arn: '{stream_arn()}'}}\nmapping: {{on_failure: {{create_queue: true}}}}\n",
    )
    result = cli("--answers", unlimited, "--export", tmp_path / "t.yaml")
    assert result.code == 0
    assert "warning: mapping.on_failure: with unlimited retries" in result.err
    assert calls.made == []
