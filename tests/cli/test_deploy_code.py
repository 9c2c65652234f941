"""Your own handler and the Go echo, deployed end to end against a moto server: packaged,
uploaded once to the artifacts bucket (its own stack, made with consent), and deployed from
there; a second deploy uploads nothing and changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ddbwizard import cli
from tests.helpers.endpoint_run import client
from tests.helpers.moto_kit import create_table

EXAMPLE_CODE = Path(__file__).resolve().parents[2] / "examples" / "own-handler"
needs_go = pytest.mark.skipif(shutil.which("go") is None, reason="go is not on PATH")


def _answers(path: Path, function: str, stack: str) -> Path:
    path.write_text(
        f"version: 1\ntable: {{name: orders}}\nfunction:\n{function}\nstack: {{name: {stack}}}\n",
        encoding="utf-8",
    )
    return path


def _deploy(answers: Path, endpoint: str, capsys: pytest.CaptureFixture[str]) -> str:
    code = cli.main(["--answers", str(answers), "--yes", "--endpoint-url", endpoint])
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def _bucket_objects(endpoint: str) -> tuple[str, list[str]]:
    cfn = client(endpoint, "cloudformation")
    (stack,) = cfn.describe_stacks(StackName="ddbwizard-artifacts")["Stacks"]
    bucket = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}["BucketName"]
    listed = client(endpoint, "s3").list_objects_v2(Bucket=bucket).get("Contents", [])
    return bucket, [item["Key"] for item in listed]


def test_own_code_is_uploaded_once_and_deployed_from_the_bucket(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_table(client(moto_endpoint, "dynamodb"), "orders", "NEW_AND_OLD_IMAGES")
    function = (
        f"  handler: python\n  architecture: x86_64\n  code: {EXAMPLE_CODE}\n  entry: app.handler\n"
    )
    answers = _answers(tmp_path / "own.yaml", function, "orders-counts")

    first = _deploy(answers, moto_endpoint, capsys)

    assert "create stack ddbwizard-artifacts" in first  # in the plan, before any change
    assert "the function's zip was uploaded to s3://" in first  # in the change log
    bucket, keys = _bucket_objects(moto_endpoint)
    assert len(keys) == 1
    assert keys[0].startswith("ddbwizard/orders/")
    assert keys[0].endswith(".zip")
    encryption = client(moto_endpoint, "s3").get_bucket_encryption(Bucket=bucket)
    assert encryption["ServerSideEncryptionConfiguration"]["Rules"]
    config = client(moto_endpoint, "lambda").get_function(FunctionName="orders-counts")
    assert config["Configuration"]["Runtime"] == "python3.13"
    assert config["Configuration"]["Handler"] == "app.handler"
    assert config["Code"]["Location"]  # moto keeps the zip from the bucket

    again = _deploy(answers, moto_endpoint, capsys)

    assert "nothing to upload" in again
    assert "No changes to deploy" in again
    assert "create stack ddbwizard-artifacts" not in again
    assert _bucket_objects(moto_endpoint)[1] == keys


@needs_go
def test_the_go_echo_is_built_and_deployed_on_provided_al2023(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_table(client(moto_endpoint, "dynamodb"), "orders", "NEW_IMAGE")
    answers = _answers(tmp_path / "go.yaml", "  handler: go\n  architecture: arm64", "orders-go")

    err = _deploy(answers, moto_endpoint, capsys)

    assert "Packaging the function (go)" in err
    config = client(moto_endpoint, "lambda").get_function(FunctionName="orders-go")
    assert config["Configuration"]["Runtime"] == "provided.al2023"
    assert config["Configuration"]["Handler"] == "bootstrap"
    # moto's CloudFormation drops Architectures; the deployed template holds it
    body = client(moto_endpoint, "cloudformation").get_template(StackName="orders-go")
    assert "arm64" in str(body["TemplateBody"])
    assert len(_bucket_objects(moto_endpoint)[1]) == 1


def test_declining_the_artifacts_bucket_changes_nothing(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_table(client(moto_endpoint, "dynamodb"), "orders", "NEW_AND_OLD_IMAGES")
    function = f"  handler: python\n  code: {EXAMPLE_CODE}\n  entry: app.handler\n"
    answers = _answers(tmp_path / "own.yaml", function, "orders-counts")

    code = cli.main(["--answers", str(answers), "--endpoint-url", moto_endpoint])  # no --yes

    err = capsys.readouterr().err
    assert code == 2
    assert "Create stack ddbwizard-artifacts?" in err
    assert "Changed in AWS" not in err
    stacks = client(moto_endpoint, "cloudformation").list_stacks()["StackSummaries"]
    assert [s["StackName"] for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"] == []


def test_export_of_own_code_writes_the_zip_beside_the_template_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # any AWS call would fail
    function = f"  handler: python\n  code: {EXAMPLE_CODE}\n  entry: app.handler\n"
    answers = _answers(tmp_path / "own.yaml", function, "orders-counts")
    text = answers.read_text(encoding="utf-8").replace(
        "table: {name: orders}",
        "table: {name: orders}\nstream:\n  arn: "
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
    )
    answers.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "stack.yaml"
    out.parent.mkdir()

    assert cli.main(["--answers", str(answers), "--export", str(out)]) == 0

    err = capsys.readouterr().err
    assert (out.parent / "orders-counts.zip").is_file()
    assert "CodeS3Bucket" in out.read_text(encoding="utf-8")
    assert "uploads it to the artifacts bucket as ddbwizard/orders/" in err
