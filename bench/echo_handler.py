"""Benchmark the echo handlers against a JSON-serialisation floor.

Part of the suite (`python -m bench --only echo`); also runs alone:
.venv/bin/python bench/echo_handler.py [--records 10000] [--runs 15]

One MODIFY event with NEW_AND_OLD_IMAGES, ~1 KB of DynamoDB JSON per record,
every DynamoDB type. Prints median timings:
  python: handler(event) vs json.dumps(event) + write, both to /dev/null
  node:   handler(event) vs JSON.stringify(event) + write, both to /dev/null
and the ratio handler / floor for each.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY_HANDLER = ROOT / "handler_templates" / "python" / "echo.py"
NODE_HANDLER = ROOT / "handler_templates" / "nodejs" / "echo.mjs"


def image(i: int, version: int) -> dict[str, Any]:
    return {
        "pk": {"S": f"customer#{i:08d}"},
        "sk": {"N": str(1000 + i)},
        "price": {"N": f"-{i % 1000}.{version:02d}"},
        "big": {"N": "12345678901234567890123456789012345678"},
        "exp": {"N": "1E+10"},
        "active": {"BOOL": version % 2 == 0},
        "gone": {"NULL": True},
        "blob": {"B": "aGVsbG8="},
        "tags": {"SS": ["red", f"t{i % 10}"]},
        "nums": {"NS": ["1", "2.5"]},
        "bins": {"BS": ["AAEC"]},
        "city": {"S": "Zürich 東京 😀"},
        "attrs": {"M": {"color": {"S": "blue"}, "dims": {"M": {"w": {"N": "10"}}}}},
        "hist": {"L": [{"S": "created"}, {"N": str(1700000000 + i)}]},
    }


def make_event(n: int) -> dict[str, Any]:
    records = []
    for i in range(n):
        records.append(
            {
                "eventID": f"{i:032x}",
                "eventName": "MODIFY",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "eu-west-1",
                "dynamodb": {
                    "ApproximateCreationDateTime": 1700000000 + i,
                    "Keys": {"pk": {"S": f"customer#{i:08d}"}, "sk": {"N": str(1000 + i)}},
                    "NewImage": image(i, 2),
                    "OldImage": image(i, 1),
                    "SequenceNumber": f"{100000000000000000000 + i}",
                    "SizeBytes": 900,
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
                "eventSourceARN": "arn:aws:dynamodb:eu-west-1:123456789012:table/T/stream/2024",
            }
        )
    return {"Records": records}


def all_times(fns: list[Any], runs: int) -> list[list[float]]:
    """Wall times of each function, runs interleaved to share the noise."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, t in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            t.append(time.perf_counter() - t0)
    return times


def median_times(fns: list[Any], runs: int) -> list[float]:
    """Median wall time of each function, runs interleaved to share the noise."""
    return [statistics.median(t) for t in all_times(fns, runs)]


def python_times(event: dict[str, Any], runs: int) -> tuple[list[float], list[float]]:
    """(floor times, handler times): json.dumps + write vs the handler, both to /dev/null."""
    mod = types.ModuleType("echo_bench")  # exec, not import: no __pycache__ in the template dir
    exec(compile(PY_HANDLER.read_text(encoding="utf-8"), str(PY_HANDLER), "exec"), mod.__dict__)
    with Path(os.devnull).open("w", encoding="utf-8") as devnull:

        def floor() -> None:
            devnull.write(json.dumps(event))

        def handler() -> None:
            with contextlib.redirect_stdout(devnull):
                mod.handler(event, None)

        handler()  # warm the attribute-name cache, as in a warm Lambda container
        floor()
        f, h = all_times([floor, handler], runs)
        return f, h


def bench_python(event: dict[str, Any], runs: int) -> tuple[float, float]:
    f, h = python_times(event, runs)
    return statistics.median(f), statistics.median(h)


NODE_SCRIPT = r"""
const fs = require("fs");
const { pathToFileURL } = require("url");
const [file, mod, runs] = process.argv.slice(1);
const event = JSON.parse(fs.readFileSync(file, "utf8"));
const median = (a) => { a.sort((x, y) => x - y); return a[a.length >> 1]; };
async function time(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
import(pathToFileURL(mod).href).then(async ({ handler }) => {
  const floor = async () => { process.stdout.write(JSON.stringify(event)); };
  const run = async () => { await handler(event, {}); };
  await run(); await floor();
  const f = [], h = [];
  for (let i = 0; i < Number(runs); i++) { f.push(await time(floor)); h.push(await time(run)); }
  process.stderr.write(JSON.stringify({ floor: median([...f]), handler: median([...h]), f, h }));
});
"""


def node_times(event_file: Path, runs: int) -> tuple[list[float], list[float]] | None:
    """(floor times, handler times) in one node process: JSON.stringify + write vs handler."""
    res = _node(event_file, runs)
    return None if res is None else (res["f"], res["h"])


def bench_node(event_file: Path, runs: int) -> tuple[float, float] | None:
    res = _node(event_file, runs)
    return None if res is None else (res["floor"], res["handler"])


def _node(event_file: Path, runs: int) -> dict[str, Any] | None:
    node = shutil.which("node")
    if node is None:
        return None
    proc = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(event_file), str(NODE_HANDLER), str(runs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_LOG")},
    )
    return json.loads(proc.stderr)  # type: ignore[no-any-return]


def bench_echo(runs: int, quick: bool = False) -> list[Any]:
    """The suite's rows: python and nodejs handlers, one 10,000-record MODIFY event."""
    from bench.common import Result, Series

    for var in ("AWS_LAMBDA_LOG_LEVEL", "REPORT_BATCH_ITEM_FAILURES"):
        os.environ.pop(var, None)
    records = 10_000
    event = make_event(records)
    size = len(json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode())
    note = f"{records} records, {size / records:.0f} B/record"
    f, h = python_times(event, runs)
    results = [
        Result(
            "echo handler, python (in-process)",
            Series("handler", h),
            Series("json.dumps", f),
            target="<= 1.5x",
            check=lambda r: r.ratio is not None and r.ratio <= 1.5,
            note=f"{note}; floor json.dumps(event) to /dev/null",
        )
    ]
    with tempfile.TemporaryDirectory() as tmp:
        event_file = Path(tmp) / "event.json"
        event_file.write_text(json.dumps(event), encoding="utf-8")
        del event
        res = node_times(event_file, runs)
    if res is None:
        return results
    version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    results.append(
        Result(
            f"echo handler, nodejs {version} (in-process)",
            Series("handler", res[1]),
            Series("JSON.stringify", res[0]),
            target="<= 1.5x",
            check=lambda r: r.ratio is not None and r.ratio <= 1.5,
            note=f"{note}; floor JSON.stringify(event) to /dev/null",
        )
    )
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    for var in ("AWS_LAMBDA_LOG_LEVEL", "REPORT_BATCH_ITEM_FAILURES"):
        os.environ.pop(var, None)
    event = make_event(args.records)
    text = json.dumps(event)
    compact = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
    per_record = len(compact) / args.records
    print(
        f"event: {args.records} records, {len(compact) / 1e6:.1f} MB compact UTF-8, "
        f"{per_record:.0f} B/record"
    )
    print(f"python {sys.version.split()[0]}:")
    f, h = bench_python(event, args.runs)
    print(f"  floor json.dumps+write  {f * 1e3:8.1f} ms")
    print(f"  handler                 {h * 1e3:8.1f} ms   ratio {h / f:.2f}x")
    with tempfile.TemporaryDirectory() as tmp:
        event_file = Path(tmp) / "event.json"
        event_file.write_text(text, encoding="utf-8")
        res = bench_node(event_file, args.runs)
    if res is None:
        print("node: not on PATH, skipped")
        return
    f, h = res
    version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"node {version}:")
    print(f"  floor JSON.stringify+write {f * 1e3:8.1f} ms")
    print(f"  handler                    {h * 1e3:8.1f} ms   ratio {h / f:.2f}x")


if __name__ == "__main__":
    main()
