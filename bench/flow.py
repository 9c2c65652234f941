"""A whole `--local` TUI flow, headless (run_test, 80x24), in its own process, then a flood of
log events into the Done screen's tail.

`python -m bench.flow EVENTS` (cwd: an empty folder) prints one JSON line:
- flow_mib: peak RSS (VmHWM) after connect (the embedded emulator, as `ddbwizard --local`
  starts it), table `orders` chosen, its stream reused, Trigger and Function as proposed,
  Review, the deploy confirmed, Done, `w` (a demo item) and its echo line on the log view;
- idle_ms / flood_ms: f1 (help) and escape (close it), key press to the paint that shows it,
  on the idle Done screen and while EVENTS log events arrive in the tail;
- shown: events the view keeps when the flood ended; flood_mib: peak RSS by then;
  before_flood_mib / written_mib: RSS just before and just after the events were written
  (the difference is moto's own copy, which a real log group does not cost the TUI).
The events are written straight into moto's logs backend (the emulator runs in this
process), 10,000 a batch, as the echo function would write them.
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


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


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


def _flood(group: str, count: int) -> None:
    from moto.logs.models import logs_backends

    from ddbwizard.local.demo import LOCAL_ACCOUNT, LOCAL_REGION

    backend = logs_backends[LOCAL_ACCOUNT][LOCAL_REGION]
    stream = "2026/12/01/[$LATEST]bench"
    backend.create_log_stream(group, stream)
    now = int(time.time() * 1000)
    record = {
        "eventName": "MODIFY",
        "keys": {"pk": "order#1001"},
        "newImage": {"pk": "order#1001", "status": "shipped", "total": 42.5},
    }
    for start in range(0, count, 10_000):
        events = [
            {"timestamp": now, "message": json.dumps({**record, "n": i})}
            for i in range(start, min(count, start + 10_000))
        ]
        backend.put_log_events(group, stream, events)


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
        result["flow_s"] = time.perf_counter() - t0
        await pilot.pause(0.5)
        result["idle_ms"] = [s * 1e3 for s in await _key_latencies(app, pilot, paints)]
        assert app.state.outcome is not None
        group = app.state.outcome.outputs["LogGroupName"]
        result["before_flood_mib"] = _status_mib("VmRSS")
        _flood(group, events)
        result["written_mib"] = _status_mib("VmRSS")  # moto's own copy of the events
        flood: list[float] = []
        for _ in range(5):
            flood += await _key_latencies(app, pilot, paints)
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
            note="headless run_test 80x24, emulator in-process as under --local; "
            f"flow {got[-1]['flow_s']:.0f} s",
        ),
        Result(
            f"log tail: f1/escape while {events:,} events arrive",
            Series("flooded Done screen", flood),
            Series("idle Done screen", idle),
            target="<= +50 ms",
            check=lambda r: r.excess is not None and r.excess <= 0.050,
            note="key press to the paint showing it; events written into moto's logs backend",
        ),
        Result(
            f"log tail: RSS growth over {events:,} events, less moto's copy",
            Series("peak RSS - RSS once written", [g["flood_mib"] - g["written_mib"] for g in got]),
            unit="MiB",
            target="< 50 MiB",
            check=lambda r: r.subject.high < 50,
            note=f"the view keeps {shown} events; moto's copy: "
            f"{got[-1]['written_mib'] - got[-1]['before_flood_mib']:.0f} MiB",
        ),
    ]
