"""`ddbwizard --local`: the embedded emulator, end to end, as a user runs it from the README."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start_seed_deploy(cwd: Path, example: str | Path = "seed.yaml") -> subprocess.Popen[str]:
    """The README's no-prompt local run: deploy an example, then follow the logs."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ddbwizard",
            "--local",
            "--answers",
            str(ROOT / "examples" / example),  # an absolute Path stays itself
            "--yes",
            "--logs",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_local_seed_deploys_and_the_log_tail_shows_echo_lines(tmp_path: Path) -> None:
    process = start_seed_deploy(tmp_path)
    assert process.stdout is not None
    echoed: list[dict[str, object]] = []
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            record = json.loads(line)
            echoed.append(record)
            if any(str(r.get("keys", "")).find("demo#") >= 0 for r in echoed):
                break
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "CREATE_COMPLETE" in stderr
    names = [r["eventName"] for r in echoed]
    assert {"INSERT", "MODIFY", "REMOVE"} <= set(names)  # TRIM_HORIZON replays the seed
    demo = [r for r in echoed if "demo#" in str(r.get("keys"))]
    assert demo, echoed
    assert demo[0]["newImage"]["message"].startswith("Hello from ddbwizard")  # type: ignore[index]
    assert "Stopped following the logs." in stderr
    assert "Traceback" not in stderr


def test_ctrl_c_before_anything_changed_says_so(tmp_path: Path) -> None:
    """SIGTERM behaves like Ctrl-C: exit 130 and an honest message."""
    process = start_seed_deploy(tmp_path)
    assert process.stderr is not None
    first = process.stderr.readline()  # "Starting the embedded AWS emulator"
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=60)
    stderr = first + rest
    assert process.returncode == 130, stderr
    assert "Interrupted. Nothing was changed in AWS." in stderr
    assert "Traceback" not in stderr


def test_local_own_handler_is_packaged_uploaded_and_its_lines_reach_the_tail(
    tmp_path: Path,
) -> None:
    process = start_seed_deploy(tmp_path, "own-handler.yaml")
    assert process.stdout is not None
    counts: list[dict[str, int]] = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and not counts:
            line = process.stdout.readline()
            if not line:
                break
            counts.append(json.loads(line)["counts"])
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert counts[0]["inserts"] >= 1  # your function's own line, from the seeded changes
    assert "create stack ddbwizard-artifacts" in stderr  # planned before it was made
    assert "the function's zip was uploaded to s3://" in stderr
    assert "Traceback" not in stderr


@pytest.mark.skipif(
    shutil.which("go") is None and not os.environ.get("DDBWIZARD_REQUIRE_GO"),
    reason="go is not on PATH",
)
def test_local_go_echo_is_built_deployed_and_echoes(tmp_path: Path) -> None:
    answers = tmp_path / "go.yaml"
    answers.write_text(
        "version: 1\ntable: {name: orders}\nstream: {view_type: NEW_AND_OLD_IMAGES}\n"
        "function: {handler: go}\nstack: {name: orders-go}\n",
        encoding="utf-8",
    )
    process = start_seed_deploy(tmp_path, answers)
    assert process.stdout is not None
    names: list[str] = []
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline and len(names) < 3:
            line = process.stdout.readline()
            if not line:
                break
            names.append(json.loads(line)["eventName"])
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert names[:3] == ["INSERT", "INSERT", "INSERT"]  # the Go echo's lines, as echo.py's
    assert "Packaging the function (go)" in stderr
