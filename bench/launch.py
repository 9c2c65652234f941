"""`--local` launches as a user starts them, each against its floor (bench/floor_local.py).

- tui: `ddbwizard --local` in a pseudo-terminal (80x24, xterm-256color), from the process
  start to the first output that holds the table step's status line "N tables in account",
  which the screen shows once every row is described (a row can be chosen only then); the
  first frame (the step bar) is reported too. Floor: moto's server in-process, the three
  demo tables created and listed, plus `import textual.app`.
- echo: `ddbwizard --local --answers examples/seed.yaml --yes --logs`, from the process start
  to the first line on stdout (the demo item's echo). Floor: moto's server, a table with a
  stream, one item written, its record read with GetRecords and printed as JSON.
Every run ends with SIGTERM (the TUI) or SIGINT (the tail), as a user ends them.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import PYTHON, ROOT, Result, Series, clean_env
from bench.startup import SEED, _script

FLOOR = ROOT / "bench" / "floor_local.py"
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "60"))
FIRST_FRAME = b"Deploy"  # the step bar, in the first paint of any step
TABLE_LIST = b"tables in account"


def _stop(proc: subprocess.Popen[bytes], sig: int) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def in_terminal(argv: list[str], markers: list[bytes], cwd: Path) -> list[float]:
    """Seconds from the start of argv (in an 80x24 pty) to the first output of each marker."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = clean_env(TERM="xterm-256color", COLUMNS="80", LINES="24")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True
    )
    os.close(slave)
    seen, found = b"", [0.0] * len(markers)
    try:
        while not all(found):
            ready, _, _ = select.select([master], [], [], TIMEOUT)
            if not ready:
                raise TimeoutError(f"{argv[-1]}: no {markers} within {TIMEOUT} s")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                raise RuntimeError(f"{argv} ended early: {seen[-500:]!r}") from None
            now = time.perf_counter()
            seen = seen[-200:] + chunk
            for i, marker in enumerate(markers):
                if not found[i] and marker in seen:
                    found[i] = now - t0
    finally:
        _stop(proc, signal.SIGTERM)
        _drain(master)
    return found


def _drain(fd: int) -> None:
    try:
        while select.select([fd], [], [], 0.05)[0] and os.read(fd, 65536):
            pass
    except OSError:
        pass
    os.close(fd)


def first_line(argv: list[str], cwd: Path) -> float:
    """Seconds from the start of argv to its first line on stdout (then SIGINT)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
        env=clean_env(),
    )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - t0
    finally:
        _stop(proc, signal.SIGINT)
    if not line.strip():
        raise RuntimeError(f"{argv}: no line on stdout (exit {proc.returncode})")
    return elapsed


def alternate(fns: list[Callable[[], Any]], runs: int, warmup: int) -> list[list[Any]]:
    """Each fn's results over `runs` rounds after `warmup` rounds; the order flips every round."""
    out: list[list[Any]] = [[] for _ in fns]
    order = list(range(len(fns)))
    for round_ in range(warmup + runs):
        for i in order if round_ % 2 else order[::-1]:
            value = fns[i]()
            if round_ >= warmup:
                out[i].append(value)
    return out


def bench_launch_tui(runs: int, quick: bool = False) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        subject = lambda: in_terminal(  # noqa: E731
            [*_script(), "--local"], [FIRST_FRAME, TABLE_LIST], Path(tmp)
        )
        floor = lambda: first_line([PYTHON, str(FLOOR), "tables"], Path(tmp))  # noqa: E731
        tui, floors = alternate([subject, floor], runs, warmup=0 if quick else 1)
    frames = [t[0] for t in tui]
    lists = [t[1] for t in tui]
    floor_series = Series("moto + 3 tables + import textual.app", floors)
    return [
        Result(
            "--local TUI: launch to a table list you can choose from",
            Series("ddbwizard --local", lists),
            floor_series,
            target="<= 1.5x",
            check=lambda r: r.ratio is not None and r.ratio <= 1.5,
            note="80x24 pty; floor: moto in-process, 3 tables created and listed, import textual.app",
        ),
        Result(
            "--local TUI: launch to the first frame",
            Series("ddbwizard --local", frames),
            floor_series,
            target="report",
            note="the step bar on the terminal",
        ),
    ]


def bench_launch_echo(runs: int, quick: bool = False) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        argv = [*_script(), "--local", "--answers", str(SEED), "--yes", "--logs"]
        subject = lambda: first_line(argv, Path(tmp))  # noqa: E731
        floor = lambda: first_line([PYTHON, str(FLOOR), "echo"], Path(tmp))  # noqa: E731
        echoes, floors = alternate([subject, floor], runs, warmup=0 if quick else 1)
    return [
        Result(
            "--local --answers seed.yaml --yes --logs: launch to the first echo line",
            Series("ddbwizard", echoes),
            Series("moto + stream + GetRecords", floors),
            target="<= 2x",
            check=lambda r: r.ratio is not None and r.ratio <= 2.0,
            note="stdout; floor: moto in-process, a table with a stream, PutItem, GetRecords",
        )
    ]
