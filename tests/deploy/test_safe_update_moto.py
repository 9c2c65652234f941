"""Safe updates and re-pointing end to end: the CLI in-process against moto.

moto's change sets never say Replacement, so these runs rest on ddbwizard's own rule (a new
StartingPosition or EventSourceArn always replaces the mapping); the shapes real
CloudFormation answers are in test_replacement_stubbed.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from ddbwizard.local.fixes import moto_behaves_like_aws
from tests.helpers.fault_kit import (
    REGION,
    Calls,
    CliResult,
    client_error,
    ddb,
    make_table,
    moto,
    write,
)
from tests.helpers.moto_kit import create_table

Cli = Callable[..., CliResult]
TWO_STEPS = ("Step 1 of 2: removing the old trigger", "Step 2 of 2: adding the new trigger")


@pytest.fixture(autouse=True)
def aws() -> Iterator[None]:
    with moto(), moto_behaves_like_aws():
        yield


def answers(tmp_path: Path, mapping: str = "", stream: str = "") -> Path:
    text = f"version: 1\ntable: {{name: orders}}\n{mapping}{stream}"
    return write(tmp_path / "a.yaml", text)


def mappings() -> list[Any]:
    lam = boto3.client("lambda", region_name=REGION)
    return list(lam.list_event_source_mappings()["EventSourceMappings"])


def change_sets() -> list[str]:
    cfn = boto3.client("cloudformation", region_name=REGION)
    return [s["ChangeSetName"] for s in cfn.list_change_sets(StackName="orders-echo")["Summaries"]]


def recreate_table() -> str:
    """moto cannot disable and re-enable a stream: a new table gives the new stream ARN."""
    ddb().delete_table(TableName="orders")
    create_table(ddb(), "orders", "NEW_AND_OLD_IMAGES")
    arn: str = ddb().describe_table(TableName="orders")["Table"]["LatestStreamArn"]
    return arn


def deployed(cli: Cli, tmp_path: Path) -> str:
    arn = make_table()
    assert arn is not None
    result = cli("--answers", answers(tmp_path), "--yes")
    assert result.code == 0, result.err
    assert [m["StartingPosition"] for m in mappings()] == ["TRIM_HORIZON"]
    return arn


def test_changing_starting_position_goes_through_two_change_sets_to_one_mapping(
    cli: Cli, calls: Calls, tmp_path: Path
) -> None:
    deployed(cli, tmp_path)
    calls.made.clear()

    result = cli("--answers", answers(tmp_path, "mapping: {starting_position: LATEST}\n"), "--yes")

    assert result.code == 0, result.err
    assert "This update replaces the trigger (EchoMapping: StartingPosition changes)" in result.err
    assert "records written to the stream between the two steps are skipped" in result.err
    assert all(step in result.err for step in TWO_STEPS)
    assert calls.operations("cloudformation").count("ExecuteChangeSet") == 2
    (mapping,) = mappings()
    assert mapping["StartingPosition"] == "LATEST"
    made, deleted, executed = (
        [params["ChangeSetName"] for _, op, params in calls.made if op == name]
        for name in ("CreateChangeSet", "DeleteChangeSet", "ExecuteChangeSet")
    )
    assert len(made) == 3  # the one-step change set, then the two steps
    assert [made[0] in arn for arn in deleted] == [True]  # never executed
    assert [name in arn for name, arn in zip(made[1:], executed, strict=True)] == [True, True]
    again = cli("--answers", answers(tmp_path, "mapping: {starting_position: LATEST}\n"))
    assert again.code == 0
    assert "No changes to deploy" in again.err


def test_without_yes_a_replacement_stops_with_exit_2_and_the_reason(
    cli: Cli, calls: Calls, tmp_path: Path
) -> None:
    deployed(cli, tmp_path)
    before = change_sets()  # moto keeps executed change sets; AWS removes them
    calls.made.clear()

    result = cli("--answers", answers(tmp_path, "mapping: {starting_position: LATEST}\n"))

    assert result.code == 2
    assert "Replace the trigger in two change sets?" in result.err
    assert "Re-run with --yes" in result.err
    assert "ExecuteChangeSet" not in calls.operations()
    assert [m["StartingPosition"] for m in mappings()] == ["TRIM_HORIZON"]
    assert change_sets() == before


def test_a_dry_run_says_the_replacement_and_changes_nothing(
    cli: Cli, calls: Calls, tmp_path: Path
) -> None:
    deployed(cli, tmp_path)
    before = change_sets()
    calls.made.clear()

    result = cli(
        "--answers", answers(tmp_path, "mapping: {starting_position: LATEST}\n"), "--dry-run"
    )

    assert result.code == 0, result.err
    assert "This update replaces the trigger" in result.err
    assert "ExecuteChangeSet" not in calls.operations()
    assert change_sets() == before


def test_a_failed_second_step_is_explained_and_a_rerun_finishes(
    cli: Cli, calls: Calls, tmp_path: Path
) -> None:
    deployed(cli, tmp_path)
    made = []

    def third_fails(call: Callable[[], Any], params: dict[str, Any]) -> Any:
        made.append(params["ChangeSetName"])
        if len(made) == 3:  # the full change set, the one without the mapping, then step 2
            raise client_error(
                "CreateChangeSet",
                "AccessDenied",
                "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                "cloudformation:CreateChangeSet",
            )
        return call()

    calls.overrides["CreateChangeSet"] = third_fails
    file = answers(tmp_path, "mapping: {starting_position: LATEST}\n")

    failed = cli("--answers", file, "--yes")

    assert failed.code == 1
    assert "The old trigger was removed and the new one is not in place yet" in failed.err
    assert "run the same command again to finish" in failed.err
    assert mappings() == []
    del calls.overrides["CreateChangeSet"]
    calls.made.clear()

    rerun = cli("--answers", file, "--yes")

    assert rerun.code == 0, rerun.err
    assert "replaces the trigger" not in rerun.err  # a stack without a mapping: just add it
    assert "Add     EchoMapping (AWS::Lambda::EventSourceMapping)" in rerun.err
    assert calls.operations("cloudformation").count("ExecuteChangeSet") == 1
    assert [m["StartingPosition"] for m in mappings()] == ["LATEST"]


def test_a_recreated_table_is_repointed_through_two_change_sets(
    cli: Cli, calls: Calls, tmp_path: Path
) -> None:
    old = deployed(cli, tmp_path)
    new = recreate_table()
    assert new != old
    calls.made.clear()

    result = cli("--answers", answers(tmp_path), "--yes")

    assert result.code == 0, result.err
    assert "EventSourceArn changes" in result.err
    assert f"it reads the new stream {new} from its oldest record (up to 24 hours" in result.err
    assert all(step in result.err for step in TWO_STEPS)
    assert calls.operations("cloudformation").count("ExecuteChangeSet") == 2
    (mapping,) = mappings()
    assert mapping["EventSourceArn"] == new


def test_a_pinned_stream_that_is_no_longer_the_latest_stops_even_with_yes(
    cli: Cli, calls: Calls, tmp_path: Path
) -> None:
    old = deployed(cli, tmp_path)
    new = recreate_table()
    file = answers(tmp_path, stream=f"stream: {{arn: '{old}'}}\n")
    calls.made.clear()

    stopped = cli("--answers", file, "--yes")

    assert stopped.code == 2
    assert f"stream.arn {old} is no longer the latest stream of table orders" in stopped.err
    assert f"(which is {new})" in stopped.err
    assert "Re-run with --repoint" in stopped.err
    assert calls.mutations() == []

    repointed = cli("--answers", file, "--yes", "--repoint")

    assert repointed.code == 0, repointed.err
    assert f"Re-pointing the trigger from {old} to {new}" in repointed.err
    assert "update it (or remove it) before the next deploy" in repointed.err
    assert all(step in repointed.err for step in TWO_STEPS)
    (mapping,) = mappings()
    assert mapping["EventSourceArn"] == new


def test_the_wizards_confirm_path_asks_and_runs_both_steps(cli: Cli, tmp_path: Path) -> None:
    """prepare_deploy (both wizards' deploy) asks through the confirm it is given."""
    from ddbwizard.core import connect, execute_deploy, prepare_deploy
    from ddbwizard.core.model.answers import load_answers
    from ddbwizard.core.report import RecordingReporter

    deployed(cli, tmp_path)
    answers_file = load_answers(answers(tmp_path, "mapping: {starting_position: LATEST}\n"))
    connection = connect(None, REGION, None)
    asked: list[str] = []

    def confirm(question: str) -> bool:
        asked.append(question)
        return True

    reporter = RecordingReporter()
    prepared = prepare_deploy(
        connection.aws, answers_file, reporter, connection.identity.account, confirm
    )
    assert prepared.deployment.split
    done = execute_deploy(connection.aws, answers_file, prepared.deployment, prepared.stream.arn)

    assert [q.split("? ")[0] for q in asked] == ["Replace the trigger in two change sets"]
    assert done.status == "UPDATE_COMPLETE"
    assert all(step in reporter.text() for step in TWO_STEPS)
    assert [m["StartingPosition"] for m in mappings()] == ["LATEST"]
