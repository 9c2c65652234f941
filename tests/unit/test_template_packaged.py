"""Templates for packaged code: the artifacts bucket stack, and a function deployed from S3."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from ddbwizard.core.model.answers import Answers, answers_from_data
from ddbwizard.core.template import build as tpl
from ddbwizard.core.template.artifacts import (
    ARTIFACTS_STACK,
    ArtifactRef,
    artifact_key,
    build_artifacts_template,
)
from tests.helpers.lint import cfn_lint_command

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
REF = ArtifactRef("ddbwizard-artifacts-bucket-1", artifact_key("orders", "ab" * 32))
XRAY = {"Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": ["*"]}
READ = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::data/*"]}


def answers(**function: Any) -> Answers:
    return answers_from_data(
        {"table": {"name": "orders"}, "stream": {"arn": STREAM}, "function": function}
    )


def document(made: Answers, artifact: ArtifactRef | None = REF) -> dict[str, Any]:
    return tpl.document(tpl.build_template(made, STREAM, artifact))


def function_props(body: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = body["Resources"][tpl.FUNCTION]["Properties"]
    return props


def bucket_props() -> dict[str, Any]:
    body = tpl.document(build_artifacts_template())
    props: dict[str, Any] = body["Resources"]["ArtifactsBucket"]["Properties"]
    return props


def test_the_key_is_content_addressed_per_table() -> None:
    assert artifact_key("orders", "0f" * 32) == f"ddbwizard/orders/{'0f' * 32}.zip"
    assert ARTIFACTS_STACK == "ddbwizard-artifacts"


def test_the_bucket_is_encrypted_versioned_private_and_owner_enforced() -> None:
    props = bucket_props()
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert set(props["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(props["PublicAccessBlockConfiguration"]) == 4
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    (lifecycle,) = props["LifecycleConfiguration"]["Rules"]
    assert lifecycle["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert lifecycle["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


def test_the_bucket_policy_refuses_requests_without_tls() -> None:
    body = tpl.document(build_artifacts_template())
    policy = body["Resources"]["ArtifactsBucketPolicy"]["Properties"]
    (deny,) = policy["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Principal"] == "*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert body["Outputs"]["BucketName"]["Value"] == {"Ref": "ArtifactsBucket"}


def test_own_python_code_runs_from_s3_with_its_entry() -> None:
    props = function_props(document(answers(code="src", entry="app.handler")))
    assert props["Code"] == {"S3Bucket": REF.bucket, "S3Key": REF.key}
    assert props["Handler"] == "app.handler"
    assert props["Runtime"] == "python3.13"
    assert props["Description"] == "ddbwizard your handler of DynamoDB table orders"


def test_the_go_echo_runs_bootstrap_on_provided_al2023() -> None:
    props = function_props(document(answers(handler="go", architecture="x86_64")))
    assert props["Runtime"] == "provided.al2023"
    assert props["Handler"] == "bootstrap"
    assert props["Architectures"] == ["x86_64"]
    assert props["Code"] == {"S3Bucket": REF.bucket, "S3Key": REF.key}


def test_without_an_artifact_the_code_location_is_a_parameter() -> None:
    body = document(answers(handler="go"), artifact=None)
    assert set(body["Parameters"]) == {"CodeS3Bucket", "CodeS3Key"}
    assert function_props(body)["Code"] == {
        "S3Bucket": {"Ref": "CodeS3Bucket"},
        "S3Key": {"Ref": "CodeS3Key"},
    }


def test_the_inline_echo_is_unchanged_and_takes_no_parameter() -> None:
    plain = answers()
    assert tpl.render(tpl.build_template(plain, STREAM)) == tpl.render(
        tpl.build_template(plain, STREAM, REF)
    )
    body = document(plain)
    assert "Parameters" not in body
    assert "ZipFile" in function_props(body)["Code"]


def test_your_statements_join_the_role_and_its_summary() -> None:
    made = answers(code="src", entry="app.handler", policy_statements=[XRAY, READ])
    (policy,) = document(made)["Resources"][tpl.ROLE]["Properties"]["Policies"]
    statements = policy["PolicyDocument"]["Statement"]
    assert [s["Sid"] for s in statements][-2:] == ["Yours1", "Yours2"]
    assert statements[-1] == {
        "Sid": "Yours2",
        "Effect": "Allow",
        "Action": ["s3:GetObject"],
        "Resource": ["arn:aws:s3:::data/*"],
    }
    summary = tpl.summarize(made, STREAM, REF)
    assert summary.policy[-1] == "Your statement 2: s3:GetObject on arn:aws:s3:::data/*"
    base = tpl.summarize(answers(code="src", entry="app.handler"), STREAM, REF)
    assert len(summary.policy) == len(base.policy) + 2


def test_the_templates_lint_clean(tmp_path: Path) -> None:
    made = answers(code="src", entry="app.handler", policy_statements=[XRAY, READ])
    files = {
        "artifacts.yaml": tpl.render(build_artifacts_template()),
        "own.yaml": tpl.render_checked(tpl.build_template(made, STREAM, REF)),
        "go.json": tpl.render(tpl.build_template(answers(handler="go"), STREAM, None), "json"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [*cfn_lint_command(), *(str(tmp_path / name) for name in files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("handler", ["python", "nodejs"])
def test_the_echo_handlers_stay_inline(handler: str) -> None:
    assert not answers(handler=handler).function.packaged
