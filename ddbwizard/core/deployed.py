"""The triggers ddbwizard already deployed in a region: which tables have one, the answers
each stack was made from and its outcome (so a wizard can check, update, tail or destroy it).

A stack is ddbwizard's when it carries the owner tag (core.deploy.state.OWNER_TAG, the table's
name): one paginated DescribeStacks finds them all, whatever the number of tables. The answers
a stack was made from are in its template's Metadata (ddbwizard.answers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ddbwizard.core.aws.facade import Aws
from ddbwizard.core.check import Commands, check_trigger
from ddbwizard.core.deploy.state import OWNER_TAG
from ddbwizard.core.engine import Outcome, outcome
from ddbwizard.core.errors import UsageError
from ddbwizard.core.model.answers import Answers, answers_from_data


@dataclass(frozen=True)
class DeployedTrigger:
    """A ddbwizard stack: the table it was made for, its name and status."""

    table: str
    stack: str
    status: str

    @property
    def healthy_status(self) -> bool:
        return self.status.endswith("_COMPLETE") and "ROLLBACK" not in self.status


def deployed_triggers(aws: Aws) -> dict[str, list[DeployedTrigger]]:
    """ddbwizard's stacks in the region, by the table each was made for."""
    found: dict[str, list[DeployedTrigger]] = defaultdict(list)
    for stack in aws.cloudformation().stacks():
        tags = {tag.get("Key"): tag.get("Value") for tag in stack.get("Tags", [])}
        table = tags.get(OWNER_TAG)
        if table:
            found[table].append(DeployedTrigger(table, stack["StackName"], stack["StackStatus"]))
    return dict(found)


def deployed_answers(aws: Aws, stack: str) -> Answers:
    """The answers stack `stack` was deployed from (its template's Metadata), checked by the
    same rules as an answers file; a stack without them is refused with the reason."""
    made = _metadata(aws, stack).get("ddbwizard")
    data = made.get("answers") if isinstance(made, dict) else None
    if not isinstance(data, dict):
        raise UsageError(
            f"Stack {stack} holds no ddbwizard answers in its template's Metadata",
            "Start from the table instead; the deploy will update the stack.",
        )
    return answers_from_data(data, f"stack {stack}")


def _metadata(aws: Aws, stack: str) -> Mapping[str, Any]:
    """The template's Metadata: GetTemplateSummary's, else read from the template itself
    (GetTemplate; some emulators give no Metadata in the summary)."""
    cfn = aws.cloudformation()
    metadata = cfn.template_metadata(stack)
    if "ddbwizard" in metadata:
        return metadata
    body = cfn.template_body(stack)
    if isinstance(body, str):
        try:
            body = yaml.safe_load(body)  # our templates use no short-form tags (!Ref)
        except yaml.YAMLError:
            return {}
    found = body.get("Metadata") if isinstance(body, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def trigger_verdict(aws: Aws, trigger: DeployedTrigger, commands: Commands) -> str:
    """The health of a deployed trigger in one word (OK, drift, failing, behind, ...)."""
    return check_trigger(aws, deployed_answers(aws, trigger.stack), commands).verdict


def deployed_outcome(aws: Aws, trigger: DeployedTrigger, answers: Answers) -> Outcome:
    """The deployed stack as the Done step shows it (its outputs, the trigger's state)."""
    stack = aws.cloudformation().describe(trigger.stack)
    if stack is None:
        raise UsageError(f"Stack {trigger.stack} is gone", "Refresh the list of tables.")
    outputs = {
        str(o.get("OutputKey")): str(o.get("OutputValue", "")) for o in stack.get("Outputs", [])
    }
    status = stack["StackStatus"]
    return outcome(aws, answers, status, outputs, outputs.get("StreamArn", ""))
