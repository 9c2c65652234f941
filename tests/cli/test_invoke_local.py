"""`ddbwizard --answers FILE --invoke-local EVENT.json`: the echo run here, offline."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from ddbwizard.cli import main

EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"
STREAM = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2024-05-01T00:00:00.000"
HANDLERS = ["python", pytest.param("nodejs", marks=pytest.mark.skipif(
    shutil.which("node") is None, reason="node is not on PATH"
))]  # fmt: skip


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 cannot be imported, and any endpoint would be a dead one: no AWS call is made."""
    monkeypatch.setitem(sys.modules, "boto3", None)
    monkeypatch.setitem(sys.modules, "botocore", None)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


def answers(tmp_path: Path, handler: str = "python", mapping: str = "", function: str = "") -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(
        f"table: {{name: orders}}\nstream: {{arn: '{STREAM}'}}\n"
        f"function: {{handler: {handler}{function}}}\n"
        + (f"mapping: {{{mapping}}}\n" if mapping else ""),
        encoding="utf-8",
    )
    return str(path)


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def invoke_json(capsys: pytest.CaptureFixture[str], path: str, event: str) -> dict[str, Any]:
    code, out, err = invoke(capsys, "--answers", path, "--invoke-local", event, "--json")
    assert code == 0, err
    assert out.count("\n") == 1
    summary: dict[str, Any] = json.loads(out)
    return summary


@pytest.mark.parametrize("handler", HANDLERS)
def test_logs_one_line_a_record_and_returns_null(
    handler: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = str(EVENTS / "modify_new_and_old_images.json")
    code, out, err = invoke(
        capsys, "--answers", answers(tmp_path, handler), "--invoke-local", event
    )
    assert code == 0, err
    lines = out.splitlines()
    assert [json.loads(line)["eventName"] for line in lines] == ["MODIFY", "INSERT", "REMOVE"]
    assert f"3 of 3 records passed the filters; the {handler} echo" in err
    assert err.rstrip().endswith("returned null")


@pytest.mark.parametrize("handler", HANDLERS)
def test_json_shape_and_the_template_environment(
    handler: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = answers(tmp_path, handler, "report_batch_item_failures: true")
    summary = invoke_json(capsys, path, str(EVENTS / "modify_new_and_old_images.json"))
    assert set(summary) == {"invoked", "records", "passed", "logged", "returned"}
    assert (summary["invoked"], summary["records"], summary["passed"]) == (True, 3, 3)
    assert len(summary["logged"]) == 3
    assert summary["returned"] == {"batchItemFailures": []}


@pytest.mark.parametrize("handler", HANDLERS)
def test_log_level_warn_silences_the_lines(
    handler: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = answers(tmp_path, handler, function=", log_level: WARN")
    summary = invoke_json(capsys, path, str(EVENTS / "modify_new_and_old_images.json"))
    assert summary["invoked"] is True
    assert summary["logged"] == []


@pytest.mark.parametrize("handler", HANDLERS)
def test_filter_patterns_drop_records_first(
    handler: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = answers(tmp_path, handler, "filter_patterns: [{eventName: [REMOVE]}]")
    summary = invoke_json(capsys, path, str(EVENTS / "modify_new_and_old_images.json"))
    assert (summary["records"], summary["passed"]) == (3, 1)
    assert [json.loads(line)["eventName"] for line in summary["logged"]] == ["REMOVE"]


def test_no_record_left_means_no_invocation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = answers(tmp_path, "python", "filter_patterns: [{eventName: [REMOVE]}]")
    event = str(EVENTS / "insert_all_types.json")
    summary = invoke_json(capsys, path, event)
    assert summary == {
        "invoked": False,
        "records": summary["records"],
        "passed": 0,
        "logged": [],
        "returned": None,
    }
    code, out, err = invoke(capsys, "--answers", path, "--invoke-local", event)
    assert (code, out) == (0, "")
    assert "Lambda would not invoke the function" in err


def test_a_window_event_keeps_its_state(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = invoke_json(capsys, answers(tmp_path), str(EVENTS / "window_final.json"))
    assert "state" in summary["returned"]
    assert json.loads(summary["logged"][-1])["windowSummary"]["records"] >= 1


def test_node_missing_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    event = str(EVENTS / "modify_new_and_old_images.json")
    code, out, err = invoke(
        capsys, "--answers", answers(tmp_path, "nodejs"), "--invoke-local", event
    )
    assert (code, out) == (2, "")
    assert "`node` was not found on PATH" in err
    assert "Install Node.js" in err


def test_a_bad_event_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"records": []}', encoding="utf-8")
    code, out, err = invoke(capsys, "--answers", answers(tmp_path), "--invoke-local", str(bad))
    assert (code, out) == (2, "")
    assert "not a Lambda DynamoDB Streams event" in err


def test_needs_answers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--invoke-local", "e.json"])
    assert stopped.value.code == 2
    assert "--invoke-local needs --answers FILE" in capsys.readouterr().err
