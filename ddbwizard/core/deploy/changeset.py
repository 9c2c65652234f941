"""Making a change set (CREATE or UPDATE) once the stack's state is decided (deploy.state)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from ddbwizard.core.aws.errors import CredentialsError
from ddbwizard.core.changes import Attempt
from ddbwizard.core.deploy.stack import StackOps, best_effort, new_token
from ddbwizard.core.deploy.state import CHANGE_SET_PREFIX, PlanKind, StackState
from ddbwizard.core.errors import AwsError, ConfirmationRequired, Interrupted

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.type_defs import ChangeTypeDef

EMPTY_REASONS = ("didn't contain changes", "No updates are to be performed")
RECREATING = frozenset({"Always", "Conditionally"})
INTERRUPTED_PLAN = "Stopped before deploying: the change set was deleted; nothing was deployed."


@dataclass(frozen=True)
class Change:
    """One resource change in a change set."""

    action: str  # Add, Modify, Remove (or Import, Dynamic)
    logical_id: str
    resource_type: str
    replacement: str = ""  # "True", "False" or "Conditional" for a Modify; "" otherwise
    physical_id: str = ""
    # The properties whose change makes CloudFormation re-create the resource (Details[].Target
    # with RequiresRecreation Always or Conditionally), in change set order.
    recreates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """A change set ready to execute, or `empty` (already deleted: nothing to deploy)."""

    stack_name: str
    stack_id: str
    change_set_id: str
    change_set_name: str
    kind: PlanKind
    changes: tuple[Change, ...] = ()
    empty: bool = False
    new_stack: bool = False  # the REVIEW_IN_PROGRESS stack exists only for this change set


def _change(raw: ChangeTypeDef) -> Change | None:
    resource = raw.get("ResourceChange")
    if raw.get("Type") != "Resource" or not resource:
        return None
    return Change(
        action=resource.get("Action", ""),
        logical_id=resource.get("LogicalResourceId", ""),
        resource_type=resource.get("ResourceType", ""),
        replacement=resource.get("Replacement", ""),
        physical_id=resource.get("PhysicalResourceId", ""),
        recreates=tuple(
            dict.fromkeys(
                target.get("Name", "")
                for detail in resource.get("Details", [])
                if (target := detail.get("Target", {})).get("Attribute") == "Properties"
                and target.get("RequiresRecreation") in RECREATING
            )
        ),
    )


def change_set_name() -> str:
    return f"{CHANGE_SET_PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid4().hex[:6]}"


class Planner:
    """Clears what the state says must go first, then makes the change set and reads it."""

    def __init__(self, ops: StackOps) -> None:
        self.ops = ops
        self._made: dict[str, Attempt] = {}  # change set id -> its change log entry

    def plan(
        self,
        state: StackState,
        template_body: str,
        tags: Mapping[str, str],
        *,
        replace_failed: bool = False,
        confirm_replace: Callable[[str], bool] | None = None,
    ) -> Plan:
        if state.delete_failed:
            self._replace_failed(state, replace_failed, confirm_replace)
        for stale in state.stale_change_sets:
            self.ops.reporter.info(f"Deleting stale change set {stale.name} of stack {state.name}")
            self.ops.delete_change_set(stale.change_set_id, state.name)
        if state.drop_review_stack and state.stack_id:
            self.ops.delete_stack(state.stack_id, state.name, operation="clean-up")
        return self._create(state.name, template_body, tags, state.kind)

    def discard(self, plan: Plan) -> None:
        made = self._made.pop(plan.change_set_id, None)
        if not plan.empty:
            self.ops.delete_change_set(plan.change_set_id, plan.stack_name)
        if plan.kind == "CREATE" and plan.new_stack:
            self.ops.delete_stack(plan.stack_id, plan.stack_name, operation="clean-up", undoes=made)
        elif made is not None:
            made.undone()
        self.ops.reporter.info(f"Change set {plan.change_set_name} deleted; nothing was deployed.")

    def _replace_failed(
        self,
        state: StackState,
        replace_failed: bool,
        confirm_replace: Callable[[str], bool] | None,
    ) -> None:
        head = (
            f"Stack {state.name} is in {state.status} from an earlier failed create; "
            "it can only be deleted."
        )
        agreed = replace_failed or (
            confirm_replace is not None
            and confirm_replace(f"{head} Delete it and create it again?")
        )
        if not agreed:
            raise ConfirmationRequired(
                f"{head} Re-run with --replace-failed to delete and re-create it."
            )
        assert state.stack_id is not None
        self.ops.delete_stack(state.stack_id, state.name, operation="replacement")

    def _create(
        self, stack_name: str, template_body: str, tags: Mapping[str, str], kind: PlanKind
    ) -> Plan:
        name = change_set_name()
        self.ops.reporter.step(f"Creating change set {name} ({kind}) for stack {stack_name}")
        where = f" --region {self.ops.region}" if self.ops.region else ""
        leftover = (
            f"aws cloudformation delete-stack --stack-name {stack_name}{where}"
            if kind == "CREATE"
            else f"aws cloudformation delete-change-set --stack-name {stack_name} "
            f"--change-set-name {name}{where}"
        )
        change_set_id: str | None = None
        stack_id: str | None = None
        with self.ops.changes.attempt(
            f"change set {name} may have been made for stack {stack_name} (never executed); "
            f"delete it with: {leftover}"
        ) as attempt:
            try:
                change_set_id, stack_id = self.ops.cfn.create_change_set(
                    stack_name=stack_name,
                    name=name,
                    kind=kind,
                    template_body=template_body,
                    description=f"ddbwizard {kind.lower()} of stack {stack_name}",
                    tags=tags,
                    client_token=name,
                )
                attempt.confirm(
                    f"change set {name} was made for stack {stack_name} (never executed); "
                    f"delete it with: {leftover}"
                )
                base = Plan(
                    stack_name, stack_id, change_set_id, name, kind, new_stack=kind == "CREATE"
                )
                plan = self._wait_or_drop(base, attempt)
            except KeyboardInterrupt:
                cleaned = self._abort(stack_name, stack_id, change_set_id or name, kind == "CREATE")
                if cleaned:
                    attempt.undone()
                    raise Interrupted(INTERRUPTED_PLAN) from None
                raise Interrupted(
                    "Stopped before deploying; nothing was deployed, but the change set may be left."
                ) from None
            except CredentialsError as error:
                raise AwsError(
                    f"{error.message} while change set {name} was being created; nothing was "
                    "deployed.",
                    hint=f"{error.hint or 'Refresh your credentials.'} Then delete it with: {leftover}",
                ) from None
            if plan.empty:
                attempt.undone()
            else:
                self._made[plan.change_set_id] = attempt
            return plan

    def _wait_or_drop(self, plan: Plan, attempt: Attempt) -> Plan:
        """Wait for the change set; when that fails, delete it (and its new, empty stack)."""
        try:
            return self._wait(plan)
        except CredentialsError:
            raise
        except AwsError as error:
            if not best_effort(lambda: self._drop(plan)):
                raise
            attempt.undone()
            raise AwsError(
                f"{error.message}; it was deleted and nothing was deployed.", error.hint
            ) from None

    def executed(self, plan: Plan) -> None:
        """The change set was executed: the deploy's own entry tells the rest."""
        made = self._made.pop(plan.change_set_id, None)
        if made is not None:
            made.undone()

    def _wait(self, plan: Plan) -> Plan:
        """Poll DescribeChangeSet until CREATE_COMPLETE (read all its changes) or FAILED."""
        start = self.ops.clock()
        while True:
            state = self.ops.cfn.change_set(plan.change_set_id, plan.stack_id)
            status = state.status
            if status == "CREATE_COMPLETE":
                changes = [c for raw in state.changes if (c := _change(raw))]
                self.ops.reporter.info(
                    f"Change set {plan.change_set_name}: {len(changes)} change(s)."
                )
                return replace(plan, changes=tuple(changes))
            if status == "FAILED":
                reason = state.reason
                if any(text in reason for text in EMPTY_REASONS):
                    self._drop(plan)
                    self.ops.reporter.info(f"Change set {plan.change_set_name} is empty; deleted.")
                    return replace(plan, empty=True)
                raise AwsError(
                    f"CloudFormation could not create the change set for stack "
                    f"{plan.stack_name}: {reason or status}"
                )
            elapsed = self.ops.clock() - start
            if elapsed >= self.ops.deadline:
                raise AwsError(
                    f"Change set {plan.change_set_name} was still {status} after "
                    f"{self.ops.deadline / 60:.0f} min"
                )
            self.ops.reporter.waiting(f"change set {plan.change_set_name} ({status})", elapsed)
            self.ops.sleep(self.ops.poll_interval)

    def _drop(self, plan: Plan) -> None:
        """Delete a failed or empty change set, and the empty stack a new CREATE made for it."""
        self.ops.delete_change_set(plan.change_set_id, plan.stack_name)
        if plan.kind == "CREATE" and plan.new_stack:
            self._drop_review_stack(plan.stack_name, plan.stack_id)

    def _abort(
        self, stack_name: str, stack_id: str | None, change_set: str, drop_stack: bool
    ) -> bool:
        """Ctrl-C while the change set was being made: delete it (and its new, empty stack)."""
        try:
            cleaned = best_effort(lambda: self.ops.delete_change_set(change_set, stack_name))
            if drop_stack:
                cleaned = best_effort(lambda: self._drop_review_stack(stack_name, stack_id))
        except KeyboardInterrupt:  # a second Ctrl-C stops the clean-up at once
            return False
        return cleaned

    def _drop_review_stack(self, stack_name: str, stack_id: str | None) -> None:
        """Delete the empty REVIEW_IN_PROGRESS stack a CREATE change set made; do not wait."""
        stack = self.ops.describe(stack_id or stack_name)
        if stack is None or stack["StackStatus"] != "REVIEW_IN_PROGRESS":
            return
        self.ops.cfn.delete_stack(stack.get("StackId", stack_name), new_token())
