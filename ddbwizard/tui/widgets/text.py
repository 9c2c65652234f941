"""Text from outside (AWS, table data, the user's answers) as widgets show it.

Such text is never handed to a widget as a `str` (a Static, a DataTable cell, a Select
option or a notification parses a `str` as markup: `[/]` crashes, `[#/BatchSize: ...]`
vanishes). It goes in as a `rich.text.Text`, its control characters shown as escapes.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ddbwizard.core import DdbWizardError, inert, redact


def outside(text: object, style: str = "", *, multiline: bool = False) -> Text:
    """`text` inert, as a Text that is drawn as it is (never parsed as markup)."""
    return Text(inert(text, multiline=multiline), style)


def joined(lines: list[Text]) -> Text:
    """Lines of Text as one Text, one line each."""
    return Text("\n").join(lines)


def error_text(error: BaseException) -> str:
    """A failure as the error dialog and the screens word it: ours as written, anything
    else with its type (URL credentials redacted in both)."""
    if isinstance(error, DdbWizardError):
        return str(error)
    return redact(f"{type(error).__name__}: {error}")


def bulleted(items: list[Text], bullet: str = "•") -> Table:
    """A list whose wrapped lines stay indented under their first word (not at column 1)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=len(bullet) + 1, justify="right", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")  # a long ARN breaks, never ends in "…"
    for item in items:
        grid.add_row(bullet, item)
    return grid


def stacked(*parts: RenderableType) -> Group:
    """Renderables one under the other (Text, bulleted lists)."""
    return Group(*parts)
