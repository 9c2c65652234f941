"""`ddbwizard --answers FILE --export PATH`: the template only, no AWS call, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ddbwizard.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed.yaml"


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ddbwizard", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def test_export_needs_no_aws_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With stream.arn in the file, boto3 is never imported (it is blocked here)."""
    monkeypatch.setitem(sys.modules, "boto3", None)
    monkeypatch.setitem(sys.modules, "botocore", None)
    out = tmp_path / "t.yaml"
    assert main(["--answers", str(SEED), "--export", str(out)]) == 0
    template = yaml.safe_load(out.read_text())
    assert set(template["Resources"]) == {"EchoLogGroup", "EchoRole", "EchoFunction", "EchoMapping"}
    mapping = template["Resources"]["EchoMapping"]["Properties"]
    assert (mapping["BatchSize"], mapping["StartingPosition"], mapping["Enabled"]) == (
        10,
        "TRIM_HORIZON",
        True,
    )


def test_export_to_stdout_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["--answers", str(SEED), "--export", "-", "--format", "json"]) == 0
    template = json.loads(capsys.readouterr().out)
    assert template["Outputs"]["StreamArn"]["Value"].endswith(
        "table/orders/stream/2026-01-01T00:00:00.000"
    )


def test_export_as_a_process_with_no_credentials(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none")
    )
    result = subprocess.run(
        [sys.executable, "-m", "ddbwizard", "--answers", str(SEED), "--export", "t.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "t.yaml").read_text().startswith("AWSTemplateFormatVersion")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "table: {name: orders}\nmapping: {batch_size: 0}\n",
            "mapping.batch_size: must be 1 to 10000",
        ),
        ("table: {name: orders}\nmapping: {bacth_size: 5}\n", "did you mean 'batch_size'?"),
        ("table: {name: orders}\ntable: {name: x}\n", "duplicate key 'table'"),
        ("table: {name: orders\n", "line 2, column 1"),
        (
            "table: {name: orders}\nmapping: {enabled: yes}\n",
            "mapping.enabled: must be true or false",
        ),
    ],
)
def test_bad_answers_exit_2_with_a_short_message_and_no_output(
    tmp_path: Path, content: str, expected: str
) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(content)
    result = run_cli("--answers", str(answers), "--export", "t.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3
    assert not (tmp_path / "t.yaml").exists()


def test_missing_answers_file_names_the_path(tmp_path: Path) -> None:
    result = run_cli("--answers", "nope.yaml", "--export", "-", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (2, "ddbwizard: nope.yaml: no such file")


def test_export_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    assert main(["--answers", str(SEED), "--export", str(tmp_path / "no" / "t.yaml")]) == 2


def test_export_replaces_an_existing_file_atomically(tmp_path: Path) -> None:
    out = tmp_path / "t.yaml"
    out.write_text("old")
    assert main(["--answers", str(SEED), "--export", str(out)]) == 0
    assert out.read_text().startswith("AWSTemplateFormatVersion")
    assert [p.name for p in tmp_path.iterdir()] == ["t.yaml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--export", "t.yaml"], "--export needs --answers FILE"),
        (["--answers", "a.yaml", "--export", "-", "--destroy"], "exclude each other"),
        (["--answers", "a.yaml", "--format", "json"], "--format goes with --export"),
        (["--plain", "--answers", "a.yaml"], "exclude each other"),
    ],
)
def test_bad_flag_combinations_exit_2(args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_version_and_help() -> None:
    from ddbwizard import __version__

    assert run_cli("--version").stdout.strip() == f"ddbwizard {__version__}"
    help_text = run_cli("--help").stdout
    for flag in (
        "--answers",
        "--export",
        "--plain",
        "--local",
        "--dry-run",
        "--destroy",
        "--replace-failed",
        "--json",
        "--logs",
    ):
        assert flag in help_text


def test_schema_is_printed_as_json() -> None:
    import json

    schema = json.loads(run_cli("--schema").stdout)
    assert schema["title"] == "ddbwizard answers file"


def test_wizard_without_a_terminal_points_at_answers() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ddbwizard"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "--answers" in result.stderr


def test_export_to_a_device_writes_through_it_and_keeps_the_device(tmp_path: Path) -> None:
    """Renaming a temporary file over /dev/null (as root) would replace the device itself."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    assert main(["--answers", str(SEED), "--export", str(fifo)]) == 0
    reader.join(timeout=30)
    assert received[0].startswith("AWSTemplateFormatVersion")
    assert fifo.is_fifo()
    assert main(["--answers", str(SEED), "--export", os.devnull]) == 0
    assert Path(os.devnull).is_char_device()
