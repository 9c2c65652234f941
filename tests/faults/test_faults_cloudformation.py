"""faults.md rows 23-33: CloudFormation states and failures (botocore Stubber, moto for the rest).

Each test runs the CLI in-process against a moto table with a stream; CloudFormation answers
come from a CfnScript queue, and `cfn.operations()` is every CloudFormation call really made.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ddbwizard.core.deploy.execute import Deployer
from tests.helpers.cfn_fakes import (
    ALL_ADDS,
    CHANGE_SET_ID,
    CHANGE_SET_NAME,
    STACK,
    STACK_ID,
    Timeline,
    event,
    failed_create,
    review_history,
)
from tests.helpers.fault_kit import (
    Calls,
    CliResult,
    Stubbed,
    answers,
    make_table,
    moto,
    table_state,
)

Cli = Callable[..., CliResult]
MUTATIONS = {"CreateChangeSet", "ExecuteChangeSet", "DeleteStack", "DeleteChangeSet"}
REVIEW = review_history()
EMPTY_REASON = (
    "The submitted information didn't contain changes. Submit different information to create "
    "a change set."
)


def deploy(cli: Cli, tmp_path: Path, *flags: str) -> CliResult:
    """`ddbwizard --answers a.yaml --yes ...` against a moto table that has a stream."""
    with moto():
        make_table("NEW_AND_OLD_IMAGES")
        return cli("--answers", answers(tmp_path), "--yes", *flags)


def new_stack_change_set(cfn: Stubbed, *, execute: bool = True) -> None:
    cfn.script.describe_stacks(None)  # the preflight's read-only decision
    cfn.script.create_change_set("CREATE")
    cfn.script.describe_change_set("CREATE_COMPLETE", changes=ALL_ADDS)
    if execute:
        cfn.script.events(REVIEW)  # baseline
        cfn.script.execute_change_set()


def successful_create() -> Timeline:
    return Timeline(
        history=REVIEW,
        events=[
            event(STACK, "CREATE_IN_PROGRESS", 0.3, reason="User Initiated"),
            *(event(lid, "CREATE_COMPLETE", 1.0 + i) for i, lid in enumerate(
                ("EchoLogGroup", "EchoRole", "EchoFunction", "EchoMapping"))),
            event(STACK, "CREATE_COMPLETE", 5.8),
        ],
        statuses=[(-10, "REVIEW_IN_PROGRESS"), (0.3, "CREATE_IN_PROGRESS"), (5.8, "CREATE_COMPLETE")],
        outputs={"FunctionName": "orders-echo", "LogGroupName": "/aws/lambda/orders-echo"},
    )  # fmt: skip


def test_row_23_operation_in_progress_stops_with_the_status(
    cli: Cli, cfn: Stubbed, tmp_path: Path
) -> None:
    cfn.script.describe_stacks("UPDATE_IN_PROGRESS")
    result = deploy(cli, tmp_path)
    assert result.code == 1
    assert "Stack orders-echo is busy (UPDATE_IN_PROGRESS); wait for it to finish" in result.err
    assert "aws cloudformation describe-stack-events --stack-name orders-echo" in result.err
    assert cfn.operations() == ["DescribeStacks"]


@pytest.mark.parametrize("status", ["ROLLBACK_COMPLETE", "ROLLBACK_FAILED"])
def test_row_24_failed_first_create_needs_replace_failed(
    cli: Cli, cfn: Stubbed, tmp_path: Path, status: str
) -> None:
    cfn.script.describe_stacks(status)
    result = deploy(cli, tmp_path)
    assert result.code == 2
    assert f"Stack orders-echo is in {status} from an earlier failed create" in result.err
    assert "Re-run with --replace-failed to delete and re-create it." in result.err
    assert not MUTATIONS & set(cfn.operations())

    # --dry-run makes no change at all: it says it would delete the failed stack first.
    cfn.script.describe_stacks(status)
    result = deploy(cli, tmp_path, "--replace-failed", "--dry-run")
    assert result.code == 0, result.err
    cfn.script.stubber.assert_no_pending_responses()
    assert f"delete stack orders-echo ({status}, from a failed create)" in result.err
    assert "Dry run: nothing was changed" in result.err
    assert not (MUTATIONS | {"CreateChangeSet"}) & set(cfn.operations())


STUCK_REASON = 'Resource handler returned message: "The role defined for the function cannot be assumed by Lambda."'  # fmt: skip


@pytest.mark.parametrize(
    ("status", "phase", "failed", "expected"),
    [
        ("UPDATE_ROLLBACK_FAILED", "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_FAILED",
         "aws cloudformation continue-update-rollback --stack-name orders-echo --region us-east-1 "
         "(add --resources-to-skip EchoFunction to give up on them)"),
        ("DELETE_FAILED", "DELETE_IN_PROGRESS", "DELETE_FAILED",
         "aws cloudformation delete-stack --stack-name orders-echo --region us-east-1 "
         "--retain-resources EchoFunction"),
    ],
)  # fmt: skip
def test_row_25_stuck_stacks_point_at_the_stuck_resources(
    cli: Cli, cfn: Stubbed, tmp_path: Path, status: str, phase: str, failed: str, expected: str
) -> None:
    cfn.script.describe_stacks(status)
    cfn.script.events([
        event(STACK, phase, -60, token=None),
        event("EchoFunction", failed, -50, reason=STUCK_REASON, token=None),
        event(STACK, status, -40, token=None),
    ])  # fmt: skip
    result = deploy(cli, tmp_path)
    assert result.code == 1
    assert f"Stack orders-echo is {status}" in result.err
    assert f"EchoFunction (AWS::Lambda::Function) {failed}: {STUCK_REASON}" in result.err
    assert expected in result.err
    assert not MUTATIONS & set(cfn.operations())


def test_row_26_review_in_progress_is_new_and_stale_change_sets_go(
    cli: Cli, cfn: Stubbed, tmp_path: Path
) -> None:
    stale = "ddbwizard-20260101T000000Z-abcdef"
    cfn.script.describe_stacks("REVIEW_IN_PROGRESS")
    cfn.script.list_change_sets([stale])
    result = deploy(cli, tmp_path, "--dry-run")  # the plan names what would go, and goes no further
    assert result.code == 0, result.err
    assert f"delete the stale change set {stale}" in result.err
    assert "delete the empty stack orders-echo (REVIEW_IN_PROGRESS)" in result.err
    assert "create a change set (CREATE) for stack orders-echo" in result.err
    cfn.script.stubber.assert_no_pending_responses()
    assert not (MUTATIONS | {"CreateChangeSet", "DeleteChangeSet"}) & set(cfn.operations())

    cfn.script.describe_stacks("REVIEW_IN_PROGRESS")
    cfn.script.list_change_sets([stale])
    cfn.script.delete_change_set(CHANGE_SET_ID.replace(CHANGE_SET_NAME, stale))
    cfn.script.delete_to_gone(REVIEW)
    cfn.script.create_change_set("CREATE")
    cfn.script.describe_change_set("CREATE_COMPLETE", changes=ALL_ADDS)
    cfn.script.events(REVIEW)  # baseline
    cfn.script.execute_change_set()
    successful_create().polls(cfn.script)
    result = deploy(cli, tmp_path)
    assert result.code == 0, result.err
    assert f"Deleting stale change set {stale} of stack orders-echo" in result.err
    assert cfn.script.params("CreateChangeSet")["ChangeSetType"] == "CREATE"


def test_row_27_empty_change_set_is_success(cli: Cli, cfn: Stubbed, tmp_path: Path) -> None:
    outputs = {"FunctionName": "orders-echo"}
    cfn.script.describe_stacks("CREATE_COMPLETE")
    cfn.script.create_change_set("UPDATE")
    cfn.script.describe_change_set("FAILED", reason=EMPTY_REASON)
    cfn.script.delete_change_set()
    cfn.script.describe_stacks("CREATE_COMPLETE", outputs=outputs)
    result = deploy(cli, tmp_path)
    assert result.code == 0, result.err
    assert "==> No changes to deploy" in result.err
    cfn.script.stubber.assert_no_pending_responses()
    assert "DeleteChangeSet" in cfn.operations()
    assert "ExecuteChangeSet" not in cfn.operations()


def test_row_28_change_set_failed_shows_its_reason(
    cli: Cli, calls: Calls, cfn: Stubbed, tmp_path: Path
) -> None:
    reason = "Requires capabilities : [CAPABILITY_AUTO_EXPAND]"
    cfn.script.describe_stacks(None)
    cfn.script.create_change_set("CREATE")
    cfn.script.describe_change_set("FAILED", reason=reason)
    cfn.script.delete_change_set()
    cfn.script.describe_stacks("REVIEW_IN_PROGRESS", by=STACK_ID)
    cfn.script.delete_stack()
    result = deploy(cli, tmp_path)
    assert result.code == 1
    assert f"CloudFormation could not create the change set for stack orders-echo: {reason}" in (
        result.err
    )
    cfn.script.stubber.assert_no_pending_responses()  # the change set and its stack deleted
    assert "ExecuteChangeSet" not in cfn.operations()

    # A template too large for an inline body is refused before any change set is made.
    patterns = [{"dynamodb": {"Keys": {"pk": {"S": [{"prefix": f"{i}" + "x" * 3900}]}}}}
                for i in range(5)]  # fmt: skip
    big = answers(tmp_path, f"mapping: {{filter_patterns: {json.dumps(patterns)}}}\n", "big.yaml")
    before = len(cfn.operations())
    with moto():
        make_table("NEW_AND_OLD_IMAGES")
        result = cli("--answers", big, "--yes")
    assert result.code == 2
    assert "CloudFormation takes at most 51,200 bytes inline" in result.err
    assert cfn.operations()[before:] == []  # refused before any CloudFormation call


def test_row_29_deploy_failed_names_the_first_failed_resource(
    cli: Cli, cfn: Stubbed, tmp_path: Path
) -> None:
    new_stack_change_set(cfn)
    failed_create().polls(cfn.script)
    result = deploy(cli, tmp_path)
    assert result.code == 1
    assert (
        "Deploy failed: EchoMapping (AWS::Lambda::EventSourceMapping) CREATE_FAILED: "
        'Resource handler returned message: "Cannot access stream'
    ) in result.err
    assert "Stack orders-echo is now ROLLBACK_COMPLETE." in result.err  # read after the wait
    assert "re-run with --replace-failed" in result.err
    cfn.script.stubber.assert_no_pending_responses()


def test_row_30_deadline_says_still_working_and_how_to_follow(
    cli: Cli, cfn: Stubbed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    defaults = Deployer.__init__.__kwdefaults__
    assert defaults is not None
    monkeypatch.setitem(defaults, "poll_interval", 30.0)
    monkeypatch.setitem(defaults, "deadline", 60.0)
    new_stack_change_set(cfn)
    slow = Timeline(REVIEW, [event(STACK, "CREATE_IN_PROGRESS", 0.3)],
                    [(-10, "REVIEW_IN_PROGRESS"), (0.3, "CREATE_IN_PROGRESS")])  # fmt: skip
    slow.polls(cfn.script, interval=30.0, count=3)
    result = deploy(cli, tmp_path)
    assert result.code == 1
    assert (
        "Stack orders-echo is still working (CREATE_IN_PROGRESS) after 1 min; ddbwizard "
        "stopped waiting and the deploy goes on."
    ) in result.err
    assert "Follow it with: aws cloudformation describe-stack-events --stack-name orders-echo" in (
        result.err
    )
    assert cfn.time.now == 60
    assert not {"DeleteStack", "CancelUpdateStack"} & set(cfn.operations())


def _interrupt(call: Any, params: Any) -> Any:
    raise KeyboardInterrupt


@pytest.mark.parametrize("moment", ["prompt", "change-set", "executing", "second-ctrl-c"])
def test_row_31_ctrl_c(cli: Cli, calls: Calls, cfn: Stubbed, tmp_path: Path, moment: str) -> None:
    cfn.time.interrupt_on = 1  # the first sleep is "Ctrl-C"
    if moment == "prompt":  # before anything changed (--answers has no prompt: the first check)
        calls.overrides["GetCallerIdentity"] = _interrupt
    elif moment in ("change-set", "second-ctrl-c"):
        new_stack_change_set(cfn, execute=False)
        cfn.script.stubber._queue.pop()  # the change set is still being made ...
        cfn.script.describe_change_set("CREATE_IN_PROGRESS")
        if moment == "change-set":
            cfn.script.delete_change_set()
            cfn.script.describe_stacks("REVIEW_IN_PROGRESS", by=STACK_ID)
            cfn.script.delete_stack()
        else:  # ... and a second Ctrl-C hits the clean-up
            calls.overrides["DeleteChangeSet"] = _interrupt
    else:
        new_stack_change_set(cfn)
        successful_create().polls(cfn.script, count=1)
    result = deploy(cli, tmp_path)
    assert result.code == 130
    expected = {
        "prompt": "Interrupted. Nothing was changed in AWS.",
        "change-set": "Stopped before deploying: the change set was deleted; nothing was deployed.",
        "second-ctrl-c": "Stopped before deploying; nothing was deployed, but the change set may "
        "be left.",
        "executing": "The deploy goes on in CloudFormation without ddbwizard. Follow it with: "
        "aws cloudformation describe-stack-events --stack-name orders-echo",
    }[moment]
    assert expected in result.err
    cfn.script.stubber.assert_no_pending_responses()
    ops = cfn.operations()
    if moment == "prompt":
        assert calls.mutations() == []
    if moment == "executing":
        assert not {"DeleteStack", "CancelUpdateStack", "DeleteChangeSet"} & set(ops)
    if moment == "second-ctrl-c":
        assert "DeleteStack" not in ops  # stopped at once
        assert "delete it with: aws cloudformation delete-stack --stack-name orders-echo" in (
            result.err
        )  # the change log keeps what may be left, and how to remove it


def test_row_32_two_runs_on_one_stack(cli: Cli, cfn: Stubbed, tmp_path: Path) -> None:
    new_stack_change_set(cfn)
    successful_create().polls(cfn.script)
    first = deploy(cli, tmp_path)
    assert first.code == 0, first.err
    token = cfn.script.params("ExecuteChangeSet")["ClientRequestToken"]
    assert token.startswith("ddbwizard-")
    # The second run finds the first one's operation still running: it stops, changes nothing.
    before = len(cfn.operations())
    cfn.script.describe_stacks("UPDATE_IN_PROGRESS")
    second = deploy(cli, tmp_path)
    assert second.code == 1
    assert "Stack orders-echo is busy (UPDATE_IN_PROGRESS)" in second.err
    assert cfn.operations()[before:] == ["DescribeStacks"]


@pytest.mark.parametrize("case", ["needs-yes", "gone", "deleted"])
def test_row_33_destroy(cli: Cli, calls: Calls, cfn: Stubbed, tmp_path: Path, case: str) -> None:
    if case == "gone":
        cfn.script.describe_stacks(None)
    elif case == "deleted":
        cfn.script.describe_stacks("CREATE_COMPLETE")
        cfn.script.delete_to_gone(REVIEW)
    with moto():
        arn = make_table("NEW_AND_OLD_IMAGES")
        flags = ["--destroy"] if case == "needs-yes" else ["--destroy", "--yes"]
        result = cli("--answers", answers(tmp_path), *flags)
        state = table_state()
    expected = {
        "needs-yes": "Delete stack orders-echo? The table and its stream are kept.",
        "gone": "Stack orders-echo does not exist",
        "deleted": "Stack orders-echo deleted",
    }[case]
    assert expected in result.err
    assert result.code == (2 if case == "needs-yes" else 0)
    if case == "needs-yes":
        assert "--yes" in result.err
        assert cfn.operations() == []
    cfn.script.stubber.assert_no_pending_responses()
    assert state["LatestStreamArn"] == arn  # the table and its stream are never touched
    assert state["StreamSpecification"]["StreamEnabled"] is True
    assert not {"UpdateTable", "DeleteTable"} & set(calls.operations())
