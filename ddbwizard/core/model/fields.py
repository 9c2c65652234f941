"""The values one answers field can hold, as pydantic types: each refuses what AWS would.

Ranges, names, ARNs (partition, region, account, resource), filter patterns (strict JSON,
checked by core.model.filters), tags, IAM statements' actions and resources, and text no
template should carry (control characters, bidi controls, lone surrogates). The Answers model
(core.model.answers) puts them together and checks what spans several fields.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    StrictStr,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, core_schema

from ddbwizard.core.model import filters, limits
from ddbwizard.core.model.documents import (
    JsonProblem,
    strict_json,
)
from ddbwizard.core.model.validation import shown
from ddbwizard.core.text import has_unsafe

UNSAFE_RULE = "must not hold control characters, bidi controls or lone surrogates"
STREAM_ARN_SHAPE = "arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>"
TAG_TEXT_RULE = "may hold only letters, numbers, spaces and _ . : / = + - @"
KMS_KEY_ARN_SHAPE = "arn:aws:kms:<region>:<account>:key/<key id>"


def field_error(message: str, field: str | None = None) -> PydanticCustomError:
    """A validation error with our own message; `field` names a sub-field of a model check."""
    context: dict[str, Any] = {"message": message}
    if field is not None:
        context["field"] = field
    return PydanticCustomError("ddbwizard", "{message}", context)


def _safe_text(value: str) -> str:
    """Text that lands in the template or a terminal: no control, bidi or surrogate character."""
    if has_unsafe(value):
        raise field_error(f"{UNSAFE_RULE}, got {shown(value)}")
    return value


SafeStr = Annotated[StrictStr, AfterValidator(_safe_text)]


@dataclass(frozen=True)
class Ranged:
    """Annotated marker: an integer within an IntLimit, with its JSON Schema."""

    limit: limits.IntLimit

    def _check(self, value: int) -> int:
        problem = self.limit.problem(value)
        if problem:
            raise field_error(problem)
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
            raise field_error(f"{self.rule}, got {shown(value)}")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return {**handler(schema), "pattern": f"^(?:{self.pattern.pattern})$"}


def retention_days(value: int) -> int:
    if value not in limits.LOG_RETENTION_DAYS:
        allowed = ", ".join(map(str, limits.LOG_RETENTION_DAYS))
        raise field_error(f"must be one of {allowed} (CloudWatch Logs retention), got {value}")
    return value


# Filter patterns -------------------------------------------------------------------------


def _filter_pattern_text(value: Any) -> Any:
    """Accept a pattern as an object or as JSON text (parsed strictly); keep it as compact JSON."""
    if isinstance(value, str):
        try:
            value = strict_json(value)
        except JsonProblem as exc:
            raise field_error(str(exc)) from None
    if not isinstance(value, dict) or not value:
        raise field_error("must be a non-empty JSON object, for example {eventName: [INSERT]}")
    problem = _pattern_data_problem(value)  # bounded depth first: the steps below recurse
    if problem:
        raise field_error(problem)
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    if len(text) > limits.MAX_FILTER_PATTERN_CHARS:
        raise field_error(
            f"must be at most {limits.MAX_FILTER_PATTERN_CHARS} characters, got {len(text)}"
        )
    for key in value:
        if key != filters.OR_KEY and key not in limits.FILTERABLE_RECORD_FIELDS:
            raise field_error(
                f"{shown(key)} is not a field of a DynamoDB stream record{suggest(key, limits.FILTERABLE_RECORD_FIELDS)}"
            )
    problem = filters.pattern_problem(value)
    if problem:
        raise field_error(problem)
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
        raise field_error(f"must be a mapping of tag names to strings, got {shown(value)}")
    if len(value) > limits.MAX_USER_TAGS:
        raise field_error(
            f"at most {limits.MAX_USER_TAGS} tags (CloudFormation takes {limits.MAX_TAGS} and "
            f"ddbwizard adds {limits.OWNER_TAG_KEY}), got {len(value)}"
        )
    for key, item in value.items():
        problem = _tag_key_problem(key) or _tag_value_problem(key, item)
        if problem:
            raise field_error(problem)
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
        raise field_error(f"not a DynamoDB stream ARN ({STREAM_ARN_SHAPE}), got {shown(value)}")
    problem = (
        _partition_problem(arn) or _region_problem(arn) or _stream_resource_problem(arn.resource)
    )
    if problem is None and not limits.STREAM_ARN_RE.fullmatch(value):
        problem = f"not a DynamoDB stream ARN ({STREAM_ARN_SHAPE}), got {shown(value)}"
    if problem:
        raise field_error(problem)
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
        raise field_error(f"not a KMS key ARN ({KMS_KEY_ARN_SHAPE}), got {shown(value)}")
    problem = _partition_problem(arn) or _region_problem(arn)
    if problem is None and not limits.KMS_KEY_ARN_RE.fullmatch(value):
        problem = (
            f"the resource must be key/<key id> (a UUID, or mrk-<32 hex> for a multi-Region "
            f"key; not an alias), got {shown(arn.resource)}"
        )
    if problem:
        raise field_error(problem)
    return value


def _destination_arn(value: str) -> str:
    arn = _split_arn(value)
    if arn is None or arn.service not in limits.DESTINATION_SERVICES:
        raise field_error(
            f"must be a standard SQS queue, SNS topic or S3 bucket ARN, got {shown(value)}"
        )
    problem = _partition_problem(arn)
    if problem is None and arn.service == "s3":
        problem = _bucket_arn_problem(arn)
    elif problem is None:
        problem = _region_problem(arn) or _queue_or_topic_problem(arn)
    if problem:
        raise field_error(problem)
    if arn.service != "s3" and arn.resource.endswith(limits.FIFO_SUFFIX):
        raise field_error(f"FIFO queues and topics cannot take stream failures, got {shown(value)}")
    if not limits.DESTINATION_ARN_RE.fullmatch(value):
        raise field_error(
            f"must be a standard SQS queue, SNS topic or S3 bucket ARN, got {shown(value)}"
        )
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


def _iam_action(value: str) -> str:
    if not limits.IAM_ACTION_RE.fullmatch(value):
        raise field_error(
            f"must be an IAM action like s3:GetObject (service:Action), got {shown(value)}"
        )
    if value == "*" or value.endswith(":*"):
        raise field_error(
            f"name the actions the function needs, not every action: got {shown(value)}"
        )
    return value


def _iam_resource(value: str) -> str:
    if value != "*" and not (value.startswith("arn:") and value.count(":") >= 5):
        raise field_error(
            f'must be an ARN (arn:<partition>:<service>:...) or "*", got {shown(value)}'
        )
    return value


def _non_empty(value: tuple[str, ...]) -> tuple[str, ...]:
    if not value:
        raise field_error("must list at least one")
    return value


IamActions = Annotated[
    tuple[Annotated[SafeStr, AfterValidator(_iam_action)], ...], AfterValidator(_non_empty)
]
IamResources = Annotated[
    tuple[Annotated[SafeStr, AfterValidator(_iam_resource)], ...], AfterValidator(_non_empty)
]


def _code_path(value: str) -> str:
    if not value.strip():
        raise field_error(
            f"must be a folder (relative to the answers file's folder), got {shown(value)}"
        )
    return value


CodePath = Annotated[
    SafeStr,
    AfterValidator(_code_path),
    Field(description="your handler's folder, relative to the answers file's folder"),
]


def suggest(key: str, choices: Any) -> str:
    from difflib import get_close_matches

    close = get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
