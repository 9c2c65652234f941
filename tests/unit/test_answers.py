"""The answers file: every value checked against the AWS limits, with the field's path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddbwizard.core.errors import AnswersError, UsageError
from ddbwizard.core.model.answers import (
    Answers,
    default_stack_name,
    dump_answers,
    json_schema,
    load_answers,
    parse_answers,
)

ORDERS_STREAM = (
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
)


def problems(text: str) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(text)
    return caught.value.problems


def one_problem(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_minimal_file_gets_documented_defaults() -> None:
    answers = parse_answers("table: {name: orders}")
    assert answers.stack.name == "orders-echo"
    assert answers.mapping.batch_size == 100
    assert answers.mapping.starting_position == "TRIM_HORIZON"
    assert answers.mapping.max_retry_attempts == -1
    assert answers.function.runtime == "python3.13"
    assert answers.function.architecture == "arm64"
    assert answers.stream.view_type == "NEW_AND_OLD_IMAGES"


def test_runtime_follows_the_handler_when_not_given() -> None:
    assert parse_answers("table: {name: t01}\nfunction: {handler: nodejs}").function.runtime == (
        "nodejs24.x"
    )


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            "mapping: {batch_size: 0}",
            "mapping.batch_size: must be 1 to 10000 for DynamoDB streams, got 0",
        ),
        (
            "mapping: {batch_size: 10001}",
            "mapping.batch_size: must be 1 to 10000 for DynamoDB streams, got 10001",
        ),
        (
            "mapping: {batching_window_seconds: 301}",
            "mapping.batching_window_seconds: must be 0 to 300 seconds, got 301",
        ),
        (
            "mapping: {parallelization_factor: 11}",
            "mapping.parallelization_factor: must be 1 to 10 concurrent batches per shard, got 11",
        ),
        (
            "mapping: {max_retry_attempts: -2}",
            "mapping.max_retry_attempts: must be -1 (unlimited) or 0 to 10000, got -2",
        ),
        (
            "mapping: {max_record_age_seconds: 59}",
            "mapping.max_record_age_seconds: must be -1 (unlimited) or 60 to 604800 seconds, got 59",
        ),
        (
            "mapping: {tumbling_window_seconds: 901}",
            "mapping.tumbling_window_seconds: must be 0 to 900 seconds, got 901",
        ),
        ("function: {memory_mb: 127}", "function.memory_mb: must be 128 to 10240 MB, got 127"),
        (
            "function: {timeout_seconds: 901}",
            "function.timeout_seconds: must be 1 to 900 seconds, got 901",
        ),
    ],
)
def test_out_of_range_values_name_the_field_and_the_range(snippet: str, expected: str) -> None:
    assert one_problem(f"table: {{name: orders}}\n{snippet}") == expected


def test_at_timestamp_is_explained() -> None:
    message = one_problem("table: {name: orders}\nmapping: {starting_position: AT_TIMESTAMP}")
    assert message.startswith("mapping.starting_position: must be one of TRIM_HORIZON or LATEST")
    assert "Kinesis" in message


def test_log_retention_must_be_an_allowed_value() -> None:
    message = one_problem("table: {name: orders}\nfunction: {log_retention_days: 10}")
    assert message.startswith("function.log_retention_days: must be one of 1, 3, 5, 7, 14")


@pytest.mark.parametrize("name", ["1orders", "orders_echo", "a" * 129, "orders.echo"])
def test_stack_names_cloudformation_would_refuse(name: str) -> None:
    assert one_problem(f"table: {{name: orders}}\nstack: {{name: '{name}'}}").startswith(
        "stack.name: must start with a letter"
    )


def test_misspelled_key_gets_a_suggestion() -> None:
    assert one_problem("table: {name: orders}\nmapping: {bacth_size: 10}") == (
        "mapping.bacth_size: unknown key (did you mean 'batch_size'?)"
    )
    assert one_problem("tabel: {name: orders}\ntable: {name: orders}") == (
        "tabel: unknown key (did you mean 'table'?)"
    )


def test_unknown_key_without_a_close_match_lists_the_known_ones() -> None:
    assert "known keys: profile, region, endpoint_url" in one_problem(
        "table: {name: orders}\naws: {zzz: 1}"
    )


@pytest.mark.parametrize(
    ("snippet", "path"),
    [
        ("mapping: {enabled: on}", "mapping.enabled"),
        ("mapping: {bisect_on_error: no}", "mapping.bisect_on_error"),
        ("mapping: {batch_size: 010}", "mapping.batch_size"),
        ("mapping: {batch_size: '10'}", "mapping.batch_size"),
        ("mapping: {batch_size: 10.5}", "mapping.batch_size"),
        ("mapping: {batch_size: true}", "mapping.batch_size"),
        ("function: {memory_mb: 1e3}", "function.memory_mb"),
        ("stack: {tags: {cost: 12}}", "stack.tags"),
        ("mapping: [1, 2]", "mapping"),
    ],
)
def test_yaml_11_surprises_and_wrong_types_are_rejected(snippet: str, path: str) -> None:
    text = snippet if snippet.startswith("table") else f"table: {{name: orders}}\n{snippet}"
    assert one_problem(text).startswith(f"{path}: ")


def test_dates_and_yaml_11_words_stay_strings() -> None:
    assert parse_answers("table: {name: 2026-01-01}").table.name == "2026-01-01"


def test_quoted_yaml_11_words_are_plain_strings() -> None:
    assert parse_answers("table: {name: 'on1'}\nstack: {tags: {x: 'yes'}}").stack.tags == (
        ("x", "yes"),
    )


def test_duplicate_keys_are_rejected_with_their_line() -> None:
    with pytest.raises(
        UsageError, match=r"line 4, column 3: duplicate key 'batch_size' \(first at line 3\)"
    ):
        parse_answers("table: {name: orders}\nmapping:\n  batch_size: 1\n  batch_size: 2\n")
    with pytest.raises(UsageError, match="duplicate key 'table'"):
        parse_answers('{"table": {"name": "a12"}, "table": {"name": "b12"}}', as_json=True)


def test_syntax_errors_give_line_and_column() -> None:
    with pytest.raises(UsageError, match=r"line 3, column 1"):
        parse_answers("table: {name: orders}\nmapping: {batch_size: 1\n")
    with pytest.raises(UsageError, match=r"line 1, column 2"):
        parse_answers("{table", as_json=True)


def test_missing_table_is_required() -> None:
    assert one_problem("mapping: {batch_size: 10}") == "table: required"


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (
            "[{eventName: INSERT}]",
            "mapping.filter_patterns[0]: eventName: must be a non-empty array",
        ),
        ("['{bad']", "mapping.filter_patterns[0]: not valid JSON: line 1, column 2"),
        (
            "[{eventname: [INSERT]}]",
            "mapping.filter_patterns[0]: 'eventname' is not a field of a DynamoDB stream record (did you mean 'eventName'?)",
        ),
        ("[{}]", "mapping.filter_patterns[0]: must be a non-empty JSON object"),
        (
            "[" + ", ".join(["{eventName: [INSERT]}"] * 6) + "]",
            "mapping.filter_patterns: at most 5 items, got 6",
        ),
    ],
)
def test_invalid_filter_patterns(patterns: str, expected: str) -> None:
    assert one_problem(
        f"table: {{name: orders}}\nmapping: {{filter_patterns: {patterns}}}"
    ).startswith(expected)


def test_filter_pattern_longer_than_4096_characters() -> None:
    pattern = json.dumps({"eventID": ["x" * 4100]})
    data = {"table": {"name": "orders"}, "mapping": {"filter_patterns": [pattern]}}
    assert "at most 4096 characters" in one_problem(json.dumps(data))


def test_filter_pattern_given_as_json_text_is_kept_as_an_object() -> None:
    answers = parse_answers(
        """table: {name: orders}\nmapping: {filter_patterns: ['{"eventName": ["INSERT"]}']}"""
    )
    assert answers.to_data()["mapping"]["filter_patterns"] == [{"eventName": ["INSERT"]}]


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "must be a standard SQS queue, SNS topic or S3 bucket ARN",
        ),
        ("arn:aws:sqs:us-east-1:123456789012:q.fifo", "FIFO queues and topics cannot"),
        ("arn:aws:sns:eu-west-1:123456789012:t", "is in eu-west-1; the stream is in us-east-1"),
    ],
)
def test_on_failure_arn_must_be_a_standard_queue_or_topic_in_the_region(
    arn: str, expected: str
) -> None:
    text = f"table: {{name: orders}}\naws: {{region: us-east-1}}\nmapping: {{on_failure: {{arn: '{arn}'}}}}"
    message = one_problem(text)
    assert message.startswith("mapping.on_failure")
    assert expected in message


def test_on_failure_needs_exactly_one_of_arn_or_create_queue() -> None:
    assert "give either arn" in one_problem("table: {name: orders}\nmapping: {on_failure: {}}")


def test_stream_arn_must_belong_to_the_table() -> None:
    other = ORDERS_STREAM.replace("table/orders", "table/other")
    assert one_problem(f"table: {{name: orders}}\nstream: {{arn: '{other}'}}") == (
        "stream.arn: is a stream of table 'other', not 'orders'"
    )
    assert one_problem(
        "table: {name: orders}\nstream: {arn: 'arn:aws:sqs:us-east-1:123456789012:q'}"
    ).startswith("stream.arn: not a DynamoDB stream ARN")


def test_stream_arn_region_must_match_the_configured_region() -> None:
    text = (
        f"table: {{name: orders}}\naws: {{region: eu-west-1}}\nstream: {{arn: '{ORDERS_STREAM}'}}"
    )
    assert one_problem(text) == "stream.arn: is in us-east-1, but aws.region is eu-west-1"


def test_new_image_filter_on_a_keys_only_stream_is_an_error() -> None:
    text = (
        "table: {name: orders}\nstream: {view_type: KEYS_ONLY}\n"
        "mapping: {filter_patterns: [{dynamodb: {NewImage: {status: {S: [paid]}}}}]}"
    )
    assert "KEYS_ONLY stream never carries" in one_problem(text)


def test_runtime_must_fit_the_handler() -> None:
    assert one_problem(
        "table: {name: orders}\nfunction: {handler: nodejs, runtime: python3.13}"
    ) == (
        "function.runtime: python3.13 cannot run the nodejs handler; choose nodejs24.x, nodejs22.x"
    )


def test_warnings_for_allowed_but_surprising_settings() -> None:
    answers = parse_answers(
        "table: {name: orders}\nmapping: {max_record_age_seconds: 100000, on_failure: {create_queue: true}}"
    )
    assert any("no effect above 86400" in w for w in answers.warnings())
    answers = parse_answers("table: {name: orders}\nmapping: {on_failure: {create_queue: true}}")
    assert any("never reaches the destination" in w for w in answers.warnings())
    bounded = parse_answers(
        "table: {name: orders}\nmapping: {max_retry_attempts: 3, on_failure: {create_queue: true}}"
    )
    assert bounded.warnings() == ()


def test_every_problem_is_reported_at_once() -> None:
    found = problems("table: {name: orders}\nmapping: {batch_size: 0, parallelization_factor: 0}")
    assert [p.split(":")[0] for p in found] == [
        "mapping.batch_size",
        "mapping.parallelization_factor",
    ]


def test_answers_are_immutable() -> None:
    answers = parse_answers("table: {name: orders}\nstack: {tags: {team: data}}")
    with pytest.raises(Exception, match="frozen"):
        answers.mapping.batch_size = 5  # type: ignore[misc]
    assert isinstance(answers.stack.tags, tuple)
    changed = answers.with_values({"mapping.batch_size": 5})
    assert (answers.mapping.batch_size, changed.mapping.batch_size) == (100, 5)


def test_with_values_validates() -> None:
    with pytest.raises(AnswersError, match=r"mapping\.batch_size"):
        parse_answers("table: {name: orders}").with_values({"mapping.batch_size": 0})


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_and_load_round_trip_exactly(fmt: str, tmp_path: Path) -> None:
    text = (
        "table: {name: orders}\naws: {region: us-east-1}\n"
        f"stream: {{arn: '{ORDERS_STREAM}'}}\n"
        "mapping: {batch_size: 10, filter_patterns: [{eventName: [INSERT]}, {dynamodb: {Keys: {pk: {S: [{prefix: 'ü'}]}}}}], "
        "on_failure: {arn: 'arn:aws:sqs:us-east-1:123456789012:dlq'}, max_retry_attempts: 3}\n"
        "stack: {name: orders-echo, tags: {team: data, 'on': 'yes'}}\n"
    )
    answers = parse_answers(text)
    dumped = dump_answers(answers, fmt)  # type: ignore[arg-type]
    path = tmp_path / f"a.{fmt}"
    path.write_text(dumped, encoding="utf-8")
    again = load_answers(path)
    assert again == answers
    assert dump_answers(again, fmt) == dumped  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p / "missing.yaml", "no such file"),
        (lambda p: p, "is a directory"),
    ],
)
def test_unusable_paths_are_named(tmp_path: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(UsageError, match=expected) as caught:
        load_answers(path)
    assert str(path) in str(caught.value)


def test_non_utf8_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"table: {name: \xff}\n")
    with pytest.raises(UsageError, match="not UTF-8"):
        load_answers(path)


@pytest.mark.parametrize(
    ("table", "stack"),
    [
        ("orders", "orders-echo"),
        ("my_table.v2", "my-table-v2-echo"),
        ("2024-orders", "ddb-2024-orders-echo"),
        ("___", "ddb-echo"),
    ],
)
def test_default_stack_name_is_valid(table: str, stack: str) -> None:
    assert default_stack_name(table) == stack
    assert parse_answers(f"table: {{name: '{table}'}}").stack.name == stack


def test_long_stack_name_gives_a_valid_function_name() -> None:
    answers = parse_answers(f"table: {{name: orders}}\nstack: {{name: {'a' * 100}}}")
    assert len(answers.function_name) == 64
    assert answers.log_group_name == f"/aws/lambda/{answers.function_name}"


def test_json_schema_describes_the_public_names() -> None:
    schema = json_schema()
    assert set(schema["properties"]) == {
        "version",
        "aws",
        "table",
        "stream",
        "mapping",
        "function",
        "alarms",
        "stack",
    }
    mapping = schema["$defs"]["MappingSettings"]
    assert mapping["additionalProperties"] is False
    assert mapping["properties"]["batch_size"]["maximum"] == 10000
    assert mapping["properties"]["max_retry_attempts"]["anyOf"][0] == {"const": -1}
    assert Answers.model_fields.keys() == schema["properties"].keys()
