"""A whole `--local` TUI flow, headless (run_test, 80x24), in its own process, then a flood of
log events into the Done screen's tail.

`python -m bench.flow EVENTS` (cwd: an empty folder) prints one JSON line:
- flow_mib: peak RSS (VmHWM) of this process (the TUI) after connect (the embedded emulator,
  as `ddbwizard --local` starts it), table `orders` chosen, its stream reused, Trigger and
  Function as proposed, Review, the deploy confirmed, Done, `w` (a demo item) and its echo
  line on the log view; emulator_mib: the emulator process's peak RSS by then;
- idle_ms / flood_ms: f1 (help) and escape (close it), key press to the paint that shows it,
  on the idle Done screen and while EVENTS log events arrive in the tail;
- shown: events the view keeps when the flood ended; flood_mib: peak RSS by then, and
  before_flood_mib: RSS before the first event was written (the emulator holds the events,
  in its own process, as a real log group holds them in AWS).
The events go to the emulator through PutLogEvents, 5,000 a batch (under its 1 MiB limit),
from a process of its own, as the echo function would write them: ten to a millisecond.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PYTHON, ROOT, Result, Series, clean_env
from bench.tui import Paints, wait_until

FLOW_TIMEOUT = 120.0


def _status_mib(field: str, pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def _children() -> list[int]:
    """This process's child processes (the emulator, and any function runtime)."""
    found = []
    for task in Path("/proc/self/task").iterdir():
        found += [int(pid) for pid in (task / "children").read_text().split()]
    return found


def _emulator_mib() -> float:
    """The peak RSS of the emulator: the child that runs ddbwizard.local.server."""
    for pid in _children():
        if b"ddbwizard.local.server" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return _status_mib("VmHWM", pid)
    raise RuntimeError("no emulator process among the children")


def _log_text(app: Any) -> str:
    from textual.widgets import RichLog

    found = app.screen.query(RichLog)
    return "\n".join(strip.text for log in found for strip in log.lines)


async def _to_done(app: Any, pilot: Any) -> None:
    """Through every step with what the wizard proposes for the demo table `orders`."""
    from textual.widgets import Button

    deadline = time.perf_counter() + FLOW_TIMEOUT
    while True:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"flow stuck on {type(app.screen).__name__}")
        screen = app.screen
        kind = type(screen).__name__
        if kind == "DoneScreen":
            return
        if kind == "ErrorModal":
            raise RuntimeError(f"the flow failed: {getattr(screen, 'message', '')}")
        if kind == "TableScreen" and "orders" in screen.infos:
            screen.choose("orders")
        elif (
            (kind == "StreamScreen" and app.state.stream is not None)
            or kind in ("MappingScreen", "FunctionScreen")
            or (kind == "ReviewScreen" and getattr(screen, "review", None))
        ):
            await pilot.press("ctrl+n")
        elif kind == "ConfirmModal" or (
            kind == "DeployScreen" and not screen.query_one("#next", Button).disabled
        ):
            await pilot.press("enter")
        elif kind == "ResumeModal":
            await pilot.press("escape")
        await pilot.pause(0.05)
        if type(app.screen) is type(screen):
            await pilot.pause(0.1)


async def _key_latencies(app: Any, pilot: Any, paints: Paints) -> list[float]:
    """f1 then escape: seconds from each key press to the paint that shows its screen."""
    done = type(app.screen)
    out = []
    for key, shown in (
        ("f1", lambda: type(app.screen).__name__ == "HelpScreen"),
        ("escape", lambda: type(app.screen) is done),
    ):
        painted = paints.expect(shown)
        t0 = time.perf_counter()
        await pilot.press(key)
        out.append(await asyncio.wait_for(painted, 30) - t0)
        await pilot.pause(0.2)
    return out


# The writer is a process of its own: its client and its batches are not the TUI's memory.
WRITER = """
import json, sys, time
import boto3
endpoint, group, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1",
                    aws_access_key_id="testing", aws_secret_access_key="testing")
stream = "2026/12/01/[$LATEST]bench"
logs.create_log_stream(logGroupName=group, logStreamName=stream)
now = int(time.time() * 1000)
record = {"eventName": "MODIFY", "keys": {"pk": "order#1001"},
          "newImage": {"pk": "order#1001", "status": "shipped", "total": 42.5}}
for start in range(0, count, 5000):
    events = [{"timestamp": now + i // 10, "message": json.dumps({**record, "n": i})}
              for i in range(start, min(count, start + 5000))]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
"""


def _flood(endpoint_url: str, group: str, count: int) -> None:
    subprocess.run(
        [PYTHON, "-c", WRITER, endpoint_url, group, str(count)],
        check=True,
        capture_output=True,
        timeout=FLOW_TIMEOUT,
    )


async def run(events: int) -> dict[str, Any]:
    from ddbwizard.tui.app import make_app

    app = make_app(local=True, answers_dir=Path.cwd(), log_interval=0.5)
    result: dict[str, Any] = {}
    t0 = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        paints = Paints(app)
        await _to_done(app, pilot)
        await pilot.press("w")
        await wait_until(lambda: "Hello from ddbwizard" in _log_text(app), 60)
        result["flow_mib"] = _status_mib("VmHWM")
        result["emulator_mib"] = _emulator_mib()
        result["flow_s"] = time.perf_counter() - t0
        await pilot.pause(0.5)
        result["idle_ms"] = [s * 1e3 for s in await _key_latencies(app, pilot, paints)]
        assert app.state.outcome is not None
        group = app.state.outcome.outputs["LogGroupName"]
        result["before_flood_mib"] = _status_mib("VmRSS")
        endpoint = app.connection.aws.endpoint_url
        writing = asyncio.create_task(asyncio.to_thread(_flood, endpoint, group, events))
        flood: list[float] = []
        for _ in range(5):
            flood += await _key_latencies(app, pilot, paints)
        await writing
        result["flood_ms"] = [s * 1e3 for s in flood]
        await pilot.pause(3.0)  # let the tail take the rest
        screen = app.screen
        kept = getattr(screen, "kept", None)
        result["shown"] = len(kept) if kept is not None else None
        result["flood_mib"] = _status_mib("VmHWM")
        result["rss_mib"] = _status_mib("VmRSS")
        result["all_s"] = time.perf_counter() - t0
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(int(sys.argv[1])))), flush=True)


def bench_flow(runs: int, quick: bool = False) -> list[Result]:
    events = 10_000 if quick else 100_000
    got = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [PYTHON, "-m", "bench.flow", str(events)],
                capture_output=True,
                text=True,
                cwd=tmp,
                env=clean_env(PYTHONPATH=str(ROOT)),
                timeout=600,
                check=False,
            )
        if done.returncode != 0:
            raise RuntimeError(f"bench.flow exited {done.returncode}: {done.stderr[-2000:]}")
        got.append(json.loads(done.stdout.splitlines()[-1]))
    flood = [ms / 1e3 for g in got for ms in g["flood_ms"]]
    idle = [ms / 1e3 for g in got for ms in g["idle_ms"]]
    shown = got[-1]["shown"]
    return [
        Result(
            "memory: a whole --local TUI flow (deploy, w, its echo)",
            Series("peak RSS", [g["flow_mib"] for g in got]),
            unit="MiB",
            target="<= 150 MiB",
            check=lambda r: r.subject.high <= 150,
            note=f"the TUI's process, headless run_test 80x24; flow {got[-1]['flow_s']:.0f} s",
        ),
        Result(
            "memory: the emulator's process in that flow (moto)",
            Series("peak RSS", [g["emulator_mib"] for g in got]),
            unit="MiB",
            note="moto's server, a child process as under --local",
        ),
        Result(
            f"log tail: f1/escape while {events:,} events arrive",
            Series("flooded Done screen", flood),
            Series("idle Done screen", idle),
            target="<= +50 ms",
            check=lambda r: r.excess is not None and r.excess <= 0.050,
            note=f"key press to the paint showing it, {len(flood)} presses (max in min..max); "
            "PutLogEvents into the emulator meanwhile",
        ),
        Result(
            f"log tail: RSS growth over {events:,} events",
            Series("peak RSS - RSS before", [g["flood_mib"] - g["before_flood_mib"] for g in got]),
            unit="MiB",
            target="< 50 MiB",
            check=lambda r: r.subject.high < 50,
            note=f"the TUI's process; the view keeps {shown} events",
        ),
    ]
