"""Issue 11: an answers file is never overwritten silently (a tuned file stays unless the user
agrees), and the export asks where."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from ddbwizard.tui.screens.deploy import DeployScreen
from ddbwizard.tui.screens.modals import ConfirmModal, ResumeModal
from ddbwizard.tui.screens.review import ReviewScreen
from tests.helpers.drive import drive_to, until
from tests.helpers.tui_fakes import fake_app

TUNED = """\
version: 1
table:
  name: customers
mapping:
  batch_size: 50
  max_retry_attempts: 3
stack:
  name: customers-echo
"""


async def test_a_tuned_answers_file_is_replaced_only_after_the_user_agrees(
    tmp_path: Path,
) -> None:
    tuned = tmp_path / "ddbwizard-customers-echo.yaml"
    tuned.write_text(TUNED)
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeModal))
        await pilot.press("escape")  # start fresh: the defaults
        await drive_to(pilot, "review")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert app.answers.mapping.batch_size == 100
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "already exists and holds other answers" in app.screen.message  # type: ignore[attr-defined]
        await pilot.press("escape")  # keep it
        await until(pilot, lambda: app.screen is screen)
        assert tuned.read_text() == TUNED
        assert screen.query_one("#folder", Input).has_focus  # another folder, then
        screen.query_one("#next").focus()
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")  # replace, then on to the deploy
        await until(pilot, lambda: "batch_size: 50" not in tuned.read_text())
        await until(pilot, lambda: any(isinstance(s, DeployScreen) for s in app.screen_stack))


async def test_a_file_this_session_wrote_is_saved_again_without_asking(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive_to(pilot, "review")
        await pilot.press("s")
        saved = tmp_path / "ddbwizard-customers-echo.yaml"
        assert saved.exists()
        await pilot.press("escape")  # back to Function: change something
        await until(pilot, lambda: not isinstance(app.screen, ReviewScreen))
        app.answers = app.answers.model_copy(
            update={"function": app.answers.function.model_copy(update={"memory_mb": 256})}
        )
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+n")  # no question about the file: on to the deploy
        await until(pilot, lambda: any(isinstance(s, DeployScreen) for s in app.screen_stack))
        assert "memory_mb: 256" in saved.read_text()


async def test_start_up_offers_the_answers_files_found_here_and_resumes_one(
    tmp_path: Path,
) -> None:
    (tmp_path / "ddbwizard-customers-echo.yaml").write_text(TUNED)
    (tmp_path / "ddbwizard-broken.yaml").write_text("table: [")
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeModal))
        options = app.screen.query_one(OptionList)
        titles = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert "ddbwizard-customers-echo.yaml: table customers, stack customers-echo" in titles
        assert any(t.startswith("ddbwizard-broken.yaml: cannot be used") for t in titles)
        assert titles[-1] == "Start fresh (the defaults)"
        broken = titles.index(next(t for t in titles if t.startswith("ddbwizard-broken")))
        assert options.get_option_at_index(broken).disabled
        options.highlighted = titles.index(
            "ddbwizard-customers-echo.yaml: table customers, stack customers-echo"
        )
        await pilot.press("enter")
        await drive_to(pilot, "mapping")
        assert app.answers.mapping.batch_size == 50  # the file's, not the default 100
        assert app.answers.mapping.max_retry_attempts == 3
        batch = app.screen.query_one("#q-mapping-batch-size").query_one(Input)
        assert batch.value == "50"


def test_after_the_wizard_ends_the_repeat_command_is_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every way out of the TUI (Done, a quit, SIGTERM) prints it once the terminal is back."""
    import argparse

    from ddbwizard.core import ChangeLog
    from ddbwizard.tui import app as tui_app

    app = fake_app(answers_dir=tmp_path)
    app.state.last_saved = tmp_path / "ddbwizard-customers-echo.yaml"
    monkeypatch.setattr(tui_app, "make_app", lambda *args, **kwargs: app)
    monkeypatch.setattr(app, "run", lambda: 130)  # as after SIGTERM
    args = argparse.Namespace(profile=None, region=None, endpoint_url=None, local=True)
    with pytest.raises(KeyboardInterrupt):
        tui_app.run_tui(args, ChangeLog())
    err = capsys.readouterr().err
    assert "Repeat this deploy without prompts:" in err
    assert f"ddbwizard --local --answers {tmp_path}/ddbwizard-customers-echo.yaml --yes" in err
