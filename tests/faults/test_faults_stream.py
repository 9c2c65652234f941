"""faults.md rows 15-22: DynamoDB tables and their stream (moto, with some answers overridden)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from ddbwizard.core.aws.facade import Aws, make_session
from ddbwizard.core.model import limits, questions as steps
from ddbwizard.core.stream import find_stream, resolve_stream
from tests.helpers.cfn_fakes import FakeTime
from tests.helpers.fault_kit import (
    REGION,
    Calls,
    CliResult,
    add_reader,
    answers,
    make_table,
    moto,
    table_state,
)

Cli = Callable[..., CliResult]


def fake_stream_waits(monkeypatch: pytest.MonkeyPatch, interrupt_on: int | None = None) -> FakeTime:
    """find_stream's and resolve_stream's sleep and clock, as the headless runner calls
    them, made instant."""
    fake = FakeTime(interrupt_on=interrupt_on)
    for function in (find_stream, resolve_stream):
        defaults = function.__kwdefaults__
        assert defaults is not None
        monkeypatch.setitem(defaults, "sleep", fake.sleep)
        monkeypatch.setitem(defaults, "clock", fake.clock)
    return fake


def answer_with(section: str, key: str, value: str) -> Callable[[Callable[[], Any], Any], Any]:
    """An override: moto's real answer with one field changed (a state moto never shows)."""

    def override(call: Callable[[], Any], params: Any) -> Any:
        answer = call()
        answer[section][key] = value
        return answer

    return override


def test_row_15_no_tables_says_which_region_and_listing_pages(
    cli: Cli, calls: Calls, tmp_path: Path
) -> None:
    with moto():
        result = cli("--answers", answers(tmp_path), "--yes")
        assert result.code == 1
        assert "Table 'orders' was not found in us-east-1" in result.err
        assert "There are no tables in us-east-1; check the region (--region)." in result.err
        for index in range(101):
            make_table(None, name=f"table-{index:03d}")
        assert len(Aws(make_session(None, REGION)).list_table_names()) == 101  # two pages
        result = cli("--answers", answers(tmp_path), "--yes")
    assert result.code == 1
    assert "101 tables in us-east-1" in result.err
    assert calls.operations("dynamodb").count("ListTables") == 1 + 2 + 2
    assert calls.mutations() == []  # (CreateTable is the test's own setup)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("DELETING", "Table orders is being deleted (DELETING); nothing was changed"),
        ("ARCHIVED", "Table orders is archived (restore it first) (ARCHIVED)"),
        ("INACCESSIBLE_ENCRYPTION_CREDENTIALS", "its KMS key is inaccessible"),
        ("CREATING", "Table orders is still CREATING after 300 s; nothing was changed"),
        ("UPDATING", "Table orders is still UPDATING after 300 s; nothing was changed"),
    ],
)
def test_row_16_unusable_or_busy_tables(
    cli: Cli,
    calls: Calls,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    status: str,
    expected: str,
) -> None:
    fake = fake_stream_waits(monkeypatch)
    with moto():
        make_table(None)
        calls.overrides["DescribeTable"] = answer_with("Table", "TableStatus", status)
        result = cli("--answers", answers(tmp_path), "--yes")
        del calls.overrides["DescribeTable"]
        assert "StreamSpecification" not in table_state()
    assert result.code == 1
    assert expected in result.err
    assert "UpdateTable" not in calls.operations()
    assert "CreateChangeSet" not in calls.operations()
    if status in ("CREATING", "UPDATING"):
        assert fake.now == 300  # waited, polling, until the deadline
        assert "aws dynamodb describe-table --table-name orders" in result.err


def test_row_17_stream_with_the_wanted_view_type_is_reused(
    cli: Cli, calls: Calls, tmp_path: Path
) -> None:
    with moto():
        arn = make_table("NEW_AND_OLD_IMAGES")
        result = cli("--answers", answers(tmp_path), "--dry-run")
        assert table_state()["LatestStreamArn"] == arn
    assert result.code == 0, result.err
    assert f"Reusing the NEW_AND_OLD_IMAGES stream of orders: {arn}" in result.err
    assert "UpdateTable" not in calls.operations()
    assert "Dry run: nothing was changed" in result.err


def test_row_18_other_view_type_is_kept_never_recreated(
    cli: Cli, calls: Calls, tmp_path: Path
) -> None:
    with moto():
        arn = make_table("KEYS_ONLY")
        refused = cli("--answers", answers(tmp_path))
        assert refused.code == 2
        assert "Table orders already has a KEYS_ONLY stream; you asked for NEW_AND_OLD_IMAGES" in (
            refused.err
        )
        assert "would create a new stream ARN and break every function that reads it" in (
            refused.err
        )
        assert "--yes" in refused.err
        agreed = cli("--answers", answers(tmp_path), "--yes", "--dry-run")
        state = table_state()
    assert agreed.code == 0, agreed.err
    assert "Use the existing KEYS_ONLY stream of orders instead of NEW_AND_OLD_IMAGES? yes" in (
        agreed.err
    )
    assert state["LatestStreamArn"] == arn
    assert state["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    assert "UpdateTable" not in calls.operations()


@pytest.mark.parametrize("how", ["ctrl-c", "deadline"])
def test_row_19_stream_still_enabling(
    cli: Cli, calls: Calls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    fake = fake_stream_waits(monkeypatch, interrupt_on=1 if how == "ctrl-c" else None)
    with moto():
        make_table(None)
        calls.overrides["DescribeStream"] = answer_with(
            "StreamDescription", "StreamStatus", "ENABLING"
        )
        result = cli("--answers", answers(tmp_path), "--yes")
        del calls.overrides["DescribeStream"]
        state = table_state()
    assert state["StreamSpecification"]["StreamEnabled"] is True  # it stays on
    assert calls.operations().count("UpdateTable") == 1
    assert "CreateChangeSet" not in calls.operations()
    check = "aws dynamodb describe-table --table-name orders"
    if how == "ctrl-c":
        assert result.code == 130
        assert "The stream on orders is being enabled and stays on" in result.err
    else:
        assert result.code == 1
        assert fake.now == 300
        assert "The stream on table orders is still ENABLING after 300 s. It stays on" in result.err
    assert check in result.err


def test_row_20_two_readers_warn_before_a_third(cli: Cli, calls: Calls, tmp_path: Path) -> None:
    with moto():
        arn = make_table("NEW_AND_OLD_IMAGES")
        assert arn is not None
        add_reader(arn, "audit")
        add_reader(arn, "search-sync")
        calls.made.clear()
        result = cli("--answers", answers(tmp_path), "--dry-run")
    assert result.code == 0, result.err
    assert "warning: 2 functions already read this stream (" in result.err
    assert "a third may be throttled (at most 2 readers per shard)" in result.err
    assert result.err.index("already read this stream") < result.err.index("would be created")
    assert calls.mutations() == []  # a dry run changes nothing at all


@pytest.mark.parametrize("existing", ["log group", "function"])
def test_row_21_name_clash_outside_the_stack_is_caught_before_deploy(
    cli: Cli, calls: Calls, tmp_path: Path, existing: str
) -> None:
    with moto():
        arn = make_table("NEW_AND_OLD_IMAGES")
        assert arn is not None
        if existing == "log group":
            boto3.client("logs", region_name=REGION).create_log_group(
                logGroupName="/aws/lambda/orders-echo"
            )
            expected = "a log group named /aws/lambda/orders-echo already exist(s)"
        else:
            add_reader(arn, "orders-echo")
            expected = "a Lambda function named orders-echo already exist(s)"
        result = cli("--answers", answers(tmp_path), "--yes")
        stacks = boto3.client("cloudformation", region_name=REGION).list_stacks()
    assert result.code == 2
    assert f"{expected} outside stack orders-echo" in result.err
    assert "Choose another stack name, or delete them first." in result.err
    assert "CreateChangeSet" not in calls.operations()
    assert stacks["StackSummaries"] == []


def test_row_22_latest_and_trim_horizon_are_explained_when_choosing() -> None:
    question = steps.BY_ID["mapping.starting_position"]
    assert question.choices is not None
    base = steps.start_answers("orders")
    helps = {choice.value: choice.help for choice in question.choices(base)}
    assert set(helps) == {"TRIM_HORIZON", "LATEST"}
    assert "changes made before the mapping exists are skipped" in helps["LATEST"]
    assert "replays up to 24 hours" in helps["TRIM_HORIZON"]
    assert "AT_TIMESTAMP is for Kinesis and Kafka only" in question.help
    assert helps == dict(limits.STARTING_POSITION_HELP)
