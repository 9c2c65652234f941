"""The whole --plain flow against moto, driven by a fake prompt layer (no TTY)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from ddbwizard import cli
from ddbwizard.core.aws.facade import Aws
from ddbwizard.core.model.answers import load_answers
from ddbwizard.core.model.questions import BY_ID, questions_for
from tests.helpers.prompt_fakes import INTERRUPT, FakePrompter, GuardedWizard
from tests.helpers.prompt_moto import REGION, ddb, make_table

Wizard = Callable[[FakePrompter], GuardedWizard]
ANSWERS = "ddbwizard-customers-echo.yaml"

DEPLOY_CUSTOMERS: list[tuple[str, Any]] = [
    ("Which table?", "customers"),
    ("What should each stream record carry?", "NEW_IMAGE"),
    ("Batch size", "0"),  # refused with the reason, asked again
    ("Batch size", "50"),
    ("Change the advanced trigger settings?", True),
    ("Maximum retry attempts", "3"),
    ("On-failure destination", "create"),
    ("What next?", "yaml"),
    ("What next?", "deploy"),
    ("Save the answers file as", ANSWERS),
    # Enabled at the deploy step, once every check has passed (plan first, then change).
    ("Enable a NEW_IMAGE stream on table customers?", True),
    ("Deploy these changes to customers-echo?", True),
    ("Follow the function's logs now?", False),
]


def stream_enabled(endpoint: str, table: str) -> bool:
    spec = ddb(endpoint).describe_table(TableName=table)["Table"].get("StreamSpecification", {})
    return bool(spec.get("StreamEnabled"))


def test_whole_flow_enables_the_stream_saves_and_deploys(
    wizard: Wizard, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakePrompter(list(DEPLOY_CUSTOMERS))

    assert wizard(fake).run() == 0

    assert fake.script == []
    assert fake.problems == [
        (
            "Batch size (records per invocation)",
            "0",
            "must be 1 to 10000 for DynamoDB streams, got 0",
        )
    ]
    # Every engine question of the trigger and function steps was asked, in its own words.
    asked = fake.questions()
    for question in (*questions_for("mapping"), *questions_for("function")):
        assert question.prompt in asked
    assert BY_ID["mapping.batch_size"].help in fake.helps
    assert "EchoMapping:" in fake.shown[0]  # the full template was shown on request
    # Try it: records built from the table's items, the verdicts, and the echo's own lines
    tried = fake.lines[fake.lines.index("  The echo logs:") + 1 :]
    assert any(line.startswith("  INSERT  ") and "passes" in line for line in fake.lines)
    assert tried[0].startswith('    {"eventName":"INSERT"')

    saved = load_answers(tmp_path / ANSWERS)
    assert saved.table.name == "customers"
    assert saved.stream.view_type == "NEW_IMAGE"
    assert saved.mapping.batch_size == 50
    assert saved.mapping.max_retry_attempts == 3
    assert saved.mapping.on_failure is not None
    assert saved.mapping.on_failure.create_queue
    assert saved.aws.endpoint_url == endpoint

    cfn = boto3.client("cloudformation", region_name=REGION, endpoint_url=endpoint)
    stack = cfn.describe_stacks(StackName="customers-echo")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    lam = boto3.client("lambda", region_name=REGION, endpoint_url=endpoint)
    (mapping,) = lam.list_event_source_mappings(FunctionName="customers-echo")[
        "EventSourceMappings"
    ]
    assert mapping["BatchSize"] == 50
    assert mapping["MaximumRetryAttempts"] == 3
    assert stream_enabled(endpoint, "customers")

    assert "Stack customers-echo: CREATE_COMPLETE" in fake.lines
    assert any(line.strip().startswith("EventSourceMappingId") for line in fake.lines)
    assert fake.lines[-2:] == [
        "Repeat this deploy without prompts:",
        f"  ddbwizard --answers {ANSWERS} --yes",
    ]
    assert "  - a NEW_IMAGE stream was enabled on table customers" in capsys.readouterr().err

    # The saved answers, replayed without prompts, find nothing to change.
    capsys.readouterr()
    code = cli.main(["--answers", str(tmp_path / ANSWERS), "--yes", "--endpoint-url", endpoint])
    assert code == 0
    assert "No changes to deploy" in capsys.readouterr().err


def test_ctrl_c_at_the_first_prompt_changes_nothing(
    wizard: Wizard, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakePrompter([("Which table?", INTERRUPT)])

    assert wizard(fake).run() == 130

    assert "Interrupted. Nothing was changed in AWS." in capsys.readouterr().err


def test_ctrl_c_while_the_stream_is_enabling_says_it_stays_on(
    wizard: Wizard,
    endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def ctrl_c(self: Aws, arn: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(Aws, "stream_status", ctrl_c)  # the wait after UpdateTable
    fake = FakePrompter(DEPLOY_CUSTOMERS[:-2])

    assert wizard(fake).run() == 130

    err = capsys.readouterr().err
    assert "The stream on customers is being enabled and stays on" in err
    assert "Nothing was changed" not in err
    assert stream_enabled(endpoint, "customers")


def test_the_stream_is_enabled_only_at_the_deploy_step_and_declining_changes_nothing(
    wizard: Wizard, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = [*DEPLOY_CUSTOMERS[:-3], ("Enable a NEW_IMAGE stream", False)]
    fake = FakePrompter(script)

    assert wizard(fake).run() == 0

    assert fake.script == []
    assert "Nothing was changed: table customers still has no stream." in fake.lines
    assert "Nothing was deployed." in fake.lines
    assert "the stream ARN shown is a placeholder" in " ".join(fake.lines)
    assert "Changed in AWS" not in capsys.readouterr().err
    assert not stream_enabled(endpoint, "customers")
    assert (tmp_path / ANSWERS).exists()  # nothing the user chose is lost


def test_a_table_with_a_stream_reuses_it_without_asking(
    wizard: Wizard, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakePrompter([("Which table?", "orders"), ("Batch size", INTERRUPT)])

    assert wizard(fake).run() == 130

    assert BY_ID["stream.view_type"].prompt not in fake.questions()
    assert "Table orders has a NEW_AND_OLD_IMAGES stream: it is reused." in fake.lines
    err = capsys.readouterr().err
    assert err.count("arn:aws:dynamodb:") == 1  # printed once
    assert "Reusing the NEW_AND_OLD_IMAGES stream of orders: arn:aws:dynamodb:" in err
    assert not any("arn:aws:dynamodb:" in line for line in fake.lines)
    assert "Nothing was changed" in err


def test_ctrl_c_at_the_deploy_question_deletes_the_change_set(
    wizard: Wizard, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = [*DEPLOY_CUSTOMERS[:-2], ("Deploy these changes", INTERRUPT)]
    fake = FakePrompter(script)

    assert wizard(fake).run() == 130

    err = capsys.readouterr().err
    account = err[err.index("Changed in AWS:") :]
    assert account.splitlines()[1:] == ["  - a NEW_IMAGE stream was enabled on table customers"]
    assert f"ddbwizard --answers {ANSWERS} --yes" in err
    assert (tmp_path / ANSWERS).exists()
    cfn = boto3.client("cloudformation", region_name=REGION, endpoint_url=endpoint)
    stacks = cfn.list_stacks()["StackSummaries"]
    assert all(
        s["StackStatus"] == "DELETE_COMPLETE" for s in stacks if s["StackName"] == "customers-echo"
    )


def test_declining_the_deploy_deploys_nothing(wizard: Wizard, endpoint: str) -> None:
    script = [*DEPLOY_CUSTOMERS[:-2], ("Deploy these changes", False)]
    fake = FakePrompter(script)

    assert wizard(fake).run() == 0

    assert "Nothing was deployed: the change set was deleted." in fake.lines
    assert fake.lines[-1] == f"  ddbwizard --answers {ANSWERS} --yes"


def test_many_tables_are_typed_with_completion(
    wizard: Wizard, endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(30):
        make_table(endpoint, f"t{n:02d}")
    fake = FakePrompter(
        [("Which table?", "nope"), ("Which table?", "orders"), ("Batch size", INTERRUPT)]
    )

    assert wizard(fake).run() == 130

    assert fake.asked[0][0] == "autocomplete"
    assert fake.problems == [
        ("Which table? (type to complete)", "nope", "no table 'nope' in us-east-1")
    ]


def test_plain_without_a_terminal_points_at_answers(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--plain"]) == 2
    assert "--answers" in capsys.readouterr().err


def test_a_stack_name_that_is_not_ours_is_refused_before_the_stream_is_enabled(
    wizard: Wizard, endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}
    cfn = boto3.client("cloudformation", region_name=REGION, endpoint_url=endpoint)
    cfn.create_stack(StackName="customers-echo", TemplateBody=json.dumps(foreign))
    fake = FakePrompter(DEPLOY_CUSTOMERS[:-3])  # up to the save: no question about the stream

    assert wizard(fake).run() == 2

    err = capsys.readouterr().err
    assert "customers-echo" in err
    assert "Changed in AWS" not in err
    assert not stream_enabled(endpoint, "customers")


def test_filter_patterns_are_tried_on_records_built_from_the_table(
    wizard: Wizard, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakePrompter(
        [
            ("Which table?", "orders"),
            ("Change the advanced trigger settings?", True),
            ("Filter patterns (JSON)", '[{"eventName": ["INSERT"]}]'),
            ("What next?", INTERRUPT),
        ]
    )

    assert wizard(fake).run() == 130

    said = " ".join(fake.lines)
    assert " sample records from the table pass this pattern." in said
    assert "passes: pattern 0" in said  # the review's Try it marks each record
    assert "filtered out" in said


def test_own_code_is_checked_as_the_packager_will_and_asked_again_when_wrong(
    wizard: Wizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "handler"
    code.mkdir()
    (code / "app.py").write_text("def handler(event, context):\n    return None\n")
    monkeypatch.chdir(tmp_path)
    fake = FakePrompter(
        [
            ("Which table?", "orders"),
            ("Your own code", "nowhere"),
            ("Entry", ""),
            ("Your own code", "handler"),  # asked again: the folder did not exist
            ("Entry", "missing.handler"),
            ("Your own code", "handler"),  # asked again: there is no missing.py
            ("Entry", "app.handler"),
            ("What next?", INTERRUPT),
        ]
    )

    assert wizard(fake).run() == 130

    said = " ".join(" ".join(fake.lines).split())
    assert "is not a folder" in said
    assert "needs missing.py or missing/__init__.py in function.code" in said
    assert fake.script == []
    assert "1 files, " in said
    assert "entry app.handler found" in said
    assert "Code: orders-echo.zip: " in said  # the review: the zip a deploy would upload
    assert "holds app.py" in said
