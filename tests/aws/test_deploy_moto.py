"""The deployer against moto's in-process CloudFormation: real change sets, stacks and deletes.

moto emits only stack-level events, never rolls back and applies a change set at once, so
those paths are covered by test_deploy_stubbed.py instead.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from ddbwizard.core.aws.cloudformation import CloudFormation
from ddbwizard.core.deploy.execute import Deployer
from ddbwizard.core.deploy.state import RECENT_CHANGE_SET, read_state
from ddbwizard.core.errors import AwsError
from ddbwizard.core.report import RecordingReporter

REGION = "us-east-1"
STACK = "orders-echo"
TAGS = {"app": "ddbwizard", "table": "orders"}


def template(visibility: int = 30) -> str:
    return json.dumps({
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": visibility}},
        },
        "Outputs": {
            "QueueUrl": {"Value": {"Ref": "Queue"}},
            "QueueArn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}},
        },
    })  # fmt: skip


@pytest.fixture
def cfn() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("cloudformation", region_name=REGION)


@pytest.fixture
def reporter() -> RecordingReporter:
    return RecordingReporter()


@pytest.fixture
def deployer(cfn: Any, reporter: RecordingReporter) -> Deployer:
    sleeps: list[float] = []
    return Deployer(
        CloudFormation(cfn), reporter, sleep=sleeps.append, clock=lambda: float(len(sleeps))
    )


def queue_urls() -> list[str]:
    urls: list[str] = boto3.client("sqs", region_name=REGION).list_queues().get("QueueUrls", [])
    return urls


def change_set_names(cfn: Any, stack: str = STACK) -> list[str]:
    return [s["ChangeSetName"] for s in cfn.list_change_sets(StackName=stack)["Summaries"]]


def deployed(deployer: Deployer, body: str | None = None) -> None:
    deployer.execute(deployer.plan(STACK, body or template(), TAGS))


def test_create_change_set_then_execute_reaches_create_complete(
    cfn: Any, deployer: Deployer, reporter: RecordingReporter
) -> None:
    plan = deployer.plan(STACK, template(), TAGS)

    assert plan.kind == "CREATE"
    assert not plan.empty
    assert plan.new_stack
    assert plan.change_set_name.startswith("ddbwizard-")
    assert [(c.action, c.logical_id, c.resource_type) for c in plan.changes] == [
        ("Add", "Queue", "AWS::SQS::Queue")
    ]
    assert deployer.stack_status(STACK) == "REVIEW_IN_PROGRESS"

    result = deployer.execute(plan)

    assert result.status == "CREATE_COMPLETE"
    assert deployer.stack_status(STACK) == "CREATE_COMPLETE"
    # moto emits stack-level events only; the REVIEW_IN_PROGRESS one predates the execution.
    assert [(e.logical_id, e.status) for e in result.events] == [
        (STACK, "CREATE_IN_PROGRESS"),
        (STACK, "CREATE_COMPLETE"),
    ]
    assert reporter.events == list(result.events)
    assert len(queue_urls()) == 1
    described = cfn.describe_change_set(ChangeSetName=plan.change_set_id)
    assert described["Description"].startswith("ddbwizard")


@pytest.mark.xfail(
    strict=True,
    reason="moto 5.2.5 does not resolve Outputs on stacks made through ExecuteChangeSet",
)
def test_outputs_after_a_change_set_deploy(
    deployer: Deployer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.cloudformation.models import ChangeSet

    # moto as it is, even where the session's moto server holds the emulator's patch
    monkeypatch.setattr(ChangeSet, "apply", inspect.unwrap(ChangeSet.apply))
    result = deployer.execute(deployer.plan(STACK, template(), TAGS))
    assert set(result.outputs) == {"QueueUrl", "QueueArn"}


def test_the_emulator_fills_outputs_after_a_change_set_deploy(deployer: Deployer) -> None:
    from ddbwizard.local.fixes import moto_behaves_like_aws

    with moto_behaves_like_aws():
        result = deployer.execute(deployer.plan(STACK, template(), TAGS))
        assert set(result.outputs) == {"QueueUrl", "QueueArn"}
        assert result.outputs["QueueArn"].startswith("arn:aws:sqs:us-east-1:")


def test_outputs_reads_the_stack_outputs(cfn: Any, deployer: Deployer) -> None:
    cfn.create_stack(StackName=STACK, TemplateBody=template())

    outputs = deployer.outputs(STACK)

    assert set(outputs) == {"QueueUrl", "QueueArn"}
    assert outputs["QueueArn"].startswith("arn:aws:sqs:us-east-1:")


def test_same_template_again_is_an_empty_plan(cfn: Any, deployer: Deployer) -> None:
    deployed(deployer)
    events_before = cfn.describe_stack_events(StackName=STACK)["StackEvents"]

    plan = deployer.plan(STACK, template(), TAGS)

    assert plan.empty
    assert plan.kind == "UPDATE"
    assert plan.changes == ()
    assert plan.change_set_name not in change_set_names(cfn)
    assert deployer.stack_status(STACK) == "CREATE_COMPLETE"
    assert cfn.describe_stack_events(StackName=STACK)["StackEvents"] == events_before
    assert deployer.execute(plan).status == "CREATE_COMPLETE"  # a no-op, nothing executed


def test_changed_template_is_an_update_with_a_modify(cfn: Any, deployer: Deployer) -> None:
    deployed(deployer)

    plan = deployer.plan(STACK, template(visibility=60), TAGS)

    assert plan.kind == "UPDATE"
    assert not plan.new_stack
    assert [(c.action, c.logical_id) for c in plan.changes] == [("Modify", "Queue")]
    result = deployer.execute(plan)
    assert result.status == "UPDATE_COMPLETE"
    assert [e.status for e in result.events] == ["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE"]
    sqs = boto3.client("sqs", region_name=REGION)
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_urls()[0], AttributeNames=["VisibilityTimeout"]
    )
    assert attributes["Attributes"]["VisibilityTimeout"] == "60"


def test_review_in_progress_becomes_a_fresh_create(
    cfn: Any, deployer: Deployer, reporter: RecordingReporter
) -> None:
    stale = "ddbwizard-20260101T000000Z-0a0b0c"
    cfn.create_change_set(
        StackName=STACK, ChangeSetName=stale, ChangeSetType="CREATE", TemplateBody=template()
    )
    assert deployer.stack_status(STACK) == "REVIEW_IN_PROGRESS"
    later = datetime.now(UTC) + RECENT_CHANGE_SET + timedelta(minutes=1)  # the run is long gone

    plan = deployer.plan(
        STACK, template(), TAGS, state=read_state(deployer.ops, STACK, None, now=later)
    )

    assert plan.kind == "CREATE"
    assert change_set_names(cfn, plan.stack_id) == [plan.change_set_name]
    assert stale not in change_set_names(cfn, plan.stack_id)
    assert any(stale in text for text in reporter.text().splitlines())
    assert deployer.execute(plan).status == "CREATE_COMPLETE"
    assert deployer.stack_status(STACK) == "CREATE_COMPLETE"


def test_a_change_set_another_run_just_made_is_kept_and_the_stack_reported_busy(
    cfn: Any, deployer: Deployer
) -> None:
    other_run = "ddbwizard-20260101T000000Z-0a0b0c"
    cfn.create_change_set(
        StackName=STACK, ChangeSetName=other_run, ChangeSetType="CREATE", TemplateBody=template()
    )

    with pytest.raises(AwsError, match="busy: another ddbwizard run"):
        deployer.plan(STACK, template(), TAGS)

    assert change_set_names(cfn, STACK) == [other_run]


def test_destroy_deletes_then_reports_already_gone(cfn: Any, deployer: Deployer) -> None:
    deployed(deployer)

    assert deployer.destroy(STACK) is True
    assert deployer.stack_status(STACK) is None
    assert queue_urls() == []
    assert deployer.destroy(STACK) is False


def test_discard_of_a_create_plan_removes_the_review_stack(cfn: Any, deployer: Deployer) -> None:
    plan = deployer.plan(STACK, template(), TAGS)

    deployer.discard(plan)

    assert deployer.stack_status(STACK) is None
    assert queue_urls() == []


def test_discard_of_an_update_plan_keeps_the_stack(cfn: Any, deployer: Deployer) -> None:
    deployed(deployer)
    plan = deployer.plan(STACK, template(visibility=90), TAGS)

    deployer.discard(plan)

    assert deployer.stack_status(STACK) == "CREATE_COMPLETE"
    assert plan.change_set_name not in change_set_names(cfn)


def test_stack_status_of_a_missing_stack_is_none(deployer: Deployer) -> None:
    assert deployer.stack_status("no-such-stack") is None
