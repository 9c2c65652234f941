"""Issue 11: the Done screen is a place to stay (one line per record, pretty JSON, a filter,
pause and follow, the trigger's state refreshed, every output and the stack events), and a
deploy error stays on the Deploy screen after its dialog is closed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, RichLog, Static, TabbedContent

from ddbwizard.core import DdbWizardError, LogLine, MappingInfo
from ddbwizard.tui import messages
from ddbwizard.tui.screens.deploy import DeployScreen
from ddbwizard.tui.screens.done import KEPT_EVENTS, DoneScreen
from ddbwizard.tui.screens.modals import ErrorModal, HelpScreen
from tests.helpers.drive import drive_to, echoed, log_text, until
from tests.helpers.tui_fakes import T0, FakeDeploy, fake_app


def _shown(static: Static) -> str:
    return str(static.render())


def _line(n: int, name: str = "INSERT", pk: str = "") -> LogLine:
    stamp = int(T0.timestamp() * 1000) + 10_000 + n
    body = f'{{"eventName":"{name}","keys":{{"pk":"{pk or f"p#{n}"}"}},"newImage":{{"n":{n}}}}}'
    return LogLine(stamp, "s", body, f"x{n}")


async def _done(pilot: Pilot[Any]) -> DoneScreen:
    await drive_to(pilot, "done")
    screen = pilot.app.screen
    assert isinstance(screen, DoneScreen)
    pilot.app.workers.cancel_group(screen, "logs")  # the test feeds the events itself
    await pilot.pause()
    return screen


async def test_each_record_is_one_line_and_p_shows_it_as_pretty_json(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _done(pilot)
        log = screen.query_one("#logs", RichLog)
        assert echoed(log_text(log)) == ["INSERT", "MODIFY"]
        assert len(log.lines) == 2  # one line each, the keys on it
        assert '{"pk":"order#1002"}' in log.lines[1].text
        await pilot.press("p")
        text = "\n".join(strip.text for strip in log.lines)
        assert '  "keys": {' in text
        assert '    "pk": "order#1001"' in text
        await pilot.press("p")
        assert len(log.lines) == 2


async def test_slash_filters_the_events_and_escape_clears_the_filter(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _done(pilot)
        log = screen.query_one("#logs", RichLog)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        for key in "modify":
            await pilot.press(key)
        assert echoed(log_text(log)) == ["MODIFY"]
        title = _shown(screen.query_one("#logs-title", Static))
        assert "1 of the newest 2 match" in title
        spans = [span for span in log.lines[0]._segments if span.style and span.style.reverse]
        assert "".join(span.text for span in spans) == "MODIFY"  # the match is highlighted
        await pilot.press("escape")  # clears the filter; the screen stays
        assert app.screen is screen
        assert echoed(log_text(log)) == ["INSERT", "MODIFY"]
        assert not screen.query_one("#log-filter", Input).display


async def test_space_pauses_the_view_and_follows_again_with_what_arrived(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _done(pilot)
        log = screen.query_one("#logs", RichLog)
        await pilot.press("space")
        screen.post_lines([_line(1, "REMOVE")])
        await pilot.pause()
        assert echoed(log_text(log)) == ["INSERT", "MODIFY"]
        assert "paused, 1 new (space follows)" in _shown(screen.query_one("#logs-title", Static))
        await pilot.press("space")
        assert echoed(log_text(log)) == ["INSERT", "MODIFY", "REMOVE"]
        assert "following · 3 events" in _shown(screen.query_one("#logs-title", Static))


async def test_the_view_keeps_a_window_of_the_newest_events(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _done(pilot)
        screen.post_lines([_line(n) for n in range(KEPT_EVENTS + 500)])
        await pilot.pause()
        assert len(screen.kept) == KEPT_EVENTS
        assert screen.kept[-1][0].event_id == f"x{KEPT_EVENTS + 499}"
        assert f"{KEPT_EVENTS + 502} events" in _shown(screen.query_one("#logs-title", Static))


async def test_a_burst_renders_between_key_presses_and_ends_on_the_newest_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown_at_help: list[int] = []  # rendered lines when the help screen showed
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _done(pilot)
        log = screen.query_one("#logs", RichLog)
        monkeypatch.setattr(
            HelpScreen,
            "on_screen_resume",
            lambda _s, _e: shown_at_help.append(len(log.lines)),
            raising=False,
        )
        screen.post_lines([_line(n) for n in range(3 * KEPT_EVENTS)])  # one read: a burst
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert shown_at_help
        assert shown_at_help[0] < KEPT_EVENTS  # the key did not wait for the whole burst
        await pilot.press("escape")
        await until(pilot, lambda: len(log.lines) == KEPT_EVENTS, timeout=30)
        assert f'"p#{3 * KEPT_EVENTS - 1}"' in log.lines[-1].text  # the newest, at the bottom
        assert f'"p#{2 * KEPT_EVENTS}"' in log.lines[0].text  # the window: nothing older
        assert f"{3 * KEPT_EVENTS + 2} events" in _shown(screen.query_one("#logs-title", Static))


async def test_the_triggers_state_refreshes_while_you_watch(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _done(pilot)
        state = screen.query_one("#mapping-state", Static)
        assert "Last result OK" in _shown(state)
        failing = MappingInfo(
            "u-1", "arn:fn", "Enabled", "PROBLEM: Function call failed", 100, "LATEST", "arn:s"
        )
        screen.post_message(messages.MappingRead(failing))
        await pilot.pause()
        assert "Last result PROBLEM: Function call failed" in _shown(state)
        assert "read " in _shown(state)


async def test_every_output_is_listed_and_the_stack_events_are_kept(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _done(pilot)
        await pilot.press("2")
        assert screen.query_one("#done-tabs", TabbedContent).active == "outputs-tab"
        outputs = screen.query_one("#outputs", DataTable)
        assert outputs.row_count == len(screen.outputs)
        assert outputs.region.height >= outputs.row_count + 1  # all rows and the header
        await pilot.press("down")
        value = _shown(screen.query_one("#output-value", Static))
        key = list(screen.outputs)[1]
        assert value.startswith(f"{key} {screen.outputs[key]}")  # the whole value
        await pilot.press("3")
        events = screen.query_one("#stack-events", DataTable)
        assert app.state.outcome is not None
        assert events.row_count == len(app.state.outcome.events) > 0


class _BrokenExecute(FakeDeploy):
    def execute(self, *args: Any, **kwargs: Any) -> Any:
        raise DdbWizardError("Reading the stack failed: the endpoint hung up", "Try again.")


async def test_a_deploy_error_stays_on_the_screen_after_its_dialog(tmp_path: Path) -> None:
    app = fake_app(deploy=_BrokenExecute(), answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "deploy")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ErrorModal))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DeployScreen))
        screen = app.screen
        failure = screen.query_one("#failure", Static)
        assert failure.display
        assert "Reading the stack failed: the endpoint hung up" in _shown(failure)
        assert "Try again." in _shown(failure)
        assert "Escape goes back" in _shown(screen.query_one("#deploy-status", Static))


async def test_a_terminal_made_too_small_mid_flow_says_so_until_it_is_big_again(
    tmp_path: Path,
) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _done(pilot)
        banner = screen.query_one("#too-small", Static)
        assert not banner.display
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert banner.display
        assert "The terminal is 70x20; ddbwizard needs 80x24" in _shown(banner)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not banner.display
