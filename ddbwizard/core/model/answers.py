"""The Answers model: typed, validated against core.limits, immutable; YAML/JSON in and out.

Everything AWS would refuse is refused here, before any AWS call, each problem one line that
starts with the field's path: ranges, names, ARNs (partition, region, account, resource),
filter patterns (strict JSON), tags, and text no template should carry (control characters,
bidi controls, lone surrogates).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
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
    StrictBool,
    StrictInt,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ddbwizard.core.errors import AnswersError
from ddbwizard.core.model import filters, limits
from ddbwizard.core.model.alarms import Alarms, asks_nothing, topic_region_problem
from ddbwizard.core.model.documents import (
    parse_document,
    read_document,
)
from ddbwizard.core.model.fields import (
    CodePath,
    DestinationArn,
    FilterPattern,
    IamActions,
    IamResources,
    KmsKeyArn,
    Ranged,
    Region,
    SafeStr,
    StackName,
    StreamArn,
    TableName,
    Tags,
    field_error,
    retention_days,
)
from ddbwizard.core.model.validation import format_validation_error, shown
from ddbwizard.core.text import inert

ANSWERS_VERSION = 1


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
            raise field_error(
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
    batch_size: Annotated[StrictInt, Ranged(limits.BATCH_SIZE)] = limits.BATCH_SIZE.default
    starting_position: limits.StartingPosition = "TRIM_HORIZON"
    enabled: StrictBool = True
    batching_window_seconds: Annotated[StrictInt, Ranged(limits.BATCHING_WINDOW_SECONDS)] = (
        limits.BATCHING_WINDOW_SECONDS.default
    )
    parallelization_factor: Annotated[StrictInt, Ranged(limits.PARALLELIZATION_FACTOR)] = (
        limits.PARALLELIZATION_FACTOR.default
    )
    bisect_on_error: StrictBool = False
    max_retry_attempts: Annotated[StrictInt, Ranged(limits.MAX_RETRY_ATTEMPTS)] = (
        limits.MAX_RETRY_ATTEMPTS.default
    )
    max_record_age_seconds: Annotated[StrictInt, Ranged(limits.MAX_RECORD_AGE_SECONDS)] = (
        limits.MAX_RECORD_AGE_SECONDS.default
    )
    on_failure: OnFailure | None = None
    filter_patterns: Annotated[
        tuple[FilterPattern, ...], Field(max_length=limits.MAX_FILTER_PATTERNS)
    ] = ()
    report_batch_item_failures: StrictBool = False
    tumbling_window_seconds: Annotated[StrictInt, Ranged(limits.TUMBLING_WINDOW_SECONDS)] = (
        limits.TUMBLING_WINDOW_SECONDS.default
    )
    metrics: StrictBool = False
    tags: Tags | None = None  # None, not (): a template's Metadata shows only chosen options
    filter_kms_key_arn: KmsKeyArn | None = None

    @property
    def filter_kms_key_region(self) -> str | None:
        match = limits.KMS_KEY_ARN_RE.fullmatch(self.filter_kms_key_arn or "")
        return None if match is None else match["region"]


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
            raise field_error(
                f'"*" is allowed only for actions that have no resource type (such as '
                f"xray:PutTraceSegments, cloudwatch:PutMetricData); {', '.join(scoped)} "
                "must name the ARNs they act on",
                "Resource",
            )
        return self


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
        raise field_error(
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
    memory_mb: Annotated[StrictInt, Ranged(limits.MEMORY_MB)] = limits.MEMORY_MB.default
    timeout_seconds: Annotated[StrictInt, Ranged(limits.TIMEOUT_SECONDS)] = (
        limits.TIMEOUT_SECONDS.default
    )
    log_retention_days: Annotated[StrictInt, AfterValidator(retention_days)] = (
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
            raise field_error(
                f"{self.runtime} cannot run the {self.handler} handler; choose {', '.join(choices)}",
                "runtime",
            )
        problem = _entry_problem(self.handler, self.code, self.entry)
        if problem:
            raise field_error(problem, "entry")
        return self

    @property
    def packaged(self) -> bool:
        """Deployed from a zip in S3 (your code, or the Go echo) rather than inline code."""
        return self.code is not None or self.handler == "go"

    @property
    def go_entry(self) -> str:
        """The Go main package's folder inside code."""
        return self.entry or "."

    @property
    def code_entry(self) -> str:
        """With code: `entry`, or Lambda's usual one for the handler (as the console names it)."""
        return self.entry or limits.DEFAULT_CODE_ENTRY.get(self.handler, ".")


def _entry_problem(handler: limits.Handler, code: str | None, entry: str | None) -> str | None:
    """Why `entry` does not fit the handler and code, or None."""
    if entry is None:  # with code: Lambda's usual entry for the handler (code_entry)
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
    alarms: Alarms | None = None  # opt-in; None keeps it out of saved files and Metadata
    stack: Stack

    @model_validator(mode="before")
    @classmethod
    def _stack_name_from_table(cls, data: Any) -> Any:
        """stack.name defaults from the table; without a usable table, its own error says so.
        An alarms section that asks for nothing (every answer cleared in a wizard) is none."""
        if isinstance(data, dict) and asks_nothing(data.get("alarms")):
            data = {key: value for key, value in data.items() if key != "alarms"}
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
        raise field_error(f"this ddbwizard reads answers version {ANSWERS_VERSION}, got {value}")
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
    topic_problem = topic_region_problem(answers.alarms, region)
    if topic_problem:
        problems.append(topic_problem)
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
