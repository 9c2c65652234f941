"""Shared helpers: interleaved timing, medians, result rows, subprocess runs."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


@dataclass
class Series:
    """Timings (seconds) or sizes of one subject."""

    name: str
    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)


@dataclass
class Result:
    """One row of the report: a subject against its floor, and the target it must meet."""

    bench: str
    subject: Series
    floor: Series | None = None
    unit: str = "ms"  # "ms" (values in seconds) or "MiB" (values in MiB)
    target: str = ""
    # (ratio or value) -> met?; None: report only
    check: Callable[[Result], bool] | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor.median == 0:
            return None
        return self.subject.median / self.floor.median

    @property
    def excess(self) -> float | None:
        """subject - floor (medians), in seconds."""
        return None if self.floor is None else self.subject.median - self.floor.median

    def met(self) -> bool | None:
        return None if self.check is None else self.check(self)


def interleave(
    fns: Sequence[Callable[[], object]], runs: int, warmup: int = 1
) -> list[list[float]]:
    """Wall time of each fn, `runs` rounds after `warmup` rounds; fns alternate within a round
    (and the order flips every round), so the machine's noise falls on all of them alike."""
    times: list[list[float]] = [[] for _ in fns]
    order = list(range(len(fns)))
    for round_ in range(warmup + runs):
        for i in order if round_ % 2 == 0 else order[::-1]:
            t0 = time.perf_counter()
            fns[i]()
            elapsed = time.perf_counter() - t0
            if round_ >= warmup:
                times[i].append(elapsed)
    return times


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for subprocesses: no AWS credentials leak in, no bytecode writes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    env.update(extra)
    return env


def runner(argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path = ROOT):
    """A zero-argument callable running argv to completion, output discarded, checked."""
    argv = list(argv)
    env = env if env is not None else clean_env()

    def run() -> None:
        subprocess.run(
            argv,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            check=True,
        )

    return run
