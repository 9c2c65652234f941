"""`python -m bench --quick` runs every benchmark and exits 0 (no timing is asserted here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_bench_quick_runs() -> None:
    pytest.importorskip("moto.server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for row in (
        "start-up",
        "--local TUI: launch",
        "--local --answers",
        "export",
        "echo handler",
        "deploy notice",
        "memory",
        "table picker",
        "log tail",
    ):
        assert row in result.stdout
