"""The trigger's health through the facade: reads only, every call translated.

CloudWatch (the function's metrics), Lambda (the function's mappings), SQS (the on-failure
queue's depth, and a peek that deletes nothing), S3 (the newest on-failure objects) and
DynamoDB Streams (the records of a failed batch). Nothing here changes anything: a peek
receives with a visibility timeout of PEEK_VISIBILITY_SECONDS, so the messages are visible
again to every other reader at once, and no message is ever deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from ddbwizard.core.aws.errors import error_code
from ddbwizard.core.aws.values import MappingInfo, mapping_info

if TYPE_CHECKING:
    from ddbwizard.core.aws.facade import Aws

PEEK_VISIBILITY_SECONDS = 0  # the peeked messages stay visible: the peek hides nothing
MAX_PEEK = 10  # one ReceiveMessage answers at most 10
MAX_GET_RECORDS_CALLS = 20  # a failed batch's range is read in at most this many pages
# (AWS/Lambda metric name, statistic): the four figures of the health panel
METRICS = (
    ("IteratorAge", "Maximum"),
    ("Errors", "Sum"),
    ("Throttles", "Sum"),
    ("Invocations", "Sum"),
)


@dataclass(frozen=True)
class Series:
    """One metric over the window: points oldest first (timestamp, value)."""

    name: str
    statistic: str
    points: tuple[tuple[datetime, float], ...]


@dataclass(frozen=True)
class Peeked:
    """One message of a queue, seen and left in place."""

    body: str
    sent: datetime | None
    receive_count: int


@dataclass(frozen=True)
class StoredObject:
    """One object of a bucket (an S3 on-failure record) and its text."""

    key: str
    modified: datetime | None
    body: str


@dataclass(frozen=True)
class RangeRead:
    """The records of one shard from a sequence number on, as GetRecords gave them.

    `trimmed`: the start is past the stream's 24-hour retention (TrimmedDataAccessException);
    `gone`: the stream or the shard no longer exists.
    """

    records: tuple[Mapping[str, Any], ...]
    trimmed: bool = False
    gone: bool = False


class Health:
    """The read-only calls of `--check` and `--fetch-failed`."""

    def __init__(self, aws: Aws) -> None:
        self._aws = aws

    # -- CloudWatch ------------------------------------------------------------------
    def function_metrics(
        self, function_name: str, start: datetime, end: datetime, period: int
    ) -> list[Series]:
        """GetMetricData of METRICS for the function (dimension FunctionName), every page."""
        cloudwatch = self._aws.client("cloudwatch")
        queries: list[Any] = [
            {
                "Id": f"m{index}",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": name,
                        "Dimensions": [{"Name": "FunctionName", "Value": function_name}],
                    },
                    "Period": period,
                    "Stat": statistic,
                },
                "ReturnData": True,
            }
            for index, (name, statistic) in enumerate(METRICS)
        ]
        found: dict[str, list[tuple[datetime, float]]] = {f"m{i}": [] for i in range(len(METRICS))}
        pages = cloudwatch.get_paginator("get_metric_data")
        with self._aws.errors("cloudwatch:GetMetricData", resource=f"function {function_name}"):
            for page in pages.paginate(
                MetricDataQueries=queries, StartTime=start, EndTime=end, ScanBy="TimestampAscending"
            ):
                for result in page.get("MetricDataResults", []):
                    points = zip(
                        result.get("Timestamps", []), result.get("Values", []), strict=False
                    )
                    found.setdefault(result.get("Id", ""), []).extend(points)
        return [
            Series(name, statistic, tuple(sorted(found[f"m{index}"])))
            for index, (name, statistic) in enumerate(METRICS)
        ]

    # -- Lambda ----------------------------------------------------------------------
    def function_mappings(self, function_name: str) -> list[MappingInfo]:
        """Every event source mapping of the function, whatever stream it reads."""
        pages = self._aws.client("lambda").get_paginator("list_event_source_mappings")
        with self._aws.errors("lambda:ListEventSourceMappings", resource=function_name):
            return [
                mapping_info(cast(Mapping[str, Any], m))
                for page in pages.paginate(FunctionName=function_name)
                for m in page.get("EventSourceMappings", [])
            ]

    # -- SQS -------------------------------------------------------------------------
    def queue_url(self, queue_arn: str) -> str:
        """GetQueueUrl for a queue ARN (arn:aws:sqs:region:account:name)."""
        *_, account, name = queue_arn.split(":")
        sqs = self._aws.client("sqs")
        with self._aws.errors("sqs:GetQueueUrl", resource=queue_arn):
            return sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]

    def queue_depth(self, queue_url: str) -> tuple[int, int]:
        """(messages waiting, messages in flight) of a queue: ApproximateNumberOfMessages[...]."""
        sqs = self._aws.client("sqs")
        with self._aws.errors("sqs:GetQueueAttributes", resource=queue_url):
            attributes = sqs.get_queue_attributes(
                QueueUrl=queue_url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            ).get("Attributes", {})
        return (
            int(attributes.get("ApproximateNumberOfMessages", 0)),
            int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
        )

    def peek_queue(self, queue_url: str, limit: int = MAX_PEEK) -> list[Peeked]:
        """At most `limit` messages, received with a zero visibility timeout and never deleted."""
        sqs = self._aws.client("sqs")
        with self._aws.errors("sqs:ReceiveMessage", resource=queue_url):
            messages = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=min(limit, MAX_PEEK),
                VisibilityTimeout=PEEK_VISIBILITY_SECONDS,
                WaitTimeSeconds=0,
                MessageSystemAttributeNames=["SentTimestamp", "ApproximateReceiveCount"],
            ).get("Messages", [])
        peeked = []
        for message in messages:
            attributes = message.get("Attributes", {})
            sent = attributes.get("SentTimestamp")
            peeked.append(
                Peeked(
                    body=message.get("Body", ""),
                    sent=datetime.fromtimestamp(int(sent) / 1000, UTC) if sent else None,
                    receive_count=int(attributes.get("ApproximateReceiveCount", 0)),
                )
            )
        return peeked

    # -- S3 --------------------------------------------------------------------------
    def newest_objects(self, bucket: str, prefix: str, limit: int) -> list[StoredObject]:
        """The `limit` newest objects under `prefix` (ListObjectsV2, every page), with their text."""
        s3 = self._aws.client("s3")
        pages = s3.get_paginator("list_objects_v2")
        with self._aws.errors("s3:ListBucket", resource=f"s3://{bucket}/{prefix}"):
            listed = [
                (item.get("LastModified"), item["Key"])
                for page in pages.paginate(Bucket=bucket, Prefix=prefix)
                for item in page.get("Contents", [])
                if "Key" in item
            ]
        newest = sorted(listed, key=lambda e: e[0] or datetime.min.replace(tzinfo=UTC))
        found = []
        for modified, key in reversed(newest[-limit:] if limit else []):
            with self._aws.errors("s3:GetObject", resource=f"s3://{bucket}/{key}"):
                body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            found.append(StoredObject(key, modified, body.decode("utf-8", "replace")))
        return found

    # -- DynamoDB Streams ------------------------------------------------------------
    def read_range(
        self, stream_arn: str, shard_id: str, first: str, last: str, limit: int
    ) -> RangeRead:
        """The records of a shard from sequence number `first` through `last` (at most `limit`):
        GetShardIterator AT_SEQUENCE_NUMBER, then GetRecords page by page."""
        streams = self._aws.client("dynamodbstreams")
        with self._aws.errors("dynamodb:GetShardIterator", resource=stream_arn):
            try:
                iterator: str | None = streams.get_shard_iterator(
                    StreamArn=stream_arn,
                    ShardId=shard_id,
                    ShardIteratorType="AT_SEQUENCE_NUMBER",
                    SequenceNumber=first,
                ).get("ShardIterator")
            except ClientError as exc:
                if error_code(exc) == "TrimmedDataAccessException":
                    return RangeRead((), trimmed=True)
                if error_code(exc) == "ResourceNotFoundException":
                    return RangeRead((), gone=True)
                raise
        found: list[Mapping[str, Any]] = []
        calls = 0
        while iterator and calls < MAX_GET_RECORDS_CALLS and len(found) < limit:
            calls += 1
            with self._aws.errors("dynamodb:GetRecords", resource=stream_arn):
                try:
                    page = streams.get_records(ShardIterator=iterator, Limit=1000)
                except ClientError as exc:
                    if error_code(exc) == "TrimmedDataAccessException":
                        return RangeRead(tuple(found), trimmed=True)
                    raise
            records = page.get("Records", [])
            for record in records:
                number = record.get("dynamodb", {}).get("SequenceNumber", "")
                if number and int(number) > int(last):
                    return RangeRead(tuple(found))
                found.append(cast(Mapping[str, Any], record))
            if found and not records:
                break  # the shard's end so far: the rest of the range is not there
            iterator = page.get("NextShardIterator")  # an empty page before the range: read on
        return RangeRead(tuple(found[:limit]))
