"""AWS limits and choices as data: one source for validation, defaults and UI hints.

Each entry names the AWS page it comes from. The answers model, the wizard's
questions and the template all read these values; nothing here is repeated elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_StreamSpecification.html
ViewType = Literal["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY"]
VIEW_TYPES: tuple[ViewType, ...] = get_args(ViewType)
VIEW_TYPE_HELP: dict[ViewType, str] = {
    "NEW_AND_OLD_IMAGES": "each record carries the keys, the item after the change and before it",
    "NEW_IMAGE": "each record carries the keys and the item as it is after the change",
    "OLD_IMAGE": "each record carries the keys and the item as it was before the change",
    "KEYS_ONLY": "each record carries only the key attributes of the changed item",
}
# Which images a record of each view type carries (a filter on a missing one never matches).
VIEW_TYPE_IMAGES: dict[ViewType, frozenset[str]] = {
    "NEW_AND_OLD_IMAGES": frozenset({"NewImage", "OldImage"}),
    "NEW_IMAGE": frozenset({"NewImage"}),
    "OLD_IMAGE": frozenset({"OldImage"}),
    "KEYS_ONLY": frozenset(),
}
STREAM_RETENTION_SECONDS = 86_400  # stream records live 24 hours

# https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
StartingPosition = Literal["TRIM_HORIZON", "LATEST"]
STARTING_POSITIONS: tuple[StartingPosition, ...] = get_args(StartingPosition)
STARTING_POSITION_HELP: dict[StartingPosition, str] = {
    "TRIM_HORIZON": "start from the oldest record still in the stream: replays up to 24 hours "
    "of changes made before the mapping existed",
    "LATEST": "start from the newest record: changes made before the mapping exists are skipped",
}


@dataclass(frozen=True)
class IntLimit:
    """An integer setting: its AWS range, an optional sentinel (-1 = unlimited) and its default."""

    minimum: int
    maximum: int
    default: int
    what: str  # ends the range message: "must be 1 to 10000 <what>"
    unlimited: int | None = None  # a value outside the range that AWS accepts (e.g. -1)
    unit: str = ""

    def problem(self, value: int) -> str | None:
        """Return why `value` is not allowed, or None when it is."""
        if value == self.unlimited or self.minimum <= value <= self.maximum:
            return None
        allowed = f"{self.minimum} to {self.maximum}"
        if self.unlimited is not None:
            allowed = f"{self.unlimited} (unlimited) or {allowed}"
        return f"must be {allowed}{' ' + self.what if self.what else ''}, got {value}"

    @property
    def hint(self) -> str:
        """A short range hint for prompts: '1-10000' or '-1, 60-604800'."""
        span = f"{self.minimum}-{self.maximum}{' ' + self.unit if self.unit else ''}"
        return span if self.unlimited is None else f"{self.unlimited} (unlimited) or {span}"

    def json_schema(self) -> dict[str, object]:
        """The JSON Schema fragment for this range."""
        span: dict[str, object] = {
            "type": "integer",
            "minimum": self.minimum,
            "maximum": self.maximum,
        }
        if self.unlimited is None:
            return {**span, "default": self.default}
        return {"anyOf": [{"const": self.unlimited}, span], "default": self.default}


# Event source mapping on a DynamoDB stream.
# https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
BATCH_SIZE = IntLimit(1, 10_000, 100, "for DynamoDB streams")
BATCHING_WINDOW_SECONDS = IntLimit(0, 300, 0, "seconds", unit="s")
PARALLELIZATION_FACTOR = IntLimit(1, 10, 1, "concurrent batches per shard")
MAX_RETRY_ATTEMPTS = IntLimit(0, 10_000, -1, "", unlimited=-1)
MAX_RECORD_AGE_SECONDS = IntLimit(60, 604_800, -1, "seconds", unlimited=-1, unit="s")
TUMBLING_WINDOW_SECONDS = IntLimit(0, 900, 0, "seconds", unit="s")
MAX_FILTER_PATTERNS = 5  # 10 with a quota raise
MAX_FILTER_PATTERN_CHARS = 4_096
# Top-level fields of a DynamoDB stream record that a filter pattern can match.
FILTERABLE_RECORD_FIELDS = (
    "eventID",
    "eventName",
    "eventVersion",
    "eventSource",
    "awsRegion",
    "dynamodb",
    "userIdentity",
)
EVENT_NAMES = ("INSERT", "MODIFY", "REMOVE")

# Lambda function. https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
Handler = Literal["python", "nodejs"]
HANDLERS: tuple[Handler, ...] = get_args(Handler)
# Supported, not deprecated runtimes (nodejs20.x was deprecated on 2026-04-30).
Runtime = Literal["python3.13", "python3.14", "python3.12", "nodejs24.x", "nodejs22.x"]
RUNTIMES: tuple[Runtime, ...] = get_args(Runtime)
DEFAULT_RUNTIME: dict[Handler, Runtime] = {"python": "python3.13", "nodejs": "nodejs24.x"}
Architecture = Literal["arm64", "x86_64"]
ARCHITECTURES: tuple[Architecture, ...] = get_args(Architecture)
MEMORY_MB = IntLimit(128, 10_240, 128, "MB", unit="MB")
TIMEOUT_SECONDS = IntLimit(1, 900, 30, "seconds", unit="s")
# https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
LogLevel = Literal["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
LOG_LEVELS: tuple[LogLevel, ...] = get_args(LogLevel)

# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-loggroup.html
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
    731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
DEFAULT_LOG_RETENTION_DAYS = 14

# CreateChangeSet takes a TemplateBody of at most this many bytes (larger ones need S3).
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
TEMPLATE_BODY_MAX_BYTES = 51_200

# CloudWatch Logs: one event is at most 256 KB; the echo handler truncates above this.
MAX_LOG_EVENT_BYTES = 262_144

# Names. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
TABLE_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-using-console-create-stack-parameters.html
STACK_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,127}")
FUNCTION_NAME_MAX = 64
# arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>
STREAM_ARN_RE = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):dynamodb:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"table/(?P<table>[A-Za-z0-9_.-]{3,255})/stream/(?P<label>[^/\s]+)"
)
# On-failure destinations for stream sources: standard SQS queue, standard SNS topic, S3 bucket.
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
DESTINATION_ARN_RE = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>sqs|sns):(?P<region>[a-z0-9-]+):"
    r"(?P<account>\d{12}):(?P<name>[A-Za-z0-9_-]{1,256}(?:\.fifo)?)"
    r"|arn:(?P<s3partition>aws[a-z-]*):s3:::(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])"
)
# Tags: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Tag.html
MAX_TAGS = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
