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


def _behind_report() -> Any:
    """A trigger falling behind, as check_trigger reports it from recorded-shape metrics:
    IteratorAge rising over the hour to 9 minutes, 3 errors (the sparkline and the panel)."""
    from datetime import timedelta

    from ddbwizard.core.aws.health import Series
    from ddbwizard.core.check import (
        CheckProblem,
        CheckReport,
        MappingView,
        Metrics,
        StackView,
        StreamView,
    )
    from tests.helpers.tui_fakes import ARN, T0

    start = T0 - timedelta(hours=1)
    ages = tuple((start + timedelta(minutes=5 * n), 45_000.0 * n) for n in range(12))
    metrics = Metrics(
        start,
        T0,
        60,
        (
            Series("IteratorAge", "Maximum", ages),
            Series("Errors", "Sum", ((T0 - timedelta(minutes=3), 3.0),)),
            Series("Invocations", "Sum", ((T0 - timedelta(minutes=3), 40.0),)),
        ),
    )
    return CheckReport(
        StackView("customers-echo", True, True, "UPDATE_COMPLETE", "customers"),
        MappingView("m-1", "Enabled", "User action", "OK", ARN, None),
        StreamView("customers", True, ARN, "ENABLED", ARN),
        metrics,
        problems=(
            CheckProblem(
                "iterator-age",
                "IteratorAge reached 8 min 15 s (limit 5 min): records wait that long",
                "Look for slow or failing batches: ddbwizard --answers F --logs",
            ),
        ),
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_health_panel_with_its_sparkline(
    snap_compare: Any, tmp_path: Any, monkeypatch: Any, size: tuple[int, int]
) -> None:
    """Issue 12: the Done screen's Health tab (the panel --check prints), IteratorAge drawn."""
    from ddbwizard import core

    monkeypatch.chdir(tmp_path)
    report = _behind_report()
    monkeypatch.setattr(core, "check_trigger", lambda aws, answers, commands: report)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_to(pilot, "done")
        pilot.app.workers.cancel_group(pilot.app.screen, "logs")
        await pilot.press("4")
        await pilot.pause()

    assert snap_compare(fake_app(), terminal_size=size, run_before=run_before)
