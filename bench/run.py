"""`python -m bench [--quick] [--only NAME ...] [--markdown]`: run the suite, print the table."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench import report
from bench.common import Result

# name -> (module, function, runs, quick runs)
BENCHES: dict[str, tuple[str, str, int, int]] = {
    "startup": ("bench.startup", "bench_startup", 21, 5),
    "launch": ("bench.launch", "bench_launch_tui", 5, 1),
    "echo-launch": ("bench.launch", "bench_launch_echo", 5, 1),
    "export": ("bench.startup", "bench_export", 15, 4),
    "echo": ("bench.echo_handler", "bench_echo", 15, 3),
    "deploy": ("bench.deploy", "bench_deploy", 5, 2),
    "memory": ("bench.memory", "bench_memory", 2, 1),
    "tables": ("bench.tui", "bench_tables", 5, 1),
    "ui": ("bench.tui", "bench_ui", 15, 3),
    "flow": ("bench.flow", "bench_flow", 1, 1),
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="few runs, small sizes (CI smoke run)")
    ap.add_argument("--only", nargs="+", choices=list(BENCHES), help="run these benchmarks only")
    ap.add_argument("--runs", type=int, help="override every benchmark's run count")
    ap.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = ap.parse_args(argv)
    print(f"machine: {machine()}")
    print(f"command: python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    results: list[Result] = []
    failed = []
    t0 = time.perf_counter()
    for name in args.only or list(BENCHES):
        module, func, runs, quick_runs = BENCHES[name]
        n = args.runs or (quick_runs if args.quick else runs)
        started = time.perf_counter()
        try:
            mod = __import__(module, fromlist=[func])
            fn: Callable[..., list[Result]] = getattr(mod, func)
            got = fn(n, quick=args.quick) if "quick" in fn.__code__.co_varnames else fn(n)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        results.extend(got)
        print(f"[{name}: {len(got)} rows, {n} runs, {time.perf_counter() - started:.1f} s]")
        print(report.text(got), flush=True)
    print(f"\nall ({time.perf_counter() - t0:.1f} s):")
    print(report.text(results))
    if args.markdown:
        print()
        print(report.markdown(results))
    if failed:
        print(f"\nbenchmarks that could not run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
