"""Drive the fake-facade app to a given step (shared by the Pilot and the snapshot tests)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, RichLog

from ddbwizard.tui.app import WizardApp
from ddbwizard.tui.screens.deploy import DeployScreen
from ddbwizard.tui.screens.done import DoneScreen
from ddbwizard.tui.screens.function import FunctionScreen
from ddbwizard.tui.screens.mapping import MappingScreen
from ddbwizard.tui.screens.modals import ConfirmModal
from ddbwizard.tui.screens.review import ReviewScreen
from ddbwizard.tui.screens.stream import StreamScreen
from ddbwizard.tui.screens.tables import TableScreen
from ddbwizard.tui.widgets.table_list import TableList

ORDER = ("connect", "table", "stream", "mapping", "function", "review", "deploy", "done")


async def until(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` is true (workers answer on their own threads)."""
    loops = int(timeout / 0.05)
    for _ in range(loops):
        if condition():
            await pilot.pause()
            return
        if type(pilot.app.screen).__name__ == "ErrorModal":
            break
        await pilot.pause(0.05)
    shown = getattr(pilot.app.screen, "message", "")
    raise AssertionError(f"timed out; screen is {pilot.app.screen!r} {shown}")


async def drive_to(pilot: Pilot[Any], step: str, table: str = "customers") -> None:
    app = pilot.app
    assert isinstance(app, WizardApp)
    target = ORDER.index(step)
    await until(pilot, lambda: app.state.connection is not None)
    await until(pilot, lambda: not app.screen.query_one("#next", Button).disabled)
    if target == 0:
        return
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, TableScreen) and len(app.screen.infos) == 3)
    if target == 1:
        return
    screen = app.screen
    assert isinstance(screen, TableScreen)
    screen.choose(table)
    await until(pilot, lambda: isinstance(app.screen, StreamScreen))
    if target == 2:
        return
    assert app.state.table is not None
    if app.state.table.stream_enabled:
        await until(pilot, lambda: app.state.stream is not None)  # read, nothing changed
        await pilot.press("ctrl+n")
    else:
        await pilot.press("enter")  # the view type: Deploy enables the stream
    await until(pilot, lambda: isinstance(app.screen, MappingScreen))
    if target == 3:
        return
    await pilot.press("ctrl+n")
    await until(pilot, lambda: isinstance(app.screen, FunctionScreen))
    if target == 4:
        return
    await pilot.press("ctrl+n")
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review)
    if target == 5:
        return
    await pilot.press("ctrl+n")
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, ConfirmModal)
            or (
                isinstance(app.screen, DeployScreen)
                and not app.screen.query_one("#next", Button).disabled
            )
        ),
    )
    if isinstance(app.screen, ConfirmModal):  # enable the table's stream, every check passed
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DeployScreen)
                and not app.screen.query_one("#next", Button).disabled
            ),
        )
    if target == 6:
        return
    await pilot.press("enter")
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, DoneScreen)
            and len(echoed(log_text(app.screen.query_one(RichLog)))) >= 2
        ),
    )


def echoed(text: str) -> list[str]:
    """The event names of the echo lines a log view shows (one per record)."""
    return re.findall(r"\b(INSERT|MODIFY|REMOVE)\b", text)


def log_text(log: RichLog) -> str:
    """What the log widget shows, with wrapped lines joined back."""
    return " ".join(strip.text.strip() for strip in log.lines)


def drawn_row(rows: TableList, key: str) -> list[str]:
    """The cells of `key`'s row as the table list draws them (the row must be on screen):
    the line's text cut at each column."""
    line = rows.render_line(rows.index_of(key) - rows.first_shown + 1).text
    cells, start = [], 0
    for _, width in rows.columns:
        cells.append(line[start + 1 : start + 1 + width].rstrip())
        start += width + 2
    return cells
