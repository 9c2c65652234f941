"""Safe updates against CloudFormation answers shaped like real AWS (botocore Stubber).

moto never says Replacement in a change set and never rolls back, so the detection from
DescribeChangeSet, the question, the two change sets and Lambda's 409 are tested here on
recorded shapes: a Modify of the mapping with `Replacement: "True"`, `Scope: ["Properties"]`
and a Details target `StartingPosition` that `RequiresRecreation: Always`; and the
ResourceConflictException text in a stack event's ResourceStatusReason.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from ddbwizard.core.aws.cloudformation import CloudFormation
from ddbwizard.core.deploy.execute import Deployer, DeployFailed
from ddbwizard.core.deploy.state import StackState
from ddbwizard.core.deploy.twostep import BETWEEN, execute_update
from ddbwizard.core.engine import Deployment, plan_deploy
from ddbwizard.core.errors import AwsError
from ddbwizard.core.model.answers import answers_from_data
from ddbwizard.core.stream import Declined
from ddbwizard.core.template.build import build_template, render
from tests.helpers.cfn_fakes import (
    PHYSICAL,
    RESOURCES,
    STACK,
    STACK_ID,
    CfnScript,
    FakeTime,
    TimedReporter,
    change,
    event,
)

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-28T11:00:00.000"
OUTPUTS = {"FunctionName": "orders-echo", "StreamArn": STREAM}
# The ResourceStatusReason CloudFormation gives when Lambda refuses the replacement mapping.
CONFLICT_REASON = (
    'Resource handler returned message: "The event source arn (" ' + STREAM + ' ") and '
    'function (" orders-echo ") provided mapping already exists. Please update or delete the '
    f"existing mapping with UUID {PHYSICAL['EchoMapping']} (Service: Lambda, Status Code: 409, "
    'Request ID: 7d3f1a2b-4c5d-6e7f-8091-a2b3c4d5e6f7)" (RequestToken: 3c2b1a09-8f7e-6d5c-'
    "4b3a-291807f6e5d4, HandlerErrorCode: AlreadyExists)"
)
REPLACING: dict[str, Any] = {
    "Type": "Resource",
    "ResourceChange": {
        "Action": "Modify",
        "LogicalResourceId": "EchoMapping",
        "PhysicalResourceId": PHYSICAL["EchoMapping"],
        "ResourceType": RESOURCES["EchoMapping"],
        "Replacement": "True",
        "Scope": ["Properties"],
        "Details": [
            {
                "Target": {
                    "Attribute": "Properties",
                    "Name": "StartingPosition",
                    "RequiresRecreation": "Always",
                    "Path": "/Properties/StartingPosition",
                    "BeforeValue": "TRIM_HORIZON",
                    "AfterValue": "LATEST",
                    "AttributeChangeType": "Modify",
                },
                "Evaluation": "Static",
                "ChangeSource": "DirectModification",
            }
        ],
    },
}
# The same change as moto answers it: no Replacement, no Details.
PLAIN_MODIFY = change("Modify", "EchoMapping")


def answers(position: str = "LATEST") -> Any:
    return answers_from_data(
        {"table": {"name": "orders"}, "mapping": {"starting_position": position}}
    )


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Iterator[CfnScript]:
    fake = FakeTime()
    defaults = Deployer.__init__.__kwdefaults__
    assert defaults is not None
    monkeypatch.setitem(defaults, "sleep", fake.sleep)
    monkeypatch.setitem(defaults, "clock", fake.clock)
    started = CfnScript.start()
    yield started
    started.stubber.deactivate()


@pytest.fixture
def reporter() -> TimedReporter:
    return TimedReporter()


@pytest.fixture
def questions() -> list[str]:
    return []


def aws(script: CfnScript) -> Any:
    return SimpleNamespace(cloudformation=lambda: CloudFormation(script.client))


UPDATE = StackState(STACK, "UPDATE_COMPLETE", STACK_ID, "UPDATE")


def deployed_template(position: str = "TRIM_HORIZON") -> str:
    return render(build_template(answers(position), STREAM))


def get_template(script: CfnScript, position: str = "TRIM_HORIZON") -> None:
    script.stubber.add_response(
        "get_template",
        {"TemplateBody": deployed_template(position), "StagesAvailable": ["Original", "Processed"]},
        {"StackName": STACK_ID, "TemplateStage": "Original"},
    )


class Clock:
    """The fake seconds of the stack events, one operation after the other."""

    def __init__(self) -> None:
        self.now = 0.0
        self.history: list[dict[str, Any]] = [event(STACK, "CREATE_COMPLETE", -100, token=None)]

    def operation(
        self, script: CfnScript, steps: list[tuple[str, str, str | None]], final: str
    ) -> None:
        """Baseline, ExecuteChangeSet, then one poll that finds `final` and these events."""
        script.events(self.history)
        script.execute_change_set()
        fresh = []
        for logical_id, status, reason in steps:
            self.now += 1
            fresh.append(event(logical_id, status, self.now, reason=reason, token=None))
        self.history = [*self.history, *fresh]
        script.describe_stacks(final, by=STACK_ID, outputs=OUTPUTS)
        script.events(self.history)


def plan_change_set(script: CfnScript, changes: list[dict[str, Any]]) -> None:
    script.create_change_set("UPDATE")
    script.describe_change_set("CREATE_COMPLETE", changes=changes)


def first_step(script: CfnScript) -> None:
    """The one-step change set deleted, the state read again, the change set without the mapping."""
    script.delete_change_set()
    script.describe_stacks("UPDATE_COMPLETE")
    plan_change_set(script, [change("Remove", "EchoMapping")])


def two_steps(script: CfnScript, clock: Clock) -> None:
    """Execute step 1 (the mapping goes), then make and execute step 2 (it comes back)."""
    removal = [
        (STACK, "UPDATE_IN_PROGRESS", "User Initiated"),
        ("EchoMapping", "DELETE_IN_PROGRESS", None),
        ("EchoMapping", "DELETE_COMPLETE", None),
        (STACK, "UPDATE_COMPLETE", None),
    ]
    clock.operation(script, removal, "UPDATE_COMPLETE")
    script.describe_stacks("UPDATE_COMPLETE")
    plan_change_set(script, [change("Add", "EchoMapping")])
    addition = [
        (STACK, "UPDATE_IN_PROGRESS", "User Initiated"),
        ("EchoMapping", "CREATE_IN_PROGRESS", None),
        ("EchoMapping", "CREATE_COMPLETE", None),
        (STACK, "UPDATE_COMPLETE", None),
    ]
    clock.operation(script, addition, "UPDATE_COMPLETE")


def plan(
    script: CfnScript, reporter: TimedReporter, questions: list[str], answer: bool
) -> Deployment:
    def confirm(question: str) -> bool:
        questions.append(question)
        return answer

    return plan_deploy(aws(script), answers(), STREAM, reporter, state=UPDATE, confirm=confirm)


def bodies(script: CfnScript) -> list[dict[str, Any]]:
    return [yaml.safe_load(p["TemplateBody"]) for op, p in script.calls if op == "CreateChangeSet"]


def test_replacement_true_in_the_change_set_is_asked_then_deployed_in_two_change_sets(
    script: CfnScript, reporter: TimedReporter, questions: list[str]
) -> None:
    plan_change_set(script, [REPLACING])
    get_template(script, "LATEST")  # the template alone would not tell: the change set does
    first_step(script)
    clock = Clock()
    two_steps(script, clock)

    deployment = plan(script, reporter, questions, answer=True)
    assert deployment.split
    assert [c.action for c in deployment.plan.changes] == ["Remove"]
    result = execute_update(
        deployment.deployer, deployment.plan, deployment.steps, split=True, confirm=None
    )

    script.stubber.assert_no_pending_responses()
    assert result.status == "UPDATE_COMPLETE"
    (question,) = questions
    assert question.startswith("Replace the trigger in two change sets? ")
    assert "EchoMapping: StartingPosition changes" in question
    assert "LATEST: records written to the stream between the two steps are skipped" in question
    full, without, added = bodies(script)
    assert "EchoMapping" in full["Resources"]
    assert "EchoMapping" in added["Resources"]
    assert "EchoMapping" not in without["Resources"]
    assert "EventSourceMappingId" not in without["Outputs"]
    assert script.operations().count("ExecuteChangeSet") == 2
    text = reporter.text()
    assert text.index("Step 1 of 2: removing the old trigger") < text.index(
        "Step 2 of 2: adding the new trigger"
    )
    assert [(e.logical_id, e.status) for e in result.events if e.logical_id == "EchoMapping"] == [
        ("EchoMapping", "DELETE_IN_PROGRESS"),
        ("EchoMapping", "DELETE_COMPLETE"),
        ("EchoMapping", "CREATE_IN_PROGRESS"),
        ("EchoMapping", "CREATE_COMPLETE"),
    ]


def test_change_details_name_what_forces_the_replacement(
    script: CfnScript, reporter: TimedReporter
) -> None:
    plan_change_set(script, [REPLACING])
    get_template(script, "LATEST")

    deployment = plan_deploy(aws(script), answers(), STREAM, reporter, state=UPDATE)  # dry run

    (mapping,) = deployment.plan.changes
    assert (mapping.replacement, mapping.recreates) == ("True", ("StartingPosition",))
    assert deployment.replacement is not None
    assert deployment.replacement.properties == ("StartingPosition",)
    assert not deployment.split  # without confirm (a dry run) nothing more is made
    script.stubber.assert_no_pending_responses()


def test_trim_horizon_says_up_to_24_hours_are_delivered_again(
    script: CfnScript, reporter: TimedReporter, questions: list[str]
) -> None:
    conditional = {
        "Type": "Resource",
        "ResourceChange": {**REPLACING["ResourceChange"], "Replacement": "Conditional"},
    }
    script.create_change_set("UPDATE")
    script.describe_change_set("CREATE_COMPLETE", changes=[conditional])
    get_template(script, "LATEST")
    script.delete_change_set()

    def say_no(question: str) -> bool:
        questions.append(question)
        return False

    with pytest.raises(Declined, match="Nothing was deployed: the trigger is unchanged"):
        plan_deploy(
            aws(script),
            answers("TRIM_HORIZON"),
            STREAM,
            reporter,
            state=UPDATE,
            confirm=say_no,
        )

    assert (
        "TRIM_HORIZON: it reads the stream from its oldest record, so up to 24 hours"
        in questions[0]
    )
    assert "ExecuteChangeSet" not in script.operations()
    script.stubber.assert_no_pending_responses()  # the change set was deleted


def test_the_rule_finds_a_replacement_the_change_set_does_not_name(
    script: CfnScript, reporter: TimedReporter
) -> None:
    plan_change_set(script, [PLAIN_MODIFY])  # as moto answers: no Replacement
    get_template(script, "TRIM_HORIZON")

    deployment = plan_deploy(aws(script), answers("LATEST"), STREAM, reporter, state=UPDATE)

    assert deployment.replacement is not None
    assert deployment.replacement.properties == ("StartingPosition",)
    assert (deployment.replacement.old_position, deployment.replacement.new_position) == (
        "TRIM_HORIZON",
        "LATEST",
    )


def test_a_modify_that_replaces_nothing_is_one_change_set(
    script: CfnScript, reporter: TimedReporter, questions: list[str]
) -> None:
    plan_change_set(script, [{**PLAIN_MODIFY, "ResourceChange": {
        **PLAIN_MODIFY["ResourceChange"], "Replacement": "False"}}])  # fmt: skip
    get_template(script, "LATEST")  # only the batch size differs

    deployment = plan(script, reporter, questions, answer=True)

    assert deployment.replacement is None
    assert not deployment.split
    assert questions == []


def test_a_failure_between_the_steps_says_the_trigger_is_removed_and_to_rerun(
    script: CfnScript, reporter: TimedReporter, questions: list[str]
) -> None:
    plan_change_set(script, [REPLACING])
    get_template(script, "LATEST")
    first_step(script)
    clock = Clock()
    removal = [(STACK, "UPDATE_IN_PROGRESS", "User Initiated"), (STACK, "UPDATE_COMPLETE", None)]
    clock.operation(script, removal, "UPDATE_COMPLETE")
    script.describe_stacks("UPDATE_COMPLETE")
    script.stubber.add_client_error(
        "create_change_set",
        service_error_code="Throttling",
        service_message="Rate exceeded",
        http_status_code=400,
    )

    deployment = plan(script, reporter, questions, answer=True)
    with pytest.raises(AwsError) as raised:
        execute_update(
            deployment.deployer, deployment.plan, deployment.steps, split=True, confirm=None
        )

    assert raised.value.hint is not None
    assert raised.value.hint.startswith(BETWEEN)
    assert "run the same command again to finish" in str(raised.value)


def test_lambdas_409_is_explained_and_finished_in_two_steps_after_consent(
    script: CfnScript, reporter: TimedReporter, questions: list[str]
) -> None:
    plan_change_set(script, [PLAIN_MODIFY])
    get_template(script, "LATEST")  # nothing here says replacement: only Lambda's 409 will
    clock = Clock()
    refused = [
        (STACK, "UPDATE_IN_PROGRESS", "User Initiated"),
        ("EchoMapping", "UPDATE_IN_PROGRESS", "Requested update requires the creation of a new "
         "physical resource; hence creating one."),
        ("EchoMapping", "UPDATE_FAILED", CONFLICT_REASON),
        (STACK, "UPDATE_ROLLBACK_IN_PROGRESS", "The following resource(s) failed to update: "
         "[EchoMapping]. "),
        (STACK, "UPDATE_ROLLBACK_COMPLETE", None),
    ]  # fmt: skip
    clock.operation(script, refused, "UPDATE_ROLLBACK_COMPLETE")
    script.describe_stacks("UPDATE_COMPLETE")  # first step: the state, then the change set
    plan_change_set(script, [change("Remove", "EchoMapping")])
    two_steps(script, clock)

    deployment = plan(script, reporter, questions, answer=True)
    assert deployment.replacement is None
    result = execute_update(
        deployment.deployer,
        deployment.plan,
        deployment.steps,
        split=False,
        confirm=deployment.confirm,
    )

    script.stubber.assert_no_pending_responses()
    assert result.status == "UPDATE_COMPLETE"
    assert questions[0].startswith("Deploy it in two change sets now?")
    assert script.operations().count("ExecuteChangeSet") == 3


def test_lambdas_409_without_consent_says_the_old_trigger_still_runs(
    script: CfnScript, reporter: TimedReporter
) -> None:
    plan_change_set(script, [PLAIN_MODIFY])
    get_template(script, "LATEST")
    clock = Clock()
    refused = [
        (STACK, "UPDATE_IN_PROGRESS", "User Initiated"),
        ("EchoMapping", "UPDATE_FAILED", CONFLICT_REASON),
        (STACK, "UPDATE_ROLLBACK_COMPLETE", None),
    ]
    clock.operation(script, refused, "UPDATE_ROLLBACK_COMPLETE")

    deployment = plan_deploy(aws(script), answers(), STREAM, reporter, state=UPDATE)
    with pytest.raises(DeployFailed) as raised:
        execute_update(deployment.deployer, deployment.plan, deployment.steps, split=False,
                       confirm=lambda _q: False)  # fmt: skip

    message = str(raised.value)
    assert message.startswith("Lambda refused the new trigger: a mapping of this stream and")
    assert "provided mapping already exists" in message  # the cause, as AWS said it
    assert f"Stack {STACK} is UPDATE_ROLLBACK_COMPLETE: the old trigger still runs" in message
    assert "two change sets" in (raised.value.hint or "")
    script.stubber.assert_no_pending_responses()
