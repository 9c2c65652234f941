"""The deployer against recorded CloudFormation answers (botocore Stubber): what moto cannot show.

Per-resource events, rollbacks, failed change sets, Ctrl-C, deadlines and expired tokens. The
fake clock and sleep make every wait instant; the Stubber fails on any call not queued.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from ddbwizard.core.aws.cloudformation import CloudFormation
from ddbwizard.core.deploy.execute import Change, Deployer, DeployFailed, Plan
from ddbwizard.core.deploy.state import NotOurStack
from ddbwizard.core.errors import (
    EXIT_AWS,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    AwsError,
    ConfirmationRequired,
    Interrupted,
)
from tests.helpers.cfn_fakes import (
    ALL_ADDS,
    CHANGE_SET_ID,
    CHANGE_SET_NAME,
    MAPPING_REASON,
    REGION,
    RESOURCES,
    STACK,
    STACK_ID,
    CfnScript,
    FakeTime,
    TimedReporter,
    Timeline,
    change,
    event,
    failed_create,
    review_history,
)

TEMPLATE = '{"Resources": {}}'
OUTPUTS = {"FunctionName": "orders-echo", "EventSourceMappingId": "0c4a3e9f"}
MUTATIONS = {"CancelUpdateStack", "DeleteStack", "RollbackStack", "ContinueUpdateRollback"}


@pytest.fixture
def script() -> Iterator[CfnScript]:
    script = CfnScript.start()
    yield script
    script.stubber.deactivate()


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def reporter(time: FakeTime) -> TimedReporter:
    return TimedReporter(time=time)


@pytest.fixture
def deployer(script: CfnScript, time: FakeTime, reporter: TimedReporter) -> Deployer:
    return Deployer(CloudFormation(script.client), reporter, sleep=time.sleep, clock=time.clock)


def create_plan(*changes: Change) -> Plan:
    return Plan(
        stack_name=STACK,
        stack_id=STACK_ID,
        change_set_id=CHANGE_SET_ID,
        change_set_name=CHANGE_SET_NAME,
        kind="CREATE",
        changes=changes or tuple(Change("Add", lid, rtype) for lid, rtype in RESOURCES.items()),
        new_stack=True,
    )


def successful_create() -> Timeline:
    return Timeline(
        history=review_history(),
        events=[
            event(STACK, "CREATE_IN_PROGRESS", 0.3, reason="User Initiated"),
            event("EchoLogGroup", "CREATE_IN_PROGRESS", 0.6),
            event("EchoRole", "CREATE_IN_PROGRESS", 0.6),
            event("EchoLogGroup", "CREATE_IN_PROGRESS", 0.9, reason="Resource creation Initiated"),
            event("EchoRole", "CREATE_IN_PROGRESS", 0.9, reason="Resource creation Initiated"),
            event("EchoLogGroup", "CREATE_COMPLETE", 1.2),
            event("EchoRole", "CREATE_COMPLETE", 2.8),
            event("EchoFunction", "CREATE_IN_PROGRESS", 3.1),
            event("EchoFunction", "CREATE_COMPLETE", 3.9),
            event("EchoMapping", "CREATE_IN_PROGRESS", 4.2),
            event("EchoMapping", "CREATE_COMPLETE", 5.6),
            event(STACK, "CREATE_COMPLETE", 5.8),
        ],
        statuses=[
            (-10, "REVIEW_IN_PROGRESS"),
            (0.3, "CREATE_IN_PROGRESS"),
            (5.8, "CREATE_COMPLETE"),
        ],
        outputs=OUTPUTS,
    )


# -- execute: events, progress, result ------------------------------------------------------


def test_events_are_reported_once_each_oldest_first_with_progress(
    script: CfnScript, deployer: Deployer, reporter: TimedReporter, time: FakeTime
) -> None:
    timeline = successful_create()
    script.events(timeline.history)  # the baseline before ExecuteChangeSet
    script.execute_change_set()
    timeline.polls(script)

    result = deployer.execute(create_plan())

    script.stubber.assert_no_pending_responses()
    assert result.status == "CREATE_COMPLETE"
    assert result.outputs == OUTPUTS
    seen = [(e.logical_id, e.status) for e in reporter.events]
    expected = [(e["LogicalResourceId"], e["ResourceStatus"]) for e in timeline.events]
    assert seen == expected  # each once, oldest first, no REVIEW_IN_PROGRESS from before
    assert len({e.event_id for e in reporter.events}) == len(reporter.events)
    assert result.events == tuple(reporter.events)
    assert reporter.progress_seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert time.sleeps
    assert all(1.0 <= s <= 2.0 for s in time.sleeps)


def test_execute_change_set_carries_a_unique_client_request_token(
    script: CfnScript, deployer: Deployer
) -> None:
    for _ in range(2):
        timeline = successful_create()
        script.events(timeline.history)
        script.execute_change_set()
        timeline.polls(script)
        deployer.execute(create_plan())
    tokens = [p["ClientRequestToken"] for name, p in script.calls if name == "ExecuteChangeSet"]
    assert len(tokens) == 2
    assert tokens[0] != tokens[1]
    assert all(t.startswith("ddbwizard-") and len(t) <= 128 for t in tokens)


def test_events_without_tokens_are_matched_by_time_and_paged(
    script: CfnScript, deployer: Deployer, reporter: TimedReporter
) -> None:
    """Old events (an earlier deploy) never show; a poll reads the next page when needed."""
    old = [
        event(STACK, "UPDATE_IN_PROGRESS", -100, token=None),
        event("EchoFunction", "UPDATE_COMPLETE", -90, token=None),
        event(STACK, "UPDATE_COMPLETE", -80, token=None),
    ]
    new = [
        event(STACK, "UPDATE_IN_PROGRESS", 0.2, token=None, reason="User Initiated"),
        event("EchoFunction", "UPDATE_IN_PROGRESS", 0.5, token=None),
        event("EchoFunction", "UPDATE_COMPLETE", 1.0, token=None),
        event(STACK, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", 1.1, token=None),
        event(STACK, "UPDATE_COMPLETE", 1.2, token=None),
    ]
    script.events(old)
    script.execute_change_set()
    script.describe_stacks("UPDATE_IN_PROGRESS", by=STACK_ID)
    script.events(new[:2])  # poll at 0.0 s sees the first two events
    script.describe_stacks("UPDATE_COMPLETE", by=STACK_ID)
    script.events(new[1:], next_token="page-2")  # poll at 1.5 s: a first page of new events,
    script.events([new[0], *old], after="page-2")  # then one that reaches the old ones

    plan = Plan(STACK, STACK_ID, CHANGE_SET_ID, CHANGE_SET_NAME, "UPDATE",
                (Change("Modify", "EchoFunction", "AWS::Lambda::Function", "False"),))  # fmt: skip
    result = deployer.execute(plan)

    script.stubber.assert_no_pending_responses()
    assert [(e.logical_id, e.status) for e in reporter.events] == [
        (e["LogicalResourceId"], e["ResourceStatus"]) for e in new
    ]
    assert result.status == "UPDATE_COMPLETE"
    assert reporter.progress_seen == [(0, 1), (1, 1)]


def test_completion_is_noticed_within_one_poll_interval(
    script: CfnScript, deployer: Deployer, reporter: TimedReporter, time: FakeTime
) -> None:
    timeline = successful_create()  # the stack reaches CREATE_COMPLETE at 5.8 s
    script.events(timeline.history)
    script.execute_change_set()
    poll_times = timeline.polls(script)

    deployer.execute(create_plan())

    completed_at = 5.8
    reported_at = reporter.time_of("is CREATE_COMPLETE")
    assert completed_at <= reported_at <= completed_at + 2.0
    assert poll_times[-1] == reported_at
    gaps = [b - a for a, b in itertools.pairwise(poll_times)]
    assert all(1.0 <= gap <= 2.0 for gap in gaps)


# -- execute: failures ---------------------------------------------------------------------


def test_failed_create_names_the_first_failed_resource_not_the_cascade(
    script: CfnScript, deployer: Deployer, reporter: TimedReporter
) -> None:
    timeline = failed_create()
    script.events(timeline.history)
    script.execute_change_set()
    timeline.polls(script)

    with pytest.raises(DeployFailed) as caught:
        deployer.execute(create_plan())

    script.stubber.assert_no_pending_responses()
    error = caught.value
    text = str(error)
    assert text.startswith(
        "Deploy failed: EchoMapping (AWS::Lambda::EventSourceMapping) CREATE_FAILED: "
        'Resource handler returned message: "Cannot access stream'
    )
    assert f"Stack {STACK} is now ROLLBACK_COMPLETE." in text
    assert "--replace-failed" in text
    assert "cancelled" not in error.message
    assert error.exit_code == EXIT_AWS
    assert error.status == "ROLLBACK_COMPLETE"
    assert error.failure is not None
    assert error.failure.logical_id == "EchoMapping"
    assert [e.status for e in reporter.events][-1] == "ROLLBACK_COMPLETE"


def test_update_rollback_failed_during_deploy_names_the_stuck_resource(
    script: CfnScript, deployer: Deployer
) -> None:
    stuck_reason = "Resource handler returned message: \"The role defined for the function cannot be assumed by Lambda.\""  # fmt: skip
    timeline = Timeline(
        history=[event(STACK, "UPDATE_COMPLETE", -500, token="ddbwizard-earlier")],
        events=[
            event(STACK, "UPDATE_IN_PROGRESS", 0.2, reason="User Initiated"),
            event("EchoMapping", "UPDATE_FAILED", 1.0, reason="Batch size must be at most 1000"),
            event(STACK, "UPDATE_ROLLBACK_IN_PROGRESS", 1.2),
            event("EchoFunction", "UPDATE_FAILED", 2.5, reason=stuck_reason),
            event(STACK, "UPDATE_ROLLBACK_FAILED", 2.9),
        ],
        statuses=[(-500, "UPDATE_IN_PROGRESS"), (2.9, "UPDATE_ROLLBACK_FAILED")],
    )
    script.events(timeline.history)
    script.execute_change_set()
    timeline.polls(script)
    plan = Plan(STACK, STACK_ID, CHANGE_SET_ID, CHANGE_SET_NAME, "UPDATE",
                (Change("Modify", "EchoMapping", "AWS::Lambda::EventSourceMapping", "False"),))  # fmt: skip

    with pytest.raises(DeployFailed) as caught:
        deployer.execute(plan)

    text = str(caught.value)
    assert "EchoMapping (AWS::Lambda::EventSourceMapping) UPDATE_FAILED: Batch size" in text
    assert "now UPDATE_ROLLBACK_FAILED" in text
    assert "Stuck: EchoFunction (AWS::Lambda::Function) UPDATE_FAILED" in text
    assert f"continue-update-rollback --stack-name {STACK} --region {REGION}" in text


def test_ctrl_c_while_executing_does_not_cancel_and_says_how_to_follow(
    script: CfnScript, deployer: Deployer, time: FakeTime
) -> None:
    timeline = successful_create()
    script.events(timeline.history)
    script.execute_change_set()
    timeline.polls(script, count=1)
    time.interrupt_on = 1

    with pytest.raises(Interrupted) as caught:
        deployer.execute(create_plan())

    script.stubber.assert_no_pending_responses()
    assert not MUTATIONS & set(script.operations())
    assert caught.value.exit_code == EXIT_INTERRUPTED
    assert str(caught.value) == (
        "The deploy goes on in CloudFormation without ddbwizard. Follow it with: "
        f"aws cloudformation describe-stack-events --stack-name {STACK} --region {REGION}"
    )


def test_deadline_passed_says_still_working_and_how_to_follow(
    script: CfnScript, reporter: TimedReporter, time: FakeTime
) -> None:
    deployer = Deployer(
        CloudFormation(script.client), reporter, sleep=time.sleep, clock=time.clock, deadline=5.0
    )
    timeline = Timeline(
        history=review_history(),
        events=[event(STACK, "CREATE_IN_PROGRESS", 0.3, reason="User Initiated")],
        statuses=[(-10, "CREATE_IN_PROGRESS")],
    )
    script.events(timeline.history)
    script.execute_change_set()
    polls = timeline.polls(script, count=5)  # 0, 1.5, 3.0, 4.5 and 6.0 s: past the deadline

    with pytest.raises(AwsError) as caught:
        deployer.execute(create_plan())

    script.stubber.assert_no_pending_responses()
    assert polls[-1] == time.now == 6.0
    assert not MUTATIONS & set(script.operations())
    text = str(caught.value)
    assert "still working (CREATE_IN_PROGRESS)" in text
    assert f"aws cloudformation describe-stack-events --stack-name {STACK}" in text


def test_expired_token_while_waiting_says_the_stack_goes_on(
    script: CfnScript, deployer: Deployer
) -> None:
    timeline = successful_create()
    script.events(timeline.history)
    script.execute_change_set()
    timeline.polls(script, count=1)
    script.describe_stacks_error("ExpiredToken", "The security token included in the request is expired")  # fmt: skip

    with pytest.raises(AwsError) as caught:
        deployer.execute(create_plan())

    text = str(caught.value)
    assert "session token has expired" in text
    assert "goes on in CloudFormation without it" in text
    assert (
        f"aws cloudformation describe-stack-events --stack-name {STACK} --region {REGION}" in text
    )
    assert not isinstance(caught.value, Interrupted)


# -- plan: stack states before it ----------------------------------------------------------


def test_rollback_complete_without_consent_asks_for_replace_failed(
    script: CfnScript, deployer: Deployer
) -> None:
    script.describe_stacks("ROLLBACK_COMPLETE")
    script.describe_stacks("ROLLBACK_COMPLETE")
    asked: list[str] = []

    def decline(message: str) -> bool:
        asked.append(message)
        return False

    with pytest.raises(ConfirmationRequired) as caught:
        deployer.plan(STACK, TEMPLATE, {})
    with pytest.raises(ConfirmationRequired):
        deployer.plan(STACK, TEMPLATE, {}, confirm_replace=decline)

    script.stubber.assert_no_pending_responses()
    assert script.operations() == ["DescribeStacks", "DescribeStacks"]
    assert caught.value.exit_code == EXIT_USAGE
    assert str(caught.value) == (
        f"Stack {STACK} is in ROLLBACK_COMPLETE from an earlier failed create; it can only be "
        "deleted. Re-run with --replace-failed to delete and re-create it."
    )
    assert len(asked) == 1
    assert "ROLLBACK_COMPLETE" in asked[0]


@pytest.mark.parametrize("consent", ["flag", "prompt"])
def test_rollback_complete_with_consent_deletes_then_creates(
    script: CfnScript, deployer: Deployer, consent: str
) -> None:
    failed_history = [
        event("EchoMapping", "CREATE_FAILED", -900, reason=MAPPING_REASON, token="ddbwizard-old"),
        event(STACK, "ROLLBACK_COMPLETE", -880, token="ddbwizard-old"),
    ]
    script.describe_stacks("ROLLBACK_COMPLETE")
    script.delete_to_gone(failed_history)
    script.create_change_set("CREATE", tags={"app": "orders"})
    script.describe_change_set("CREATE_COMPLETE", changes=ALL_ADDS)

    plan = deployer.plan(
        STACK,
        TEMPLATE,
        {"app": "orders"},
        replace_failed=consent == "flag",
        confirm_replace=(lambda _message: True) if consent == "prompt" else None,
    )

    script.stubber.assert_no_pending_responses()
    assert script.operations() == [
        "DescribeStacks", "DescribeStackEvents", "DeleteStack", "DescribeStacks",
        "DescribeStackEvents", "CreateChangeSet", "DescribeChangeSet",
    ]  # fmt: skip
    assert plan.kind == "CREATE"
    assert plan.new_stack
    assert [c.logical_id for c in plan.changes] == ["EchoLogGroup", "EchoRole", "EchoFunction", "EchoMapping"]  # fmt: skip


@pytest.mark.parametrize(
    "status", ["UPDATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "DELETE_IN_PROGRESS"]
)  # fmt: skip
def test_operation_in_progress_stops_with_the_status(
    script: CfnScript, deployer: Deployer, status: str
) -> None:
    script.describe_stacks(status)

    with pytest.raises(AwsError) as caught:
        deployer.plan(STACK, TEMPLATE, {})

    assert script.operations() == ["DescribeStacks"]
    assert f"Stack {STACK} is busy ({status}); wait for it to finish, then run again." in str(caught.value)  # fmt: skip


def test_update_rollback_failed_before_plan_names_the_stuck_resource(
    script: CfnScript, deployer: Deployer
) -> None:
    reason = "Resource handler returned message: \"Function not found: arn:aws:lambda:us-east-1:123456789012:function:orders-echo\""  # fmt: skip
    script.describe_stacks("UPDATE_ROLLBACK_FAILED")
    script.events([
        event(STACK, "UPDATE_IN_PROGRESS", -100, token="t1"),
        event("EchoMapping", "UPDATE_FAILED", -90, reason="Batch size must be at most 1000", token="t1"),
        event(STACK, "UPDATE_ROLLBACK_IN_PROGRESS", -80, token="t1"),
        event("EchoRole", "UPDATE_FAILED", -70, reason="Rate exceeded", token="t1"),
        event("EchoRole", "UPDATE_COMPLETE", -60, token="t1"),
        event("EchoFunction", "UPDATE_FAILED", -50, reason=reason, token="t1"),
        event(STACK, "UPDATE_ROLLBACK_FAILED", -40, token="t1"),
    ])  # fmt: skip

    with pytest.raises(AwsError) as caught:
        deployer.plan(STACK, TEMPLATE, {})

    assert "CreateChangeSet" not in script.operations()
    text = str(caught.value)
    assert text.startswith(f"Stack {STACK} is UPDATE_ROLLBACK_FAILED: CloudFormation could not roll back EchoFunction (AWS::Lambda::Function) UPDATE_FAILED: ")  # fmt: skip
    first_line = text.splitlines()[0]
    assert "EchoMapping" not in first_line  # the update's failure, not the rollback's
    assert "EchoRole" not in first_line  # it failed once, then rolled back: not stuck
    assert "continue-update-rollback" in text


def test_destroy_delete_failed_names_the_stuck_resource(
    script: CfnScript, deployer: Deployer
) -> None:
    reason = "Resource handler returned message: \"Access denied for operation 'DeleteLogGroup'\""
    script.describe_stacks("UPDATE_COMPLETE")
    script.events([event(STACK, "UPDATE_COMPLETE", -300, token="t0")])
    script.delete_stack()
    script.describe_stacks("DELETE_FAILED", by=STACK_ID)
    script.events([
        event(STACK, "UPDATE_COMPLETE", -300, token="t0"),
        event(STACK, "DELETE_IN_PROGRESS", 0.2, reason="User Initiated"),
        event("EchoMapping", "DELETE_COMPLETE", 0.6),
        event("EchoLogGroup", "DELETE_FAILED", 0.9, reason=reason),
        event(STACK, "DELETE_FAILED", 1.0, reason="The following resource(s) failed to delete: [EchoLogGroup]. "),
    ])  # fmt: skip

    with pytest.raises(AwsError) as caught:
        deployer.destroy(STACK)

    text = str(caught.value)
    assert "EchoLogGroup (AWS::Logs::LogGroup) DELETE_FAILED: " in text
    assert "--retain-resources EchoLogGroup" in text
    assert "EchoMapping" not in text


# -- plan: change sets ---------------------------------------------------------------------


def test_change_set_failed_for_capabilities_shows_the_reason_and_cleans_up(
    script: CfnScript, deployer: Deployer
) -> None:
    reason = "Requires capabilities : [CAPABILITY_NAMED_IAM]"
    script.describe_stacks(None)
    script.create_change_set("CREATE")
    script.describe_change_set("CREATE_PENDING")
    script.describe_change_set("FAILED", reason=reason)
    script.delete_change_set()
    script.describe_stacks("REVIEW_IN_PROGRESS", by=STACK_ID)
    script.delete_stack()

    with pytest.raises(AwsError) as caught:
        deployer.plan(STACK, TEMPLATE, {})

    script.stubber.assert_no_pending_responses()
    assert str(caught.value) == (
        f"CloudFormation could not create the change set for stack {STACK}: {reason}; "
        "it was deleted and nothing was deployed."
    )
    assert "DeleteChangeSet" in script.operations()


def test_update_change_set_failed_deletes_only_the_change_set(
    script: CfnScript, deployer: Deployer
) -> None:
    reason = "Parameter validation failed: parameter value 0 for parameter name BatchSize"
    script.describe_stacks("UPDATE_COMPLETE")
    script.create_change_set("UPDATE")
    script.describe_change_set("FAILED", reason=reason)
    script.delete_change_set()

    with pytest.raises(AwsError, match="BatchSize"):
        deployer.plan(STACK, TEMPLATE, {})

    script.stubber.assert_no_pending_responses()
    assert "DeleteStack" not in script.operations()


@pytest.mark.parametrize(
    "reason",
    [
        "The submitted information didn't contain changes. Submit different information to create a change set.",
        "No updates are to be performed.",
    ],
)  # fmt: skip
def test_empty_change_set_is_deleted_and_the_plan_is_empty(
    script: CfnScript, deployer: Deployer, reason: str
) -> None:
    script.describe_stacks("UPDATE_COMPLETE")
    script.create_change_set("UPDATE")
    script.describe_change_set("FAILED", reason=reason)
    script.delete_change_set()

    plan = deployer.plan(STACK, TEMPLATE, {})

    script.stubber.assert_no_pending_responses()
    assert plan.empty
    assert plan.kind == "UPDATE"
    assert plan.changes == ()


def test_changes_are_read_across_pages(script: CfnScript, deployer: Deployer) -> None:
    script.describe_stacks("UPDATE_COMPLETE")
    script.create_change_set("UPDATE")
    script.describe_change_set("CREATE_IN_PROGRESS")
    script.describe_change_set(
        "CREATE_COMPLETE",
        changes=[change("Modify", "EchoFunction", replacement="False")],
        next_token="more",
    )
    script.describe_change_set(
        "CREATE_COMPLETE",
        changes=[
            change("Modify", "EchoMapping", replacement="Conditional"),
            change("Remove", "EchoLogGroup"),
        ],
        after="more",
    )

    plan = deployer.plan(STACK, TEMPLATE, {})

    script.stubber.assert_no_pending_responses()
    assert plan.kind == "UPDATE"
    assert not plan.empty
    assert plan.changes == (
        Change("Modify", "EchoFunction", "AWS::Lambda::Function", "False", "orders-echo"),
        Change("Modify", "EchoMapping", "AWS::Lambda::EventSourceMapping", "Conditional",
               "0c4a3e9f-1d2b-4c5e-8f7a-6b5c4d3e2f10"),
        Change("Remove", "EchoLogGroup", "AWS::Logs::LogGroup", "", "/aws/lambda/orders-echo"),
    )  # fmt: skip


def test_ctrl_c_while_the_change_set_is_made_deletes_it_and_the_new_stack(
    script: CfnScript, deployer: Deployer, time: FakeTime
) -> None:
    script.describe_stacks(None)
    script.create_change_set("CREATE")
    script.describe_change_set("CREATE_PENDING")
    script.delete_change_set()
    script.describe_stacks("REVIEW_IN_PROGRESS", by=STACK_ID)
    script.delete_stack()
    time.interrupt_on = 1

    with pytest.raises(Interrupted) as caught:
        deployer.plan(STACK, TEMPLATE, {})

    script.stubber.assert_no_pending_responses()
    assert script.operations()[-3:] == ["DeleteChangeSet", "DescribeStacks", "DeleteStack"]
    assert caught.value.exit_code == EXIT_INTERRUPTED
    assert str(caught.value) == (
        "Stopped before deploying: the change set was deleted; nothing was deployed."
    )


def test_ctrl_c_on_an_update_deletes_only_the_change_set(
    script: CfnScript, deployer: Deployer, time: FakeTime
) -> None:
    script.describe_stacks("UPDATE_COMPLETE")
    script.create_change_set("UPDATE")
    script.describe_change_set("CREATE_IN_PROGRESS")
    script.delete_change_set()
    time.interrupt_on = 1

    with pytest.raises(Interrupted, match="nothing was deployed"):
        deployer.plan(STACK, TEMPLATE, {})

    script.stubber.assert_no_pending_responses()
    assert "DeleteStack" not in script.operations()


def test_review_in_progress_with_change_sets_it_did_not_make_is_refused(
    script: CfnScript, deployer: Deployer
) -> None:
    stale = "ddbwizard-20260101T000000Z-0a0b0c"
    script.describe_stacks("REVIEW_IN_PROGRESS")
    script.list_change_sets([stale, "someone-elses"])

    with pytest.raises(NotOurStack, match="did not make"):
        deployer.plan(STACK, TEMPLATE, {})

    script.stubber.assert_no_pending_responses()
    assert not {"DeleteChangeSet", "DeleteStack", "CreateChangeSet"} & set(script.operations())
