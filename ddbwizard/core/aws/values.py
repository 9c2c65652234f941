"""Plain values the AWS facade returns: identity, tables, mappings, log lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Identity:
    account: str
    arn: str
    region: str


@dataclass(frozen=True)
class TableInfo:
    """What the table step shows; `error` is set (and status is UNKNOWN) when it could not be read."""

    name: str
    status: str
    stream_enabled: bool = False
    view_type: str | None = None
    latest_stream_arn: str | None = None
    item_count: int | None = None
    size_bytes: int | None = None
    billing_mode: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class MappingInfo:
    """An event source mapping; `settings` holds every other field AWS returned."""

    uuid: str
    function_arn: str
    state: str
    last_processing_result: str
    batch_size: int
    starting_position: str
    event_source_arn: str
    settings: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def function_name(self) -> str:
        return self.function_arn.rsplit(":", 1)[-1] if self.function_arn else ""


@dataclass(frozen=True)
class LogLine:
    timestamp_ms: int
    stream: str
    message: str
    event_id: str = ""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


_MAPPING_FIELDS = (
    "UUID",
    "FunctionArn",
    "State",
    "LastProcessingResult",
    "BatchSize",
    "StartingPosition",
    "EventSourceArn",
)


def mapping_info(data: Mapping[str, Any]) -> MappingInfo:
    """A MappingInfo from a ListEventSourceMappings / GetEventSourceMapping entry."""
    return MappingInfo(
        uuid=str(data.get("UUID") or ""),
        function_arn=str(data.get("FunctionArn") or ""),
        state=str(data.get("State") or ""),
        last_processing_result=str(data.get("LastProcessingResult") or ""),
        batch_size=int(data.get("BatchSize") or 0),
        starting_position=str(data.get("StartingPosition") or ""),
        event_source_arn=str(data.get("EventSourceArn") or ""),
        settings={
            k: _plain(v)
            for k, v in data.items()
            if k not in _MAPPING_FIELDS and k != "ResponseMetadata"
        },
    )


def table_info(data: Mapping[str, Any]) -> TableInfo:
    """A TableInfo from DescribeTable's Table."""
    spec = data.get("StreamSpecification") or {}
    enabled = bool(spec.get("StreamEnabled"))
    billing = (data.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED"
    return TableInfo(
        name=str(data["TableName"]),
        status=str(data.get("TableStatus", "UNKNOWN")),
        stream_enabled=enabled,
        view_type=spec.get("StreamViewType") if enabled else None,
        latest_stream_arn=data.get("LatestStreamArn"),
        item_count=data.get("ItemCount"),
        size_bytes=data.get("TableSizeBytes"),
        billing_mode=billing,
    )
