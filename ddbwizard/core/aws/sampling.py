"""What --sample-events reads of a table: its description, its TTL and one bounded Scan page."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Errors = Callable[..., AbstractContextManager[None]]


@dataclass(frozen=True)
class SampleSource:
    """A table's key schema and stream, its TTL attribute (None: TTL off) and at most N items."""

    name: str
    key_schema: tuple[str, ...]
    key_types: dict[str, str]
    view_type: str | None
    stream_arn: str | None
    ttl_attribute: str | None
    items: list[dict[str, Any]] = field(default_factory=list)


def read_sample(ddb: DynamoDBClient, errors: Errors, table: str, limit: int) -> SampleSource:
    """DescribeTable, DescribeTimeToLive and one Scan page of at most `limit` items
    (eventually consistent; a Scan page also stops at 1 MiB). Nothing else is called."""
    resource = f"table {table}"
    with errors("dynamodb:DescribeTable", resource=resource):
        described = ddb.describe_table(TableName=table)["Table"]
    with errors("dynamodb:DescribeTimeToLive", resource=resource):
        ttl = ddb.describe_time_to_live(TableName=table).get("TimeToLiveDescription", {})
    with errors("dynamodb:Scan", resource=resource):
        page = ddb.scan(TableName=table, Limit=limit, ConsistentRead=False)
    schema = sorted(described.get("KeySchema", []), key=lambda key: key["KeyType"] != "HASH")
    names = tuple(key["AttributeName"] for key in schema)
    types: dict[str, str] = {
        definition["AttributeName"]: definition["AttributeType"]
        for definition in described.get("AttributeDefinitions", [])
        if definition["AttributeName"] in names
    }
    spec = described.get("StreamSpecification", {})
    enabled = bool(spec.get("StreamEnabled"))
    return SampleSource(
        name=table,
        key_schema=names,
        key_types=types,
        view_type=spec.get("StreamViewType") if enabled else None,
        stream_arn=described.get("LatestStreamArn") if enabled else None,
        ttl_attribute=ttl.get("AttributeName")
        if ttl.get("TimeToLiveStatus") == "ENABLED"
        else None,
        items=[cast(dict[str, Any], item) for item in page.get("Items", [])[:limit]],
    )
