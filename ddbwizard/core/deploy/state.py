"""The stack before a deploy: a read-only decision (CREATE or UPDATE, what must go first), and ownership.

ddbwizard changes only a stack it made for this table: the stack's `ddbwizard:table` tag (or,
for stacks made before the tag, its template's ddbwizard Metadata) names the table. Any other
stack of that name is refused before any change set, naming what it holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from ddbwizard.core.errors import AwsError, UsageError
from ddbwizard.core.model import limits

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.type_defs import StackTypeDef

    from ddbwizard.core.aws.cloudformation import ChangeSetSummary, CloudFormation
    from ddbwizard.core.deploy.stack import StackOps

PlanKind = Literal["CREATE", "UPDATE"]

OWNER_TAG = limits.OWNER_TAG_KEY
CHANGE_SET_PREFIX = "ddbwizard-"
FAILED_CREATE = frozenset({"ROLLBACK_COMPLETE", "ROLLBACK_FAILED"})
STUCK = frozenset({"UPDATE_ROLLBACK_FAILED", "DELETE_FAILED", "IMPORT_ROLLBACK_FAILED"})
# A ddbwizard change set younger than this belongs to a run that may still be deciding.
RECENT_CHANGE_SET = timedelta(minutes=15)


class NotOurStack(UsageError):
    """A stack of that name exists and ddbwizard did not make it for this table."""


@dataclass(frozen=True)
class StackState:
    """What a deploy must do to the stack, decided from reads only."""

    name: str
    status: str | None  # None: no such stack
    stack_id: str | None
    kind: PlanKind
    stale_change_sets: tuple[ChangeSetSummary, ...] = ()  # ddbwizard's, left by an aborted run
    drop_review_stack: bool = False  # an empty REVIEW_IN_PROGRESS stack of ours
    delete_failed: bool = False  # ROLLBACK_COMPLETE / ROLLBACK_FAILED: delete, then create

    @property
    def new_stack(self) -> bool:
        return self.kind == "CREATE"

    def mutations(self) -> list[str]:
        """The changes, in plain words, that the deploy makes before its change set."""
        steps = [f"delete the stale change set {cs.name}" for cs in self.stale_change_sets]
        if self.drop_review_stack:
            steps.append(f"delete the empty stack {self.name} (REVIEW_IN_PROGRESS)")
        if self.delete_failed:
            steps.append(f"delete stack {self.name} ({self.status}, from a failed create)")
        return steps


def owner(cfn: CloudFormation, stack: StackTypeDef) -> str | None:
    """The table ddbwizard made this stack for, or None when ddbwizard did not make it."""
    tags = {tag.get("Key"): tag.get("Value") for tag in stack.get("Tags", [])}
    if OWNER_TAG in tags:
        return tags[OWNER_TAG]
    if stack["StackStatus"] == "REVIEW_IN_PROGRESS":
        return None  # no template yet: its change sets decide
    metadata: Mapping[str, Any] = cfn.template_metadata(stack.get("StackId", stack["StackName"]))
    made = metadata.get("ddbwizard")
    answers = made.get("answers") if isinstance(made, dict) else None
    table = answers.get("table") if isinstance(answers, dict) else None
    name = table.get("name") if isinstance(table, dict) else None
    return name if isinstance(name, str) else None


def _not_ours(
    cfn: CloudFormation, stack: StackTypeDef, table: str, made_for: str | None
) -> NotOurStack:
    name = stack["StackName"]
    if made_for is not None:
        return NotOurStack(
            f"Stack {name} belongs to table {made_for!r}, not {table!r}: ddbwizard made it for "
            "that table and will not point it at another one",
            "Choose another stack.name in the answers file.",
        )
    try:
        held = cfn.resources(stack.get("StackId", name))
    except AwsError:
        held = []
    holds = ", ".join(f"{r.logical_id} ({r.resource_type})" for r in held[:8]) or "no resources"
    more = f" and {len(held) - 8} more" if len(held) > 8 else ""
    if stack["StackStatus"] == "REVIEW_IN_PROGRESS":
        holds = "change sets that ddbwizard did not make"
    return NotOurStack(
        f"Stack {name} exists and ddbwizard did not make it (it holds {holds}{more}); "
        "ddbwizard changes only the stacks it made",
        "Choose another stack.name in the answers file.",
    )


def check_owner(ops: StackOps, stack: StackTypeDef, table: str) -> None:
    """Refuse (NotOurStack) a stack that ddbwizard did not make for `table`."""
    made_for = owner(ops.cfn, stack)
    if stack["StackStatus"] == "REVIEW_IN_PROGRESS" and made_for is None:
        ours = ops.cfn.change_sets(stack.get("StackId", stack["StackName"]))
        if ours and all(cs.name.startswith(CHANGE_SET_PREFIX) for cs in ours):
            return
    if made_for != table:
        raise _not_ours(ops.cfn, stack, table, made_for)


def read_state(
    ops: StackOps, stack_name: str, table: str | None, *, now: datetime | None = None
) -> StackState:
    """Decide, from reads only, whether the deploy creates or updates, and what goes first.

    Refuses (before any change) a stack that is not ours (`table` given), busy, stuck, or
    holding a change set another ddbwizard run made in the last minutes.
    """
    cfn = ops.cfn
    stack = cfn.describe(stack_name)
    if stack is None:
        return StackState(stack_name, None, None, "CREATE")
    status = stack["StackStatus"]
    stack_id = stack.get("StackId", stack_name)
    made_for = owner(cfn, stack)
    if status == "REVIEW_IN_PROGRESS":
        return _review_state(ops, stack, table, made_for, now or datetime.now(UTC))
    if table is not None and made_for != table:
        raise _not_ours(cfn, stack, table, made_for)
    if status in FAILED_CREATE:
        return StackState(stack_name, status, stack_id, "CREATE", delete_failed=True)
    if status.endswith("_IN_PROGRESS"):
        raise ops.busy_error(stack_name, status)
    if status in STUCK:
        raise ops.stuck_error(stack_name, stack_id, status)
    return StackState(stack_name, status, stack_id, "UPDATE")


def _review_state(
    ops: StackOps, stack: StackTypeDef, table: str | None, made_for: str | None, now: datetime
) -> StackState:
    """A REVIEW_IN_PROGRESS stack: an aborted CREATE (stale), another run (busy) or not ours."""
    name = stack["StackName"]
    stack_id = stack.get("StackId", name)
    sets = ops.cfn.change_sets(stack_id)
    ours = [cs for cs in sets if cs.name.startswith(CHANGE_SET_PREFIX)]
    others = [cs.name for cs in sets if not cs.name.startswith(CHANGE_SET_PREFIX)]
    if others or (table is not None and made_for is not None and made_for != table):
        raise _not_ours(ops.cfn, stack, table or "", made_for if others == [] else None)
    recent = [cs for cs in ours if _younger(cs, now)]
    if recent:
        where = f" --region {ops.region}" if ops.region else ""
        raise AwsError(
            f"Stack {name} is busy: another ddbwizard run made change set {recent[0].name} "
            "a moment ago; wait for it to finish, then run again.",
            "If that run is gone, delete its change set: aws cloudformation delete-change-set "
            f"--stack-name {name} --change-set-name {recent[0].name}{where}",
        )
    return StackState(
        name,
        "REVIEW_IN_PROGRESS",
        stack_id,
        "CREATE",
        stale_change_sets=tuple(ours),
        drop_review_stack=True,
    )


def _younger(summary: ChangeSetSummary, now: datetime) -> bool:
    created = summary.created
    if created is None:
        return False
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    return now - created < RECENT_CHANGE_SET
