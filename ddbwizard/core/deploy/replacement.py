"""An update that replaces the event source mapping: detected, explained, and why two change sets.

CloudFormation replaces an AWS::Lambda::EventSourceMapping by creating the new one first, and
Lambda refuses a second mapping of the same stream and function (409 ResourceConflictException
"The event source arn ... and function ... provided mapping already exists"), so the stack
rolls back. ddbwizard deploys such an update as two change sets instead: one without the
mapping (the old one is deleted), then the full template (the new one is created).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ddbwizard.core.deploy.changeset import Change
from ddbwizard.core.report import StackEvent

MAPPING_TYPE = "AWS::Lambda::EventSourceMapping"
REPLACING = frozenset({"True", "Conditional"})
# Properties whose change always replaces the mapping ("Update requires: Replacement"):
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html
REPLACED_BY = ("EventSourceArn", "StartingPosition")
REFUSED_TEXT = "provided mapping already exists"  # Lambda's 409 ResourceConflictException


@dataclass(frozen=True)
class Replacement:
    """Why the update replaces the mapping, and the mapping's reading position before and after."""

    logical_id: str
    properties: tuple[str, ...]  # what forces it (may be empty: the change set said so)
    old_position: str
    new_position: str
    old_stream: str
    new_stream: str

    def explanation(self) -> str:
        """What happens, in plain words, and what it means for records in flight."""
        forced = " and ".join(self.properties) or "a change CloudFormation can make only so"
        refused = (
            ""
            if self.moved
            else "CloudFormation would create the new one while the old one still exists, and "
            'Lambda refuses a second trigger of the same stream and function (409, "provided '
            'mapping already exists"), so '
        )
        what = (
            f"This update replaces the trigger ({self.logical_id}: {forced} changes). "
            f"{refused}ddbwizard deploys it in two change sets: the first removes the old "
            "trigger, the second adds the new one."
        )
        return f"{what} {self.in_flight()}"

    @property
    def moved(self) -> bool:
        """The new trigger reads another stream (a re-point)."""
        return bool(self.old_stream) and self.old_stream != self.new_stream

    def in_flight(self) -> str:
        """What the gap between the two steps means for the records."""
        where = f"the new stream {self.new_stream}" if self.moved else "the stream"
        left = (
            " Records still unread in the old stream are not read by the new trigger."
            if self.moved
            else ""
        )
        if self.new_position == "LATEST":
            return (
                f"The new trigger starts at LATEST: records written to {where} between the two "
                f"steps are skipped.{left}"
            )
        if self.moved:
            return (
                f"The new trigger starts at TRIM_HORIZON: it reads {where} from its oldest "
                f"record (up to 24 hours of records).{left}"
            )
        return (
            "The new trigger starts at TRIM_HORIZON: it reads the stream from its oldest "
            "record, so up to 24 hours of records are delivered again."
        )


def deployed_mapping(body: str | Mapping[str, Any] | None, logical_id: str) -> dict[str, Any]:
    """The mapping's Properties in a deployed template (GetTemplate's answer); {} when the
    template has no such resource or cannot be read."""
    if isinstance(body, str):
        try:
            body = yaml.safe_load(body)
        except yaml.YAMLError:
            return {}
    if not isinstance(body, Mapping):
        return {}
    resource = (body.get("Resources") or {}).get(logical_id)
    properties = resource.get("Properties") if isinstance(resource, Mapping) else None
    return dict(properties) if isinstance(properties, Mapping) else {}


def mapping_replacement(
    changes: Iterable[Change], deployed: Mapping[str, Any], wanted: Mapping[str, Any]
) -> Replacement | None:
    """The replacement an UPDATE change set makes of the mapping, or None.

    From the change set (a Modify with Replacement True or Conditional) or, when it does not
    say so (emulators), from the rule: a change of EventSourceArn or StartingPosition between
    the deployed mapping and the new one always replaces it.
    """
    for change in changes:
        if change.resource_type != MAPPING_TYPE or change.action != "Modify":
            continue
        rule = tuple(
            name
            for name in REPLACED_BY
            if deployed and name in wanted and deployed.get(name) != wanted.get(name)
        )
        if change.replacement not in REPLACING and not rule:
            continue
        properties = tuple(dict.fromkeys((*change.recreates, *rule)))
        return Replacement(
            change.logical_id,
            properties,
            str(deployed.get("StartingPosition", "")),
            str(wanted.get("StartingPosition", "")),
            str(deployed.get("EventSourceArn", "")),
            str(wanted.get("EventSourceArn", "")),
        )
    return None


def refused_mapping(events: Iterable[StackEvent]) -> StackEvent | None:
    """The stack event where Lambda refused a second mapping (the 409), or None."""
    for event in events:
        if event.resource_type == MAPPING_TYPE and event.failed and REFUSED_TEXT in event.reason:
            return event
    return None
