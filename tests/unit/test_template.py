"""core.template: resources, least-privilege policy, mapping settings, rendering, cfn-lint."""

from __future__ import annotations

import itertools
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml

import ddbwizard
from ddbwizard.core.errors import UsageError
from ddbwizard.core.model import limits
from ddbwizard.core.model.answers import Answers, MappingSettings, answers_from_data, set_paths
from ddbwizard.core.template import build as tpl, handlers
from ddbwizard.core.template.handlers import HandlerKind
from tests.helpers.lint import cfn_lint_command

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
SQS = "arn:aws:sqs:us-east-1:123456789012:echo-failures"
SNS = "arn:aws:sns:us-east-1:123456789012:echo-failures"
S3 = "arn:aws:s3:::echo-failures-bucket"
BASE: dict[str, Any] = {"table": {"name": "orders"}, "stream": {"arn": STREAM}}

LOG_GROUP_ARN = {"Fn::GetAtt": ["EchoLogGroup", "Arn"]}
QUEUE_ARN = {"Fn::GetAtt": ["FailureQueue", "Arn"]}
ON_FAILURE = {
    "none": None,
    "create_queue": {"create_queue": True},
    "sqs": {"arn": SQS},
    "sns": {"arn": SNS},
    "s3": {"arn": S3},
}


def make(values: dict[str, Any] | None = None, base: dict[str, Any] = BASE) -> Answers:
    return answers_from_data(set_paths(base, values or {}))


def doc(answers: Answers, stream_arn: str = STREAM) -> dict[str, Any]:
    return tpl.document(tpl.build_template(answers, stream_arn))


def props(answers: Answers, logical_id: str) -> dict[str, Any]:
    resource: dict[str, Any] = doc(answers)["Resources"][logical_id]
    properties: dict[str, Any] = resource["Properties"]
    return properties


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    (policy,) = document["Resources"]["EchoRole"]["Properties"]["Policies"]
    result: list[dict[str, Any]] = policy["PolicyDocument"]["Statement"]
    return result


def failure(kind: str) -> Answers:
    destination = ON_FAILURE[kind]
    return make({"mapping.on_failure": destination, "mapping.max_retry_attempts": 2})


# --- resources ------------------------------------------------------------------------------

CORE_RESOURCES = {
    "EchoLogGroup": "AWS::Logs::LogGroup",
    "EchoRole": "AWS::IAM::Role",
    "EchoFunction": "AWS::Lambda::Function",
    "EchoMapping": "AWS::Lambda::EventSourceMapping",
}


@pytest.mark.parametrize("kind", ON_FAILURE)
def test_resource_set(kind: str) -> None:
    resources = doc(failure(kind))["Resources"]
    expected = dict(CORE_RESOURCES)
    if kind == "create_queue":
        expected["FailureQueue"] = "AWS::SQS::Queue"
    assert {name: r["Type"] for name, r in resources.items()} == expected


def test_template_shape() -> None:
    document = doc(make())
    assert list(document) == [
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Resources",
        "Outputs",
    ]
    assert document["AWSTemplateFormatVersion"] == "2010-09-09"
    assert "orders" in document["Description"]
    assert "Parameters" not in document


def test_log_group() -> None:
    answers = make({"function.log_retention_days": 365, "stack.name": "audit-stack"})
    resource = doc(answers)["Resources"]["EchoLogGroup"]
    assert resource["Properties"] == {
        "LogGroupName": "/aws/lambda/audit-stack",
        "RetentionInDays": 365,
    }
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Delete"


def test_failure_queue() -> None:
    resource = doc(failure("create_queue"))["Resources"]["FailureQueue"]
    assert resource["Properties"] == {
        "SqsManagedSseEnabled": True,
        "MessageRetentionPeriod": 1_209_600,
    }


# --- IAM ------------------------------------------------------------------------------------

BASE_STATEMENTS = [
    {
        "Sid": "ReadStream",
        "Effect": "Allow",
        "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        "Resource": STREAM,
    },
    {"Sid": "ListStreams", "Effect": "Allow", "Action": ["dynamodb:ListStreams"], "Resource": "*"},
    {
        "Sid": "WriteOwnLog",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": LOG_GROUP_ARN,
    },
]
FAILURE_STATEMENTS: dict[str, list[dict[str, Any]]] = {
    "none": [],
    "create_queue": [
        {
            "Sid": "SendFailures",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": QUEUE_ARN,
        }
    ],
    "sqs": [
        {"Sid": "SendFailures", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": SQS}
    ],
    "sns": [
        {"Sid": "PublishFailures", "Effect": "Allow", "Action": ["sns:Publish"], "Resource": SNS}
    ],
    "s3": [
        {
            "Sid": "WriteFailures",
            "Effect": "Allow",
            "Action": ["s3:PutObject"],
            "Resource": f"{S3}/*",
        },
        {
            "Sid": "ListFailureBucket",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": S3,
        },
    ],
}


@pytest.mark.parametrize("kind", ON_FAILURE)
def test_policy_statements_exactly(kind: str) -> None:
    assert statements(doc(failure(kind))) == BASE_STATEMENTS + FAILURE_STATEMENTS[kind]


def check_least_privilege(document: dict[str, Any], log_group_name: str) -> None:
    """Invariants of every generated role (also run over the whole matrix)."""
    role = document["Resources"]["EchoRole"]["Properties"]
    assert set(role) == {"Description", "AssumeRolePolicyDocument", "Policies"}  # no managed
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
    for statement in statements(document):
        assert statement["Effect"] == "Allow"
        assert set(statement) == {"Sid", "Effect", "Action", "Resource"}
        assert all("*" not in action for action in statement["Action"])
        assert "logs:CreateLogGroup" not in statement["Action"]
        if statement["Resource"] == "*":
            assert statement["Action"] == ["dynamodb:ListStreams"]
        if any(action.startswith("logs:") for action in statement["Action"]):
            assert statement["Resource"] == LOG_GROUP_ARN
    log_group = document["Resources"]["EchoLogGroup"]["Properties"]
    assert log_group["LogGroupName"] == log_group_name


@pytest.mark.parametrize("kind", ON_FAILURE)
def test_least_privilege(kind: str) -> None:
    answers = failure(kind)
    check_least_privilege(doc(answers), answers.log_group_name)


# --- function -------------------------------------------------------------------------------


@pytest.mark.parametrize("handler", tuple(handlers.HANDLER_ENTRY))  # the inline echoes
def test_function(handler: HandlerKind) -> None:
    answers = make(
        {
            "function.handler": handler,
            "function.architecture": "x86_64",
            "function.memory_mb": 1024,
            "function.timeout_seconds": 120,
            "stack.name": "orders-audit",
        }
    )
    function = props(answers, "EchoFunction")
    assert function == {
        "FunctionName": "orders-audit",
        "Description": "ddbwizard echo of DynamoDB table orders",
        "Runtime": limits.DEFAULT_RUNTIME[handler],
        "Architectures": ["x86_64"],
        "Handler": "index.handler",
        "Code": {"ZipFile": handlers.handler_source(handler)},
        "MemorySize": 1024,
        "Timeout": 120,
        "Role": {"Fn::GetAtt": ["EchoRole", "Arn"]},
        "LoggingConfig": {
            "LogFormat": "JSON",
            "LogGroup": {"Ref": "EchoLogGroup"},
            "ApplicationLogLevel": "INFO",
            "SystemLogLevel": "INFO",
        },
        "Environment": {"Variables": {"REPORT_BATCH_ITEM_FAILURES": "false"}},
    }


def test_nodejs_code_is_commonjs() -> None:
    code = props(make({"function.handler": "nodejs"}), "EchoFunction")["Code"]["ZipFile"]
    assert "exports.handler = handler;" in code
    assert not any(line.startswith("export ") for line in code.splitlines())


@pytest.mark.parametrize(
    ("level", "system"),
    [
        ("TRACE", "INFO"),
        ("DEBUG", "INFO"),
        ("INFO", "INFO"),
        ("WARN", "WARN"),
        ("ERROR", "WARN"),
        ("FATAL", "WARN"),
    ],
)
def test_log_levels(level: str, system: str) -> None:
    config = props(make({"function.log_level": level}), "EchoFunction")["LoggingConfig"]
    assert (config["ApplicationLogLevel"], config["SystemLogLevel"]) == (level, system)
    assert system in ("DEBUG", "INFO", "WARN")


def test_function_name_too_long_for_lambda_is_shortened() -> None:
    answers = make({"stack.name": "a" * 100})
    function = props(answers, "EchoFunction")
    assert function["FunctionName"] == answers.function_name
    assert len(function["FunctionName"]) == 64
    assert props(answers, "EchoLogGroup")["LogGroupName"] == f"/aws/lambda/{answers.function_name}"


@pytest.mark.parametrize("report", [True, False])
def test_report_batch_item_failures_reaches_the_handler(report: bool) -> None:
    answers = make({"mapping.report_batch_item_failures": report})
    variables = props(answers, "EchoFunction")["Environment"]["Variables"]
    assert variables == {"REPORT_BATCH_ITEM_FAILURES": "true" if report else "false"}


# --- event source mapping -------------------------------------------------------------------

DEFAULT_MAPPING = {
    "EventSourceArn": STREAM,
    "FunctionName": {"Ref": "EchoFunction"},
    "StartingPosition": "TRIM_HORIZON",
    "BatchSize": 100,
    "Enabled": True,
    "MaximumBatchingWindowInSeconds": 0,
    "ParallelizationFactor": 1,
    "BisectBatchOnFunctionError": False,
    "MaximumRetryAttempts": -1,
    "MaximumRecordAgeInSeconds": -1,
    "TumblingWindowInSeconds": 0,
}
PATTERNS = [{"eventName": ["INSERT"]}, {"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "o#"}]}}}}]
MAPPING_CASES: list[tuple[str, Any, dict[str, Any]]] = [
    ("batch_size", 10_000, {"BatchSize": 10_000}),
    ("starting_position", "LATEST", {"StartingPosition": "LATEST"}),
    ("enabled", False, {"Enabled": False}),
    ("batching_window_seconds", 300, {"MaximumBatchingWindowInSeconds": 300}),
    ("parallelization_factor", 10, {"ParallelizationFactor": 10}),
    ("bisect_on_error", True, {"BisectBatchOnFunctionError": True}),
    ("max_retry_attempts", 0, {"MaximumRetryAttempts": 0}),
    ("max_record_age_seconds", 60, {"MaximumRecordAgeInSeconds": 60}),
    ("tumbling_window_seconds", 900, {"TumblingWindowInSeconds": 900}),
    ("report_batch_item_failures", True, {"FunctionResponseTypes": ["ReportBatchItemFailures"]}),
    ("metrics", True, {"MetricsConfig": {"Metrics": ["EventCount"]}}),
    ("tags", {"team": "data"}, {"Tags": [{"Key": "team", "Value": "data"}]}),
    (
        "filter_kms_key_arn",
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        {
            "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        },
    ),
    (
        "filter_patterns",
        PATTERNS,
        {
            "FilterCriteria": {
                "Filters": [
                    {"Pattern": '{"eventName":["INSERT"]}'},
                    {"Pattern": '{"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"o#"}]}}}}'},
                ]
            }
        },
    ),
    ("on_failure", {"arn": SQS}, {"DestinationConfig": {"OnFailure": {"Destination": SQS}}}),
    (
        "on_failure",
        {"create_queue": True},
        {"DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}}},
    ),
]


def test_mapping_writes_defaults_explicitly() -> None:
    assert props(make(), "EchoMapping") == DEFAULT_MAPPING


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    MAPPING_CASES,
    ids=[f"{f}={json.dumps(v)[:20]}" for f, v, _ in MAPPING_CASES],
)
def test_mapping_carries_the_setting(field: str, value: Any, expected: dict[str, Any]) -> None:
    assert props(make({f"mapping.{field}": value}), "EchoMapping") == {
        **DEFAULT_MAPPING,
        **expected,
    }


def test_every_mapping_setting_is_covered() -> None:
    assert {field for field, _, _ in MAPPING_CASES} == set(MappingSettings.model_fields)


def test_the_review_line_names_every_option_that_is_not_the_default() -> None:
    """Issue 11: the review's mapping line said only the batch size and starting position."""
    assert tpl.mapping_summary(MappingSettings()) == (
        "up to 100 records a batch, from TRIM_HORIZON; "
        "a failing batch retried until its records expire"
    )
    tuned = make(
        {
            "mapping.batch_size": 50,
            "mapping.batching_window_seconds": 5,
            "mapping.max_retry_attempts": 3,
            "mapping.bisect_on_error": True,
            "mapping.filter_patterns": ['{"eventName": ["INSERT"]}'],
            "mapping.on_failure": {"create_queue": True},
            "mapping.enabled": False,
        }
    )
    assert tpl.mapping_summary(tuned.mapping) == (
        "up to 50 records a batch, from TRIM_HORIZON; batches gathered for up to 5 s; "
        "only records matching 1 filter pattern; a failing batch retried 3 times; "
        "a failing batch split in two; failed batches sent to a queue the stack creates; "
        "created disabled"
    )


def test_mapping_uses_the_given_stream_arn() -> None:
    other = STREAM.replace("2026-01-01", "2026-02-02")
    mapping = doc(make(base={"table": {"name": "orders"}}), other)["Resources"]["EchoMapping"]
    assert mapping["Properties"]["EventSourceArn"] == other


# --- outputs and metadata -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["none", "sqs", "create_queue"])
def test_outputs(kind: str) -> None:
    outputs = doc(failure(kind))["Outputs"]
    expected = {
        "FunctionName": {"Ref": "EchoFunction"},
        "FunctionArn": {"Fn::GetAtt": ["EchoFunction", "Arn"]},
        "LogGroupName": {"Ref": "EchoLogGroup"},
        "EventSourceMappingId": {"Ref": "EchoMapping"},
        "StreamArn": STREAM,
    }
    if kind == "create_queue":
        expected |= {"FailureQueueUrl": {"Ref": "FailureQueue"}, "FailureQueueArn": QUEUE_ARN}
    assert {name: output["Value"] for name, output in outputs.items()} == expected
    assert all(output["Description"] for output in outputs.values())


def test_metadata_holds_the_answers_but_not_where_to_connect() -> None:
    answers = make({"mapping.filter_patterns": PATTERNS, "stack.tags": {"team": "data"}})
    metadata = doc(answers)["Metadata"]["ddbwizard"]
    assert metadata["version"] == ddbwizard.__version__
    assert answers_from_data(metadata["answers"]) == answers
    elsewhere = answers.with_values(
        {"aws.profile": "ci", "aws.endpoint_url": "http://127.0.0.1:5000"}
    )
    assert doc(elsewhere) == doc(answers)


# --- rendering ------------------------------------------------------------------------------


LONG_PATTERN = {"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "a  b\tc " * 60}]}}}}


def rich_answers() -> Answers:
    return make(
        {
            # a long pattern with runs of spaces and a tab: it must read back exactly
            "mapping.filter_patterns": [*PATTERNS, LONG_PATTERN],
            "mapping.on_failure": {"create_queue": True},
            "mapping.max_retry_attempts": 3,
            "mapping.metrics": True,
            "stack.tags": {"city": "Zürich"},
        }
    )


def test_deterministic() -> None:
    answers = rich_answers()
    first = tpl.render(tpl.build_template(answers, STREAM), "yaml")
    again = answers_from_data(json.loads(json.dumps(answers.to_data())))
    assert tpl.render(tpl.build_template(again, STREAM), "yaml") == first
    assert tpl.render(tpl.build_template(answers, STREAM), "json") == tpl.render(
        tpl.build_template(again, STREAM), "json"
    )


@pytest.mark.parametrize("handler", tuple(handlers.HANDLER_ENTRY))  # the inline echoes
def test_yaml_and_json_parse_back_to_the_same_template(handler: HandlerKind) -> None:
    answers = rich_answers().with_values(
        {"function.handler": handler, "function.runtime": limits.DEFAULT_RUNTIME[handler]}
    )
    template = tpl.build_template(answers, STREAM)
    as_json, as_yaml = tpl.render(template, "json"), tpl.render(template, "yaml")
    assert as_json.endswith("}\n")
    assert as_yaml.endswith("\n")
    assert not as_yaml.endswith("\n\n")
    from_json = json.loads(as_json)
    assert from_json == tpl.document(template)
    assert yaml.safe_load(as_yaml) == from_json
    assert "ZipFile: |" in as_yaml  # the code reads as a literal block


def test_json_is_indented_by_two() -> None:
    assert tpl.render(tpl.build_template(make(), STREAM), "json").startswith(
        '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n'
    )


def test_yaml_is_plain_yaml_with_long_form_intrinsics() -> None:
    # yaml.safe_load (which refuses !Ref and !GetAtt) reads it: see the parse-back test.
    text = tpl.render(tpl.build_template(rich_answers(), STREAM), "yaml")
    assert "      Role:\n        Fn::GetAtt:\n          - EchoRole\n          - Arn\n" in text
    assert "    Value:\n      Ref: EchoFunction\n" in text


def big_patterns() -> list[dict[str, Any]]:
    values = [f"order-{i:05d}" for i in range(270)]
    patterns = [{"dynamodb": {"Keys": {f"pk{n}": {"S": values}}}} for n in range(5)]
    assert all(
        len(json.dumps(p, separators=(",", ":"))) <= limits.MAX_FILTER_PATTERN_CHARS
        for p in patterns
    )
    return patterns


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_body_over_the_inline_limit_is_refused(fmt: Any) -> None:
    template = tpl.build_template(make({"mapping.filter_patterns": big_patterns()}), STREAM)
    assert len(tpl.render(template, fmt).encode()) > tpl.TEMPLATE_BODY_LIMIT
    with pytest.raises(UsageError, match="51,200 bytes") as caught:
        tpl.render_checked(template, fmt)
    assert caught.value.exit_code == 2


def test_body_limit_counts_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    template = tpl.build_template(rich_answers(), STREAM)
    text = tpl.render(template, "yaml")
    size = len(text.encode())
    assert size > len(text)  # "Zürich" takes more bytes than characters
    monkeypatch.setattr(tpl, "TEMPLATE_BODY_LIMIT", size)
    assert tpl.render_checked(template, "yaml") == text
    monkeypatch.setattr(tpl, "TEMPLATE_BODY_LIMIT", size - 1)
    with pytest.raises(UsageError):
        tpl.render_checked(template, "yaml")


# --- summary --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ON_FAILURE)
def test_summary_matches_the_policy(kind: str) -> None:
    answers = failure(kind)
    summary = tpl.summarize(answers, STREAM)
    document = doc(answers)
    assert [(name, kind_) for name, kind_, _ in summary.resources] == [
        (name, r["Type"]) for name, r in document["Resources"].items()
    ]
    assert all(purpose for _, _, purpose in summary.resources)
    policy = statements(document)
    assert len(summary.policy) == len(policy)
    for sentence, statement in zip(summary.policy, policy, strict=True):
        resource = statement["Resource"]
        if resource == "*":
            assert "cannot be scoped" in sentence
        elif resource == LOG_GROUP_ARN:
            assert f"{answers.log_group_name} only" in sentence
            assert "cannot create log groups" in sentence
        elif resource == QUEUE_ARN:
            assert "FailureQueue" in sentence
            assert "creates" in sentence
        else:
            assert resource.removesuffix("/*") in sentence


def test_summary_sentences() -> None:
    summary = tpl.summarize(failure("sqs"), STREAM)
    assert summary.policy == (
        f"Read records from the stream {STREAM}",
        "List streams (this action cannot be scoped to one stream)",
        "Write log events to /aws/lambda/orders-echo only (it cannot create log groups)",
        f"Send failed-batch records to the SQS queue {SQS}",
    )


# --- the option matrix, linted by cfn-lint ----------------------------------------------------

MATRIX_RUNTIMES = limits.RUNTIMES
MATRIX_DIMENSIONS: dict[str, tuple[Any, ...]] = {
    "function.log_level": limits.LOG_LEVELS,
    "mapping.on_failure": tuple(ON_FAILURE.values()),
    "stream.view_type": limits.VIEW_TYPES,
    "function.runtime": MATRIX_RUNTIMES,
    "table": ("orders", "Sessions.v2_2026", "events." + "x" * 240),
    "mapping.tumbling_window_seconds": (0, 60, 900),
    "mapping.batch_size": (1, 100, 10_000),
    "mapping.max_retry_attempts": (-1, 0, 10_000),
    "mapping.max_record_age_seconds": (-1, 60, 604_800),
    "function.log_retention_days": (1, 14, 3653),
    "mapping.filter_patterns": ("none", "some"),
    "mapping.report_batch_item_failures": (False, True),
    "mapping.metrics": (False, True),
    "function.architecture": limits.ARCHITECTURES,
    "mapping.starting_position": limits.STARTING_POSITIONS,
    "mapping.enabled": (True, False),
    "mapping.bisect_on_error": (False, True),
    "mapping.batching_window_seconds": (0, 300),
    "mapping.parallelization_factor": (1, 10),
    "function.memory_mb": (128, 10_240),
    "function.timeout_seconds": (1, 900),
}


def pairwise(dimensions: dict[str, tuple[Any, ...]]) -> list[dict[str, int]]:
    """Rows of value indexes covering every pair of values of every two dimensions.

    Greedy (AETG-style) and deterministic: each row starts from the smallest uncovered pair,
    then each other dimension takes the value covering the most uncovered pairs.
    """
    names = list(dimensions)
    position = {name: i for i, name in enumerate(names)}

    def pair(a: str, va: int, b: str, vb: int) -> tuple[str, int, str, int]:
        return (a, va, b, vb) if position[a] < position[b] else (b, vb, a, va)

    uncovered = {
        (a, va, b, vb)
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        for va in range(len(dimensions[a]))
        for vb in range(len(dimensions[b]))
    }
    rows: list[dict[str, int]] = []
    while uncovered:
        a, va, b, vb = min(uncovered, key=lambda p: (position[p[0]], p[1], position[p[2]], p[3]))
        row = {a: va, b: vb}
        for name in names:
            if name in row:
                continue
            size = len(dimensions[name])
            row[name] = max(
                range(size),
                key=lambda v: (
                    sum(pair(x, vx, name, v) in uncovered for x, vx in row.items()),
                    -((v - len(rows)) % size),
                ),
            )
        uncovered -= {pair(x, row[x], y, row[y]) for x in row for y in row if x != y}
        rows.append(row)
    return rows


# Dimensions that decide which optional blocks and resources a template holds: every
# combination of them is built once more (on top of the pairwise rows), the other settings
# taken from the pairwise rows in turn.
STRUCTURAL = (
    "mapping.on_failure",
    "mapping.filter_patterns",
    "mapping.report_batch_item_failures",
    "mapping.metrics",
)


def matrix_rows() -> list[dict[str, int]]:
    rows = pairwise(MATRIX_DIMENSIONS)
    combos = itertools.product(*(range(len(MATRIX_DIMENSIONS[name])) for name in STRUCTURAL))
    extra = [
        {**rows[i % len(rows)], **dict(zip(STRUCTURAL, combo, strict=True))}
        for i, combo in enumerate(combos)
    ]
    return rows + extra


def matrix_answers(row: dict[str, int]) -> Answers:
    chosen = {name: MATRIX_DIMENSIONS[name][index] for name, index in row.items()}
    table = chosen.pop("table")
    stream = STREAM.replace("/orders/", f"/{table}/")
    view_type = chosen["stream.view_type"]
    if chosen["mapping.filter_patterns"] == "none":
        chosen["mapping.filter_patterns"] = []
    else:
        patterns: list[dict[str, Any]] = [
            {"eventName": ["INSERT", "MODIFY"]},
            {"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "order#"}]}}}},
        ]
        for image in sorted(limits.VIEW_TYPE_IMAGES[view_type]):
            patterns.append({"dynamodb": {image: {"status": {"S": ["PAID"]}}}})
        chosen["mapping.filter_patterns"] = patterns
    chosen["function.handler"] = next(
        h for h in limits.HANDLERS if chosen["function.runtime"] in limits.runtimes_for(h)
    )
    base = {"table": {"name": table}, "stream": {"arn": stream}}
    return make(chosen, base)


@pytest.fixture(scope="module")
def matrix() -> list[Answers]:
    return [matrix_answers(row) for row in matrix_rows()]


def test_matrix_covers_every_pair_and_every_structure(matrix: list[Answers]) -> None:
    assert 40 <= len(matrix) <= 80
    assert len(matrix) == len(matrix_rows())
    structures = {tuple(row[name] for name in STRUCTURAL) for row in matrix_rows()}
    assert len(structures) == 5 * 2 * 2 * 2
    rows = pairwise(MATRIX_DIMENSIONS)
    names = list(MATRIX_DIMENSIONS)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            seen = {(row[a], row[b]) for row in rows}
            assert len(seen) == len(MATRIX_DIMENSIONS[a]) * len(MATRIX_DIMENSIONS[b]), (a, b)


def matrix_files(matrix: list[Answers], folder: Path) -> Iterator[Path]:
    for index, answers in enumerate(matrix):
        assert answers.stream.arn is not None
        template = tpl.build_template(answers, answers.stream.arn)
        check_least_privilege(tpl.document(template), answers.log_group_name)
        fmt: Literal["yaml", "json"] = "json" if index % 4 == 3 else "yaml"  # both writers linted
        path = folder / f"matrix-{index:03d}.{fmt}"
        path.write_text(tpl.render_checked(template, fmt), encoding="utf-8")
        yield path


def test_matrix_passes_cfn_lint(matrix: list[Answers], tmp_path: Path) -> None:
    files = [str(path) for path in matrix_files(matrix, tmp_path)]
    started = time.monotonic()
    result = subprocess.run(
        [*cfn_lint_command(), *files], capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert elapsed < 60, f"cfn-lint took {elapsed:.1f} s for {len(files)} templates"
