"""AWS limits and choices as data: one source for validation, defaults and UI hints.

Each entry names the AWS page it comes from. The answers model, the wizard's
questions and the template all read these values; nothing here is repeated elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
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
Handler = Literal["python", "nodejs", "go"]
# With function.code and no function.entry: the entry the Lambda console gives a new function.
DEFAULT_CODE_ENTRY: dict[str, str] = {
    "python": "lambda_function.lambda_handler",
    "nodejs": "index.handler",
}
HANDLERS: tuple[Handler, ...] = get_args(Handler)
# Supported, not deprecated runtimes (nodejs20.x was deprecated on 2026-04-30); Go runs as a
# `bootstrap` binary on the OS-only runtime.
Runtime = Literal[
    "python3.13", "python3.14", "python3.12", "nodejs24.x", "nodejs22.x", "provided.al2023"
]
RUNTIMES: tuple[Runtime, ...] = get_args(Runtime)
DEFAULT_RUNTIME: dict[Handler, Runtime] = {
    "python": "python3.13",
    "nodejs": "nodejs24.x",
    "go": "provided.al2023",
}
RUNTIME_PREFIX: dict[Handler, str] = {"python": "python", "nodejs": "nodejs", "go": "provided"}
GO_HANDLER_ENTRY = "bootstrap"  # what Lambda's provided runtimes execute


def runtimes_for(handler: Handler) -> tuple[Runtime, ...]:
    """The runtimes that can run `handler`: 'go' -> ('provided.al2023',)."""
    return tuple(r for r in RUNTIMES if r.startswith(RUNTIME_PREFIX[handler]))


# Each runtime's deprecation date on the Lambda runtimes page ("Deprecation date": no more
# security patches; creating, then updating, functions is blocked some weeks later). A runtime
# on or past its date is refused; one within RUNTIME_WARN_DAYS of it is warned about.
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-supported
RUNTIME_DEPRECATION: dict[str, date] = {
    "python3.14": date(2029, 6, 30),
    "python3.13": date(2029, 6, 30),
    "python3.12": date(2028, 10, 31),
    "python3.11": date(2026, 6, 30),
    "python3.10": date(2026, 6, 30),
    "python3.9": date(2025, 12, 15),
    "nodejs24.x": date(2028, 4, 30),
    "nodejs22.x": date(2027, 4, 30),
    "nodejs20.x": date(2026, 4, 30),
    "nodejs18.x": date(2025, 9, 1),
    "provided.al2023": date(2029, 6, 30),
}
RUNTIME_WARN_DAYS = 90
RUNTIMES_PAGE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"


def runtime_deprecated(runtime: str, today: date) -> bool:
    """True when Lambda deprecated `runtime` on or before `today`."""
    deprecation = RUNTIME_DEPRECATION.get(runtime)
    return deprecation is not None and deprecation <= today


def runtime_days_left(runtime: str, today: date) -> int | None:
    """Days until `runtime`'s deprecation when it is within RUNTIME_WARN_DAYS, else None."""
    deprecation = RUNTIME_DEPRECATION.get(runtime)
    if deprecation is None or deprecation <= today:
        return None
    left = (deprecation - today).days
    return left if left <= RUNTIME_WARN_DAYS else None


def current_runtimes(prefix: str, today: date) -> tuple[Runtime, ...]:
    """The offered runtimes starting with `prefix` ('python') not deprecated by `today`."""
    return tuple(r for r in RUNTIMES if r.startswith(prefix) and not runtime_deprecated(r, today))


# Your own code (function.code), packaged into a zip and deployed from S3.
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
CODE_UNZIPPED_MAX_BYTES = 262_144_000  # 250 MB unzipped, layers included (S3-based code)
CODE_MAX_FILES = 20_000  # ddbwizard's sanity bound (not an AWS limit): a stray folder packaged
# Python module path (app.handler, pkg.app.handler) and a Node.js one (app.handler, src/app.handler).
PYTHON_ENTRY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
NODE_ENTRY_RE = re.compile(r"(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_-]+\.[A-Za-z_$][A-Za-z0-9_$]*")
PYTHON_PLATFORM: dict[Architecture, str] = {
    "x86_64": "manylinux2014_x86_64",
    "arm64": "manylinux2014_aarch64",
}

# The user's own IAM statements (function.policy_statements).
# https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
IAM_ACTION_RE = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*]+")
MAX_POLICY_STATEMENTS = 20
# Actions with no resource type in the Service Authorization Reference: they can only be
# granted on Resource "*". Any other action needs an ARN (a "*" resource is refused).
STAR_RESOURCE_ACTIONS: frozenset[str] = frozenset(
    {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "cloudwatch:PutMetricData",
        "cloudwatch:ListMetrics",
        "cloudwatch:GetMetricData",
        "sts:GetCallerIdentity",
        "ec2:DescribeNetworkInterfaces",
        "dynamodb:ListTables",
        "dynamodb:ListStreams",
        "sqs:ListQueues",
        "sns:ListTopics",
        "s3:ListAllMyBuckets",
        "kms:ListAliases",
        "ssm:DescribeParameters",
        "secretsmanager:ListSecrets",
        "secretsmanager:GetRandomPassword",
    }
)
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
# FilterLogEvents is limited per account and region (its quota is in transactions per
# second), so a tail reads once a second; the --local emulator has no quota.
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
LOG_POLL_INTERVAL = 1.0
LOCAL_POLL_INTERVAL = 0.25

# Names. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
TABLE_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-using-console-create-stack-parameters.html
STACK_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,127}")
FUNCTION_NAME_MAX = 64

# Partitions and regions. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
# https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
# Which regions belong to which partition: the region prefixes of the SDKs' partition table
# (botocore/data/partitions.json). A region belongs to the partition whose prefix it starts
# with; every other region name is in the commercial partition, "aws".
PARTITION_REGION_PREFIXES: dict[str, str] = {
    "aws-cn": "cn-",
    "aws-us-gov": "us-gov-",
    "aws-iso": "us-iso-",
    "aws-iso-b": "us-isob-",
    "aws-iso-e": "eu-isoe-",
    "aws-iso-f": "us-isof-",
    "aws-eusc": "eusc-",
}
PARTITIONS: tuple[str, ...] = ("aws", *PARTITION_REGION_PREFIXES)
# us-east-1, us-gov-west-1, cn-north-1, us-iso-east-1, eu-isoe-west-1, eusc-de-east-1.
REGION_RE = re.compile(r"(?:[a-z]{2}|eusc)(?:-[a-z]+)+-[0-9]{1,2}")
ACCOUNT_RE = re.compile(r"[0-9]{12}")


def region_partition(region: str) -> str:
    """The partition a region name belongs to: 'cn-north-1' -> 'aws-cn'."""
    for partition, prefix in PARTITION_REGION_PREFIXES.items():
        if region.startswith(prefix):
            return partition
    return "aws"


# A stream's label is the time it was created, ISO 8601: 2015-05-11T21:21:33.291 (moto and
# other emulators write microseconds or none).
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html
STREAM_LABEL_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
)
_PARTITION = r"(?:aws(?:-[a-z]+)*)"
_REGION = f"(?:{REGION_RE.pattern})"
# arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>; the answers model
# checks each part with its own message, this is the whole shape once those checks passed.
STREAM_ARN_RE = re.compile(
    rf"arn:(?P<partition>{_PARTITION}):dynamodb:(?P<region>{_REGION}):(?P<account>[0-9]{{12}}):"
    rf"table/(?P<table>{TABLE_NAME_RE.pattern})/stream/(?P<label>{STREAM_LABEL_RE.pattern})"
)

# On-failure destinations for stream sources: standard SQS queue, standard SNS topic, S3 bucket.
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
DESTINATION_SERVICES = ("sqs", "sns", "s3")
FIFO_SUFFIX = ".fifo"
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
# (a FIFO queue's .fifo suffix counts in the 80 characters)
SQS_QUEUE_NAME_MAX = 80
# https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
SNS_TOPIC_NAME_MAX = 256
QUEUE_OR_TOPIC_NAME_RE = re.compile(r"[A-Za-z0-9_-]+(?:\.fifo)?")
# General purpose buckets. https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
BUCKET_NAME_MIN, BUCKET_NAME_MAX = 3, 63
BUCKET_NAME_CHARS_RE = re.compile(r"[a-z0-9.-]+")
BUCKET_NAME_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
BUCKET_IP_ADDRESS_RE = re.compile(r"[0-9]+(?:\.[0-9]+){3}")  # "formatted as an IP address"
# sthree- also covers the reserved sthree-configurator.
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
DESTINATION_ARN_RE = re.compile(
    rf"arn:(?P<partition>{_PARTITION}):(?P<service>sqs|sns):(?P<region>{_REGION}):"
    r"(?P<account>[0-9]{12}):(?P<name>[A-Za-z0-9_-]{1,256}(?:\.fifo)?)"
    rf"|arn:(?P<s3partition>{_PARTITION}):s3:::(?P<bucket>{BUCKET_NAME_RE.pattern})"
)

# The KMS key that encrypts the mapping's filter criteria (KmsKeyArn): a key ARN, not an alias;
# a key id is a UUID, or mrk- and 32 hex digits for a multi-Region key.
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filter-criteria-encryption
# https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN
KMS_KEY_ID_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}"
)
KMS_KEY_ARN_RE = re.compile(
    rf"arn:(?P<partition>{_PARTITION}):kms:(?P<region>{_REGION}):(?P<account>[0-9]{{12}}):"
    rf"key/(?P<key>{KMS_KEY_ID_RE.pattern})"
)

# Stack tags. CreateChangeSet takes at most 50, each key 1-128 and value 1-256 characters
# (botocore's cloudformation model: Tag.Value has min 1, so an empty value is refused).
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Tag.html
# The characters are those of CloudFormation's tag pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
MAX_TAGS = 50
OWNER_TAG_KEY = "ddbwizard:table"  # added to every stack by the engine (deploy.state.OWNER_TAG)
MAX_USER_TAGS = MAX_TAGS - 1
TAG_KEY_MAX = 128
TAG_VALUE_MIN = 1
TAG_VALUE_MAX = 256
TAG_RESERVED_PREFIX = "aws:"
TAG_PUNCTUATION = "_.:/=+-@"
_TAG_CATEGORIES = frozenset("LZN")  # Unicode letters, separators (spaces), numbers


def is_tag_text(text: str) -> bool:
    """True when every character fits CloudFormation's tag pattern."""
    return all(
        char in TAG_PUNCTUATION or unicodedata.category(char)[0] in _TAG_CATEGORIES for char in text
    )


# ddbwizard's own bounds (not AWS limits): an answers file needs 6 levels and a few KB.
MAX_NESTING = 32  # lists and mappings, in the answers file and inside a filter pattern
MAX_ANSWERS_FILE_BYTES = 1_048_576  # 1 MiB


PLACEHOLDER_ACCOUNT = "000000000000"  # an account id where none is known (offline runs)
PLACEHOLDER_STREAM_LABEL = "2000-01-01T00:00:00.000"


def placeholder_stream_arn(region: str, account: str, table: str) -> str:
    """The ARN a stream not yet enabled will have, in length and shape."""
    return (
        f"arn:{region_partition(region)}:dynamodb:{region}:{account}:table/{table}"
        f"/stream/{PLACEHOLDER_STREAM_LABEL}"
    )
