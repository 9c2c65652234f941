"""`ddbwizard --local`: the embedded emulator, end to end, as a user runs it from the README."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_seed_deploy(cwd: Path) -> subprocess.Popen[str]:
    """The README's no-prompt local run: deploy the seed example, then follow the logs."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ddbwizard",
            "--local",
            "--answers",
            str(ROOT / "examples" / "seed.yaml"),
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
