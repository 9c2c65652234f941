"""The artifacts bucket's stack (`ddbwizard-artifacts`) through the deployer: find it, make it.

`artifacts_bucket` only reads (planning); `ensure_artifacts_bucket` creates or updates the
stack, so the caller asks for consent first (it is a new bucket in the account);
`upload_artifact` puts a packaged zip at its content-addressed key unless it is there.
"""

from __future__ import annotations

from pathlib import Path

from ddbwizard.core.aws.s3 import S3, Progress
from ddbwizard.core.deploy.execute import Deployer
from ddbwizard.core.errors import AwsError
from ddbwizard.core.template.artifacts import (
    ARTIFACTS_STACK,
    BUCKET_NAME_OUTPUT,
    ArtifactRef,
    artifact_key,
    build_artifacts_template,
)
from ddbwizard.core.template.build import render_checked

ARTIFACTS_TAGS = {"ddbwizard:stack": "artifacts"}
_READY = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"})


def artifacts_bucket(deployer: Deployer) -> str | None:
    """The bucket's name, or None when the stack is not there (yet) to upload to."""
    if deployer.stack_status(ARTIFACTS_STACK) not in _READY:
        return None
    return deployer.outputs(ARTIFACTS_STACK).get(BUCKET_NAME_OUTPUT) or None


def ensure_artifacts_bucket(deployer: Deployer) -> str:
    """Create the stack, or bring it up to this version's template; the bucket's name."""
    plan = deployer.plan(
        ARTIFACTS_STACK, render_checked(build_artifacts_template()), ARTIFACTS_TAGS
    )
    outputs = deployer.execute(plan).outputs or deployer.outputs(ARTIFACTS_STACK)
    bucket = outputs.get(BUCKET_NAME_OUTPUT)
    if not bucket:
        raise AwsError(f"Stack {ARTIFACTS_STACK} has no {BUCKET_NAME_OUTPUT} output.")
    return bucket


def upload_artifact(
    s3: S3, bucket: str, table: str, zip_path: Path, sha256: str, progress: Progress
) -> tuple[ArtifactRef, bool]:
    """The zip's place in the bucket for build_template, and whether it was uploaded now."""
    key = artifact_key(table, sha256)
    return ArtifactRef(bucket, key), s3.upload_if_absent(bucket, key, zip_path, progress)
