"""The Connect and Table steps as a person meets them (issue 11, items 16 and 21)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, OptionList, Static

from ddbwizard.core.aws.errors import CredentialsError
from ddbwizard.core.aws.values import TableInfo
from ddbwizard.core.engine import Connection
from ddbwizard.tui.app import make_app
from ddbwizard.tui.screens.connect import ConnectScreen
from ddbwizard.tui.screens.tables import TableScreen
from ddbwizard.tui.widgets.table_list import TableList
from tests.helpers.drive import drawn_row, until
from tests.helpers.tui_fakes import FakeAws, fake_app

LONG = "t" * 200 + "-end-of-a-255-character-name-" + "x" * 26
assert len(LONG) == 255


def _no_credentials_then_local(fake: Connection):  # type: ignore[no-untyped-def]
    def connect(
        profile: str | None, region: str | None, endpoint: str | None, local: bool, **_: object
    ) -> Connection:
        if local:
            return fake
        raise CredentialsError("No AWS credentials found", "run `aws configure`")

    return connect


async def test_the_emulator_key_works_from_the_region_field_and_types_nothing() -> None:
    fake = Connection(FakeAws(), FakeAws().identity())  # type: ignore[arg-type]
    app = make_app(region="eu-west-1", connect=_no_credentials_then_local(fake))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        await until(pilot, lambda: screen.query_one("#problem").display)
        hint = str(screen.query_one("#local", Button).label)
        assert "ctrl+l" in hint
        region = screen.query_one("#region", Input)
        region.focus()
        await pilot.pause()
        await pilot.press("ctrl+l")
        await until(pilot, lambda: app.state.connection is fake)
        assert region.value == "eu-west-1"  # nothing typed into the field


async def test_typing_l_in_the_region_field_is_text() -> None:
    fake = Connection(FakeAws(), FakeAws().identity())  # type: ignore[arg-type]
    app = make_app(region="eu-west-", connect=_no_credentials_then_local(fake))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.query_one("#problem").display)
        region = screen.query_one("#region", Input)
        region.focus()
        region.cursor_position = len(region.value)
        await pilot.press("l")
        await pilot.pause()
        assert region.value == "eu-west-l"
        assert app.state.connection is None  # l did not start the emulator


async def _to_tables(app: Any, pilot: Any, described: Callable[[dict[str, Any]], bool]) -> None:
    """From the connect step to the table step, until `described` holds of its infos."""
    await until(pilot, lambda: app.state.connection is not None)
    await until(pilot, lambda: not app.screen.query_one("#next", Button).disabled)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, TableScreen) and described(app.screen.infos))


async def test_a_255_character_name_keeps_the_other_columns_on_screen(tmp_path: Path) -> None:
    aws = FakeAws()
    aws.tables = {
        LONG: TableInfo(LONG, "ACTIVE", False, None, None, 5, 100, "PAY_PER_REQUEST"),
        **aws.tables,
    }
    app = fake_app(aws, answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_tables(app, pilot, lambda infos: len(infos) == 4)
        screen = app.screen
        table = screen.query_one(TableList)
        widths = [width + 2 for _, width in table.columns]
        assert sum(widths) <= table.scrollable_content_region.width  # every column fits
        name, _, _, _, status_cell, _ = drawn_row(table, LONG)
        assert name.endswith("…")
        assert len(name) < 40
        assert status_cell == "ACTIVE"  # on screen, not pushed off by the name
        status = screen.query_one("#tables-status", Static)
        table.move_cursor(table.index_of(LONG))
        await pilot.pause()
        assert LONG in str(status.render())  # the full name, while its row is highlighted
        table.move_cursor(table.index_of("orders"))
        await pilot.pause()
        assert "tables in account" in str(status.render())


async def test_a_table_with_a_ddbwizard_trigger_shows_its_health_and_offers_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: the list marks a table that already has a trigger (its health at a glance);
    choosing it offers update, check, logs, destroy or a fresh start."""
    from ddbwizard import core
    from ddbwizard.core.model.limits import OWNER_TAG_KEY
    from ddbwizard.tui.screens.stream import StreamScreen
    from ddbwizard.tui.screens.trigger import TriggerModal

    stack = {
        "StackName": "orders-echo",
        "StackStatus": "UPDATE_COMPLETE",
        "Tags": [{"Key": OWNER_TAG_KEY, "Value": "orders"}],
    }
    monkeypatch.setattr(core, "trigger_verdict", lambda aws, trigger, commands: "drift")
    app = fake_app(FakeAws(stacks=[stack]), answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.state.connection is not None)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TableScreen))
        screen = app.screen
        assert isinstance(screen, TableScreen)
        rows = screen.query_one(TableList)
        await until(pilot, lambda: screen.verdicts.get("orders") == "drift")
        assert drawn_row(rows, "orders")[5] == "drift"
        assert drawn_row(rows, "customers")[5] == ""
        await until(pilot, lambda: "orders" in screen.infos)
        screen.choose("orders")
        await until(pilot, lambda: isinstance(app.screen, TriggerModal))
        options = app.screen.query_one(OptionList)
        assert [str(options.get_option_at_index(n).prompt).split(":")[0] for n in range(5)] == [
            "Update it",
            "Check its health (read only, what --check reports)",
            "Follow its logs (its outputs and trigger state too)",
            "Destroy it",
            "Start fresh",
        ]
        options.highlighted = 4  # start fresh: the wizard from the defaults
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, StreamScreen))
        assert app.answers.table.name == "orders"


@dataclass
class CountingAws(FakeAws):
    """FakeAws that records every table it is asked to describe."""

    described: list[str] = field(default_factory=list)

    def describe_tables(self, names: Iterable[str]) -> Iterator[TableInfo]:
        for name in names:
            self.described.append(name)
            yield self.tables[name]


async def test_only_the_rows_near_the_screen_are_described(tmp_path: Path) -> None:
    """Issue 15: 2,000 tables are listed, but DescribeTable follows what is shown: the first
    screenfuls, then the rows scrolled to; not every table in the region."""
    aws = CountingAws()
    aws.tables = {
        f"t{n:04d}": TableInfo(f"t{n:04d}", "ACTIVE", False, None, None, n, 0, "PAY_PER_REQUEST")
        for n in range(2000)
    }
    app = fake_app(aws, answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_tables(app, pilot, lambda infos: "t0000" in infos)
        screen = app.screen
        assert isinstance(screen, TableScreen)
        table = screen.query_one(TableList)
        await until(pilot, lambda: screen.loaded == 2000)
        assert table.row_count == 2000
        assert len(set(aws.described)) < 100  # three screenfuls at most, of 2,000
        assert drawn_row(table, "t0001")[1] == "off"  # shown rows are described
        assert "t1999" not in screen.infos
        table.focus()
        await pilot.press("ctrl+end")
        await until(pilot, lambda: "t1999" in screen.infos)
        await pilot.pause()
        assert drawn_row(table, "t1999")[4] == "ACTIVE"
        assert len(set(aws.described)) < 200
        assert len(aws.described) == len(set(aws.described))  # none asked for twice
