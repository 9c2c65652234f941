"""Planning a deploy: the stack's state before it, then a change set (CREATE or UPDATE)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal
from uuid import uuid4

from botocore.exceptions import ClientError

from ddbwizard.core.deploy_stack import StackOps, best_effort, new_token
from ddbwizard.core.deploy_watch import is_expired
from ddbwizard.core.errors import AwsError, ConfirmationRequired, Interrupted

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.type_defs import ChangeTypeDef, StackTypeDef

PlanKind = Literal["CREATE", "UPDATE"]

CHANGE_SET_PREFIX = "ddbwizard-"
EMPTY_REASONS = ("didn't contain changes", "No updates are to be performed")
FAILED_CREATE = frozenset({"ROLLBACK_COMPLETE", "ROLLBACK_FAILED"})
STUCK = frozenset({"UPDATE_ROLLBACK_FAILED", "DELETE_FAILED", "IMPORT_ROLLBACK_FAILED"})
INTERRUPTED_PLAN = "Stopped before deploying: the change set was deleted; nothing was changed."


@dataclass(frozen=True)
class Change:
    """One resource change in a change set."""

    action: str  # Add, Modify, Remove (or Import, Dynamic)
    logical_id: str
    resource_type: str
    replacement: str = ""  # "True", "False" or "Conditional" for a Modify; "" otherwise
    physical_id: str = ""


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
    )


class Planner:
    """Reads the stack's state, clears what an earlier run left, and makes the change set."""

    def __init__(self, ops: StackOps) -> None:
        self.ops = ops

    def plan(
        self,
        stack_name: str,
        template_body: str,
        tags: Mapping[str, str],
        *,
        replace_failed: bool = False,
        confirm_replace: Callable[[str], bool] | None = None,
    ) -> Plan:
        stack = self.ops.describe(stack_name)
        kind: PlanKind = "CREATE"
        new_stack = True
        if stack is not None:
            status = stack["StackStatus"]
            if status == "REVIEW_IN_PROGRESS":
                new_stack = self._clear_review(stack)
            elif status in FAILED_CREATE:
                self._replace_failed(stack, status, replace_failed, confirm_replace)
            elif status.endswith("_IN_PROGRESS"):
                raise self.ops.busy_error(stack_name, status)
            elif status in STUCK:
                raise self.ops.stuck_error(stack_name, stack.get("StackId", stack_name), status)
            else:
                kind, new_stack = "UPDATE", False
        return self._create(stack_name, template_body, tags, kind, new_stack)

    def discard(self, plan: Plan) -> None:
        if not plan.empty:
            self.ops.delete_change_set(plan.change_set_id, plan.stack_name)
        if plan.kind == "CREATE" and plan.new_stack:
            self.ops.delete_stack(plan.stack_id, plan.stack_name, operation="clean-up")
        self.ops.reporter.info(f"Change set {plan.change_set_name} deleted; nothing was deployed.")

    def _clear_review(self, stack: StackTypeDef) -> bool:
        """A REVIEW_IN_PROGRESS stack (an aborted run): delete ddbwizard's stale change sets.

        When no change set is left the empty stack is deleted too, so the new CREATE starts
        clean (moto, behind --local, would otherwise keep two stacks of one name). Returns
        True when the stack is gone, False when it is kept for another tool's change sets.
        """
        name = stack["StackName"]
        stack_id = stack.get("StackId", name)
        client, others = self.ops.client, []
        next_token: str | None = None
        while True:
            if next_token:
                page = client.list_change_sets(StackName=stack_id, NextToken=next_token)
            else:
                page = client.list_change_sets(StackName=stack_id)
            for summary in page.get("Summaries", []):
                cs_name = summary.get("ChangeSetName", "")
                if cs_name.startswith(CHANGE_SET_PREFIX):
                    self.ops.reporter.info(f"Deleting stale change set {cs_name} of stack {name}")
                    self.ops.delete_change_set(summary.get("ChangeSetId", cs_name), name)
                else:
                    others.append(cs_name)
            next_token = page.get("NextToken")
            if not next_token:
                break
        if others:
            self.ops.reporter.warn(
                f"Stack {name} is REVIEW_IN_PROGRESS with change sets ddbwizard did not make "
                f"({', '.join(others)}); they are kept."
            )
            return False
        self.ops.delete_stack(stack_id, name, operation="clean-up")
        return True

    def _replace_failed(
        self,
        stack: StackTypeDef,
        status: str,
        replace_failed: bool,
        confirm_replace: Callable[[str], bool] | None,
    ) -> None:
        name = stack["StackName"]
        head = f"Stack {name} is in {status} from an earlier failed create; it can only be deleted."
        agreed = replace_failed or (
            confirm_replace is not None
            and confirm_replace(f"{head} Delete it and create it again?")
        )
        if not agreed:
            raise ConfirmationRequired(
                f"{head} Re-run with --replace-failed to delete and re-create it."
            )
        self.ops.delete_stack(stack.get("StackId", name), name, operation="replacement")

    def _create(
        self,
        stack_name: str,
        template_body: str,
        tags: Mapping[str, str],
        kind: PlanKind,
        new_stack: bool,
    ) -> Plan:
        name = f"{CHANGE_SET_PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid4().hex[:6]}"
        self.ops.reporter.step(f"Creating change set {name} ({kind}) for stack {stack_name}")
        change_set_id: str | None = None
        stack_id: str | None = None
        try:
            answer = self.ops.client.create_change_set(
                StackName=stack_name,
                ChangeSetName=name,
                ChangeSetType=kind,
                TemplateBody=template_body,
                Capabilities=["CAPABILITY_IAM"],
                Description=f"ddbwizard {kind.lower()} of stack {stack_name}",
                Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
            )
            change_set_id, stack_id = answer["Id"], answer["StackId"]
            base = Plan(stack_name, stack_id, change_set_id, name, kind, new_stack=new_stack)
            return self._wait(base)
        except KeyboardInterrupt:
            drop_stack = kind == "CREATE" and new_stack
            raise self._abort(stack_name, stack_id, change_set_id or name, drop_stack) from None
        except ClientError as error:
            if not is_expired(error):
                raise
            raise AwsError(
                f"Your AWS credentials expired while change set {name} was being created; "
                "nothing was deployed.",
                hint="Refresh them (for example `aws sso login`), then delete it with: "
                f"aws cloudformation delete-change-set --stack-name {stack_name} "
                f"--change-set-name {name}",
            ) from None

    def _wait(self, plan: Plan) -> Plan:
        """Poll DescribeChangeSet until CREATE_COMPLETE (read all its changes) or FAILED."""
        client, start = self.ops.client, self.ops.clock()
        while True:
            answer = client.describe_change_set(
                ChangeSetName=plan.change_set_id, StackName=plan.stack_id
            )
            status = answer["Status"]
            if status == "CREATE_COMPLETE":
                changes = [c for raw in answer.get("Changes", []) if (c := _change(raw))]
                next_token = answer.get("NextToken")
                while next_token:
                    page = client.describe_change_set(
                        ChangeSetName=plan.change_set_id,
                        StackName=plan.stack_id,
                        NextToken=next_token,
                    )
                    changes.extend(c for raw in page.get("Changes", []) if (c := _change(raw)))
                    next_token = page.get("NextToken")
                self.ops.reporter.info(
                    f"Change set {plan.change_set_name}: {len(changes)} change(s)."
                )
                return replace(plan, changes=tuple(changes))
            if status == "FAILED":
                reason = answer.get("StatusReason", "")
                if any(text in reason for text in EMPTY_REASONS):
                    self.ops.delete_change_set(plan.change_set_id, plan.stack_name)
                    self.ops.reporter.info(f"Change set {plan.change_set_name} is empty; deleted.")
                    return replace(plan, empty=True)
                self._drop(plan)
                raise AwsError(
                    f"CloudFormation could not create the change set for stack "
                    f"{plan.stack_name}: {reason or status}"
                )
            elapsed = self.ops.clock() - start
            if elapsed >= self.ops.deadline:
                self._drop(plan)
                raise AwsError(
                    f"Change set {plan.change_set_name} was still {status} after "
                    f"{self.ops.deadline / 60:.0f} min; it was deleted and nothing was deployed."
                )
            self.ops.reporter.waiting(f"change set {plan.change_set_name} ({status})", elapsed)
            self.ops.sleep(self.ops.poll_interval)

    def _drop(self, plan: Plan) -> None:
        """Delete a failed change set, and the empty stack a new CREATE made for it."""
        self.ops.delete_change_set(plan.change_set_id, plan.stack_name)
        if plan.kind == "CREATE" and plan.new_stack:
            self.ops.delete_stack(plan.stack_id, plan.stack_name, operation="clean-up")

    def _abort(
        self, stack_name: str, stack_id: str | None, change_set: str, drop_stack: bool
    ) -> Interrupted:
        """Ctrl-C while the change set was being made: delete it (and its new, empty stack)."""
        cleaned = False
        try:
            cleaned = best_effort(lambda: self.ops.delete_change_set(change_set, stack_name))
            if drop_stack:
                cleaned = best_effort(lambda: self._drop_review_stack(stack_name, stack_id))
        except KeyboardInterrupt:  # a second Ctrl-C stops the clean-up at once
            cleaned = False
        if cleaned:
            return Interrupted(INTERRUPTED_PLAN)
        region = self.ops.region
        where = f" --region {region}" if region else ""
        leftover = (
            f"aws cloudformation delete-stack --stack-name {stack_name}{where}"
            if drop_stack
            else f"aws cloudformation delete-change-set --stack-name {stack_name} "
            f"--change-set-name {change_set}{where}"
        )
        return Interrupted(
            "Stopped before deploying; nothing was deployed, but the change set may be left. "
            f"Delete it with: {leftover}"
        )

    def _drop_review_stack(self, stack_name: str, stack_id: str | None) -> None:
        """Delete the REVIEW_IN_PROGRESS stack a CREATE change set made; do not wait."""
        target = stack_id
        if target is None:  # interrupted inside CreateChangeSet: look before deleting
            stack = self.ops.describe(stack_name)
            if stack is None or stack["StackStatus"] != "REVIEW_IN_PROGRESS":
                return
            target = stack.get("StackId", stack_name)
        self.ops.client.delete_stack(StackName=target, ClientRequestToken=new_token())
