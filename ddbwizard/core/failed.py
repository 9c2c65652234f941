"""Failed batches, readable: the on-failure destination's records, and the original stream records.

When a batch fails every retry (or its records grow too old), Lambda sends the on-failure
destination an invocation record: not the stream records, only where they are, e.g.

    {"requestContext": {"requestId": ..., "functionArn": ..., "condition": "RetryAttemptsExhausted",
                        "approximateInvokeCount": 4},
     "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
     "version": "1.0", "timestamp": "2025-06-05T18:22:26.479Z",
     "DDBStreamBatchInfo": {"shardId": ..., "startSequenceNumber": ..., "endSequenceNumber": ...,
                            "approximateArrivalOfFirstRecord": ..., "approximateArrivalOfLastRecord": ...,
                            "batchSize": 1, "streamArn": ...}}

An SQS queue is peeked (received with a zero visibility timeout, never deleted); an S3
destination's newest objects under aws/lambda/<mapping UUID>/ are read. While the range is
inside the stream's 24-hour retention, its records are read back (GetShardIterator
AT_SEQUENCE_NUMBER, GetRecords) into a Lambda DynamoDB event that --invoke-local replays.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from ddbwizard.core.errors import UsageError

if TYPE_CHECKING:
    from ddbwizard.core.aws.facade import Aws

STREAM_RETENTION = timedelta(hours=24)
NEWEST = 5  # failed batches shown
S3_PREFIX = "aws/lambda/{uuid}/"  # where Lambda writes a mapping's S3 on-failure records
PEEK_NOTE = (
    "peeked without deleting: received with a visibility timeout of 0 s, so the messages "
    "stay in the queue (each peek counts as one receive)"
)

DestinationKind = Literal["sqs", "sns", "s3"]


@dataclass(frozen=True)
class FailedBatch:
    """One invocation record: which shard, which sequence-number range, when, and why."""

    shard_id: str
    first_sequence: str
    last_sequence: str
    batch_size: int
    stream_arn: str
    failed_at: datetime | None
    first_arrival: datetime | None
    last_arrival: datetime | None
    condition: str  # RetryAttemptsExhausted, RecordAgeExceeded, ...
    function_error: str  # Unhandled, Handled, or "" (e.g. a throttled or timed-out call)
    invoke_count: int

    def in_retention(self, now: datetime) -> bool:
        """True while the batch's first record is younger than the stream's 24 hours."""
        first = self.first_arrival or self.failed_at
        return first is not None and now - first < STREAM_RETENTION

    def why(self) -> str:
        error = f", function error {self.function_error}" if self.function_error else ""
        return f"{self.condition or 'unknown condition'} after {self.invoke_count} invoke(s){error}"

    def as_json(self) -> dict[str, object]:
        return {
            "shard_id": self.shard_id,
            "first_sequence": self.first_sequence,
            "last_sequence": self.last_sequence,
            "batch_size": self.batch_size,
            "stream_arn": self.stream_arn,
            "failed_at": _iso(self.failed_at),
            "first_arrival": _iso(self.first_arrival),
            "last_arrival": _iso(self.last_arrival),
            "condition": self.condition,
            "function_error": self.function_error,
            "invoke_count": self.invoke_count,
        }


@dataclass(frozen=True)
class Destination:
    """The on-failure destination and what it holds: a backlog and the newest failed batches."""

    arn: str
    kind: DestinationKind
    backlog: int | None = None  # SQS: messages waiting; S3: objects seen; SNS: unknown
    in_flight: int | None = None
    batches: tuple[FailedBatch, ...] = ()
    unreadable: int = 0  # messages or objects that are not an invocation record
    note: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "arn": self.arn,
            "kind": self.kind,
            "backlog": self.backlog,
            "in_flight": self.in_flight,
            "newest": [batch.as_json() for batch in self.batches],
            "unreadable": self.unreadable,
            "note": self.note,
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def _when(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_failed_batch(text: str) -> FailedBatch | None:
    """An invocation record (a queue message's body, an S3 object); None when it is not one."""
    try:
        record = json.loads(text)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("DDBStreamBatchInfo"), dict):
        return None
    info: Mapping[str, Any] = record["DDBStreamBatchInfo"]
    request = record.get("requestContext")
    request = request if isinstance(request, dict) else {}
    response = record.get("responseContext")
    response = response if isinstance(response, dict) else {}
    first, last = info.get("startSequenceNumber"), info.get("endSequenceNumber")
    if not isinstance(first, str) or not isinstance(last, str) or not first.isdigit():
        return None
    count = info.get("batchSize")
    invokes = request.get("approximateInvokeCount")
    return FailedBatch(
        shard_id=str(info.get("shardId") or ""),
        first_sequence=first,
        last_sequence=last if last.isdigit() else first,
        batch_size=count if isinstance(count, int) else 0,
        stream_arn=str(info.get("streamArn") or ""),
        failed_at=_when(record.get("timestamp")),
        first_arrival=_when(info.get("approximateArrivalOfFirstRecord")),
        last_arrival=_when(info.get("approximateArrivalOfLastRecord")),
        condition=str(request.get("condition") or ""),
        function_error=str(response.get("functionError") or ""),
        invoke_count=invokes if isinstance(invokes, int) else 0,
    )


_KINDS: dict[str, DestinationKind] = {"sqs": "sqs", "sns": "sns", "s3": "s3"}


def destination_kind(arn: str) -> DestinationKind | None:
    """'sqs', 'sns' or 's3' from a destination ARN (arn:partition:service:...)."""
    parts = arn.split(":")
    return _KINDS.get(parts[2]) if len(parts) >= 6 else None


def read_destination(aws: Aws, arn: str, mapping_uuid: str, limit: int = NEWEST) -> Destination:
    """What the on-failure destination holds, read only (SQS peeked, S3 listed)."""
    health = aws.health()
    kind = destination_kind(arn)
    if kind == "sqs":
        url = health.queue_url(arn)
        waiting, in_flight = health.queue_depth(url)
        peeked = health.peek_queue(url) if waiting else []
        found = [parse_failed_batch(message.body) for message in peeked]
        batches = sorted((b for b in found if b), key=_newest_first)[:limit]
        note = PEEK_NOTE if peeked else ""
        return Destination(arn, "sqs", waiting, in_flight, tuple(batches), found.count(None), note)
    if kind == "s3":
        bucket = arn.split(":::", 1)[-1]
        prefix = S3_PREFIX.format(uuid=mapping_uuid)
        objects = health.newest_objects(bucket, prefix, limit)
        found = [parse_failed_batch(item.body) for item in objects]
        batches = sorted((b for b in found if b), key=_newest_first)
        note = f"the newest objects under s3://{bucket}/{prefix}"
        return Destination(arn, "s3", len(objects), None, tuple(batches), found.count(None), note)
    return Destination(
        arn,
        "sns",
        note="an SNS topic keeps nothing to read back: subscribe a queue to it to see failures",
    )


def _newest_first(batch: FailedBatch) -> float:
    moment = batch.failed_at or batch.last_arrival
    return -(moment.timestamp() if moment else 0.0)


# -- the original records ---------------------------------------------------------------
@dataclass(frozen=True)
class BatchRecords:
    """One failed batch and the records read back from the stream (`trimmed`: not all were)."""

    batch: FailedBatch
    records: tuple[dict[str, Any], ...]
    trimmed: bool
    reason: str = ""  # why records are missing, in plain words


@dataclass(frozen=True)
class FetchedFailures:
    """--fetch-failed: the destination, each batch's records, and the event file's body."""

    destination: Destination
    batches: tuple[BatchRecords, ...] = field(default=())

    def event(self) -> dict[str, Any]:
        return {"Records": [record for batch in self.batches for record in batch.records]}


def fetch_failed(
    aws: Aws, arn: str, mapping_uuid: str, now: datetime | None = None
) -> FetchedFailures:
    """Read the newest failed batches' original records back from the stream (read only)."""
    destination = read_destination(aws, arn, mapping_uuid)
    if destination.kind == "sns":
        raise UsageError(
            f"the on-failure destination {arn} is an SNS topic: nothing can be read back from it",
            "Subscribe an SQS queue to the topic, or choose an SQS queue as the destination.",
        )
    now = now or datetime.now(UTC)
    health = aws.health()
    read: list[BatchRecords] = []
    for batch in destination.batches:
        if not batch.in_retention(now):
            read.append(BatchRecords(batch, (), True, "older than the stream's 24-hour retention"))
            continue
        got = health.read_range(
            batch.stream_arn,
            batch.shard_id,
            batch.first_sequence,
            batch.last_sequence,
            max(batch.batch_size, 1),
        )
        records = tuple(lambda_record(r, aws.region, batch.stream_arn) for r in got.records)
        short = len(records) < batch.batch_size
        reason = ""
        if got.gone:
            reason = "the stream or its shard no longer exists"
        elif got.trimmed or (short and not records):
            reason = "trimmed: past the stream's 24-hour retention"
        elif short:
            reason = f"only {len(records)} of {batch.batch_size} records are still in the stream"
        read.append(BatchRecords(batch, records, got.trimmed or got.gone or short, reason))
    return FetchedFailures(destination, tuple(read))


def _lambda_value(value: Any) -> Any:
    """DynamoDB JSON as boto3 parses it -> as Lambda sends it (binary as base64 text)."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: _lambda_value(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [_lambda_value(v) for v in value]
    return value


def lambda_record(record: Mapping[str, Any], region: str, source_arn: str) -> dict[str, Any]:
    """A GetRecords record in the shape Lambda passes to a function (eventSourceARN added,
    ApproximateCreationDateTime in epoch seconds)."""
    stream = record.get("dynamodb", {})
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        created = int(created.timestamp())
    dynamodb: dict[str, Any] = {"ApproximateCreationDateTime": created}
    for key in ("Keys", "NewImage", "OldImage"):
        if key in stream:
            dynamodb[key] = _lambda_value(stream[key])
    for key in ("SequenceNumber", "SizeBytes", "StreamViewType"):
        if key in stream:
            dynamodb[key] = stream[key]
    out: dict[str, Any] = {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion") or region,
        "dynamodb": dynamodb,
        "eventSourceARN": source_arn,
    }
    if record.get("userIdentity"):
        out["userIdentity"] = _lambda_value(record["userIdentity"])
    return out
