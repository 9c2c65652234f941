"""A mapping replacement deployed as two change sets through the one deployer.

The first change set holds the template without the mapping (CloudFormation deletes the old
one), the second the full template (it creates the new one). Between the two the table's
changes reach no function; a rerun of the same command finishes the job, since it sees a stack
without a mapping and only adds it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ddbwizard.core.deploy.changeset import Plan
from ddbwizard.core.deploy.execute import Deployer, DeployFailed, DeployResult
from ddbwizard.core.deploy.replacement import Replacement, refused_mapping
from ddbwizard.core.deploy.watch import describe_resource
from ddbwizard.core.errors import ConfirmationRequired, DdbWizardError, Interrupted

BETWEEN = (
    "The old trigger was removed and the new one is not in place yet, so no function reads "
    "the table's changes now: run the same command again to finish (it adds the new trigger)."
)


@dataclass(frozen=True)
class TwoStep:
    """What the two change sets deploy: the template without the mapping, then the full one."""

    stack_name: str
    table: str
    tags: Mapping[str, str]
    full: str
    without_mapping: str


def question(replacement: Replacement) -> str:
    """The confirmation a replacement asks (question first, then why: the wizards split it)."""
    return f"Replace the trigger in two change sets? {replacement.explanation()}"


def first_step(deployer: Deployer, steps: TwoStep, replaced: Plan | None = None) -> Plan:
    """Make the first change set: the template without the mapping (after deleting
    `replaced`, the one-step change set that is not executed)."""
    deployer.ops.reporter.step(
        f"Replacing the trigger of stack {steps.stack_name} in two change sets"
    )
    if replaced is not None:
        deployer.discard(replaced)
    state = deployer.state(steps.stack_name, steps.table)
    return deployer.plan(steps.stack_name, steps.without_mapping, steps.tags, state=state)


def finish(deployer: Deployer, first: Plan, steps: TwoStep) -> DeployResult:
    """Execute the first change set (the old mapping goes), then make and execute the second
    (the new one comes). A failure of the second leaves the stack without a mapping: its
    message says so and that a rerun finishes."""
    reporter = deployer.ops.reporter
    reporter.step("Step 1 of 2: removing the old trigger")
    removed = deployer.execute(first)
    reporter.step("Step 2 of 2: adding the new trigger")
    try:
        state = deployer.state(steps.stack_name, steps.table)
        second = deployer.plan(steps.stack_name, steps.full, steps.tags, state=state)
        added = deployer.execute(second)
    except DdbWizardError as error:
        error.hint = f"{BETWEEN} {error.hint}" if error.hint else BETWEEN
        raise
    except KeyboardInterrupt:
        raise Interrupted(f"Stopped between the two change sets. {BETWEEN}") from None
    return DeployResult(
        added.stack_name,
        added.status,
        added.outputs,
        removed.events + added.events,
        removed.elapsed + added.elapsed,
    )


def execute_update(
    deployer: Deployer,
    plan: Plan,
    steps: TwoStep | None,
    *,
    split: bool,
    confirm: Callable[[str], bool] | None,
) -> DeployResult:
    """Execute a planned deploy: both steps when `split` (the plan is the first); otherwise
    the plan, and when Lambda refused a second mapping (the 409) and the stack rolled back,
    the two steps after `confirm`."""
    if split:
        assert steps is not None
        return finish(deployer, plan, steps)
    try:
        return deployer.execute(plan)
    except DeployFailed as failed:
        refused = refused_mapping(failed.events)
        if refused is None or steps is None:
            raise
        explained = _refused(failed, describe_resource(refused))
        if failed.status != "UPDATE_ROLLBACK_COMPLETE" or confirm is None:
            raise explained from None
        ask = (
            "Deploy it in two change sets now? The first removes the old trigger, the second "
            "adds the new one; records written between the two steps are skipped with LATEST, "
            "and up to 24 hours of records are delivered again with TRIM_HORIZON."
        )
        try:
            agreed = confirm(ask)
        except ConfirmationRequired:
            agreed = False
        if not agreed:
            raise explained from None
        return finish(deployer, first_step(deployer, steps), steps)


def _refused(failed: DeployFailed, cause: str) -> DeployFailed:
    """The 409, in plain words: the stack is back as it was, and what to do."""
    message = (
        f"Lambda refused the new trigger: a mapping of this stream and function already "
        f"exists, and CloudFormation creates the new one before it deletes the old one "
        f"({cause}). Stack {failed.stack_name} is {failed.status}: the old trigger still runs."
    )
    return DeployFailed(
        message,
        "Re-run the same command (with --yes without prompts): ddbwizard then removes the old "
        "trigger and adds the new one in two change sets.",
        stack_name=failed.stack_name,
        status=failed.status,
        failure=failed.failure,
        events=failed.events,
    )
