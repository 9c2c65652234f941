"""The artifacts bucket: one stack per account and region holding every packaged function's zip.

Stack `ddbwizard-artifacts`: an S3 bucket with default encryption (SSE-S3), versioning, every
public access block on, ACLs disabled (BucketOwnerEnforced), a policy refusing any request
without TLS, and a lifecycle rule that expires replaced versions after 30 days and aborts
incomplete multipart uploads after 7. Its output BucketName is where uploads go, each zip at
a content-addressed key (`artifact_key`), so the same code is uploaded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import GetAtt, Output, Ref, Sub, Template, s3

import ddbwizard

ARTIFACTS_STACK = "ddbwizard-artifacts"
BUCKET, BUCKET_POLICY = "ArtifactsBucket", "ArtifactsBucketPolicy"
BUCKET_NAME_OUTPUT = "BucketName"
NONCURRENT_DAYS = 30
ABORT_MULTIPART_DAYS = 7

# Checkov findings that do not apply, each with its reason (read from the resource Metadata).
CHECKOV_SKIPS: dict[str, tuple[tuple[str, str], ...]] = {
    BUCKET: (
        (
            "CKV_AWS_18",
            "Access logging needs a second bucket to receive the logs; uploads and reads of "
            "this bucket are recorded by CloudTrail, and it holds only code zips",
        ),
    ),
}


@dataclass(frozen=True)
class ArtifactRef:
    """Where a function's zip is in S3: the function's Code.S3Bucket and Code.S3Key."""

    bucket: str
    key: str


def artifact_key(table: str, sha256: str) -> str:
    """The content-addressed key of a zip: ddbwizard/<table>/<sha256>.zip."""
    return f"ddbwizard/{table}/{sha256}.zip"


def _checkov_metadata(logical_id: str) -> dict[str, Any]:
    skips = CHECKOV_SKIPS[logical_id]
    return {"checkov": {"skip": [{"id": check, "comment": why} for check, why in skips]}}


def _bucket() -> s3.Bucket:
    return s3.Bucket(
        BUCKET,
        Metadata=_checkov_metadata(BUCKET),
        DeletionPolicy="Retain",  # deployed functions' code lives here
        UpdateReplacePolicy="Retain",
        BucketEncryption=s3.BucketEncryption(
            ServerSideEncryptionConfiguration=[
                s3.ServerSideEncryptionRule(
                    ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(
                        SSEAlgorithm="AES256"
                    )
                )
            ]
        ),
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        PublicAccessBlockConfiguration=s3.PublicAccessBlockConfiguration(
            BlockPublicAcls=True,
            BlockPublicPolicy=True,
            IgnorePublicAcls=True,
            RestrictPublicBuckets=True,
        ),
        OwnershipControls=s3.OwnershipControls(
            Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]
        ),
        LifecycleConfiguration=s3.LifecycleConfiguration(
            Rules=[
                s3.LifecycleRule(
                    Id="ExpireReplacedVersions",
                    Status="Enabled",
                    NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(
                        NoncurrentDays=NONCURRENT_DAYS
                    ),
                    AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(
                        DaysAfterInitiation=ABORT_MULTIPART_DAYS
                    ),
                )
            ]
        ),
    )


def _tls_only_policy() -> s3.BucketPolicy:
    bucket_arn = GetAtt(BUCKET, "Arn")
    return s3.BucketPolicy(
        BUCKET_POLICY,
        Bucket=Ref(BUCKET),
        PolicyDocument={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyWithoutTls",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, Sub(f"${{{BUCKET}.Arn}}/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        },
    )


def build_artifacts_template() -> Template:
    """The `ddbwizard-artifacts` stack: the bucket, its TLS-only policy, output BucketName."""
    template = Template(
        Description="ddbwizard: the bucket holding packaged Lambda code (one per account and region)"
    )
    template.set_version("2010-09-09")
    template.set_metadata({"ddbwizard": {"version": ddbwizard.__version__}})
    template.add_resource(_bucket())
    template.add_resource(_tls_only_policy())
    template.add_output(
        Output(BUCKET_NAME_OUTPUT, Value=Ref(BUCKET), Description="Bucket of the code zips")
    )
    return template
