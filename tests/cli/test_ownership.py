"""ddbwizard changes only a stack it made for this table (a moto server, the CLI as a process)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers.endpoint_run import client, ddbwizard
from tests.helpers.moto_kit import create_table

FOREIGN = {
    "Resources": {
        "Jobs": {"Type": "AWS::SQS::Queue"},
        "Ledger": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            },
        },
    }
}


def answers(path: Path, table: str, stack: str) -> Path:
    path.write_text(
        f"version: 1\ntable: {{name: {table}}}\nstream: {{view_type: NEW_IMAGE}}\n"
        f"stack: {{name: {stack}}}\n",
        encoding="utf-8",
    )
    return path


def resources(endpoint: str, stack: str) -> list[str]:
    listed: list[dict[str, Any]] = client(endpoint, "cloudformation").list_stack_resources(
        StackName=stack
    )["StackResourceSummaries"]
    return sorted(r["LogicalResourceId"] for r in listed)


def test_a_stack_ddbwizard_did_not_make_is_refused_before_any_change(
    moto_endpoint: str, tmp_path: Path
) -> None:
    ddb = client(moto_endpoint, "dynamodb")
    create_table(ddb, "victim")
    cfn = client(moto_endpoint, "cloudformation")
    cfn.create_stack(StackName="victim-echo", TemplateBody=json.dumps(FOREIGN))
    file = answers(tmp_path / "a.yaml", "victim", "victim-echo")

    for extra in ((), ("--yes",), ("--destroy", "--yes")):
        result = ddbwizard(moto_endpoint, "--answers", str(file), *extra, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "Stack victim-echo exists and ddbwizard did not make it" in result.stderr
        assert "Jobs (AWS::SQS::Queue)" in result.stderr
        assert "Traceback" not in result.stderr

    assert resources(moto_endpoint, "victim-echo") == ["Jobs", "Ledger"]
    assert cfn.list_change_sets(StackName="victim-echo")["Summaries"] == []
    table = ddb.describe_table(TableName="victim")["Table"]
    assert "StreamSpecification" not in table  # refused before the UpdateTable too


def test_two_tables_with_one_default_stack_name_never_share_it(
    moto_endpoint: str, tmp_path: Path
) -> None:
    ddb = client(moto_endpoint, "dynamodb")
    for name in ("orders.v2", "orders_v2"):
        create_table(ddb, name)
    first = answers(tmp_path / "one.yaml", "orders.v2", "orders-v2-echo")
    second = answers(tmp_path / "two.yaml", "orders_v2", "orders-v2-echo")

    made = ddbwizard(moto_endpoint, "--answers", str(first), "--yes", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    refused = ddbwizard(moto_endpoint, "--answers", str(second), "--yes", cwd=tmp_path)

    assert refused.returncode == 2, refused.stderr
    assert "Stack orders-v2-echo belongs to table 'orders.v2', not 'orders_v2'" in refused.stderr
    tags = client(moto_endpoint, "cloudformation").describe_stacks(StackName="orders-v2-echo")
    owner = {t["Key"]: t["Value"] for t in tags["Stacks"][0]["Tags"]}["ddbwizard:table"]
    assert owner == "orders.v2"
    assert "StreamSpecification" not in ddb.describe_table(TableName="orders_v2")["Table"]
