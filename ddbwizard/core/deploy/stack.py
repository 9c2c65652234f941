"""Stack primitives shared by planning and deploying: describe, delete and wait, stuck resources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import uuid4

from ddbwizard.core.changes import Attempt, ChangeLog
from ddbwizard.core.deploy.watch import (
    StackWatcher,
    describe_resource,
    follow_command,
    stuck_resources,
    to_event,
)
from ddbwizard.core.errors import AwsError, DdbWizardError
from ddbwizard.core.report import Reporter, StackEvent

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.type_defs import StackEventTypeDef, StackTypeDef

    from ddbwizard.core.aws.cloudformation import CloudFormation


def new_token() -> str:
    """A ClientRequestToken: unique per operation, so its events can be told apart."""
    return f"ddbwizard-{uuid4()}"


@dataclass
class StackOps:
    """The CloudFormation facade, the reporter, the change log and the polling settings."""

    cfn: CloudFormation
    reporter: Reporter
    changes: ChangeLog
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    poll_interval: float
    deadline: float

    @property
    def region(self) -> str | None:
        return self.cfn.region

    def describe(self, name_or_id: str) -> StackTypeDef | None:
        """The stack, or None when it does not exist (a DELETE_COMPLETE stack does not)."""
        return self.cfn.describe(name_or_id)

    def watcher(self, stack_id: str, stack_name: str, token: str) -> StackWatcher:
        return StackWatcher(
            cfn=self.cfn,
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
        self.cfn.delete_change_set(change_set, stack_name)

    def delete_stack(
        self, stack_id: str, stack_name: str, *, operation: str, undoes: Attempt | None = None
    ) -> None:
        """DeleteStack with a ClientRequestToken, then report its events until it is gone.

        `undoes`: the change log entry of what this deletion takes back (the empty stack of
        this run's own change set); once the stack is gone, that entry is dropped instead of
        a deletion being recorded.
        """
        token = new_token()
        watcher = self.watcher(stack_id, stack_name, token)
        self.reporter.step(f"Deleting stack {stack_name}")
        watcher.take_baseline()
        check = f"aws cloudformation describe-stacks --stack-name {stack_name}{self._where}"
        with self.changes.attempt(
            f"stack {stack_name} may be being deleted ({operation})", check
        ) as attempt:
            self.cfn.delete_stack(stack_id, token)
            attempt.confirm(f"the deletion of stack {stack_name} was started ({operation})")
            outcome = watcher.watch("delete")
            if outcome.status is None:
                if undoes is not None:
                    attempt.undone()
                    undoes.undone()
                else:
                    attempt.confirm(f"stack {stack_name} was deleted ({operation})")
                self.reporter.info(f"Stack {stack_name} deleted ({outcome.elapsed:.0f} s).")
                return
            attempt.confirm(f"stack {stack_name} could not be deleted: {outcome.status}")
        stuck = stuck_resources(outcome.events)
        raise AwsError(
            f"Stack {stack_name} could not be deleted ({outcome.status}) during the "
            f"{operation}: {list_resources(stuck)}",
            hint=retain_hint(stack_name, stuck, self.region),
        )

    @property
    def _where(self) -> str:
        return f" --region {self.region}" if self.region else ""

    def recent_events(self, stack_id: str, pages: int = 3) -> list[StackEvent]:
        """The stack's latest events (up to `pages` pages), oldest first."""
        raw_events: list[StackEventTypeDef] = []
        for count, page in enumerate(self.cfn.event_pages(stack_id), start=1):
            raw_events.extend(page)
            if count >= pages:
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
    except DdbWizardError:
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
