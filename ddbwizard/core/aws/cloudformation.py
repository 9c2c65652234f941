"""CloudFormation through the facade: every call paginated where botocore can, every error translated.

The deployer (core.deploy) sees plain values and domain errors only. A stack that does not
exist is `None` (CloudFormation answers ValidationError "Stack with id X does not exist"); a
change set already gone is fine to delete; everything else is translated by aws_errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from ddbwizard.core.aws.errors import aws_errors

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudformation.type_defs import (
        ChangeTypeDef,
        StackEventTypeDef,
        StackTypeDef,
    )

ErrorsFn = Callable[..., AbstractContextManager[None]]


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))


def is_missing_stack(error: ClientError) -> bool:
    """DescribeStacks and friends answer ValidationError "Stack with id X does not exist"."""
    return _code(error) == "ValidationError" and "does not exist" in _message(error)


@dataclass(frozen=True)
class ChangeSetSummary:
    """One change set of a stack, as ListChangeSets gives it."""

    name: str
    change_set_id: str
    status: str
    created: datetime | None


@dataclass(frozen=True)
class ChangeSetState:
    """DescribeChangeSet, every page read: status, its reason and the resource changes."""

    status: str
    reason: str
    changes: tuple[ChangeTypeDef, ...]


@dataclass(frozen=True)
class StackResource:
    logical_id: str
    resource_type: str


class CloudFormation:
    """The CloudFormation calls ddbwizard makes; `errors` is the facade's translator."""

    def __init__(self, client: CloudFormationClient, errors: ErrorsFn | None = None) -> None:
        self.client = client
        self._errors: ErrorsFn = errors or aws_errors

    @property
    def region(self) -> str | None:
        return self.client.meta.region_name

    def _call(self, action: str, resource: str) -> AbstractContextManager[None]:
        return self._errors(f"cloudformation:{action}", resource=resource)

    # -- reading ----------------------------------------------------------------------
    def describe(self, name_or_id: str) -> StackTypeDef | None:
        """The stack, or None when it does not exist (a DELETE_COMPLETE stack does not)."""
        with self._call("DescribeStacks", f"stack {name_or_id}"):
            try:
                stacks = self.client.describe_stacks(StackName=name_or_id)["Stacks"]
            except ClientError as error:
                if is_missing_stack(error):
                    return None
                raise
        if not stacks or stacks[0]["StackStatus"] == "DELETE_COMPLETE":
            return None
        return stacks[0]

    def stacks(self) -> Iterator[StackTypeDef]:
        """Every stack of the region that exists (DescribeStacks, all pages; tags included)."""
        with self._call("DescribeStacks", "the region's stacks"):
            for page in self.client.get_paginator("describe_stacks").paginate():
                for stack in page.get("Stacks", []):
                    if stack["StackStatus"] != "DELETE_COMPLETE":
                        yield stack

    def template_metadata(self, name_or_id: str) -> Mapping[str, Any]:
        """The template's Metadata section (GetTemplateSummary); {} when it has none."""
        with self._call("GetTemplateSummary", f"stack {name_or_id}"):
            try:
                summary = self.client.get_template_summary(StackName=name_or_id)
            except ClientError as error:
                if is_missing_stack(error) or _code(error) == "ValidationError":
                    return {}
                raise
        try:
            metadata = json.loads(summary.get("Metadata") or "{}")
        except ValueError:
            return {}
        return metadata if isinstance(metadata, dict) else {}

    def template_body(self, name_or_id: str) -> str | Mapping[str, Any] | None:
        """The deployed template (GetTemplate, stage Original): its text, or the JSON object
        botocore decodes; None when the stack does not exist."""
        with self._call("GetTemplate", f"stack {name_or_id}"):
            try:
                answer = self.client.get_template(StackName=name_or_id, TemplateStage="Original")
            except ClientError as error:
                if is_missing_stack(error):
                    return None
                raise
        body: str | Mapping[str, Any] | None = answer.get("TemplateBody")
        return body

    def resources(self, name_or_id: str) -> list[StackResource]:
        """The stack's resources (ListStackResources, every page)."""
        pages = self.client.get_paginator("list_stack_resources")
        with self._call("ListStackResources", f"stack {name_or_id}"):
            return [
                StackResource(item.get("LogicalResourceId", ""), item.get("ResourceType", ""))
                for page in pages.paginate(StackName=name_or_id)
                for item in page.get("StackResourceSummaries", [])
            ]

    def change_sets(self, stack_id: str) -> list[ChangeSetSummary]:
        """Every change set of the stack (ListChangeSets, every page)."""
        pages = self.client.get_paginator("list_change_sets")
        with self._call("ListChangeSets", f"stack {stack_id}"):
            return [
                ChangeSetSummary(
                    item.get("ChangeSetName", ""),
                    item.get("ChangeSetId", item.get("ChangeSetName", "")),
                    item.get("Status", ""),
                    item.get("CreationTime"),
                )
                for page in pages.paginate(StackName=stack_id)
                for item in page.get("Summaries", [])
            ]

    def change_set(self, change_set_id: str, stack_id: str) -> ChangeSetState:
        """DescribeChangeSet with every page of its changes."""
        pages = self.client.get_paginator("describe_change_set")
        status, reason, changes = "", "", []
        with self._call("DescribeChangeSet", f"change set {change_set_id}"):
            for page in pages.paginate(ChangeSetName=change_set_id, StackName=stack_id):
                status = page.get("Status", status)
                reason = page.get("StatusReason", reason)
                if status != "CREATE_COMPLETE":
                    break
                changes.extend(page.get("Changes", []))
        return ChangeSetState(status, reason, tuple(changes))

    def event_pages(self, stack_id: str) -> Iterator[list[StackEventTypeDef]]:
        """DescribeStackEvents page by page, newest first; nothing when the stack is gone."""
        pages = self.client.get_paginator("describe_stack_events")
        with self._call("DescribeStackEvents", f"stack {stack_id}"):
            try:
                for page in pages.paginate(StackName=stack_id):
                    yield list(page.get("StackEvents", []))
            except ClientError as error:
                if not is_missing_stack(error):
                    raise

    # -- mutating -----------------------------------------------------------------------
    def create_change_set(
        self,
        *,
        stack_name: str,
        name: str,
        kind: str,
        template_body: str,
        description: str,
        tags: Mapping[str, str],
        client_token: str,
    ) -> tuple[str, str]:
        """CreateChangeSet; (change set id, stack id).

        The ClientToken makes a retried call (its first answer lost) the same request; when
        CloudFormation still answers AlreadyExistsException for our unique name, the first
        attempt went through: the change set is looked up instead.
        """
        with self._call("CreateChangeSet", f"stack {stack_name}"):
            try:
                answer = self.client.create_change_set(
                    StackName=stack_name,
                    ChangeSetName=name,
                    ChangeSetType=cast(Any, kind),
                    TemplateBody=template_body,
                    Capabilities=["CAPABILITY_IAM"],
                    Description=description,
                    Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
                    ClientToken=client_token,
                )
            except ClientError as error:
                if _code(error) != "AlreadyExistsException":
                    raise
                found = self.client.describe_change_set(ChangeSetName=name, StackName=stack_name)
                return found["ChangeSetId"], found["StackId"]
        return answer["Id"], answer["StackId"]

    def delete_change_set(self, change_set: str, stack_name: str) -> None:
        """Delete a change set by id or name; one already gone is fine."""
        with self._call("DeleteChangeSet", f"change set {change_set}"):
            try:
                self.client.delete_change_set(ChangeSetName=change_set, StackName=stack_name)
            except ClientError as error:
                gone = _code(error).startswith("ChangeSetNotFound") or is_missing_stack(error)
                if not gone:
                    raise

    def execute_change_set(self, change_set_id: str, stack_name: str, token: str) -> None:
        with self._call("ExecuteChangeSet", f"stack {stack_name}"):
            self.client.execute_change_set(
                ChangeSetName=change_set_id, StackName=stack_name, ClientRequestToken=token
            )

    def delete_stack(self, stack_id: str, token: str) -> None:
        with self._call("DeleteStack", f"stack {stack_id}"):
            self.client.delete_stack(StackName=stack_id, ClientRequestToken=token)
