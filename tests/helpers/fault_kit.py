"""Helpers of the fault suite: the CLI in-process, AWS calls recorded, moto tables, Stubber wiring.

Each fault test asserts what the user sees (exit code, message on stderr) and what was or was
not changed in AWS: moto's state, and `Calls`, which records every API call any botocore client
made (it wraps BaseClient._make_api_call, above moto and the Stubber alike).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.client
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from ddbwizard.cli import main
from tests.helpers.moto_kit import create_function, create_table

REGION = "us-east-1"
ACCOUNT = "123456789012"
TABLE = "orders"
STACK = "orders-echo"
MUTATING = frozenset(
    {
        "UpdateTable", "DeleteTable", "PutItem", "CreateChangeSet", "ExecuteChangeSet",
        "DeleteChangeSet", "DeleteStack", "CreateStack", "UpdateStack", "CancelUpdateStack",
        "CreateFunction", "DeleteFunction", "CreateEventSourceMapping",
        "DeleteEventSourceMapping", "CreateLogGroup", "DeleteLogGroup",
    }
)  # fmt: skip
Override = Callable[[Callable[[], Any], dict[str, Any]], Any]


@dataclass
class Calls:
    """(service, operation, params) of every API call; `overrides` answer some calls instead."""

    made: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    overrides: dict[str, Override] = field(default_factory=dict)

    def operations(self, service: str | None = None) -> list[str]:
        return [op for svc, op, _ in self.made if service is None or svc == service]

    def mutations(self) -> list[str]:
        return [op for _, op, _ in self.made if op in MUTATING]


def record_calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    calls = Calls()
    original = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def wrapped(self: Any, operation: str, params: dict[str, Any]) -> Any:
        service = self.meta.service_model.service_name
        calls.made.append((service, operation, dict(params)))
        override = calls.overrides.get(operation)
        if override is not None:
            return override(lambda: original(self, operation, params), params)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", wrapped)
    return calls


def client_error(operation: str, code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_cli(capsys: pytest.CaptureFixture[str], *args: Any) -> CliResult:
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return CliResult(code, captured.out, captured.err)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def answers(tmp_path: Path, extra: str = "", name: str = "a.yaml") -> Path:
    """An answers file for table orders (stack orders-echo, no tags), plus `extra` lines."""
    return write(tmp_path / name, f"version: 1\ntable: {{name: {TABLE}}}\n{extra}")


def stream_arn(table: str = TABLE, label: str = "2026-01-01T00:00:00.000") -> str:
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}/stream/{label}"


@contextmanager
def moto() -> Iterator[None]:
    with mock_aws(config={"lambda": {"use_docker": False}}):
        yield


def ddb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


def make_table(view_type: str | None = "NEW_AND_OLD_IMAGES", name: str = TABLE) -> str | None:
    """A moto table (inside `moto()`); its stream ARN, or None without a stream."""
    create_table(ddb(), name, view_type)
    return table_state(name).get("LatestStreamArn")


def table_state(name: str = TABLE) -> dict[str, Any]:
    table: dict[str, Any] = ddb().describe_table(TableName=name)["Table"]
    return table


def add_reader(arn: str, name: str) -> None:
    """A function of another team with a mapping on the stream."""
    lam = boto3.client("lambda", region_name=REGION)
    create_function(lam, boto3.client("iam", region_name=REGION), name)
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName=name, StartingPosition="LATEST"
    )


@dataclass
class Stubbed:
    """CloudFormation answered by a CfnScript (botocore Stubber); time is fake and instant."""

    script: Any
    time: Any

    def operations(self) -> list[str]:
        ops: list[str] = self.script.operations()
        return ops
