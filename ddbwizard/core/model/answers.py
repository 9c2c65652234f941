"""The Answers model: typed, validated against core.limits, immutable; YAML/JSON in and out.

Everything AWS would refuse is refused here, before any AWS call, each problem one line that
starts with the field's path: ranges, names, ARNs (partition, region, account, resource),
filter patterns (strict JSON), tags, and text no template should carry (control characters,
bidi controls, lone surrogates).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from ddbwizard.core.errors import AnswersError
from ddbwizard.core.model import filters, limits
from ddbwizard.core.model.documents import (
    JsonProblem,
    parse_document,
    read_document,
    strict_json,
)
from ddbwizard.core.model.validation import format_validation_error, shown
from ddbwizard.core.text import has_unsafe, inert

ANSWERS_VERSION = 1
UNSAFE_RULE = "must not hold control characters, bidi controls or lone surrogates"
STREAM_ARN_SHAPE = "arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>"
TAG_TEXT_RULE = "may hold only letters, numbers, spaces and _ . : / = + - @"
KMS_KEY_ARN_SHAPE = "arn:aws:kms:<region>:<account>:key/<key id>"


def _fail(message: str, field: str | None = None) -> PydanticCustomError:
    """A validation error with our own message; `field` names a sub-field of a model check."""
    context: dict[str, Any] = {"message": message}
    if field is not None:
        context["field"] = field
    return PydanticCustomError("ddbwizard", "{message}", context)


def _safe_text(value: str) -> str:
    """Text that lands in the template or a terminal: no control, bidi or surrogate character."""
    if has_unsafe(value):
        raise _fail(f"{UNSAFE_RULE}, got {shown(value)}")
    return value


SafeStr = Annotated[StrictStr, AfterValidator(_safe_text)]


@dataclass(frozen=True)
class _Ranged:
    """Annotated marker: an integer within an IntLimit, with its JSON Schema."""

    limit: limits.IntLimit

    def _check(self, value: int) -> int:
        problem = self.limit.problem(value)
        if problem:
            raise _fail(problem)
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return self.limit.json_schema()


@dataclass(frozen=True)
class _Matching:
    """Annotated marker: a string matching a pattern, with the rule in the message."""

    pattern: re.Pattern[str]
    rule: str

    def _check(self, value: str) -> str:
        if not self.pattern.fullmatch(value):
            raise _fail(f"{self.rule}, got {shown(value)}")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return {**handler(schema), "pattern": f"^(?:{self.pattern.pattern})$"}


def _retention(value: int) -> int:
    if value not in limits.LOG_RETENTION_DAYS:
        allowed = ", ".join(map(str, limits.LOG_RETENTION_DAYS))
        raise _fail(f"must be one of {allowed} (CloudWatch Logs retention), got {value}")
    return value


# Filter patterns -------------------------------------------------------------------------


def _filter_pattern_text(value: Any) -> Any:
    """Accept a pattern as an object or as JSON text (parsed strictly); keep it as compact JSON."""
    if isinstance(value, str):
        try:
            value = strict_json(value)
        except JsonProblem as exc:
            raise _fail(str(exc)) from None
    if not isinstance(value, dict) or not value:
        raise _fail("must be a non-empty JSON object, for example {eventName: [INSERT]}")
    problem = _pattern_data_problem(value)  # bounded depth first: the steps below recurse
    if problem:
        raise _fail(problem)
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    if len(text) > limits.MAX_FILTER_PATTERN_CHARS:
        raise _fail(
            f"must be at most {limits.MAX_FILTER_PATTERN_CHARS} characters, got {len(text)}"
        )
    for key in value:
        if key != filters.OR_KEY and key not in limits.FILTERABLE_RECORD_FIELDS:
            raise _fail(
                f"{shown(key)} is not a field of a DynamoDB stream record{_suggest(key, limits.FILTERABLE_RECORD_FIELDS)}"
            )
    problem = filters.pattern_problem(value)
    if problem:
        raise _fail(problem)
    return text


def _pattern_data_problem(pattern: dict[Any, Any]) -> str | None:
    """Plain JSON data, checked without recursion: at most MAX_NESTING levels, string keys,
    finite numbers, no unsafe text (YAML can give NaN, sets, bytes or integer keys).

    A pattern's strings are data to match (an item's value may hold a tab or a newline), and
    C0 controls are always escaped where a pattern lands (\\t in the FilterCriteria JSON and in
    the template's YAML), so only what would land raw is refused: DEL, C1, bidi controls and
    lone surrogates.
    """
    stack: list[tuple[Any, str, int]] = [(pattern, "", 1)]
    while stack:
        node, where, depth = stack.pop()
        at = f"{where}: " if where else ""
        if depth > limits.MAX_NESTING:
            return f"{at}nested more than {limits.MAX_NESTING} levels deep"
        if isinstance(node, dict):
            for key, child in node.items():
                if not isinstance(key, str):
                    return f"{at}keys must be strings, got {shown(key)}"
                if _lands_unsafe(key):
                    return f"{at}key {shown(key)} {UNSAFE_RULE}"
                stack.append((child, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(node, list):
            stack.extend((child, f"{where}[{i}]", depth + 1) for i, child in enumerate(node))
        elif isinstance(node, str):
            if _lands_unsafe(node):
                return f"{at}{UNSAFE_RULE}, got {shown(node)}"
        elif isinstance(node, float):
            if not math.isfinite(node):
                return f"{at}{node} is not a JSON number"
        elif node is not None and not isinstance(node, int):  # bool is an int
            return f"{at}a {type(node).__name__} is not a JSON value"
    return None


_C0_CONTROLS = re.compile("[\x00-\x1f]")


def _lands_unsafe(text: str) -> bool:
    """Unsafe once JSON and YAML escaped the C0 controls: DEL, C1, bidi, lone surrogates."""
    return has_unsafe(_C0_CONTROLS.sub("", text))


FilterPattern = Annotated[
    StrictStr,
    BeforeValidator(_filter_pattern_text),
    PlainSerializer(json.loads, return_type=dict[str, Any]),
    WithJsonSchema({"type": "object", "description": "an EventBridge-style filter pattern"}),
]


# Tags ------------------------------------------------------------------------------------


def _tags(value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise _fail(f"must be a mapping of tag names to strings, got {shown(value)}")
    if len(value) > limits.MAX_USER_TAGS:
        raise _fail(
            f"at most {limits.MAX_USER_TAGS} tags (CloudFormation takes {limits.MAX_TAGS} and "
            f"ddbwizard adds {limits.OWNER_TAG_KEY}), got {len(value)}"
        )
    for key, item in value.items():
        problem = _tag_key_problem(key) or _tag_value_problem(key, item)
        if problem:
            raise _fail(problem)
    return tuple(value.items())


def _tag_key_problem(key: Any) -> str | None:
    if not isinstance(key, str) or not 1 <= len(key) <= limits.TAG_KEY_MAX:
        return (
            f"tag name must be a string of 1 to {limits.TAG_KEY_MAX} characters, got {shown(key)}"
        )
    if has_unsafe(key):
        return f"tag name {shown(key)} {UNSAFE_RULE}"
    if not limits.is_tag_text(key):
        return f"tag name {shown(key)} {TAG_TEXT_RULE}"
    if key.lower().startswith(limits.TAG_RESERVED_PREFIX):
        return f"tag name {shown(key)}: the {limits.TAG_RESERVED_PREFIX} prefix is reserved"
    if key == limits.OWNER_TAG_KEY:
        return f"tag name {shown(key)} is reserved: ddbwizard sets it to the table's name"
    return None


def _tag_value_problem(key: str, item: Any) -> str | None:
    if not isinstance(item, str) or len(item) > limits.TAG_VALUE_MAX:
        return f"tag {shown(key)} must be a string of at most {limits.TAG_VALUE_MAX} characters (quote numbers), got {shown(item)}"
    if len(item) < limits.TAG_VALUE_MIN:
        return (
            f"tag {shown(key)} must not be empty (CloudFormation refuses an empty stack tag value)"
        )
    if has_unsafe(item):
        return f"tag {shown(key)} {UNSAFE_RULE}, got {shown(item)}"
    if not limits.is_tag_text(item):
        return f"tag {shown(key)} {TAG_TEXT_RULE}, got {shown(item)}"
    return None


Tags = Annotated[
    tuple[tuple[StrictStr, StrictStr], ...],
    BeforeValidator(_tags),
    PlainSerializer(dict, return_type=dict[str, str]),
    WithJsonSchema(
        {
            "type": "object",
            "maxProperties": limits.MAX_USER_TAGS,
            "propertyNames": {
                "minLength": 1,
                "maxLength": limits.TAG_KEY_MAX,
                "not": {"pattern": "^[aA][wW][sS]:"},
            },
            "additionalProperties": {
                "type": "string",
                "minLength": limits.TAG_VALUE_MIN,
                "maxLength": limits.TAG_VALUE_MAX,
            },
        }
    ),
]


# ARNs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Arn:
    """arn:<partition>:<service>:<region>:<account>:<resource>, split (not yet checked)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def _split_arn(text: str) -> _Arn | None:
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return _Arn(*parts[1:])


def _partition_problem(arn: _Arn) -> str | None:
    if arn.partition not in limits.PARTITIONS:
        return f"the partition must be one of {', '.join(limits.PARTITIONS)}, got {shown(arn.partition)}"
    return None


def _region_problem(arn: _Arn) -> str | None:
    """The region is a region name of the ARN's partition, and the account is 12 digits."""
    if not limits.REGION_RE.fullmatch(arn.region):
        return f"the region must be a region name like us-east-1, got {shown(arn.region)}"
    home = limits.region_partition(arn.region)
    if home != arn.partition:
        return f"region {arn.region} is in partition {home}, not {arn.partition}"
    if not limits.ACCOUNT_RE.fullmatch(arn.account):
        return f"the account must be 12 digits, got {shown(arn.account)}"
    return None


def _stream_arn(value: str) -> str:
    arn = _split_arn(value)
    if arn is None or arn.service != "dynamodb":
        raise _fail(f"not a DynamoDB stream ARN ({STREAM_ARN_SHAPE}), got {shown(value)}")
    problem = (
        _partition_problem(arn) or _region_problem(arn) or _stream_resource_problem(arn.resource)
    )
    if problem is None and not limits.STREAM_ARN_RE.fullmatch(value):
        problem = f"not a DynamoDB stream ARN ({STREAM_ARN_SHAPE}), got {shown(value)}"
    if problem:
        raise _fail(problem)
    return value


def _stream_resource_problem(resource: str) -> str | None:
    parts = resource.split("/")
    if len(parts) != 4 or parts[0] != "table" or parts[2] != "stream":
        return f"the resource must be table/<table>/stream/<label>, got {shown(resource)}"
    table, label = parts[1], parts[3]
    if not limits.TABLE_NAME_RE.fullmatch(table):
        return (
            f"the table name must be 3 to 255 letters, digits, '_', '-' or '.', got {shown(table)}"
        )
    if not limits.STREAM_LABEL_RE.fullmatch(label):
        return (
            "the stream label must be the stream's creation time, like 2026-01-01T00:00:00.000 "
            f"(the role may read only that stream), got {shown(label)}"
        )
    return None


def _kms_key_arn(value: str) -> str:
    arn = _split_arn(value)
    if arn is None or arn.service != "kms":
        raise _fail(f"not a KMS key ARN ({KMS_KEY_ARN_SHAPE}), got {shown(value)}")
    problem = _partition_problem(arn) or _region_problem(arn)
    if problem is None and not limits.KMS_KEY_ARN_RE.fullmatch(value):
        problem = (
            f"the resource must be key/<key id> (a UUID, or mrk-<32 hex> for a multi-Region "
            f"key; not an alias), got {shown(arn.resource)}"
        )
    if problem:
        raise _fail(problem)
    return value


def _destination_arn(value: str) -> str:
    arn = _split_arn(value)
    if arn is None or arn.service not in limits.DESTINATION_SERVICES:
        raise _fail(f"must be a standard SQS queue, SNS topic or S3 bucket ARN, got {shown(value)}")
    problem = _partition_problem(arn)
    if problem is None and arn.service == "s3":
        problem = _bucket_arn_problem(arn)
    elif problem is None:
        problem = _region_problem(arn) or _queue_or_topic_problem(arn)
    if problem:
        raise _fail(problem)
    if arn.service != "s3" and arn.resource.endswith(limits.FIFO_SUFFIX):
        raise _fail(f"FIFO queues and topics cannot take stream failures, got {shown(value)}")
    if not limits.DESTINATION_ARN_RE.fullmatch(value):
        raise _fail(f"must be a standard SQS queue, SNS topic or S3 bucket ARN, got {shown(value)}")
    return value


def _queue_or_topic_problem(arn: _Arn) -> str | None:
    kind, most = (
        ("queue", limits.SQS_QUEUE_NAME_MAX)
        if arn.service == "sqs"
        else ("topic", limits.SNS_TOPIC_NAME_MAX)
    )
    name = arn.resource
    if not 1 <= len(name) <= most:
        return f"the {kind} name must be 1 to {most} characters (a .fifo suffix included), got {len(name)}"
    if not limits.QUEUE_OR_TOPIC_NAME_RE.fullmatch(name):
        return f"the {kind} name may hold only letters, digits, '-' and '_', got {shown(name)}"
    return None


def _bucket_arn_problem(arn: _Arn) -> str | None:
    if arn.region or arn.account:
        return (
            "an S3 bucket ARN has no region or account (arn:<partition>:s3:::<bucket>), "
            f"got {shown(f'arn:{arn.partition}:s3:{arn.region}:{arn.account}:{arn.resource}')}"
        )
    return bucket_name_problem(arn.resource)


def bucket_name_problem(name: str) -> str | None:
    """Why S3 would refuse `name` for a general purpose bucket, or None."""
    lowest, most = limits.BUCKET_NAME_MIN, limits.BUCKET_NAME_MAX
    if not lowest <= len(name) <= most:
        return f"the bucket name must be {lowest} to {most} characters, got {len(name)}"
    if not limits.BUCKET_NAME_CHARS_RE.fullmatch(name):
        return f"the bucket name may hold only lowercase letters, digits, '.' and '-', got {shown(name)}"
    if not limits.BUCKET_NAME_RE.fullmatch(name):
        return f"the bucket name must start and end with a letter or a digit, got {shown(name)}"
    if ".." in name:
        return f"the bucket name must not hold two adjacent dots, got {shown(name)}"
    if limits.BUCKET_IP_ADDRESS_RE.fullmatch(name):
        return f"the bucket name must not be formatted as an IP address, got {shown(name)}"
    for prefix in limits.BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            return (
                f"the bucket name must not start with {prefix} (reserved by S3), got {shown(name)}"
            )
    for suffix in limits.BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"the bucket name must not end with {suffix} (reserved by S3), got {shown(name)}"
    return None


TableName = Annotated[
    SafeStr, _Matching(limits.TABLE_NAME_RE, "must be 3 to 255 letters, digits, '_', '-' or '.'")
]
StackName = Annotated[
    SafeStr,
    _Matching(
        limits.STACK_NAME_RE,
        "must start with a letter and hold only letters, digits and '-', at most 128 characters",
    ),
]
Region = Annotated[
    SafeStr,
    _Matching(limits.REGION_RE, "must be a region name like us-east-1, eu-west-1 or cn-north-1"),
]
StreamArn = Annotated[
    SafeStr,
    AfterValidator(_stream_arn),
    Field(description=f"pins the stream: {STREAM_ARN_SHAPE}"),
]
KmsKeyArn = Annotated[
    SafeStr,
    AfterValidator(_kms_key_arn),
    Field(
        description="a customer managed KMS key that encrypts the filter criteria "
        f"({KMS_KEY_ARN_SHAPE}, same region as the stream); the role may decrypt with it"
    ),
]
DestinationArn = Annotated[
    SafeStr,
    AfterValidator(_destination_arn),
    Field(
        description="a standard SQS queue, standard SNS topic (same region as the stream) "
        "or S3 bucket (arn:<partition>:s3:::<bucket>) ARN"
    ),
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Aws(_Section):
    """Where to connect; every value falls back to the AWS CLI's environment and config files."""

    profile: SafeStr | None = None
    region: Region | None = None
    endpoint_url: SafeStr | None = None


class Table(_Section):
    name: TableName


class Stream(_Section):
    view_type: limits.ViewType = "NEW_AND_OLD_IMAGES"
    enable: StrictBool = True
    arn: StreamArn | None = None

    @property
    def region(self) -> str | None:
        match = limits.STREAM_ARN_RE.fullmatch(self.arn or "")
        return None if match is None else match["region"]


class OnFailure(_Section):
    """Where records that failed every retry go: an existing destination, or a queue the stack makes."""

    arn: DestinationArn | None = None
    create_queue: StrictBool = False

    @model_validator(mode="after")
    def _one_of(self) -> OnFailure:
        if (self.arn is None) == (not self.create_queue):
            raise _fail(
                "give either arn: <SQS queue, SNS topic or S3 bucket ARN> or create_queue: true"
            )
        return self

    @property
    def service(self) -> str | None:
        """'sqs', 'sns' or 's3' for an existing destination, None for a queue made by the stack."""
        match = limits.DESTINATION_ARN_RE.fullmatch(self.arn or "")
        return None if match is None else (match["service"] or "s3")

    @property
    def region(self) -> str | None:
        """The destination's region; None for S3 (a bucket ARN names none) or a new queue."""
        match = limits.DESTINATION_ARN_RE.fullmatch(self.arn or "")
        return None if match is None else match["region"]

    @property
    def partition(self) -> str | None:
        match = limits.DESTINATION_ARN_RE.fullmatch(self.arn or "")
        return None if match is None else (match["partition"] or match["s3partition"])


class MappingSettings(_Section):
    batch_size: Annotated[StrictInt, _Ranged(limits.BATCH_SIZE)] = limits.BATCH_SIZE.default
    starting_position: limits.StartingPosition = "TRIM_HORIZON"
    enabled: StrictBool = True
    batching_window_seconds: Annotated[StrictInt, _Ranged(limits.BATCHING_WINDOW_SECONDS)] = (
        limits.BATCHING_WINDOW_SECONDS.default
    )
    parallelization_factor: Annotated[StrictInt, _Ranged(limits.PARALLELIZATION_FACTOR)] = (
        limits.PARALLELIZATION_FACTOR.default
    )
    bisect_on_error: StrictBool = False
    max_retry_attempts: Annotated[StrictInt, _Ranged(limits.MAX_RETRY_ATTEMPTS)] = (
        limits.MAX_RETRY_ATTEMPTS.default
    )
    max_record_age_seconds: Annotated[StrictInt, _Ranged(limits.MAX_RECORD_AGE_SECONDS)] = (
        limits.MAX_RECORD_AGE_SECONDS.default
    )
    on_failure: OnFailure | None = None
    filter_patterns: Annotated[
        tuple[FilterPattern, ...], Field(max_length=limits.MAX_FILTER_PATTERNS)
    ] = ()
    report_batch_item_failures: StrictBool = False
    tumbling_window_seconds: Annotated[StrictInt, _Ranged(limits.TUMBLING_WINDOW_SECONDS)] = (
        limits.TUMBLING_WINDOW_SECONDS.default
    )
    metrics: StrictBool = False
    tags: Tags | None = None  # None, not (): a template's Metadata shows only chosen options
    filter_kms_key_arn: KmsKeyArn | None = None

    @property
    def filter_kms_key_region(self) -> str | None:
        match = limits.KMS_KEY_ARN_RE.fullmatch(self.filter_kms_key_arn or "")
        return None if match is None else match["region"]


def _iam_action(value: str) -> str:
    if not limits.IAM_ACTION_RE.fullmatch(value):
        raise _fail(f"must be an IAM action like s3:GetObject (service:Action), got {shown(value)}")
    if value == "*" or value.endswith(":*"):
        raise _fail(f"name the actions the function needs, not every action: got {shown(value)}")
    return value


def _iam_resource(value: str) -> str:
    if value != "*" and not (value.startswith("arn:") and value.count(":") >= 5):
        raise _fail(f'must be an ARN (arn:<partition>:<service>:...) or "*", got {shown(value)}')
    return value


def _non_empty(value: tuple[str, ...]) -> tuple[str, ...]:
    if not value:
        raise _fail("must list at least one")
    return value


IamActions = Annotated[
    tuple[Annotated[SafeStr, AfterValidator(_iam_action)], ...], AfterValidator(_non_empty)
]
IamResources = Annotated[
    tuple[Annotated[SafeStr, AfterValidator(_iam_resource)], ...], AfterValidator(_non_empty)
]


class PolicyStatement(_Section):
    """One IAM statement the user adds to the function's role (keys spelled as in IAM)."""

    Effect: Literal["Allow"] = "Allow"
    Action: IamActions
    Resource: IamResources

    @model_validator(mode="after")
    def _star_only_without_resource_type(self) -> PolicyStatement:
        if "*" not in self.Resource:
            return self
        scoped = [a for a in self.Action if a not in limits.STAR_RESOURCE_ACTIONS]
        if scoped:
            raise _fail(
                f'"*" is allowed only for actions that have no resource type (such as '
                f"xray:PutTraceSegments, cloudwatch:PutMetricData); {', '.join(scoped)} "
                "must name the ARNs they act on",
                "Resource",
            )
        return self


def _code_path(value: str) -> str:
    if not value.strip():
        raise _fail(f"must be a folder (relative to the answers file's folder), got {shown(value)}")
    return value


CodePath = Annotated[
    SafeStr,
    AfterValidator(_code_path),
    Field(description="your handler's folder, relative to the answers file's folder"),
]


def _today(info: ValidationInfo) -> date:
    """The day runtime deprecations are judged on: the validation context's `today` (tests
    pin it), else the real one."""
    context = info.context if isinstance(info.context, Mapping) else {}
    today = context.get("today")
    return today if isinstance(today, date) else date.today()


def _runtime_in_support(value: Any, info: ValidationInfo) -> Any:
    """Refuse a runtime Lambda has deprecated, with its date and the runtimes to choose."""
    if isinstance(value, str) and limits.runtime_deprecated(value, _today(info)):
        prefix = value.rstrip("0123456789.x")
        choices = ", ".join(limits.current_runtimes(prefix, _today(info)))
        raise _fail(
            f"{value} was deprecated on {limits.RUNTIME_DEPRECATION[value]} (no more security "
            f"patches, then no creating or updating functions); choose {choices} "
            f"({limits.RUNTIMES_PAGE})"
        )
    return value


class Function(_Section):
    handler: limits.Handler = "python"
    runtime: Annotated[limits.Runtime, BeforeValidator(_runtime_in_support)] = (
        limits.DEFAULT_RUNTIME["python"]
    )
    architecture: limits.Architecture = "arm64"
    memory_mb: Annotated[StrictInt, _Ranged(limits.MEMORY_MB)] = limits.MEMORY_MB.default
    timeout_seconds: Annotated[StrictInt, _Ranged(limits.TIMEOUT_SECONDS)] = (
        limits.TIMEOUT_SECONDS.default
    )
    log_retention_days: Annotated[StrictInt, AfterValidator(_retention)] = (
        limits.DEFAULT_LOG_RETENTION_DAYS
    )
    log_level: limits.LogLevel = "INFO"
    code: CodePath | None = None
    entry: SafeStr | None = Field(
        None,
        description="module.function for python and nodejs (app.handler); for go, the main "
        "package's folder inside code (default .)",
    )
    # None (not an empty list) by default, so an answers file without it saves without it.
    policy_statements: (
        Annotated[tuple[PolicyStatement, ...], Field(max_length=limits.MAX_POLICY_STATEMENTS)]
        | None
    ) = None

    @model_validator(mode="before")
    @classmethod
    def _runtime_follows_handler(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and "runtime" not in data
            and data.get("handler") in limits.HANDLERS
        ):
            return {**data, "runtime": limits.DEFAULT_RUNTIME[data["handler"]]}
        return data

    @model_validator(mode="after")
    def _runtime_fits_handler(self) -> Function:
        choices = limits.runtimes_for(self.handler)
        if self.runtime not in choices:
            raise _fail(
                f"{self.runtime} cannot run the {self.handler} handler; choose {', '.join(choices)}",
                "runtime",
            )
        problem = _entry_problem(self.handler, self.code, self.entry)
        if problem:
            raise _fail(problem, "entry")
        return self

    @property
    def packaged(self) -> bool:
        """Deployed from a zip in S3 (your code, or the Go echo) rather than inline code."""
        return self.code is not None or self.handler == "go"

    @property
    def go_entry(self) -> str:
        """The Go main package's folder inside code."""
        return self.entry or "."


def _entry_problem(handler: limits.Handler, code: str | None, entry: str | None) -> str | None:
    """Why `entry` does not fit the handler and code, or None."""
    if entry is None:
        if code is not None and handler != "go":
            return f"required with code: the {handler} handler as module.function, e.g. app.handler"
        return None
    if code is None:
        return "applies only with code: (the echo handlers have their own entry)"
    if handler == "go":
        parts = entry.replace("\\", "/").split("/")
        if entry.startswith("/") or ".." in parts:
            return f"must be a folder inside code, got {shown(entry)}"
        return None
    pattern = limits.PYTHON_ENTRY_RE if handler == "python" else limits.NODE_ENTRY_RE
    if not pattern.fullmatch(entry):
        return f"must be module.function (e.g. app.handler), got {shown(entry)}"
    return None


class Stack(_Section):
    name: StackName
    tags: Tags = ()


def default_stack_name(table_name: str) -> str:
    """A valid stack name suggested from a table name: 'orders' -> 'orders-echo'."""
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in table_name).strip("-")
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"ddb-{cleaned}".rstrip("-")
    return f"{cleaned[:123]}-echo"


class Answers(_Section):
    """Everything ddbwizard needs to build and deploy the echo stack."""

    version: Annotated[StrictInt, AfterValidator(_check_version)] = ANSWERS_VERSION
    aws: Aws = Aws()
    table: Table
    stream: Stream = Stream()
    mapping: MappingSettings = MappingSettings()
    function: Function = Function()
    stack: Stack

    @model_validator(mode="before")
    @classmethod
    def _stack_name_from_table(cls, data: Any) -> Any:
        """stack.name defaults from the table; without a usable table, its own error says so."""
        if not isinstance(data, dict) or not isinstance(data.get("stack", {}), dict):
            return data
        stack = data.get("stack", {})
        if "name" in stack:
            return data
        table = data.get("table")
        name = table.get("name") if isinstance(table, dict) else None
        suggested = default_stack_name(name) if isinstance(name, str) else "ddb-echo"
        return {**data, "stack": {**stack, "name": suggested}}

    @model_validator(mode="after")
    def _cross_checks(self) -> Answers:
        problems = cross_field_problems(self)
        if problems:
            raise PydanticCustomError(
                "cross_field", "{summary}", {"summary": "; ".join(problems), "problems": problems}
            )
        return self

    @property
    def function_name(self) -> str:
        """The Lambda function's name: the stack name, shortened with a hash past 64 characters."""
        name = self.stack.name
        if len(name) <= limits.FUNCTION_NAME_MAX:
            return name
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        return f"{name[: limits.FUNCTION_NAME_MAX - 9]}-{digest}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def warnings(self, today: date | None = None) -> tuple[str, ...]:
        """Settings that are allowed but probably not what the user wants (`today` judges
        runtime deprecations; default: the real day)."""
        found = list(_option_warnings(self, today or date.today()))
        mapping = self.mapping
        if mapping.max_record_age_seconds > limits.STREAM_RETENTION_SECONDS:
            found.append(
                f"mapping.max_record_age_seconds: {mapping.max_record_age_seconds} has no effect above "
                f"{limits.STREAM_RETENTION_SECONDS}: stream records live 24 hours"
            )
        if (
            mapping.on_failure
            and mapping.max_retry_attempts == -1
            and mapping.max_record_age_seconds == -1
        ):
            found.append(
                "mapping.on_failure: with unlimited retries and record age, a failing record blocks its "
                "shard for up to 24 hours and never reaches the destination; set max_retry_attempts"
            )
        return tuple(found)

    def with_values(self, values: Mapping[str, Any]) -> Answers:
        """A new Answers with dotted-path values replaced ('mapping.batch_size': 10), validated."""
        return answers_from_data(set_paths(self.to_data(), values))

    def to_data(self) -> dict[str, Any]:
        """Plain data, as written to an answers file."""
        return self.model_dump(mode="json", exclude_none=True)


def _option_warnings(answers: Answers, today: date) -> tuple[str, ...]:
    """A runtime close to its deprecation; a filter key with no filter to encrypt."""
    found = []
    runtime = answers.function.runtime
    left = limits.runtime_days_left(runtime, today)
    if left is not None:
        found.append(
            f"function.runtime: {runtime} is deprecated on {limits.RUNTIME_DEPRECATION[runtime]} "
            f"(in {left} days), then functions on it can no longer be created or updated; "
            f"choose a newer runtime ({limits.RUNTIMES_PAGE})"
        )
    if answers.mapping.filter_kms_key_arn and not answers.mapping.filter_patterns:
        found.append(
            "mapping.filter_kms_key_arn: there are no filter_patterns for the key to encrypt"
        )
    return tuple(found)


def _check_version(value: int) -> int:
    if value != ANSWERS_VERSION:
        raise _fail(f"this ddbwizard reads answers version {ANSWERS_VERSION}, got {value}")
    return value


def cross_field_problems(answers: Answers) -> list[str]:
    """Contradictions between sections (faults.md rows 6 to 8)."""
    problems = []
    stream, mapping, region = answers.stream, answers.mapping, answers.aws.region
    if stream.arn:
        match = limits.STREAM_ARN_RE.fullmatch(stream.arn)
        assert match is not None  # checked by Stream
        if match["table"] != answers.table.name:
            problems.append(
                f"stream.arn: is a stream of table {match['table']!r}, not {answers.table.name!r}"
            )
        if region and match["region"] != region:
            problems.append(f"stream.arn: is in {match['region']}, but aws.region is {region}")
        region = region or match["region"]
    destination = mapping.on_failure
    if destination and destination.region and region and destination.region != region:
        problems.append(
            f"mapping.on_failure.arn: is in {destination.region}; the stream is in {region} "
            "(the destination must be in the same region)"
        )
    key_region = mapping.filter_kms_key_region
    if key_region and region and key_region != region:
        problems.append(
            f"mapping.filter_kms_key_arn: the key is in {key_region}; the stream is in {region} "
            "(Lambda uses a key of the mapping's region)"
        )
    problems.extend(_mapping_tag_count_problems(answers))
    partition_problem = _bucket_partition_problem(answers, region)
    if partition_problem:
        problems.append(partition_problem)
    for index, text in enumerate(mapping.filter_patterns):
        problems.extend(
            f"mapping.filter_patterns[{index}]: {never}"
            for never in filters.pattern_warnings(json.loads(text), stream.view_type)
        )
    return problems


def _mapping_tag_count_problems(answers: Answers) -> list[str]:
    """CloudFormation copies the stack's tags (ddbwizard's own included) onto the mapping,
    which takes at most limits.MAX_TAGS in all."""
    if not answers.mapping.tags:
        return []
    keys = {key for key, _ in answers.stack.tags} | {key for key, _ in answers.mapping.tags}
    total = len(keys | {limits.OWNER_TAG_KEY})
    if total <= limits.MAX_TAGS:
        return []
    return [
        f"mapping.tags: with stack.tags and {limits.OWNER_TAG_KEY} (CloudFormation copies the "
        f"stack's tags onto the mapping) it would carry {total} tags; at most {limits.MAX_TAGS}"
    ]


def _bucket_partition_problem(answers: Answers, region: str | None) -> str | None:
    """An S3 destination names no region, but its partition must be the deploy's."""
    destination = answers.mapping.on_failure
    if not (destination and destination.service == "s3" and region):
        return None
    home = limits.region_partition(region)
    if destination.partition == home:
        return None
    return (
        f"mapping.on_failure.arn: the bucket is in partition {destination.partition}, but the "
        f"deploy goes to {region}, in partition {home}"
    )


def destination_region_problem(answers: Answers, region: str) -> str | None:
    """Why the on-failure destination cannot serve a deploy to `region`, or None.

    An SQS queue or SNS topic must be in the function's region; an S3 bucket's ARN names
    no region, only a partition, which must be `region`'s. A queue the stack makes is always
    in the right place. The engine calls this with the session's region (the model checks
    aws.region and a pinned stream.arn itself, in cross_field_problems).
    """
    destination = answers.mapping.on_failure
    if destination is None or destination.arn is None:
        return None
    if destination.service == "s3":
        return _bucket_partition_problem(answers, region)
    if destination.region is None or destination.region == region:
        return None
    return inert(
        f"mapping.on_failure.arn: the destination is in {destination.region}, but the deploy "
        f"goes to {region} (a stream's on-failure destination must be in the function's region)"
    )


def set_paths(data: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Copy `data`, setting each dotted path; a None value removes the key."""
    result = json.loads(json.dumps(data))
    for path, value in values.items():
        *parents, last = path.split(".")
        node = result
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return dict(result)


def _suggest(key: str, choices: Any) -> str:
    from difflib import get_close_matches

    close = get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def answers_from_data(data: Any, source: str | None = None, today: date | None = None) -> Answers:
    """Validate plain data into Answers; every problem names its field's path. `today` judges
    runtime deprecations (default: the real day)."""
    if not isinstance(data, dict):
        raise AnswersError(
            [f"must be a mapping with at least table: {{name: ...}}, got {shown(data)}"], source
        )
    try:
        return Answers.model_validate(data, context={"today": today} if today else None)
    except ValidationError as exc:
        raise AnswersError(format_validation_error(exc, Answers), source) from None


def parse_answers(text: str, source: str = "<answers>", as_json: bool = False) -> Answers:
    return answers_from_data(parse_document(text, inert(source), as_json), inert(source))


def load_answers(path: Path) -> Answers:
    return answers_from_data(read_document(path), inert(str(path)))


def dump_answers(answers: Answers, fmt: Literal["yaml", "json"] = "yaml") -> str:
    data = answers.to_data()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def json_schema() -> dict[str, Any]:
    schema = Answers.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ddbwizard answers file"
    return schema
