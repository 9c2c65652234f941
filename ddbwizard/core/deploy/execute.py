"""The deployer: plan a change set, execute it while streaming stack events, destroy a stack.

UI-free: it takes the CloudFormation facade (core.aws.cloudformation: every call translated
into domain errors), reports through an injected Reporter and records every mutation in the
run's ChangeLog. The work is split in state (the read-only decision), changeset (making it),
watch (polling status and events) and stack (shared primitives).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ddbwizard.core.changes import ChangeLog
from ddbwizard.core.deploy.changeset import Change, Plan, Planner
from ddbwizard.core.deploy.stack import (
    StackOps,
    best_effort,
    continue_hint,
    list_resources,
    new_token,
    retain_hint,
)
from ddbwizard.core.deploy.state import PlanKind, StackState, read_state
from ddbwizard.core.deploy.watch import (
    WatchOutcome,
    describe_resource,
    first_failure,
    follow_command,
    stuck_resources,
)
from ddbwizard.core.errors import AwsError, Interrupted
from ddbwizard.core.report import Reporter, StackEvent

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.type_defs import StackTypeDef

    from ddbwizard.core.aws.cloudformation import CloudFormation

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_POLL_INTERVAL",
    "Change",
    "DeployFailed",
    "DeployResult",
    "Deployer",
    "Plan",
    "PlanKind",
    "StackState",
]

DEFAULT_POLL_INTERVAL = 1.5
DEFAULT_DEADLINE = 30 * 60.0
SUCCESS = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"})
FINISHED_BY = {"Add": "CREATE_COMPLETE", "Modify": "UPDATE_COMPLETE", "Remove": "DELETE_COMPLETE"}


@dataclass(frozen=True)
class DeployResult:
    """A stack that reached CREATE_COMPLETE or UPDATE_COMPLETE."""

    stack_name: str
    status: str
    outputs: dict[str, str]
    events: tuple[StackEvent, ...]
    elapsed: float


class DeployFailed(AwsError):
    """The stack operation ended in a rollback or a failure; the message names the first cause."""

    def __init__(
        self,
        message: str,
        hint: str | None,
        *,
        stack_name: str,
        status: str | None,
        failure: StackEvent | None,
        events: tuple[StackEvent, ...],
    ) -> None:
        super().__init__(message, hint)
        self.stack_name = stack_name
        self.status = status
        self.failure = failure
        self.events = events


def _outputs(stack: StackTypeDef | None) -> dict[str, str]:
    outputs = stack.get("Outputs", []) if stack else []
    return {o["OutputKey"]: o.get("OutputValue", "") for o in outputs if "OutputKey" in o}


class Deployer:
    """Plans, executes and destroys the stack, polling every `poll_interval` seconds (1-2 s).

    `sleep` and `clock` (monotonic seconds) are injectable so tests run instantly; `deadline`
    bounds each wait. No botocore waiter is used: they poll every 30 s, and botocore's
    stack_create_complete also "succeeds" on UPDATE_* states. The status is read after every
    sleep, so a decision never rests on a status older than one poll.
    """

    def __init__(
        self,
        cfn: CloudFormation,
        reporter: Reporter,
        *,
        changes: ChangeLog | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        self.changes = changes if changes is not None else ChangeLog()
        self.ops = StackOps(cfn, reporter, self.changes, sleep, clock, poll_interval, deadline)
        self.planner = Planner(self.ops)

    def stack_status(self, stack_name: str) -> str | None:
        """The stack's status, or None when it does not exist (DELETE_COMPLETE included)."""
        stack = self.ops.describe(stack_name)
        return stack["StackStatus"] if stack else None

    def outputs(self, stack_name: str) -> dict[str, str]:
        stack = self.ops.describe(stack_name)
        if stack is None:
            raise AwsError(f"Stack {stack_name} does not exist.")
        return _outputs(stack)

    def deployed_template(self, stack_id: str) -> str | Mapping[str, Any] | None:
        """The stack's deployed template (GetTemplate): text, or a decoded JSON object."""
        return self.ops.cfn.template_body(stack_id)

    def state(self, stack_name: str, table: str | None = None) -> StackState:
        """The read-only decision: CREATE or UPDATE, and what must go first.

        With `table`, a stack that ddbwizard did not make for that table is refused
        (NotOurStack, exit 2); a busy or stuck stack is an AwsError.
        """
        return read_state(self.ops, stack_name, table)

    def plan(
        self,
        stack_name: str,
        template_body: str,
        tags: Mapping[str, str],
        *,
        table: str | None = None,
        state: StackState | None = None,
        replace_failed: bool = False,
        confirm_replace: Callable[[str], bool] | None = None,
    ) -> Plan:
        """Make a change set (CREATE for a new stack, else UPDATE) and wait for it.

        An empty change set is deleted and the Plan is `empty`. Before it: a REVIEW_IN_PROGRESS
        stack is cleared; a ROLLBACK_COMPLETE one is deleted only with `replace_failed` or
        `confirm_replace(message)` (else ConfirmationRequired). `state` is `self.state(...)`
        when the caller already decided it. Ctrl-C deletes the change set and raises Interrupted.
        """
        decided = state if state is not None else self.state(stack_name, table)
        return self.planner.plan(
            decided,
            template_body,
            tags,
            replace_failed=replace_failed,
            confirm_replace=confirm_replace,
        )

    def discard(self, plan: Plan) -> None:
        """Delete the plan's change set (and the empty stack a CREATE plan made): --dry-run."""
        self.planner.discard(plan)

    def execute(self, plan: Plan) -> DeployResult:
        """Execute the change set and watch it; DeployFailed names the first failed resource.

        Ctrl-C, an expired token or the deadline stop the watching, never the deploy.
        """
        if plan.empty:
            stack = self.ops.describe(plan.stack_name)
            status = stack["StackStatus"] if stack else "DELETE_COMPLETE"
            return DeployResult(plan.stack_name, status, _outputs(stack), (), 0.0)
        token = new_token()
        watcher = self.ops.watcher(plan.stack_id, plan.stack_name, token)
        self.ops.reporter.step(
            f"Deploying stack {plan.stack_name} (change set {plan.change_set_name})"
        )
        try:
            watcher.take_baseline()
        except KeyboardInterrupt:
            with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: stop at once
                best_effort(lambda: self.planner.discard(plan))
            raise Interrupted(
                "Stopped before deploying: the change set was deleted; nothing was changed."
            ) from None
        follow = follow_command(plan.stack_name, self.ops.region)
        with self.changes.attempt(
            f"a deploy of stack {plan.stack_name} may have started", follow
        ) as attempt:
            try:
                self.ops.cfn.execute_change_set(plan.change_set_id, plan.stack_name, token)
            except KeyboardInterrupt:
                raise Interrupted(
                    f"The deploy may go on in CloudFormation without ddbwizard. Follow it with: {follow}"
                ) from None
            except AwsError as error:
                if error.refused:  # AWS said no: nothing runs; do not leave the change set
                    with contextlib.suppress(KeyboardInterrupt):
                        best_effort(lambda: self.planner.discard(plan))
                raise
            self.planner.executed(plan)
            attempt.confirm(
                f"a deploy of stack {plan.stack_name} was started (it goes on in CloudFormation)"
            )
            expected = {
                c.logical_id: FINISHED_BY[c.action] for c in plan.changes if c.action in FINISHED_BY
            }
            outcome = watcher.watch("deploy", expected)
            if outcome.status is not None and outcome.status in SUCCESS:
                attempt.confirm(f"stack {plan.stack_name} was deployed ({outcome.status})")
                self.ops.reporter.info(
                    f"Stack {plan.stack_name} is {outcome.status} ({outcome.elapsed:.0f} s)."
                )
                outputs = _outputs(outcome.stack)
                return DeployResult(
                    plan.stack_name, outcome.status, outputs, outcome.events, outcome.elapsed
                )
            attempt.confirm(
                f"a deploy of stack {plan.stack_name} failed; the stack is now "
                f"{outcome.status or 'deleted'}"
            )
            raise self._failed(plan.stack_name, outcome)

    def destroy(self, stack_name: str, table: str | None = None) -> bool:
        """Delete the stack and wait until it is gone: True when deleted, False when absent.

        Only the stack's resources go; the DynamoDB table and its stream are never touched.
        With `table`, a stack ddbwizard did not make for that table is refused (NotOurStack).
        """
        stack = self.ops.describe(stack_name)
        if stack is None:
            self.ops.reporter.info(f"Stack {stack_name} does not exist; nothing to delete.")
            return False
        if table is not None:
            from ddbwizard.core.deploy.state import check_owner

            check_owner(self.ops, stack, table)
        status = stack["StackStatus"]
        if status.endswith("_IN_PROGRESS") and status not in (
            "REVIEW_IN_PROGRESS",
            "DELETE_IN_PROGRESS",
        ):
            raise self.ops.busy_error(stack_name, status)
        self.ops.delete_stack(stack.get("StackId", stack_name), stack_name, operation="delete")
        return True

    def _failed(self, stack_name: str, outcome: WatchOutcome) -> DeployFailed:
        """Name the first failed resource and its reason, the final status and what to do."""
        region = self.ops.region
        failure = first_failure(outcome.events)
        if failure is not None:
            cause = describe_resource(failure)
        else:
            reason = outcome.stack.get("StackStatusReason", "") if outcome.stack else ""
            cause = f"stack {outcome.status or 'deleted'}" + (f": {reason}" if reason else "")
        if outcome.status is None:
            message = f"Deploy failed: {cause}. Stack {stack_name} was deleted during the deploy."
        else:
            message = f"Deploy failed: {cause}. Stack {stack_name} is now {outcome.status}."
        stuck = stuck_resources(outcome.events)
        hint: str
        if outcome.status == "ROLLBACK_COMPLETE":
            hint = "Fix the cause, then re-run with --replace-failed to delete and re-create it."
        elif outcome.status == "ROLLBACK_FAILED":
            hint = retain_hint(stack_name, stuck, region)
        elif outcome.status == "UPDATE_ROLLBACK_COMPLETE":
            hint = "The stack is back to its previous version; fix the cause and deploy again."
        elif outcome.status == "UPDATE_ROLLBACK_FAILED":
            message += f" Stuck: {list_resources(stuck)}"
            hint = continue_hint(stack_name, stuck, region)
        else:
            hint = f"See: {follow_command(stack_name, region)}"
        return DeployFailed(
            message,
            hint,
            stack_name=stack_name,
            status=outcome.status,
            failure=failure,
            events=outcome.events,
        )
