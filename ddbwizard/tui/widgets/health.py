"""The health panel (core.health_panel, what `--check` prints) as the TUI draws it: the
verdict, the rows with the IteratorAge sparkline, failed batches, problems with their fixes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from ddbwizard.core import health_panel, inert
from ddbwizard.tui.widgets.text import bulleted, joined

if TYPE_CHECKING:
    from ddbwizard.core import CheckReport


def health_view(report: CheckReport, read: str) -> Group:
    """`report` drawn; `read` says when (and how often) it was read."""
    panel = health_panel(report)  # every value from AWS in it is inert already
    good = panel.verdict == "OK"
    width = max((len(label) for label, _ in panel.rows), default=0)
    parts: list[RenderableType] = [
        Text.assemble(
            ("Health ", "bold"),
            (panel.verdict, "bold green" if good else "bold red"),
            (f"  {read}", "dim"),
        ),
        joined(
            [
                Text.assemble((f"{label:<{width}}", "bold"), "  ", value)
                for label, value in panel.rows
            ]
        ),
    ]
    if panel.failed:
        parts.append(Text("Newest failed batches:", "bold"))
        parts.append(bulleted([Text(line) for line in panel.failed]))
    if panel.note:
        parts.append(Text(panel.note, "dim"))
    for title, found, style in (
        ("Problems", report.problems, "red"),
        ("Warnings", report.warnings, "yellow"),
    ):
        if found:
            parts.append(Text(title, f"bold {style}"))
            parts.append(
                bulleted(
                    [Text.assemble((inert(p.message), style), "\n", inert(p.fix)) for p in found]
                )
            )
    return Group(*parts)
