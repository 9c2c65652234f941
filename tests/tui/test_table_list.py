"""The table step's list (issue 15): drawn from its keys line by line, moved like a DataTable;
and the footer that no longer keeps every key it ever drew."""

from __future__ import annotations

import gc
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets._footer import FooterKey

from ddbwizard.tui.widgets.footer import Footer
from ddbwizard.tui.widgets.table_list import Cell, TableList
from tests.helpers.drive import drawn_row

KEYS = [f"t{n:05d}" for n in range(500)]


class ListApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "bell", "Refresh"),
        Binding("ctrl+t", "bell", "Other"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.selected: list[str] = []
        self.highlighted: list[str] = []

    def cells(self, key: str) -> tuple[Cell, ...]:
        self.asked.append(key)
        return (key, Text("on", "green"), "[b]markup[/b]")

    def compose(self) -> ComposeResult:
        yield TableList([("Table", 8), ("Stream", 6), ("Note", 8)], self.cells, id="rows")
        yield Footer()

    def on_table_list_selected(self, message: TableList.Selected) -> None:
        self.selected.append(message.key)

    def on_table_list_highlighted(self, message: TableList.Highlighted) -> None:
        self.highlighted.append(message.key)


def lines(rows: TableList) -> list[str]:
    return [rows.render_line(y).text for y in range(rows.scrollable_content_region.height)]


async def test_the_list_draws_only_the_rows_on_screen_under_a_header_that_stays() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        rows = app.query_one(TableList)
        rows.set_keys(KEYS)
        await pilot.pause()
        shown = lines(rows)
        assert shown[0].split() == ["Table", "Stream", "Note"]
        assert shown[1].split()[0] == "t00000"
        assert len(set(app.asked)) < 40  # the rows on screen, not the 500
        assert drawn_row(rows, "t00000") == ["t00000", "on", "[b]mark…"]  # a str is not markup
        rows.focus()
        await pilot.press("end")
        assert rows.highlighted == KEYS[-1]
        assert lines(rows)[0].split()[0] == "Table"  # the header stays
        assert lines(rows)[-1].split()[0] == KEYS[-1]
        await pilot.press("home")
        assert rows.highlighted == KEYS[0]
        assert lines(rows)[1].split()[0] == KEYS[0]


async def test_keys_move_the_cursor_and_enter_selects() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        rows = app.query_one(TableList)
        rows.set_keys(KEYS)
        rows.focus()
        await pilot.press("down", "down")
        assert rows.highlighted == "t00002"
        await pilot.press("up")
        assert rows.highlighted == "t00001"
        page = rows.page_rows
        await pilot.press("pagedown")
        assert rows.highlighted == KEYS[1 + page]
        assert rows.first_shown == page  # the list moved a page with the cursor
        await pilot.press("pageup")
        assert rows.highlighted == "t00001"
        await pilot.press("up", "up", "up")  # stops at the first row
        assert rows.highlighted == "t00000"
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == ["t00000"]
        assert app.highlighted[-1] == "t00000"


async def test_a_click_highlights_a_row_and_a_second_click_selects_it() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        rows = app.query_one(TableList)
        rows.set_keys(KEYS[:5])
        await pilot.pause()
        await pilot.click(TableList, offset=(3, 3))  # line 3: the third row
        assert rows.highlighted == "t00002"
        assert app.selected == []
        await pilot.click(TableList, offset=(3, 3))
        await pilot.pause()
        assert app.selected == ["t00002"]
        await pilot.click(TableList, offset=(3, 0))  # the header: nothing
        await pilot.click(TableList, offset=(3, 9))  # below the last row: nothing
        assert rows.highlighted == "t00002"


async def test_rows_added_keep_the_cursor_and_an_empty_list_selects_nothing() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        rows = app.query_one(TableList)
        rows.focus()
        await pilot.press("enter", "down")
        assert rows.highlighted is None
        assert app.selected == []
        rows.extend(KEYS[:3])
        await pilot.press("down")
        rows.extend(KEYS[3:6])
        await pilot.pause()
        assert rows.highlighted == "t00001"
        assert lines(rows)[6].split()[0] == "t00005"  # the new rows on screen
        rows.set_keys(KEYS[10:12])
        assert rows.highlighted == "t00010"  # back to the first row


async def test_the_footer_does_not_keep_the_keys_it_drew_before() -> None:
    """Textual's Footer recomposes on each refresh_bindings and keeps every old FooterKey
    (Textualize/textual#6666): 100 refreshes would keep ~600 of them."""
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        for _ in range(100):
            app.screen.refresh_bindings()
            await pilot.pause()
        gc.collect()
        kept = [key for key in gc.get_objects() if isinstance(key, FooterKey)]
        assert len(kept) < 20
