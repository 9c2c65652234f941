"""SVG snapshots of every step at 80x24 and 120x40, on fixed data (fake facade, frozen clock)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.helpers.drive import drive_to
from tests.helpers.tui_fakes import fake_app

STEPS = ("connect", "table", "stream", "mapping", "function", "review", "deploy", "done")
SIZES = ((80, 24), (120, 40))
THEMES = ("dark", "light")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("step", STEPS)
def test_step(
    snap_compare: Any,
    tmp_path: Any,
    monkeypatch: Any,
    step: str,
    size: tuple[int, int],
    theme: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # the repeat command shows a path relative to the cwd

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.theme = f"textual-{theme}"
        await drive_to(pilot, step)
        if step == "done":
            for group in ("logs", "health"):
                pilot.app.workers.cancel_group(pilot.app.screen, group)
        await pilot.pause()

    assert snap_compare(fake_app(), terminal_size=size, run_before=run_before)


def test_stream_already_enabled_with_readers(snap_compare: Any, tmp_path: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_to(pilot, "stream", table="orders")
        from tests.helpers.drive import until

        await until(pilot, lambda: pilot.app.state.stream is not None)  # type: ignore[attr-defined]

    assert snap_compare(
        fake_app(answers_dir=tmp_path), terminal_size=(80, 24), run_before=run_before
    )
