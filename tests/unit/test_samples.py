"""The sample-event builder (core.model.samples): shapes per view type, keys, sequence, sizes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ddbwizard.core.model import limits
from ddbwizard.core.model.samples import (
    NEW_ATTRIBUTE,
    STRING_SUFFIX,
    TTL_IDENTITY,
    SampleTable,
    item_size,
    modified,
    placeholder_item,
    sample_event,
)

ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2024-05-01T00:00:00.000"
NOW = 1_764_633_600.0  # 2025-12-02T00:00:00Z
ITEM = {
    "pk": {"S": "order#1"},
    "sk": {"N": "7"},
    "total": {"N": "10.50"},
    "status": {"S": "PENDING"},
}


def table(view_type: limits.ViewType = "NEW_AND_OLD_IMAGES", ttl: str | None = None) -> SampleTable:
    return SampleTable(
        name="orders",
        key_schema=("pk", "sk"),
        key_types={"pk": "S", "sk": "N"},
        view_type=view_type,
        stream_arn=ARN,
        region="eu-west-1",
        ttl_attribute=ttl,
    )


def records(view_type: limits.ViewType, items: list[dict[str, Any]] | None = None) -> list[Any]:
    event = sample_event(table(view_type), items or [ITEM], NOW)
    found: list[Any] = event["Records"]
    return found


EXPECTED_IMAGES = {
    "KEYS_ONLY": [set(), set(), set()],
    "NEW_IMAGE": [{"NewImage"}, {"NewImage"}, set()],
    "OLD_IMAGE": [set(), {"OldImage"}, {"OldImage"}],
    "NEW_AND_OLD_IMAGES": [{"NewImage"}, {"NewImage", "OldImage"}, {"OldImage"}],
}


@pytest.mark.parametrize("view_type", limits.VIEW_TYPES)
def test_each_view_type_carries_exactly_its_images(view_type: limits.ViewType) -> None:
    found = records(view_type)
    assert [r["eventName"] for r in found] == ["INSERT", "MODIFY", "REMOVE"]
    images = [set(r["dynamodb"]) & {"NewImage", "OldImage"} for r in found]
    assert images == EXPECTED_IMAGES[view_type]
    assert {r["dynamodb"]["StreamViewType"] for r in found} == {view_type}


def test_records_have_every_field_lambda_sends() -> None:
    for record in records("NEW_AND_OLD_IMAGES"):
        assert re.fullmatch("[0-9a-f]{32}", record["eventID"])
        assert record["eventVersion"] == "1.1"
        assert record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == "eu-west-1"
        assert record["eventSourceARN"] == ARN
        assert record["dynamodb"]["ApproximateCreationDateTime"] == int(NOW)
        assert "userIdentity" not in record


def test_keys_follow_the_key_schema() -> None:
    for record in records("KEYS_ONLY"):
        assert record["dynamodb"]["Keys"] == {"pk": {"S": "order#1"}, "sk": {"N": "7"}}
        assert list(record["dynamodb"]["Keys"]) == ["pk", "sk"]


def test_sequence_numbers_have_21_digits_and_increase() -> None:
    found = records("KEYS_ONLY", [ITEM, {**ITEM, "pk": {"S": "order#2"}}])
    numbers = [r["dynamodb"]["SequenceNumber"] for r in found]
    assert all(re.fullmatch("[1-9][0-9]{20}", n) for n in numbers)
    assert [int(n) for n in numbers] == sorted(int(n) for n in numbers)
    assert len(set(numbers)) == len(numbers) == 6
    assert len({r["eventID"] for r in found}) == 6


def test_modify_changes_one_non_key_attribute() -> None:
    insert, modify, remove = records("NEW_AND_OLD_IMAGES")
    assert modify["dynamodb"]["OldImage"] == ITEM
    assert modify["dynamodb"]["NewImage"] == {**ITEM, "total": {"N": "11.50"}}
    assert insert["dynamodb"]["NewImage"] == ITEM
    assert remove["dynamodb"]["OldImage"] == modify["dynamodb"]["NewImage"]


@pytest.mark.parametrize(
    ("value", "changed"),
    [
        ({"N": "41"}, {"N": "42"}),
        ({"S": "new"}, {"S": "new" + STRING_SUFFIX}),
        ({"BOOL": True}, {"BOOL": False}),
    ],
)
def test_modify_numbers_strings_and_booleans(
    value: dict[str, Any], changed: dict[str, Any]
) -> None:
    assert modified({"pk": {"S": "a"}, "x": value}, ("pk",), int(NOW))["x"] == changed


def test_an_item_with_only_keys_gets_a_new_attribute() -> None:
    after = modified({"pk": {"S": "a"}}, ("pk",), int(NOW))
    assert after == {"pk": {"S": "a"}, NEW_ATTRIBUTE: {"S": "2025-12-02T00:00:00Z"}}


def test_placeholder_item_has_the_key_types() -> None:
    assert placeholder_item(table()) == {"pk": {"S": "sample-1"}, "sk": {"N": "1"}}


def test_ttl_makes_the_first_remove_a_service_deletion() -> None:
    event = sample_event(table(ttl="expiresAt"), [ITEM, {**ITEM, "pk": {"S": "b"}}], NOW)
    removes = [r for r in event["Records"] if r["eventName"] == "REMOVE"]
    assert removes[0]["userIdentity"] == TTL_IDENTITY
    assert "userIdentity" not in removes[1]
    expired = removes[0]["dynamodb"]["OldImage"]["expiresAt"]["N"]
    assert int(expired) < NOW


def test_size_bytes_counts_like_dynamodb() -> None:
    # AWS's own example: Keys {"id": "1"} + NewImage {"id": "1", "key": "updated"} + OldImage
    # {"id": "1", "key": "value"} is 27 bytes.
    keys = {"id": {"S": "1"}}
    assert item_size(keys) + item_size({**keys, "key": {"S": "updated"}}) == 16
    assert item_size({**keys, "key": {"S": "value"}}) == 11
    assert item_size({"n": {"N": "123.45"}}) == 1 + 4
    assert item_size({"m": {"M": {"a": {"BOOL": True}}}}) == 1 + 3 + (1 + 1 + 1)


def test_size_bytes_is_the_sum_of_the_record_parts() -> None:
    for record in records("NEW_AND_OLD_IMAGES"):
        stream = record["dynamodb"]
        parts = [stream[p] for p in ("Keys", "NewImage", "OldImage") if p in stream]
        assert stream["SizeBytes"] == sum(item_size(p) for p in parts)
