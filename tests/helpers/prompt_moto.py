"""moto helpers for the line wizard tests: demo tables on the shared server."""

from __future__ import annotations

from typing import Any

import boto3

REGION = "us-east-1"


def ddb(endpoint: str) -> Any:
    return boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)


def make_table(endpoint: str, name: str, view_type: str | None = None) -> None:
    stream: dict[str, Any] = {"StreamEnabled": False}
    if view_type:
        stream = {"StreamEnabled": True, "StreamViewType": view_type}
    ddb(endpoint).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification=stream,
    )
