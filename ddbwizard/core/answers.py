"""The Answers model: typed, validated against core.limits, immutable; YAML/JSON in and out."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
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
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from ddbwizard.core import limits
from ddbwizard.core.errors import AnswersError
from ddbwizard.core.files import json_syntax, parse_document, read_document
from ddbwizard.core.validation import _shown as shown
from ddbwizard.core.validation import format_validation_error, shorten

ANSWERS_VERSION = 1


def _fail(message: str, field: str | None = None) -> PydanticCustomError:
    """A validation error with our own message; `field` names a sub-field of a model check."""
    if field is None:
        return PydanticCustomError("ddbwizard", message)
    return PydanticCustomError("ddbwizard", "{message}", {"message": message, "field": field})


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
            raise _fail(f"{self.rule}, got {shorten(repr(value))}")
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


def _filter_pattern_text(value: Any) -> Any:
    """Accept a pattern as an object or as JSON text; keep it as compact JSON text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise _fail(f"not valid JSON: {json_syntax(exc)}") from None
    if not isinstance(value, dict) or not value:
        raise _fail("must be a non-empty JSON object, for example {eventName: [INSERT]}")
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if len(text) > limits.MAX_FILTER_PATTERN_CHARS:
        raise _fail(
            f"must be at most {limits.MAX_FILTER_PATTERN_CHARS} characters, got {len(text)}"
        )
    for key in value:
        if key not in limits.FILTERABLE_RECORD_FIELDS:
            raise _fail(
                f"{key!r} is not a field of a DynamoDB stream record{_suggest(key, limits.FILTERABLE_RECORD_FIELDS)}"
            )
    problem = _pattern_problem(value)
    if problem:
        raise _fail(problem)
    return text


def _pattern_problem(node: Any, path: str = "") -> str | None:
    """EventBridge-style patterns: objects whose leaves are non-empty arrays of matchers."""
    for key, child in node.items():
        where = f"{path}.{key}" if path else key
        if isinstance(child, dict):
            if not child:
                return f"{where}: an empty object matches nothing"
            nested = _pattern_problem(child, where)
            if nested:
                return nested
        elif not isinstance(child, list) or not child:
            return f"{where}: must be a non-empty array of values to match, got {json.dumps(child)}"
    return None


FilterPattern = Annotated[
    StrictStr,
    BeforeValidator(_filter_pattern_text),
    PlainSerializer(json.loads, return_type=dict[str, Any]),
    WithJsonSchema({"type": "object", "description": "an EventBridge-style filter pattern"}),
]


def _tags(value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise _fail(f"must be a mapping of tag names to strings, got {_shown(value)}")
    if len(value) > limits.MAX_TAGS:
        raise _fail(f"at most {limits.MAX_TAGS} tags, got {len(value)}")
    for key, item in value.items():
        if not isinstance(key, str) or not 1 <= len(key) <= limits.TAG_KEY_MAX:
            raise _fail(
                f"tag name must be a string of 1 to {limits.TAG_KEY_MAX} characters, got {_shown(key)}"
            )
        if key.lower().startswith("aws:"):
            raise _fail(f"tag name {key!r}: the aws: prefix is reserved")
        if not isinstance(item, str) or len(item) > limits.TAG_VALUE_MAX:
            raise _fail(
                f"tag {key!r} must be a string of at most {limits.TAG_VALUE_MAX} characters (quote numbers), got {_shown(item)}"
            )
    return tuple(value.items())


Tags = Annotated[
    tuple[tuple[StrictStr, StrictStr], ...],
    BeforeValidator(_tags),
    PlainSerializer(dict, return_type=dict[str, str]),
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "maxProperties": limits.MAX_TAGS,
        }
    ),
]
TableName = Annotated[
    StrictStr, _Matching(limits.TABLE_NAME_RE, "must be 3 to 255 letters, digits, '_', '-' or '.'")
]
StackName = Annotated[
    StrictStr,
    _Matching(
        limits.STACK_NAME_RE,
        "must start with a letter and hold only letters, digits and '-', at most 128 characters",
    ),
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Aws(_Section):
    """Where to connect; every value falls back to the AWS CLI's environment and config files."""

    profile: StrictStr | None = None
    region: StrictStr | None = None
    endpoint_url: StrictStr | None = None


class Table(_Section):
    name: TableName


class Stream(_Section):
    view_type: limits.ViewType = "NEW_AND_OLD_IMAGES"
    enable: StrictBool = True
    arn: StrictStr | None = None

    @model_validator(mode="after")
    def _arn_shape(self) -> Stream:
        if self.arn is not None and not limits.STREAM_ARN_RE.fullmatch(self.arn):
            raise _fail(
                f"not a DynamoDB stream ARN (arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>), got {shorten(repr(self.arn))}",
                "arn",
            )
        return self


class OnFailure(_Section):
    """Where records that failed every retry go: an existing destination, or a queue the stack makes."""

    arn: StrictStr | None = None
    create_queue: StrictBool = False

    @model_validator(mode="after")
    def _one_of(self) -> OnFailure:
        if (self.arn is None) == (not self.create_queue):
            raise _fail(
                "give either arn: <SQS queue, SNS topic or S3 bucket ARN> or create_queue: true"
            )
        if self.arn is not None:
            match = limits.DESTINATION_ARN_RE.fullmatch(self.arn)
            if not match:
                raise _fail(
                    f"must be a standard SQS queue, SNS topic or S3 bucket ARN, got {shorten(repr(self.arn))}",
                    "arn",
                )
            if (match["name"] or "").endswith(".fifo"):
                raise _fail(
                    f"FIFO queues and topics cannot take stream failures, got {shorten(repr(self.arn))}",
                    "arn",
                )
        return self

    @property
    def service(self) -> str | None:
        """'sqs', 'sns' or 's3' for an existing destination, None for a queue made by the stack."""
        match = limits.DESTINATION_ARN_RE.fullmatch(self.arn or "")
        return None if match is None else (match["service"] or "s3")

    @property
    def region(self) -> str | None:
        match = limits.DESTINATION_ARN_RE.fullmatch(self.arn or "")
        return None if match is None else match["region"]


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


class Function(_Section):
    handler: limits.Handler = "python"
    runtime: limits.Runtime = limits.DEFAULT_RUNTIME["python"]
    architecture: limits.Architecture = "arm64"
    memory_mb: Annotated[StrictInt, _Ranged(limits.MEMORY_MB)] = limits.MEMORY_MB.default
    timeout_seconds: Annotated[StrictInt, _Ranged(limits.TIMEOUT_SECONDS)] = (
        limits.TIMEOUT_SECONDS.default
    )
    log_retention_days: Annotated[StrictInt, AfterValidator(_retention)] = (
        limits.DEFAULT_LOG_RETENTION_DAYS
    )
    log_level: limits.LogLevel = "INFO"

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
        if not self.runtime.startswith(self.handler):
            choices = ", ".join(r for r in limits.RUNTIMES if r.startswith(self.handler))
            raise _fail(
                f"{self.runtime} cannot run the {self.handler} handler; choose {choices}",
                "runtime",
            )
        return self


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

    def warnings(self) -> tuple[str, ...]:
        """Settings that are allowed but probably not what the user wants."""
        found = []
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
    images = limits.VIEW_TYPE_IMAGES[stream.view_type]
    for index, text in enumerate(mapping.filter_patterns):
        dynamodb = json.loads(text).get("dynamodb")
        for image in ("NewImage", "OldImage"):
            if isinstance(dynamodb, dict) and image in dynamodb and image not in images:
                problems.append(
                    f"mapping.filter_patterns[{index}]: filters on {image}, which a "
                    f"{stream.view_type} stream never carries, so it would match nothing"
                )
    return problems


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


def _shown(value: Any) -> str:
    return shown(value)


def answers_from_data(data: Any, source: str | None = None) -> Answers:
    """Validate plain data into Answers; every problem names its field's path."""
    if not isinstance(data, dict):
        raise AnswersError(
            [f"must be a mapping with at least table: {{name: ...}}, got {_shown(data)}"], source
        )
    try:
        return Answers.model_validate(data)
    except ValidationError as exc:
        raise AnswersError(format_validation_error(exc, Answers), source) from None


def parse_answers(text: str, source: str = "<answers>", as_json: bool = False) -> Answers:
    return answers_from_data(parse_document(text, source, as_json), source)


def load_answers(path: Path) -> Answers:
    return answers_from_data(read_document(path), str(path))


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
