"""Issue 11, the wizard a person can use: what each field shows, where focus is, every key acts
or is not offered, every way out asks the same question, and the light theme is readable."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Collapsible, Input, Select, Static, TextArea

from ddbwizard.tui.screens.connect import ConnectScreen
from ddbwizard.tui.screens.deploy import DeployScreen
from ddbwizard.tui.screens.done import DoneScreen
from ddbwizard.tui.screens.function import FunctionScreen
from ddbwizard.tui.screens.mapping import MappingScreen
from ddbwizard.tui.screens.modals import ConfirmModal, HelpScreen
from ddbwizard.tui.screens.review import ReviewScreen
from ddbwizard.tui.screens.stream import StreamScreen
from ddbwizard.tui.widgets.question import QuestionField
from ddbwizard.tui.widgets.table_list import TableList
from tests.helpers.drive import drive_to, until
from tests.helpers.tui_fakes import FakeDeploy, fake_app


def shown(select: Select[str]) -> str:
    """What a Select shows (its current label), not only its value."""
    return str(select.query_one("#label", Static).render())


def field_of(widget: Widget | None) -> str | None:
    """The id of the QuestionField holding `widget` (the focused one), if any."""
    while widget is not None and not isinstance(widget, QuestionField):
        widget = widget.parent if isinstance(widget.parent, Widget) else None
    return None if widget is None else widget.id


async def test_the_runtime_shows_what_is_deployed_after_the_handler_changes(
    tmp_path: Path,
) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "function")
        screen = app.screen
        runtime: Select[str] = screen.query_one("#q-function-runtime").query_one(Select)
        assert shown(runtime) == app.answers.function.runtime
        screen.query_one("#q-function-handler").query_one(Select).value = "nodejs"
        await pilot.pause()
        assert app.answers.function.runtime.startswith("nodejs")
        assert shown(runtime) == app.answers.function.runtime
        await pilot.press("ctrl+n")  # Review, then back: still the runtime to deploy
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, FunctionScreen))
        assert shown(runtime) == app.answers.function.runtime


async def test_each_step_focuses_its_first_field_and_focus_comes_back_after_a_dialog(
    tmp_path: Path,
) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "mapping")
        assert field_of(app.focused) == "q-mapping-batch-size"
        batch = app.screen.query_one("#q-mapping-batch-size")
        assert batch.styles.border_left[0] == "thick"  # seen without colour too
        assert app.screen.query_one("#q-mapping-enabled").styles.border_left[0] == "blank"
        await pilot.press("tab", "shift+tab", "5")  # typing after Tab adds, never replaces
        assert batch.query_one(Input).value == "1005"
        await pilot.press("f1")  # ? is text in a text field
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        assert field_of(app.focused) == "q-mapping-batch-size"
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, FunctionScreen))
        assert field_of(app.focused) == "q-stack-name"


async def test_tab_leaves_the_filter_patterns_and_enter_does_not_toggle_enabled(
    tmp_path: Path,
) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await drive_to(pilot, "mapping")
        screen = app.screen
        enabled: Select[str] = screen.query_one("#q-mapping-enabled").query_one(Select)
        assert shown(enabled) == "Yes"
        enabled.focus()
        await pilot.press("enter", "escape")  # opens the list of answers, then closes it
        assert app.answers.mapping.enabled is True
        assert shown(enabled) == "Yes"
        assert isinstance(app.screen, MappingScreen)
        screen.query_one("#advanced", Collapsible).collapsed = False
        await pilot.pause()
        patterns = screen.query_one("#q-mapping-filter-patterns").query_one(TextArea)
        before = patterns.text
        patterns.focus()
        await pilot.press("tab")
        assert patterns.text == before
        assert not patterns.has_focus
        await pilot.press("shift+tab")
        assert patterns.has_focus


async def test_the_table_list_has_focus_and_the_filter_says_how_many_match(
    tmp_path: Path,
) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "table")
        screen = app.screen
        assert isinstance(app.focused, TableList)
        status = screen.query_one("#tables-status", Static)
        await until(pilot, lambda: "3 tables" in str(status.render()))
        await pilot.press("slash", *"orq")  # q in the filter box is text
        assert screen.query_one("#filter", Input).value == "orq"
        assert "No table matches 'orq'" in str(status.render())
        assert screen.check_action("next", ()) is None  # ctrl+n shown disabled: no row
        await pilot.press("backspace")
        assert "1 of 3 tables match" in str(status.render())
        await pilot.press("enter")  # the only match: chosen
        await until(pilot, lambda: isinstance(app.screen, StreamScreen))
        assert app.answers.table.name == "orders"


async def test_q_in_the_table_list_quits_when_nothing_changed(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "table")
        await pilot.press("q")
    assert app.return_code == 0


async def test_every_way_out_asks_the_same_question(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "done")  # a stream enabled, a stack deployed
        assert isinstance(app.screen, DoneScreen)
        messages = []
        for way in ("ctrl+c", "ctrl+q", "q", "palette"):
            if way == "palette":
                quit_command = next(
                    c for c in app.get_system_commands(app.screen) if c.title == "Quit"
                )
                quit_command.callback()
            else:
                await pilot.press(way)
            await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
            messages.append(app.screen.message)  # type: ignore[attr-defined]
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, DoneScreen))
        assert len(set(messages)) == 1
        assert "stays in AWS" in messages[0]
        app.options = type(app.options)(local=True)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        message = app.screen.message  # type: ignore[attr-defined]
        assert "in the local emulator, which stops when you quit" in message
        await pilot.press("enter")
    assert app.return_code == 0


async def test_leaving_deploy_deletes_the_change_set_it_did_not_execute(tmp_path: Path) -> None:
    deploy = FakeDeploy()
    app = fake_app(deploy=deploy, answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "deploy")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert len(deploy.discarded) == 1
        await pilot.press("ctrl+n")  # the stream is on now: no confirmation
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DeployScreen)
                and not app.screen.query_one("#next", Button).disabled
            ),
        )
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "change set" in app.screen.message  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: len(deploy.discarded) == 2)
    assert app.return_code == 0


async def test_keys_that_cannot_act_are_not_offered(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "stream")  # customers: no stream yet
        stream = app.screen
        assert stream.check_action("copy_arn", ()) is False
        assert stream.check_action("next", ()) is True
        await drive_to_done_from_stream(pilot)
        assert app.screen.check_action("next", ()) is False


async def drive_to_done_from_stream(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await pilot.press("enter")
    for step in (MappingScreen, FunctionScreen, ReviewScreen):
        await until(pilot, partial(lambda kind: isinstance(app.screen, kind), step))
        await pilot.press("ctrl+n")
    await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
    await pilot.press("enter")
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, DeployScreen)
            and not app.screen.query_one("#next", Button).disabled
        ),
    )
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DoneScreen))


async def test_a_stream_being_read_offers_next_only_once_read(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "stream", table="orders")
        screen = app.screen
        assert isinstance(screen, StreamScreen)
        stream, app.state.stream = app.state.stream, None  # as while it is still being read
        assert screen.check_action("next", ()) is None  # shown disabled
        assert screen.check_action("copy_arn", ()) is False
        await pilot.press("ctrl+n")
        assert app.screen is screen
        app.state.stream = stream
        assert screen.check_action("next", ()) is True
        assert screen.check_action("copy_arn", ()) is True


async def test_connect_has_one_button_that_connects_again_after_an_edit(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "connect")
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        button = screen.query_one("#next", Button)
        assert [b.id for b in screen.query(Button) if b.display and b.id != "local"] == ["next"]
        assert str(button.label) == "Next"
        screen.query_one("#region", Input).focus()
        await pilot.press("end", "x")
        assert str(button.label) == "Connect"
        await pilot.click("#next")
        await until(pilot, lambda: str(button.label) == "Next" and not button.disabled)
        assert isinstance(app.screen, ConnectScreen)


async def test_the_palette_has_no_duplicates_and_a_screenshot_lands_in_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "table")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert len(titles) == len(set(titles))
        assert "Keys" not in titles
        screenshot = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
        screenshot.callback()
        await pilot.pause()
        assert list(tmp_path.glob("*.svg"))


async def test_the_help_is_centred_and_fits_80x24(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "table")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        dialog = app.screen.query_one(".dialog")
        region = dialog.region
        assert region.y > 1  # below the steps bar
        assert abs(region.x - (80 - region.right)) <= 1  # centred
        scroll = app.screen.query_one(".dialog-scroll")
        assert scroll.max_scroll_y == 0  # nothing hidden
        body = app.screen.query_one(".dialog-body", Static)
        assert body.region.height == len(str(body.render()).splitlines())  # no line wraps


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: Color, b: Color) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_step_titles_are_readable_in_both_themes(tmp_path: Path, theme: str) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "table")
        app.theme = theme
        await pilot.pause()
        title = app.screen.query_one(".step-title")
        _, background = title.background_colors
        assert contrast(title.styles.color, background) >= 4.5


async def test_the_light_themes_named_colours_are_readable(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "table")  # "on" green, "off" yellow, warnings, notes in cyan
        app.theme = "textual-light"
        await pilot.pause()
        background = app.screen.styles.background
        for index in range(1, 7):  # red, green, yellow, blue, magenta, cyan
            named = Color(*app.ansi_theme_light.ansi_colors[index])
            assert contrast(named, background) >= 4.5, index
