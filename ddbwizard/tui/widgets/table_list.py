"""Rows of cells drawn line by line from a list of keys: what it holds is the keys.

A DataTable keeps every row's cells, key, row object and caches (about 1 KB a row), so the
table step grew with the region's table count: 10,000 tables took ~19 MiB more than 1,000.
This list keeps the keys (table names) in order; a row's cells are asked of `cells(key)`
only while the row is on screen, so what a row shows follows what the screen knows
(DescribeTable answers arriving, a trigger's health) with a `refresh`, not a cell update.

It looks and moves like a DataTable with a row cursor and zebra stripes: a header line that
stays, Up/Down, Page Up/Down, Home/End (and ctrl+Home/End), Enter or a click on the
highlighted row selects it, a click elsewhere highlights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = str | Text
PADDING = 1  # blank cells either side of every cell, as a DataTable's


class TableList(ScrollView, can_focus=True):
    """`columns`: each column's label and width (cells are cut to it with an ellipsis);
    `cells(key)`: a row's cells, one per column; a `str` is drawn as it is, never as markup."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "table-list--header",
        "table-list--cursor",
        "table-list--even-row",
    }
    DEFAULT_CSS = """
    TableList {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .table-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .table-list--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .table-list--even-row {
            background: $surface-darken-1 40%;
        }
        & > .table-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .table-list--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .table-list--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .table-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Select", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor is on the row of `key` (also when the first row shows)."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class Selected(Message):
        """Enter, or a click on the highlighted row."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        columns: Sequence[tuple[str, int]],
        cells: Callable[[str], Sequence[Cell]],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.cells = cells
        self.keys: list[str] = []

    # -- what it holds ---------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.keys)

    @property
    def highlighted(self) -> str | None:
        """The key of the row under the cursor, if any row is shown."""
        return self.keys[self.cursor_row] if self.keys else None

    @property
    def page_rows(self) -> int:
        """How many rows show at once (the height less the header line)."""
        return max(1, self.scrollable_content_region.height - 1)

    @property
    def first_shown(self) -> int:
        return int(self.scroll_y)

    def shown_keys(self, margin: int = 0) -> list[str]:
        """The keys of the rows on screen, and `margin` screenfuls either side."""
        page, top = self.page_rows, self.first_shown
        return self.keys[max(0, top - margin * page) : top + (1 + margin) * page]

    def set_keys(self, keys: Sequence[str]) -> None:
        """The rows, from the top; the cursor returns to the first."""
        self.keys = list(keys)
        self._resize()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor_row = 0

    def extend(self, keys: Sequence[str]) -> None:
        """More rows at the end; the cursor stays where it is."""
        was_empty = not self.keys
        self.keys.extend(keys)
        self._resize()
        if was_empty and self.keys:
            self.cursor_row = 0  # the first row is highlighted, as it shows

    def set_columns(self, columns: Sequence[tuple[str, int]]) -> None:
        self.columns = list(columns)
        self._resize()

    def refresh_keys(self, keys: Sequence[str]) -> None:
        """These rows' cells have changed: redrawn if any of them is on screen."""
        if not set(keys).isdisjoint(self.shown_keys()):
            self.refresh()

    def index_of(self, key: str) -> int:
        return self.keys.index(key)

    def _resize(self) -> None:
        width = sum(width + 2 * PADDING for _, width in self.columns)
        self.virtual_size = Size(width, len(self.keys) + 1)  # + the header line
        self.refresh()

    # -- the cursor ------------------------------------------------------------------------
    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self.keys) - 1))

    def watch_cursor_row(self) -> None:
        top, page = self.first_shown, self.page_rows
        row = self.cursor_row
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + page:
            self.scroll_to(y=row - page + 1, animate=False, immediate=True)
        self.refresh()
        key = self.highlighted
        if key is not None:
            self.post_message(self.Highlighted(key))

    def move_cursor(self, row: int) -> None:
        self.cursor_row = row

    def action_move(self, rows: int) -> None:
        self.cursor_row += rows

    def action_page(self, pages: int) -> None:
        """The list a page on, the cursor with it (as a DataTable's)."""
        rows = pages * self.page_rows
        self.scroll_to(y=self.first_shown + rows, animate=False, immediate=True)
        self.cursor_row += rows

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self.keys) - 1

    def action_select(self) -> None:
        key = self.highlighted
        if key is not None:
            self.post_message(self.Selected(key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the header
            return
        row = offset.y - 1 + self.first_shown
        if row >= len(self.keys):
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select()
        else:
            self.cursor_row = row

    # -- drawing ---------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("table-list--header")
            return self._strip([label for label, _ in self.columns], style, width)
        row = y - 1 + self.first_shown
        if row >= len(self.keys):
            return Strip.blank(width, base)
        style = base
        if row % 2 == 0:  # as a DataTable's zebra: the first row is an even one
            style += self.get_component_rich_style("table-list--even-row")
        over = None  # the cursor's colours over the cells' own, as a DataTable's
        if row == self.cursor_row:
            over = self.get_component_rich_style("table-list--cursor")
        return self._strip(self.cells(self.keys[row]), style, width, over)

    def _strip(
        self, cells: Sequence[Cell], style: Style, width: int, over: Style | None = None
    ) -> Strip:
        """One line: each cell cut or padded to its column, the line to the widget's width
        (or the columns', scrolled across when they are wider)."""
        line = Text(no_wrap=True, end="")
        pad = " " * PADDING
        for cell, (_, cell_width) in zip(cells, self.columns, strict=True):
            text = cell.copy() if isinstance(cell, Text) else Text(cell)
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append(pad)
            line.append_text(text)
            line.append(pad)
        line.truncate(max(width, self.virtual_size.width), pad=True)
        segments = Segment.apply_style(line.render(self.app.console), style, over)
        x = int(self.scroll_x)
        return Strip(segments).crop(x, x + width)
