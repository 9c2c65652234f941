"""The review's "Try it": records built from the table's items, the filters' verdicts per
record, and the exact lines the echo logs for those that pass (nothing deployed)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Collapsible, Static, TextArea

from tests.helpers.drive import drive_to, until
from tests.helpers.tui_fakes import fake_app

SIZES = ((80, 24), (120, 40))


def _text(app: Any) -> str:
    """What the Try it section shows, as plain text (a list of renderables, not one Text)."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#try-it", Static).content)
    return console.export_text()


async def _tried(pilot: Pilot[Any], patterns: list[str] | None = None) -> None:
    app = pilot.app
    await drive_to(pilot, "function", table="orders")
    if patterns is not None:
        app.answers = app.answers.with_values({"mapping.filter_patterns": patterns})  # type: ignore[attr-defined]
    await pilot.press("ctrl+n")
    await until(pilot, lambda: "echo logs" in _text(app) or "not invoke" in _text(app), 30)


async def test_without_filters_every_record_passes_and_the_echo_lines_show(
    tmp_path: Path,
) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _tried(pilot)
        shown = _text(app)
        for event_name in ("INSERT", "MODIFY", "REMOVE"):
            assert f"{event_name}" in shown
        assert "pk=orders#1" in shown
        assert "passes (no filter patterns)" in shown
        # the echo's own lines, one per record: event name, keys, the image
        assert 'INSERT  {"pk":"orders#1"}  new {"pk":"orders#1","status":"new","total":10}' in shown


async def test_filters_mark_each_record_and_only_passing_ones_are_echoed(
    tmp_path: Path,
) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _tried(pilot, ['{"eventName": ["REMOVE"]}'])
        shown = _text(app)
        assert shown.count("passes: pattern 0") == 2  # the two REMOVE records
        assert shown.count("filtered out") == 4
        assert 'REMOVE  {"pk":"orders#1"}  old {' in shown
        assert 'INSERT  {"pk"' not in shown


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_try_it_snapshot(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.chdir(tmp_path)  # the repeat command shows a path relative to the cwd

    async def run_before(pilot: Pilot[Any]) -> None:
        await _tried(pilot, ['{"eventName": ["INSERT", "MODIFY"]}'])
        pilot.app.screen.query_one("#try-it").scroll_visible(animate=False)
        await pilot.pause()

    assert snap_compare(fake_app(answers_dir=tmp_path), terminal_size=size, run_before=run_before)


async def test_the_filter_editor_counts_the_sample_records_that_pass_as_you_type(
    tmp_path: Path,
) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await drive_to(pilot, "mapping", table="orders")
        screen = app.screen
        screen.query_one("#advanced", Collapsible).collapsed = False
        field = screen.query_one("#q-mapping-filter-patterns")
        note = field.query_one(".note", Static)
        await until(pilot, lambda: "all 6 sample records" in str(note.render()))
        editor = field.query_one(TextArea)
        editor.focus()
        editor.text = '[{"eventName": ["INSERT"]}]'
        await until(pilot, lambda: "2 of 6 sample records" in str(note.render()))
        editor.text = '[{"eventName": ["INSERT"]}, {"eventName": ["REMOVE"]}]'
        await until(pilot, lambda: "4 of 6 sample records" in str(note.render()))
        assert "these 2 patterns" in str(note.render())
