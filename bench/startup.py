"""Whole-process benchmarks: start-up (--version, --help) and --export, each against its floor."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import yaml

from bench.common import BIN, PYTHON, ROOT, Result, Series, clean_env, interleave, runner

SEED = ROOT / "examples" / "seed.yaml"
GOLDEN = ROOT / "examples" / "templates" / "seed.yaml"
FLOOR_EXPORT = ROOT / "bench" / "floor_export.py"


def _script() -> list[str]:
    """The installed console script, else `python -m ddbwizard`."""
    script = BIN / "ddbwizard"
    return [str(script)] if script.exists() else [PYTHON, "-m", "ddbwizard"]


def bench_startup(runs: int) -> list[Result]:
    floor = runner([PYTHON, "-c", "pass"])
    script = _script()
    subjects = {
        "start-up: ddbwizard --version": (runner([*script, "--version"]), 2.0),
        "start-up: python -m ddbwizard --version": (
            runner([PYTHON, "-m", "ddbwizard", "--version"]),
            2.0,
        ),
        "start-up: ddbwizard --help": (runner([*script, "--help"]), 3.0),
    }
    fns = [floor, *(fn for fn, _ in subjects.values())]
    times = interleave(fns, runs, warmup=2)
    floor_series = Series("python -c pass", times[0])
    results = []
    for (name, (_, limit)), values in zip(subjects.items(), times[1:], strict=True):
        results.append(
            Result(
                name,
                Series(name, values),
                floor_series,
                target=f"<= {limit:g}x",
                check=lambda r, limit=limit: r.ratio is not None and r.ratio <= limit,
            )
        )
    return results


def _differences(a: object, b: object, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in {**a, **b} for d in _differences(a.get(k), b.get(k), f"{path}/{k}")]
    return [] if a == b else [path or "/"]


def check_export_outputs(tmp: Path) -> str:
    """The floor and ddbwizard should produce the same document, else the ratio means less:
    returns a note naming the paths that differ (the template may change under our feet)."""
    out = tmp / "out.yaml"
    subprocess.run(
        [*_script(), "--answers", str(SEED), "--export", str(out)],
        check=True,
        env=clean_env(),
        capture_output=True,
    )
    floor = subprocess.run(
        [PYTHON, str(FLOOR_EXPORT)], check=True, env=clean_env(), capture_output=True, text=True
    ).stdout
    differ = _differences(yaml.safe_load(out.read_text()), yaml.safe_load(floor))
    if differ:
        return "floor differs from ddbwizard's template at " + ", ".join(differ[:4])
    golden = yaml.safe_load(GOLDEN.read_text())
    if _differences(yaml.safe_load(out.read_text()), golden):
        return "same as the floor; differs from examples/templates/seed.yaml"
    return "same document as the floor and examples/templates/seed.yaml"


def bench_export(runs: int) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        note = check_export_outputs(Path(tmp))
        out = Path(tmp) / "out.yaml"
        floor = runner([PYTHON, str(FLOOR_EXPORT)])
        subject = runner([*_script(), "--answers", str(SEED), "--export", str(out)])
        f, s = interleave([floor, subject], runs, warmup=2)
    return [
        Result(
            "export: --answers seed.yaml --export",
            Series("ddbwizard --export", s),
            Series("troposphere floor", f),
            target="<= 1.3x",
            check=lambda r: r.ratio is not None and r.ratio <= 1.3,
            note=note,
        )
    ]
