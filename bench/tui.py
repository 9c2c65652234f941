"""TUI benchmarks, driven headless with App.run_test() (80x24) and timed to the screen update.

Every paint goes through App._display (the compositor's output, headless included); the app's
_display is wrapped to stamp each paint, so a latency ends at the first paint that shows the
awaited state, not when the Pilot returns.

- tables: a moto server (own process) with 10,000 tables, every 7th with a stream. From the
  key press that leaves the connect step to the first paint with a screenful of table names,
  and to the first paint where every visible row shows its stream state. Floor: a fresh boto3
  client listing the table names (ListTables, first page), in the same process, interleaved.
- ui: a facade whose every call takes 2 s, calls in flight; from a key press (Down in the
  list, ? for help) to the paint that shows it. Floor: the same key with an instant facade.
- memory probe (`python -m bench.tui memory ENDPOINT`): peak RSS of the TUI at the table step.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.common import Result, Series

VISIBLE_TIMEOUT = 60.0


# -- harness -------------------------------------------------------------------------------
class Paints:
    """Stamps every paint of an app; `until(cond)` waits for the first paint where cond() holds."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.waiters: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        original = app._display

        def _display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            now = time.perf_counter()
            for waiter in list(self.waiters):
                cond, future = waiter
                if not future.done() and cond():
                    future.set_result(now)
                    self.waiters.remove(waiter)

        app._display = _display

    def expect(self, cond: Callable[[], bool]) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiters.append((cond, future))
        return future


async def wait_until(cond: Callable[[], bool], timeout: float = VISIBLE_TIMEOUT) -> None:
    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            raise TimeoutError("the TUI never reached the expected state")
        await asyncio.sleep(0.002)


def _table_screen(app: Any) -> Any:
    from ddbwizard.tui.screens.tables import TableScreen

    screen = app.screen
    return screen if isinstance(screen, TableScreen) else None


def _table_list(app: Any) -> Any:
    from ddbwizard.tui.widgets.table_list import TableList

    screen = _table_screen(app)
    return None if screen is None else screen.query_one(TableList)


def visible_rows(app: Any) -> int:
    """Rows the table list can show at once (its height less the header)."""
    table = _table_list(app)
    return 0 if table is None else int(table.page_rows)


def _visible_names(app: Any) -> list[str]:
    table = _table_list(app)
    return [] if table is None else list(table.shown_keys())


def screenful_shown(app: Any, want: int) -> bool:
    table = _table_list(app)
    return table is not None and table.row_count >= want


def states_shown(app: Any) -> bool:
    screen = _table_screen(app)
    if screen is None:
        return False
    names = _visible_names(app)
    return bool(names) and all(name in screen.infos for name in names)


# -- table picker against moto ---------------------------------------------------------------
def _connection(endpoint: str, stop: threading.Event | None = None) -> Any:
    """A connected facade; once `stop` is set, describe_tables stops early (between runs, so
    the next run does not share the server with the last one's remaining DescribeTable calls).
    """
    from ddbwizard.core.aws.facade import Aws, make_session
    from ddbwizard.core.engine import Connection

    class StoppableAws(Aws):
        def describe_tables(self, names: Iterable[str], max_workers: int = 8) -> Iterator[Any]:
            for info in super().describe_tables(names, max_workers):
                if stop is not None and stop.is_set():
                    return
                yield info

    aws = StoppableAws(make_session(None, "us-east-1"), endpoint)
    return Connection(aws, aws.identity())


async def _picker_once(endpoint: str, table_count: int) -> tuple[float, float, int]:
    """(seconds to the first screenful of names, seconds to the visible rows' states, rows)."""
    from ddbwizard.tui.app import make_app

    stop = threading.Event()
    connection = _connection(endpoint, stop)  # the connect step, done before the clock starts
    app = make_app(endpoint_url=endpoint, connect=connection)
    async with app.run_test() as pilot:
        paints = Paints(app)
        await wait_until(lambda: app.state.connection is not None and app.screen.focused)
        await pilot.pause()
        want: list[int] = []

        def first_screen() -> bool:
            if not want and _table_screen(app) is not None:
                want.append(min(visible_rows(app), table_count))
            return bool(want) and screenful_shown(app, want[0])

        names_painted = paints.expect(first_screen)
        states_painted = paints.expect(lambda: bool(want) and states_shown(app))
        t0 = time.perf_counter()
        await pilot.press("enter")  # Next: to the table step
        names_at = await asyncio.wait_for(names_painted, VISIBLE_TIMEOUT)
        states_at = await asyncio.wait_for(states_painted, VISIBLE_TIMEOUT)
        rows = want[0]
        stop.set()
        await app.workers.wait_for_complete()
    connection.close()
    return names_at - t0, states_at - t0, rows


def _boto3_floor(endpoint: str) -> Callable[[], None]:
    import boto3

    def floor() -> None:
        session = boto3.Session(region_name="us-east-1")
        names = session.client("dynamodb", endpoint_url=endpoint).list_tables()["TableNames"]
        assert names

    return floor


def bench_tables(runs: int, quick: bool = False) -> list[Result]:
    import os

    from bench.motoserver import MotoProcess, aws_env

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(aws_env())
    count = 1000 if quick else 10_000
    try:
        with MotoProcess(count) as moto:
            floor = _boto3_floor(moto.endpoint)
            floor()  # warm-up (botocore's loader caches, the server)
            asyncio.run(_picker_once(moto.endpoint, count))
            floors, names, states = [], [], []
            rows = 0
            for _ in range(runs):
                t0 = time.perf_counter()
                floor()
                floors.append(time.perf_counter() - t0)
                n, s, rows = asyncio.run(_picker_once(moto.endpoint, count))
                names.append(n)
                states.append(s - n)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    floor_series = Series("boto3 ListTables", floors)
    return [
        Result(
            f"table picker: first screenful ({rows} of {count} names)",
            Series("TUI", names),
            floor_series,
            target="<= 1.5x",
            check=lambda r: r.ratio is not None and r.ratio <= 1.5,
            note="from Enter on the connect step; moto in its own process",
        ),
        Result(
            "table picker: visible rows' stream state, after the names",
            Series("TUI", states),
            None,
            target="<= 1 s",
            check=lambda r: r.subject.median <= 1.0,
            note=f"{count} tables, every 7th with a stream",
        ),
    ]


# -- UI responsiveness with a slow facade ------------------------------------------------------
@dataclass
class SlowAws:
    """The facade surface the table step uses; every call sleeps `delay` seconds."""

    delay: float
    region: str = "eu-west-1"
    endpoint_url: str | None = None
    profile: str | None = None
    names: list[str] = field(default_factory=lambda: [f"table-{i:03d}" for i in range(60)])
    stop: threading.Event = field(default_factory=threading.Event)

    def _wait(self) -> None:
        self.stop.wait(self.delay)

    def identity(self) -> Any:
        from ddbwizard.core.aws.values import Identity

        self._wait()
        return Identity("111122223333", "arn:aws:iam::111122223333:user/dev", self.region)

    def prepare_table_list(self) -> None:
        """No botocore model to read ahead."""

    def iter_table_name_pages(self) -> Iterator[list[str]]:
        yield self.names[:30]  # the first page answers at once, so there is a list to move in
        self._wait()
        yield self.names[30:]

    def list_table_names(self) -> list[str]:
        return list(self.names)

    def describe_table(self, name: str) -> Any:
        from ddbwizard.core.aws.values import TableInfo

        self._wait()
        return TableInfo(name, "ACTIVE", False, None, None, 0, 0, "PAY_PER_REQUEST")

    def describe_tables(self, names: Iterable[str]) -> Iterator[Any]:
        for name in names:
            if self.stop.is_set():
                return
            yield self.describe_table(name)


async def _keys_once(delay: float) -> dict[str, float]:
    """Latency (s) from each key press to the paint that shows it, calls in flight."""
    from ddbwizard.core.aws.values import Identity
    from ddbwizard.core.engine import Connection
    from ddbwizard.tui.app import make_app
    from ddbwizard.tui.screens.modals import HelpScreen

    aws = SlowAws(delay)
    connection = Connection(aws, Identity("111122223333", "arn:aws:iam::1:user/dev", aws.region))  # type: ignore[arg-type]
    app = make_app(connect=connection)
    out: dict[str, float] = {}
    async with app.run_test() as pilot:
        paints = Paints(app)
        await wait_until(lambda: app.state.connection is not None and app.screen.focused)
        await pilot.press("enter")
        await wait_until(lambda: screenful_shown(app, 10))
        await pilot.press("down")  # from the filter into the list
        await wait_until(lambda: _table_list(app) is not None and _table_list(app).has_focus)
        await pilot.pause()
        for key, name, cond in (
            ("down", "move in the list", lambda row: _table_list(app).cursor_row == row + 1),
            ("question_mark", "open help", lambda row: isinstance(app.screen, HelpScreen)),
            ("escape", "close help", lambda row: _table_screen(app) is not None),
        ):
            row = _table_list(app).cursor_row if _table_screen(app) is not None else -1
            if delay and not any(w.is_running for w in app.workers):
                raise RuntimeError("no call in flight: the slow-facade run measures nothing")
            painted = paints.expect(lambda cond=cond, row=row: cond(row))
            t0 = time.perf_counter()
            await pilot.press(key)
            out[name] = await asyncio.wait_for(painted, 10) - t0
            await pilot.pause()
        aws.stop.set()
        await app.workers.wait_for_complete()
    return out


def bench_ui(runs: int) -> list[Result]:
    slow: dict[str, list[float]] = {}
    fast: dict[str, list[float]] = {}
    asyncio.run(_keys_once(0.0))  # warm-up: imports, CSS
    for _ in range(runs):
        for delay, into in ((0.0, fast), (2.0, slow)):
            for name, value in asyncio.run(_keys_once(delay)).items():
                into.setdefault(name, []).append(value)
    return [
        Result(
            f"UI: {name}, 2 s calls in flight",
            Series("slow facade", slow[name]),
            Series("instant facade", fast[name]),
            target="<= +50 ms",
            check=lambda r: r.excess is not None and r.excess <= 0.050,
        )
        for name in slow
    ]


# -- memory probe --------------------------------------------------------------------------
async def _to_table_step(endpoint: str) -> None:
    """Connect (real flow: session, STS), go to the table step, wait until every name is listed
    and the visible rows are described (describing starts only once every page is listed);
    the remaining DescribeTable calls are then stopped."""
    from ddbwizard.tui.app import make_app

    stop = threading.Event()
    app = make_app(endpoint_url=endpoint, connect=_connection(endpoint, stop))
    async with app.run_test() as pilot:
        await wait_until(lambda: app.state.connection is not None and app.screen.focused)
        await pilot.press("enter")
        await wait_until(lambda: states_shown(app))
        await pilot.pause()
        stop.set()
        await app.workers.wait_for_complete()
        await pilot.pause()


if __name__ == "__main__" and sys.argv[1:2] == ["memory"]:
    asyncio.run(_to_table_step(sys.argv[2]))
