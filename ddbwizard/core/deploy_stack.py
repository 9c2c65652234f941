"""Stack primitives shared by planning and deploying: describe, delete and wait, stuck resources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import uuid4

from botocore.exceptions import BotoCoreError, ClientError

from ddbwizard.core.deploy_watch import (
    StackWatcher,
    describe_resource,
    error_code,
    follow_command,
    is_missing_stack,
    stuck_resources,
    to_event,
)
from ddbwizard.core.errors import AwsError
from ddbwizard.core.report import Reporter, StackEvent

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudformation.type_defs import StackEventTypeDef, StackTypeDef


def new_token() -> str:
    """A ClientRequestToken: unique per operation, so its events can be told apart."""
    return f"ddbwizard-{uuid4()}"


@dataclass
class StackOps:
    """The client, the reporter and the polling settings, with the calls both phases need."""

    client: CloudFormationClient
    reporter: Reporter
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    poll_interval: float
    deadline: float

    @property
    def region(self) -> str | None:
        return self.client.meta.region_name

    def describe(self, name_or_id: str) -> StackTypeDef | None:
        """The stack, or None when it does not exist (a DELETE_COMPLETE stack does not)."""
        try:
            stacks = self.client.describe_stacks(StackName=name_or_id)["Stacks"]
        except ClientError as error:
            if is_missing_stack(error):
                return None
            raise
        if not stacks or stacks[0]["StackStatus"] == "DELETE_COMPLETE":
            return None
        return stacks[0]

    def watcher(self, stack_id: str, stack_name: str, token: str) -> StackWatcher:
        return StackWatcher(
            client=self.client,
            reporter=self.reporter,
            stack_id=stack_id,
            stack_name=stack_name,
            token=token,
            sleep=self.sleep,
            clock=self.clock,
            poll_interval=self.poll_interval,
            deadline=self.deadline,
            region=self.region,
        )

    def delete_change_set(self, change_set: str, stack_name: str) -> None:
        """Delete a change set by id or name; one already gone is fine."""
        try:
            self.client.delete_change_set(ChangeSetName=change_set, StackName=stack_name)
        except ClientError as error:
            gone = error_code(error).startswith("ChangeSetNotFound") or is_missing_stack(error)
            if not gone:
                raise

    def delete_stack(self, stack_id: str, stack_name: str, *, operation: str) -> None:
        """DeleteStack with a ClientRequestToken, then report its events until it is gone."""
        token = new_token()
        watcher = self.watcher(stack_id, stack_name, token)
        self.reporter.step(f"Deleting stack {stack_name}")
        watcher.take_baseline()
        self.client.delete_stack(StackName=stack_id, ClientRequestToken=token)
        outcome = watcher.watch("delete")
        if outcome.status is None:
            self.reporter.info(f"Stack {stack_name} deleted ({outcome.elapsed:.0f} s).")
            return
        stuck = stuck_resources(outcome.events)
        raise AwsError(
            f"Stack {stack_name} could not be deleted ({outcome.status}) during the "
            f"{operation}: {list_resources(stuck)}",
            hint=retain_hint(stack_name, stuck, self.region),
        )

    def recent_events(self, stack_id: str, pages: int = 3) -> list[StackEvent]:
        """The stack's latest events (up to `pages` pages), oldest first."""
        raw_events: list[StackEventTypeDef] = []
        next_token: str | None = None
        for _ in range(pages):
            if next_token:
                answer = self.client.describe_stack_events(StackName=stack_id, NextToken=next_token)
            else:
                answer = self.client.describe_stack_events(StackName=stack_id)
            raw_events.extend(answer["StackEvents"])
            next_token = answer.get("NextToken")
            if not next_token:
                break
        return [to_event(raw) for raw in reversed(raw_events)]

    def busy_error(self, stack_name: str, status: str) -> AwsError:
        return AwsError(
            f"Stack {stack_name} is busy ({status}); wait for it to finish, then run again.",
            hint=f"Follow it with: {follow_command(stack_name, self.region)}",
        )

    def stuck_error(self, stack_name: str, stack_id: str, status: str) -> AwsError:
        """UPDATE_ROLLBACK_FAILED, DELETE_FAILED: name the stuck resources and the way out."""
        stuck = stuck_resources(self.recent_events(stack_id))
        if status == "UPDATE_ROLLBACK_FAILED":
            return AwsError(
                f"Stack {stack_name} is UPDATE_ROLLBACK_FAILED: CloudFormation could not roll "
                f"back {list_resources(stuck)}",
                hint=continue_hint(stack_name, stuck, self.region),
            )
        if status == "DELETE_FAILED":
            return AwsError(
                f"Stack {stack_name} is DELETE_FAILED: CloudFormation could not delete "
                f"{list_resources(stuck)}",
                hint=retain_hint(stack_name, stuck, self.region),
            )
        return AwsError(
            f"Stack {stack_name} is {status}: {list_resources(stuck)}",
            hint=f"See: {follow_command(stack_name, self.region)}",
        )


def best_effort(action: Callable[[], object]) -> bool:
    """Run a clean-up call; False when it failed (a KeyboardInterrupt still propagates)."""
    try:
        action()
    except (ClientError, BotoCoreError):
        return False
    return True


def list_resources(stuck: list[StackEvent]) -> str:
    if not stuck:
        return "no failed resource is named in its recent events."
    return "; ".join(describe_resource(event) for event in stuck) + "."


def continue_hint(stack_name: str, stuck: list[StackEvent], region: str | None) -> str:
    where = f" --region {region}" if region else ""
    skip = (
        f" (add --resources-to-skip {' '.join(e.logical_id for e in stuck)} to give up on them)"
        if stuck
        else ""
    )
    return (
        "Fix the cause, then run: aws cloudformation continue-update-rollback "
        f"--stack-name {stack_name}{where}{skip}; once the stack is UPDATE_ROLLBACK_COMPLETE, "
        "run ddbwizard again."
    )


def retain_hint(stack_name: str, stuck: list[StackEvent], region: str | None) -> str:
    where = f" --region {region}" if region else ""
    keep = (" --retain-resources " + " ".join(e.logical_id for e in stuck)) if stuck else ""
    return (
        "Fix the cause and delete the stack again, or delete it keeping those resources: "
        f"aws cloudformation delete-stack --stack-name {stack_name}{where}{keep}"
    )
