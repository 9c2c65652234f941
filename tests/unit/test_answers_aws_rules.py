"""What AWS would refuse is refused by the answers model, one line per problem with its path.

Filter patterns (strict JSON), ARNs (partition, region, account, resource), SQS/SNS names, S3
bucket names, stream labels, tags, region names, unsafe text, and the destination's region
as the engine checks it against the session's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ddbwizard.core.errors import AnswersError, UsageError
from ddbwizard.core.model import limits
from ddbwizard.core.model.answers import (
    Answers,
    answers_from_data,
    destination_region_problem,
    json_schema,
    parse_answers,
)
from ddbwizard.core.model.fields import UNSAFE_RULE, bucket_name_problem
from ddbwizard.core.text import has_unsafe
from tests.helpers.fault_kit import run_cli, stream_arn, write

STREAM = stream_arn()


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        answers_from_data(data)
    return caught.value.problems


def only_problem(data: dict[str, Any]) -> str:
    found = problems_of(data)
    assert len(found) == 1, found
    assert not has_unsafe(found[0]), found[0]  # a message is inert, whatever it quotes
    return found[0]


def with_table(**sections: Any) -> dict[str, Any]:
    return {"table": {"name": "orders"}, **sections}


def patterns(*items: Any) -> dict[str, Any]:
    return with_table(mapping={"filter_patterns": list(items)})


def destination(arn: str, **sections: Any) -> dict[str, Any]:
    return with_table(mapping={"on_failure": {"arn": arn}}, **sections)


def nested(depth: int) -> dict[str, Any]:
    node: Any = ["x"]
    for _ in range(depth):
        node = {"a": node}
    return {"dynamodb": node}


# --- 1. filter patterns ---------------------------------------------------------------------


NOT_A_NUMBER = "is not a JSON number (write a number or a quoted string)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"eventID": [NaN]}', f"NaN {NOT_A_NUMBER}"),
        ('{"eventID": [Infinity]}', f"Infinity {NOT_A_NUMBER}"),
        ('{"eventID": [-Infinity]}', f"-Infinity {NOT_A_NUMBER}"),
        ('{"eventID": [1e400]}', "the number 1e400 is out of range"),
    ],
)
def test_filter_pattern_text_refuses_nan_and_infinity(text: str, expected: str) -> None:
    assert only_problem(patterns(text)) == f"mapping.filter_patterns[0]: {expected}"


def test_filter_pattern_text_refuses_duplicate_keys_by_name() -> None:
    text = '{"eventName": ["INSERT"], "eventName": ["REMOVE"]}'
    assert only_problem(patterns(text)) == "mapping.filter_patterns[0]: duplicate key 'eventName'"
    inner = '{"dynamodb": {"Keys": {"pk": {"S": ["a"]}, "pk": {"S": ["b"]}}}}'
    assert only_problem(patterns(inner)) == "mapping.filter_patterns[0]: duplicate key 'pk'"


@pytest.mark.parametrize("depth", [33, 3000])
def test_filter_pattern_text_nested_too_deep_is_a_clean_error(depth: int) -> None:
    text = '{"dynamodb": ' + '{"a": ' * depth + '["x"]' + "}" * depth + "}"
    assert only_problem(patterns(text)) == (
        "mapping.filter_patterns[0]: nested more than 32 levels deep"
    )


@pytest.mark.parametrize("depth", [40, 3000])
def test_filter_pattern_objects_nested_too_deep_are_refused(depth: int) -> None:
    # as the wizard passes them (answers_from_data, no document reader in between)
    message = only_problem(patterns(nested(depth)))
    assert message.startswith("mapping.filter_patterns[0]: dynamodb.a.a")
    assert message.endswith("nested more than 32 levels deep")


def test_filter_pattern_nesting_up_to_the_bound_is_accepted() -> None:
    assert answers_from_data(patterns(nested(29))).mapping.filter_patterns


def test_a_3000_deep_nested_yaml_pattern_is_a_clean_error() -> None:
    text = "table: {name: orders}\nmapping: {filter_patterns: [" + "{a: " * 3000 + "[x]"
    text += "}" * 3000 + "]}\n"
    with pytest.raises(UsageError, match="nested more than 32 levels deep"):
        parse_answers(text)


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("{eventID: [.nan]}", "eventID[0]: nan is not a JSON number"),
        ("{eventID: [-.inf]}", "eventID[0]: -inf is not a JSON number"),
        ("{eventID: [!!binary aGVsbG8=]}", "eventID[0]: a bytes is not a JSON value"),
        ("{eventID: !!set {a, b}}", "eventID: a set is not a JSON value"),
        ("{dynamodb: {Keys: {1: {N: ['1']}}}}", "dynamodb.Keys: keys must be strings, got 1"),
    ],
)
def test_yaml_patterns_must_be_plain_json_data(snippet: str, expected: str) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers(f"table: {{name: orders}}\nmapping: {{filter_patterns: [{snippet}]}}")
    assert caught.value.problems == [f"mapping.filter_patterns[0]: {expected}"]


def test_lambda_limits_on_patterns_are_kept() -> None:
    assert limits.MAX_FILTER_PATTERNS == 5
    assert limits.MAX_FILTER_PATTERN_CHARS == 4_096
    six = patterns(*[{"eventName": ["INSERT"]}] * 6)
    assert only_problem(six) == "mapping.filter_patterns: at most 5 items, got 6"


# --- 2. partitions and regions in ARNs ------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (with_table(stream={"arn": STREAM.replace("arn:aws:", "arn:awsxyz:")}), "stream.arn"),
        (destination("arn:awsxyz:sqs:us-east-1:123456789012:q"), "mapping.on_failure.arn"),
        (destination("arn:awsxyz:s3:::orders-failures"), "mapping.on_failure.arn"),
    ],
)
def test_arn_partition_must_be_a_known_one(data: dict[str, Any], path: str) -> None:
    assert only_problem(data) == (
        f"{path}: the partition must be one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, "
        "aws-iso-e, aws-iso-f, aws-eusc, got 'awsxyz'"
    )


@pytest.mark.parametrize(
    ("partition", "region", "home"),
    [
        ("aws-cn", "us-east-1", "aws"),
        ("aws", "cn-north-1", "aws-cn"),
        ("aws-us-gov", "us-east-1", "aws"),
        ("aws", "us-gov-west-1", "aws-us-gov"),
        ("aws", "us-iso-east-1", "aws-iso"),
        ("aws-iso", "us-isob-east-1", "aws-iso-b"),
    ],
)
def test_arn_region_must_belong_to_its_partition(partition: str, region: str, home: str) -> None:
    arn = f"arn:{partition}:dynamodb:{region}:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
    assert only_problem(with_table(stream={"arn": arn})) == (
        f"stream.arn: region {region} is in partition {home}, not {partition}"
    )
    queue = f"arn:{partition}:sqs:{region}:123456789012:dlq"
    assert only_problem(destination(queue)) == (
        f"mapping.on_failure.arn: region {region} is in partition {home}, not {partition}"
    )


@pytest.mark.parametrize(
    ("partition", "region"),
    [
        ("aws", "us-east-1"),
        ("aws", "ap-southeast-7"),
        ("aws-cn", "cn-north-1"),
        ("aws-us-gov", "us-gov-west-1"),
        ("aws-iso", "us-iso-east-1"),
        ("aws-iso-b", "us-isob-east-1"),
        ("aws-iso-e", "eu-isoe-west-1"),
        ("aws-iso-f", "us-isof-south-1"),
        ("aws-eusc", "eusc-de-east-1"),
    ],
)
def test_arns_of_every_partition_are_accepted(partition: str, region: str) -> None:
    arn = f"arn:{partition}:dynamodb:{region}:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
    answers = answers_from_data(
        {
            "aws": {"region": region},
            "table": {"name": "orders"},
            "stream": {"arn": arn},
            "mapping": {"on_failure": {"arn": f"arn:{partition}:sqs:{region}:123456789012:dlq"}},
        }
    )
    assert answers.stream.region == region
    assert answers.mapping.on_failure is not None
    assert answers.mapping.on_failure.partition == partition


def test_arn_account_must_be_12_ascii_digits() -> None:
    digits = "".join(chr(0x0661 + i % 9) for i in range(12))  # Arabic-Indic: they match \d
    arn = f"arn:aws:sqs:us-east-1:{digits}:dlq"
    assert only_problem(destination(arn)) == (
        f"mapping.on_failure.arn: the account must be 12 digits, got '{digits}'"
    )


# --- 3. SQS queue and SNS topic names ---------------------------------------------------------


def test_sqs_queue_names_are_1_to_80_characters() -> None:
    ok = f"arn:aws:sqs:us-east-1:123456789012:{'q' * 80}"
    assert answers_from_data(destination(ok)).mapping.on_failure is not None
    assert only_problem(destination(ok + "q")) == (
        "mapping.on_failure.arn: the queue name must be 1 to 80 characters "
        "(a .fifo suffix included), got 81"
    )
    fifo = f"arn:aws:sqs:us-east-1:123456789012:{'q' * 76}.fifo"  # 81 with its suffix
    assert "the queue name must be 1 to 80 characters" in only_problem(destination(fifo))


@pytest.mark.parametrize("name", ["q.x", "q q", "q:1", "ü", ""])
def test_sqs_queue_names_hold_only_alphanumerics_hyphens_and_underscores(name: str) -> None:
    message = only_problem(destination(f"arn:aws:sqs:us-east-1:123456789012:{name}"))
    assert message.startswith("mapping.on_failure.arn: the queue name ")


def test_sns_topic_names_are_1_to_256_characters() -> None:
    ok = f"arn:aws:sns:us-east-1:123456789012:{'t' * 256}"
    assert answers_from_data(destination(ok)).mapping.on_failure is not None
    assert only_problem(destination(ok + "t")) == (
        "mapping.on_failure.arn: the topic name must be 1 to 256 characters "
        "(a .fifo suffix included), got 257"
    )
    assert "the topic name may hold only" in only_problem(
        destination("arn:aws:sns:us-east-1:123456789012:a/b")
    )


@pytest.mark.parametrize("service", ["sqs", "sns"])
def test_fifo_queues_and_topics_stay_refused(service: str) -> None:
    assert "FIFO queues and topics cannot take stream failures" in only_problem(
        destination(f"arn:aws:{service}:us-east-1:123456789012:failures.fifo")
    )


# --- 4. S3 buckets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bucket", "reason"),
    [
        ("ab", "must be 3 to 63 characters, got 2"),
        ("a" * 64, "must be 3 to 63 characters, got 64"),
        ("Orders", "may hold only lowercase letters, digits, '.' and '-'"),
        ("or_ders", "may hold only lowercase letters, digits, '.' and '-'"),
        ("-orders", "must start and end with a letter or a digit"),
        ("orders.", "must start and end with a letter or a digit"),
        ("ab..cd", "must not hold two adjacent dots"),
        ("192.168.1.1", "must not be formatted as an IP address"),
        ("xn--orders", "must not start with xn--"),
        ("sthree-orders", "must not start with sthree-"),
        ("sthree-configurator", "must not start with sthree-"),
        ("amzn-s3-demo-bucket", "must not start with amzn-s3-demo-"),
        ("orders-s3alias", "must not end with -s3alias"),
        ("orders--ol-s3", "must not end with --ol-s3"),
        ("orders.mrap", "must not end with .mrap"),
        ("orders--usw2-az1--x-s3", "must not end with --x-s3"),
        ("orders--table-s3", "must not end with --table-s3"),
    ],
)
def test_s3_bucket_names_follow_the_s3_rules(bucket: str, reason: str) -> None:
    message = only_problem(destination(f"arn:aws:s3:::{bucket}"))
    assert message.startswith(f"mapping.on_failure.arn: the bucket name {reason}"), message
    assert bucket_name_problem(bucket) is not None


@pytest.mark.parametrize(
    "bucket",
    [
        "abc",
        "orders-echo-failures",
        "a.b-c.d",
        "1orders",
        "orders.fifo",
        "my-bucket-111122223333-us-west-2-an",
    ],
)
def test_valid_bucket_names_are_accepted(bucket: str) -> None:
    answers = answers_from_data(destination(f"arn:aws:s3:::{bucket}"))
    assert answers.mapping.on_failure is not None
    assert answers.mapping.on_failure.service == "s3"
    assert bucket_name_problem(bucket) is None


def test_s3_arn_has_no_region_or_account() -> None:
    message = only_problem(destination("arn:aws:s3:us-east-1:123456789012:orders-failures"))
    assert message.startswith("mapping.on_failure.arn: an S3 bucket ARN has no region or account")


def test_s3_bucket_partition_must_be_the_deploys() -> None:
    data = destination("arn:aws-cn:s3:::orders-failures", aws={"region": "us-east-1"})
    assert only_problem(data) == (
        "mapping.on_failure.arn: the bucket is in partition aws-cn, but the deploy goes to "
        "us-east-1, in partition aws"
    )
    pinned = destination("arn:aws-cn:s3:::orders-failures", stream={"arn": STREAM})
    assert "the bucket is in partition aws-cn" in only_problem(pinned)


# --- 5. stream ARNs: labels and table names ---------------------------------------------------


@pytest.mark.parametrize(
    "label", ["*", 'x:y*"z', "2026-01-01", "latest", "2026-01-01T00:00:00.000*"]
)
def test_stream_label_must_be_a_timestamp(label: str) -> None:
    message = only_problem(with_table(stream={"arn": stream_arn(label=label)}))
    assert message.startswith(
        "stream.arn: the stream label must be the stream's creation time, like "
        "2026-01-01T00:00:00.000"
    ), message


@pytest.mark.parametrize(
    "label", ["2026-01-01T00:00:00.000", "2026-05-11T21:21:33.291234", "2026-05-11T21:21:33"]
)
def test_stream_labels_of_dynamodb_and_emulators_are_accepted(label: str) -> None:
    answers = answers_from_data(with_table(stream={"arn": stream_arn(label=label)}))
    assert answers.stream.arn == stream_arn(label=label)


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("table/ab/stream/2026-01-01T00:00:00.000", "the table name must be 3 to 255"),
        (f"table/{'t' * 256}/stream/2026-01-01T00:00:00.000", "the table name must be 3 to 255"),
        ("table/or ders/stream/2026-01-01T00:00:00.000", "the table name must be 3 to 255"),
        ("table/orders/stream", "the resource must be table/<table>/stream/<label>"),
        ("table/orders/index/x/stream/y", "the resource must be table/<table>/stream/<label>"),
    ],
)
def test_stream_arn_table_part(resource: str, expected: str) -> None:
    arn = f"arn:aws:dynamodb:us-east-1:123456789012:{resource}"
    assert only_problem(with_table(stream={"arn": arn})).startswith(f"stream.arn: {expected}")


# --- 6. tags ----------------------------------------------------------------------------------


def tags(values: dict[str, Any]) -> dict[str, Any]:
    return with_table(stack={"tags": values})


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"team": "a\x1b[31mb"}, f"tag 'team' {UNSAFE_RULE}, got 'a\\x1b[31mb'"),
        ({"team": "a\x07b"}, f"tag 'team' {UNSAFE_RULE}, got 'a\\x07b'"),
        ({"team": "a\ud800b"}, f"tag 'team' {UNSAFE_RULE}, got 'a\\ud800b'"),
        ({"team": "a\u202eb"}, f"tag 'team' {UNSAFE_RULE}, got 'a\\u202eb'"),
        ({"team": "a;b"}, "tag 'team' may hold only letters, numbers, spaces and _ . : / = + - @, got 'a;b'"),
        ({"team": "<b>"}, "tag 'team' may hold only letters, numbers, spaces and _ . : / = + - @, got '<b>'"),
        ({"a;b": "x"}, "tag name 'a;b' may hold only letters, numbers, spaces and _ . : / = + - @"),
        ({"a\x1bb": "x"}, f"tag name 'a\\x1bb' {UNSAFE_RULE}"),
        ({"AWS:x": "y"}, "tag name 'AWS:x': the aws: prefix is reserved"),
        ({"ddbwizard:table": "x"}, "tag name 'ddbwizard:table' is reserved: ddbwizard sets it to the table's name"),
        ({"team": ""}, "tag 'team' must not be empty (CloudFormation refuses an empty stack tag value)"),
        ({"k" * 129: "x"}, "tag name must be a string of 1 to 128 characters"),
        ({"team": "v" * 257}, "tag 'team' must be a string of at most 256 characters"),
    ],
)  # fmt: skip
def test_tags_follow_cloudformations_pattern(values: dict[str, Any], expected: str) -> None:
    assert only_problem(tags(values)).startswith(f"stack.tags: {expected}")


def test_tags_with_letters_spaces_numbers_and_allowed_punctuation_are_accepted() -> None:
    values = {
        "team": "data",
        "city": "Zürich",
        "团队": "数据 \u0661\u0662",
        "a b": "_.:/=+-@",
        "k": "v" * 256,
    }
    answers = answers_from_data(tags(values))
    assert dict(answers.stack.tags) == values


def test_at_most_49_tags_since_ddbwizard_adds_its_own() -> None:
    answers_from_data(tags({f"t{i}": "x" for i in range(49)}))
    assert only_problem(tags({f"t{i}": "x" for i in range(50)})) == (
        "stack.tags: at most 49 tags (CloudFormation takes 50 and ddbwizard adds "
        "ddbwizard:table), got 50"
    )


def test_a_lone_surrogate_in_a_tag_value_is_exit_2_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = with_table(stream={"arn": STREAM}, stack={"tags": {"team": "\ud800"}})
    path = write(tmp_path / "a.json", json.dumps(data))  # ASCII: the JSON escape \ud800
    result = run_cli(capsys, "--answers", path, "--export", tmp_path / "t.yaml")
    assert result.code == 2
    assert f"stack.tags: tag 'team' {UNSAFE_RULE}, got '\\ud800'" in result.err
    assert not (tmp_path / "t.yaml").exists()


def test_tag_schema_says_the_bounds() -> None:
    schema = json_schema()["$defs"]["Stack"]["properties"]["tags"]
    assert schema["maxProperties"] == 49
    assert schema["additionalProperties"]["maxLength"] == 256
    assert schema["propertyNames"]["maxLength"] == 128


# --- 7. region names --------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["eu west 1", "EU-WEST-1", "eu-west", "us-east-1a", "useast1", "x-east-1", "us-east-\u0661"])  # fmt: skip
def test_region_names_are_refused_by_their_shape(region: str) -> None:
    assert only_problem(with_table(aws={"region": region})).startswith(
        "aws.region: must be a region name like us-east-1"
    )


@pytest.mark.parametrize(
    "region",
    ["us-east-1", "ap-southeast-7", "us-gov-west-1", "cn-north-1", "us-iso-east-1", "eu-isoe-west-1", "eusc-de-east-1"],
)  # fmt: skip
def test_region_names_of_every_partition_are_accepted(region: str) -> None:
    assert answers_from_data(with_table(aws={"region": region})).aws.region == region


def test_bad_region_exits_2_naming_aws_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "a.yaml", "table: {name: orders}\naws: {region: 'eu west 1'}\n")
    result = run_cli(capsys, "--answers", path, "--export", tmp_path / "t.yaml")
    assert result.code == 2
    assert "aws.region: must be a region name like us-east-1" in result.err
    assert "got 'eu west 1'" in result.err


def test_region_schema_has_the_pattern() -> None:
    region = json_schema()["$defs"]["Aws"]["properties"]["region"]
    assert any("pattern" in option for option in region["anyOf"])


# --- 8. unsafe text in any string -------------------------------------------------------------

UNSAFE = ["\x1b", "\x00", "\x7f", "\x85", "\u009f", "\u202e", "\u2066", "\u200e", "\u200f", "\u061c", "\ud800"]  # fmt: skip


def place(path: str, text: str) -> dict[str, Any]:
    values: dict[str, dict[str, Any]] = {
        "table.name": with_table(table={"name": f"ord{text}ers"}),
        "stack.name": with_table(stack={"name": f"orders{text}echo"}),
        "aws.profile": with_table(aws={"profile": f"dev{text}"}),
        "aws.endpoint_url": with_table(aws={"endpoint_url": f"http://127.0.0.1:5000/{text}"}),
        "aws.region": with_table(aws={"region": f"us-east-1{text}"}),
        "stream.arn": with_table(stream={"arn": f"{STREAM}{text}"}),
        "mapping.on_failure.arn": destination(f"arn:aws:sqs:us-east-1:123456789012:q{text}"),
    }
    return values[path]


@pytest.mark.parametrize("char", UNSAFE)
@pytest.mark.parametrize(
    "path",
    ["table.name", "stack.name", "aws.profile", "aws.endpoint_url", "aws.region", "stream.arn", "mapping.on_failure.arn"],
)  # fmt: skip
def test_unsafe_characters_are_refused_with_the_field_path(path: str, char: str) -> None:
    message = only_problem(place(path, char))
    assert message.startswith(f"{path}: {UNSAFE_RULE}, got '"), message


@pytest.mark.parametrize("char", [c for c in UNSAFE if ord(c) >= 0x7F])
def test_unsafe_characters_in_filter_patterns_are_refused(char: str) -> None:
    message = only_problem(patterns({"dynamodb": {"Keys": {"pk": {"S": [f"a{char}"]}}}}))
    assert message.startswith(f"mapping.filter_patterns[0]: dynamodb.Keys.pk.S[0]: {UNSAFE_RULE}")
    text = json.dumps({"eventID": [f"a{char}"]})  # as JSON text, the character escaped
    assert UNSAFE_RULE in only_problem(patterns(text))


def test_c0_controls_in_pattern_values_are_data_and_land_escaped() -> None:
    # an item's value may hold a tab; JSON and YAML write it as \t, so it lands inert
    answers = answers_from_data(patterns({"eventID": ["a\tb\x1b"]}))
    assert answers.mapping.filter_patterns == ('{"eventID":["a\\tb\\u001b"]}',)


def test_messages_quote_unsafe_values_inertly() -> None:
    found = problems_of(with_table(mapping={"enabled": "\u202e\x1b]52;c;x\x07", "zz\x1b": 1}))
    assert all(not has_unsafe(line) for line in found), found
    assert any("\\u202e\\x1b]52" in line for line in found), found
    # a value quoted as JSON (not repr) used to keep bidi controls and C1 raw
    shown_as_json = only_problem(with_table(mapping=["\u202e\x85\ud800"]))
    assert shown_as_json == 'mapping: must be a mapping (key: value), got ["\\u202e\\x85\\ud800"]'


# --- 9. the destination's region against the session's ---------------------------------------


def answers_with(on_failure: dict[str, Any], **sections: Any) -> Answers:
    return answers_from_data(with_table(mapping={"on_failure": on_failure}, **sections))


def test_destination_region_problem_names_both_regions() -> None:
    answers = answers_with({"arn": "arn:aws:sqs:eu-west-1:123456789012:dlq"})
    assert destination_region_problem(answers, "us-east-1") == (
        "mapping.on_failure.arn: the destination is in eu-west-1, but the deploy goes to "
        "us-east-1 (a stream's on-failure destination must be in the function's region)"
    )
    assert destination_region_problem(answers, "eu-west-1") is None
    topic = answers_with({"arn": "arn:aws:sns:eu-west-1:123456789012:t"})
    assert (destination_region_problem(topic, "us-east-2") or "").startswith(
        "mapping.on_failure.arn: the destination is in eu-west-1"
    )


def test_destination_region_problem_is_none_without_a_regional_destination() -> None:
    assert destination_region_problem(answers_from_data(with_table()), "us-east-1") is None
    created = answers_with({"create_queue": True})
    assert destination_region_problem(created, "us-east-1") is None
    bucket = answers_with({"arn": "arn:aws:s3:::orders-failures"})
    assert destination_region_problem(bucket, "eu-west-1") is None
    assert destination_region_problem(bucket, "cn-north-1") == (
        "mapping.on_failure.arn: the bucket is in partition aws, but the deploy goes to "
        "cn-north-1, in partition aws-cn"
    )


def test_a_pinned_stream_still_decides_the_destinations_region() -> None:
    data = destination("arn:aws:sqs:eu-west-1:123456789012:dlq", stream={"arn": STREAM})
    assert only_problem(data) == (
        "mapping.on_failure.arn: is in eu-west-1; the stream is in us-east-1 "
        "(the destination must be in the same region)"
    )
