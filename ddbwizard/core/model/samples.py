"""Lambda DynamoDB Streams events built from a table's items (pure: no AWS call, no boto3).

Each item gives three records, as a stream would carry its life: an INSERT of the item, a
MODIFY of one non-key attribute, and a REMOVE. Each record is shaped by the stream's view
type as Lambda delivers it (Keys always; NewImage and OldImage as the view type and the
event allow), with increasing 21-digit sequence numbers and SizeBytes counted as DynamoDB
counts item sizes. With TTL enabled, the first item's REMOVE is a TTL deletion (userIdentity
Service / dynamodb.amazonaws.com).
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Identity.html
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from ddbwizard.core.model import limits

Item = dict[str, dict[str, Any]]  # DynamoDB JSON: {"pk": {"S": "a"}}

TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
EVENT_VERSION = "1.1"
EVENT_SOURCE = "aws:dynamodb"
STRING_SUFFIX = " (changed)"
NEW_ATTRIBUTE = "updatedAt"
_SEQUENCE_BASE = 10**20  # 21 digits, like the shortest sequence numbers streams give
_SEQUENCE_STEP = 100
_PLACEHOLDER_KEYS = {"S": "sample-1", "N": "1", "B": base64.b64encode(b"sample-1").decode()}
_IMAGES = {  # the images an event can carry (the view type keeps some of them)
    "INSERT": ("NewImage",),
    "MODIFY": ("NewImage", "OldImage"),
    "REMOVE": ("OldImage",),
}


@dataclass(frozen=True)
class SampleTable:
    """What shapes the records: the table's key schema, its stream and its TTL attribute."""

    name: str
    key_schema: tuple[str, ...]  # the HASH attribute, then the RANGE one if any
    key_types: Mapping[str, str]  # key attribute -> S, N or B
    view_type: limits.ViewType
    stream_arn: str
    region: str
    ttl_attribute: str | None = None


def placeholder_item(table: SampleTable) -> Item:
    """An item holding only the keys, with placeholder values of the keys' types."""
    return {
        name: {table.key_types[name]: _PLACEHOLDER_KEYS[table.key_types[name]]}
        for name in table.key_schema
    }


def sample_event(
    table: SampleTable, items: Sequence[Mapping[str, Any]], now: float
) -> dict[str, Any]:
    """{"Records": [...]}: INSERT, MODIFY and REMOVE for each item, in order; `now` in epoch seconds."""
    records: list[dict[str, Any]] = []
    created = int(now)
    base = _SEQUENCE_BASE + (created % 10**10) * 10**9
    for index, original in enumerate(items):
        item: Item = copy.deepcopy(dict(original))
        ttl = table.ttl_attribute if index == 0 else None
        if ttl is not None and ttl not in item:
            item[ttl] = {"N": str(created - 60)}  # TTL deletes only items that have it
        changed = modified(item, table.key_schema, created)
        for step, (name, new, old) in enumerate(
            (("INSERT", item, None), ("MODIFY", changed, item), ("REMOVE", None, changed))
        ):
            sequence = str(base + (index * 3 + step + 1) * _SEQUENCE_STEP)
            record = _record(table, name, new, old, sequence, created)
            if ttl is not None and name == "REMOVE":
                record["userIdentity"] = dict(TTL_IDENTITY)
            records.append(record)
    return {"Records": records}


def _record(
    table: SampleTable, name: str, new: Item | None, old: Item | None, sequence: str, created: int
) -> dict[str, Any]:
    either = new if new is not None else old
    assert either is not None
    stream: dict[str, Any] = {
        "ApproximateCreationDateTime": created,
        "Keys": {key: copy.deepcopy(either[key]) for key in table.key_schema if key in either},
    }
    carried = limits.VIEW_TYPE_IMAGES[table.view_type]
    images = {"NewImage": new, "OldImage": old}
    for image in _IMAGES[name]:
        value = images[image]
        if image in carried and value is not None:
            stream[image] = copy.deepcopy(value)
    stream["SequenceNumber"] = sequence
    stream["SizeBytes"] = sum(
        item_size(stream[part]) for part in ("Keys", "NewImage", "OldImage") if part in stream
    )
    stream["StreamViewType"] = table.view_type
    event_id = hashlib.sha256(f"{table.stream_arn}|{sequence}".encode()).hexdigest()[:32]
    return {
        "eventID": event_id,
        "eventName": name,
        "eventVersion": EVENT_VERSION,
        "eventSource": EVENT_SOURCE,
        "awsRegion": table.region,
        "dynamodb": stream,
        "eventSourceARN": table.stream_arn,
    }


def modified(item: Item, keys: Sequence[str], now: int) -> Item:
    """The item after a plausible change to one non-key attribute: a number + 1, a string
    with a suffix, a boolean flipped; without such an attribute, a new one (`updatedAt`)."""
    changed = copy.deepcopy(item)
    for name, value in item.items():
        if name in keys:
            continue
        new_value = _changed_value(value)
        if new_value is not None:
            changed[name] = new_value
            return changed
    attribute = NEW_ATTRIBUTE
    while attribute in changed:
        attribute += "_"
    changed[attribute] = {"S": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return changed


def _changed_value(value: Mapping[str, Any]) -> dict[str, Any] | None:
    if "N" in value and isinstance(value["N"], str):
        try:
            with localcontext() as context:
                context.prec = 38  # DynamoDB's precision
                return {"N": str(Decimal(value["N"]) + 1)}
        except InvalidOperation:
            return None
    if "S" in value and isinstance(value["S"], str):
        return {"S": value["S"] + STRING_SUFFIX}
    if "BOOL" in value and isinstance(value["BOOL"], bool):
        return {"BOOL": not value["BOOL"]}
    return None


# Item sizes ------------------------------------------------------------------------------
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html


def item_size(item: Mapping[str, Any]) -> int:
    """Bytes DynamoDB counts for an item: each attribute's UTF-8 name plus its value."""
    return sum(_utf8(name) + value_size(value) for name, value in item.items())


def value_size(value: Mapping[str, Any]) -> int:
    """Strings and binary by their bytes, numbers by significant digits, containers with 3
    bytes of overhead and 1 a member."""
    ((kind, data),) = value.items()
    if kind == "S":
        return _utf8(data)
    if kind == "N":
        return _number_size(data)
    if kind == "B":
        return _binary_size(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(_utf8(member) for member in data)
    if kind == "NS":
        return sum(_number_size(member) for member in data)
    if kind == "BS":
        return sum(_binary_size(member) for member in data)
    if kind == "L":
        return 3 + sum(value_size(member) + 1 for member in data)
    if kind == "M":
        return 3 + sum(_utf8(name) + value_size(member) + 1 for name, member in data.items())
    return 0


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _number_size(text: str) -> int:
    mantissa = text.lower().partition("e")[0]
    digits = "".join(char for char in mantissa if char.isdigit())
    significant = digits.strip("0") or "0"
    return (len(significant) + 1) // 2 + 1


def _binary_size(data: str) -> int:
    try:
        return len(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError):
        return _utf8(data)
