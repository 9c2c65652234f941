"""Text from outside (AWS, table data, the user's answers) as widgets show it.

Such text is never handed to a widget as a `str` (a Static, a DataTable cell, a Select
option or a notification parses a `str` as markup: `[/]` crashes, `[#/BatchSize: ...]`
vanishes). It goes in as a `rich.text.Text`, its control characters shown as escapes.
"""

from __future__ import annotations

from rich.text import Text

from ddbwizard.core import inert


def outside(text: object, style: str = "", *, multiline: bool = False) -> Text:
    """`text` inert, as a Text that is drawn as it is (never parsed as markup)."""
    return Text(inert(text, multiline=multiline), style)


def joined(lines: list[Text]) -> Text:
    """Lines of Text as one Text, one line each."""
    return Text("\n").join(lines)
