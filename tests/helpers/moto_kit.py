"""Resources the tests make in moto directly: a table (with or without a stream), a function."""

from __future__ import annotations

import io
import zipfile
from typing import Any


def create_table(dynamodb: Any, name: str, view_type: str | None = None) -> None:
    """A pay-per-request table keyed on `pk`, with a stream of `view_type` when given."""
    spec: dict[str, Any] = {"StreamEnabled": False}
    if view_type:
        spec = {"StreamEnabled": True, "StreamViewType": view_type}
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification=spec,
    )


def create_function(
    lambda_client: Any, iam: Any, name: str, env: dict[str, str] | None = None
) -> None:
    """A Python function with a role (moto never runs its code)."""
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    lambda_client.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role["Role"]["Arn"],
        Handler="index.handler",
        Code={"ZipFile": code.getvalue()},
        Environment={"Variables": env or {}},
    )
