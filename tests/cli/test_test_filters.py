"""`ddbwizard --answers FILE --test-filters EVENT.json`: Lambda's filtering, offline, end to end."""

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
PATTERNS = """\
    - {eventName: [MODIFY]}
    - {dynamodb: {NewImage: {status: {S: [{prefix: SHIP}]}}}}
    - {dynamodb: {OldImage: {status: {S: [{exists: true}]}}}}
"""


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 cannot be imported, and any endpoint would be a dead one: no AWS call is made."""
    monkeypatch.setitem(sys.modules, "boto3", None)
    monkeypatch.setitem(sys.modules, "botocore", None)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


def answers(tmp_path: Path, patterns: str = PATTERNS, view_type: str = "NEW_AND_OLD_IMAGES") -> str:
    """An answers file with a pinned stream.arn and these mapping.filter_patterns (YAML list)."""
    path = tmp_path / "answers.yaml"
    mapping = f"mapping:\n  filter_patterns:\n{patterns}" if patterns else ""
    path.write_text(
        f"table: {{name: orders}}\nstream: {{view_type: {view_type}, arn: '{STREAM}'}}\n{mapping}",
        encoding="utf-8",
    )
    return str(path)


def event(tmp_path: Path, name: str = "modify_new_and_old_images.json") -> str:
    return str(shutil.copy(EVENTS / name, tmp_path / name))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_gives_each_record_its_verdict_in_event_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--answers", answers(tmp_path), "--test-filters", event(tmp_path), "--json"
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "records": [
            {"eventID": "c81e728d9d4c2f636f067f89cc148622", "passes": True, "matched": [0, 1, 2]},
            {"eventID": "c81e728d9d4c2f636f067f89cc148623", "passes": False, "matched": []},
            {"eventID": "c81e728d9d4c2f636f067f89cc148624", "passes": True, "matched": [2]},
        ]
    }
    assert out.count("\n") == 1  # exactly one JSON object


def test_text_gives_one_line_a_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--answers", answers(tmp_path), "--test-filters", event(tmp_path))
    assert code == 0
    assert out.splitlines() == [
        "c81e728d9d4c2f636f067f89cc148622  MODIFY  PASS  matched 0, 1, 2",
        "c81e728d9d4c2f636f067f89cc148623  INSERT  skip",
        "c81e728d9d4c2f636f067f89cc148624  REMOVE  PASS  matched 2",
    ]
    assert err == "2 of 3 records pass 3 filter pattern(s)\n"


def test_without_filter_patterns_every_record_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "--answers",
        answers(tmp_path, patterns=""),
        "--test-filters",
        event(tmp_path, "keys_only.json"),
        "--json",
    )
    verdicts = json.loads(out)["records"]
    assert code == 0
    assert len(verdicts) == 4
    assert all(v["passes"] and v["matched"] == [] for v in verdicts)


def test_record_text_is_made_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "evil.json"
    record: dict[str, Any] = {"eventID": "id\x1b]0;pwned\x07", "eventName": "INSERT\u202e"}
    path.write_text(json.dumps({"Records": [record]}), encoding="utf-8")
    code, out, _ = run(
        capsys, "--answers", answers(tmp_path, patterns=""), "--test-filters", str(path)
    )
    assert code == 0
    assert (
        out
        == "id\\x1b]0;pwned\\x07  INSERT\\u202e  PASS  (no filter patterns: every record passes)\n"
    )


def test_an_invalid_pattern_exits_2_naming_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patterns = (
        "    - {eventName: [INSERT]}\n    - {dynamodb: {NewImage: {status: {S: [{prefix: 3}]}}}}\n"
    )
    code, out, err = run(
        capsys, "--answers", answers(tmp_path, patterns), "--test-filters", event(tmp_path)
    )
    assert (code, out) == (2, "")
    assert err == (
        f"ddbwizard: {tmp_path / 'answers.yaml'}: mapping.filter_patterns[1]: "
        'dynamodb.NewImage.status.S: "prefix" takes a string, got 3\n'
    )


def test_a_pattern_that_can_never_match_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patterns = "    - {dynamodb: {NewImage: {status: {S: [SHIPPED]}}}}\n"
    code, _, err = run(
        capsys,
        "--answers",
        answers(tmp_path, patterns, view_type="KEYS_ONLY"),
        "--test-filters",
        event(tmp_path, "keys_only.json"),
    )
    assert code == 2
    assert "mapping.filter_patterns[0]: filters on NewImage, which a KEYS_ONLY stream never" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON: line 1, column 2"),
        (
            "[]",
            'not a Lambda DynamoDB Streams event ({"Records": [{"eventID": ..., "dynamodb": ...}]})',
        ),
        ('{"records": []}', "not a Lambda DynamoDB Streams event"),
        ('{"Records": {}}', "not a Lambda DynamoDB Streams event"),
        ('{"Records": [{"eventID": "a"}, 3]}', "Records[1] must be an object, got 3"),
        ('{"Records": [], "Records": []}', "duplicate key 'Records'"),
        ('{"Records": [NaN]}', "NaN is not a JSON number"),
    ],
)
def test_an_invalid_event_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    path = tmp_path / "event.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "--answers", answers(tmp_path), "--test-filters", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"ddbwizard: {path}: {expected}")


def test_unreadable_event_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for target, expected in [
        (tmp_path / "missing.json", "no such file"),
        (tmp_path, "is a directory, not an event file"),
    ]:
        code, _, err = run(capsys, "--answers", answers(tmp_path), "--test-filters", str(target))
        assert (code, err) == (2, f"ddbwizard: {target}: {expected}\n")
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (1_048_576 + 1))
    code, _, err = run(capsys, "--answers", answers(tmp_path), "--test-filters", str(big))
    assert code == 2
    assert "larger than 1,048,576 bytes (1 MiB)" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "--test-filters needs --answers FILE"),
        (
            ["--answers", "a.yaml", "--export", "-"],
            "--export and --test-filters exclude each other",
        ),
        (["--answers", "a.yaml", "--dry-run"], "--dry-run and --test-filters exclude each other"),
        (["--answers", "a.yaml", "--destroy"], "--destroy and --test-filters exclude each other"),
        (["--answers", "a.yaml", "--logs"], "--test-filters and --logs exclude each other"),
    ],
)
def test_bad_flag_combinations_exit_2(
    capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--test-filters", "event.json", *extra])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
