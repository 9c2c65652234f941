"""The Function step: your own code, checked as you type as the packager will check it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.helpers.drive import drive_to, until
from tests.helpers.tui_fakes import fake_app


@pytest.fixture
def in_a_folder_with_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory holds handler/app.py, a one-function Python handler."""
    code = tmp_path / "handler"
    code.mkdir()
    (code / "app.py").write_text("def handler(event, context):\n    return None\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_the_code_folder_and_entry_are_checked_as_you_type(
    in_a_folder_with_code: Path,
) -> None:
    tmp_path = in_a_folder_with_code
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await drive_to(pilot, "function", table="orders")
        screen = app.screen
        field = screen.query_one("#q-function-code")
        box = field.query_one(Input)
        box.focus()
        await pilot.press(*"nowhere")
        problem = field.query_one(".problem", Static)
        await until(pilot, lambda: "is not a folder" in str(problem.render()))
        box.value = ""
        await pilot.press(*"handler")
        entry = screen.query_one("#q-function-entry").query_one(Input)
        entry.focus()
        await pilot.press(*"app.handler")
        note = field.query_one(".note", Static)
        await until(pilot, lambda: "entry app.handler found" in str(note.render()))
        assert app.answers.function.code == "handler"
        assert app.answers.function.packaged


async def test_the_review_shows_the_zip_the_deploy_would_upload(
    in_a_folder_with_code: Path,
) -> None:
    tmp_path = in_a_folder_with_code
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await drive_to(pilot, "function", table="orders")
        app.answers = app.answers.with_values(
            {"function.code": "handler", "function.entry": "app.handler"}
        )
        await pilot.press("ctrl+n")
        shown = app.screen.query_one("#code", Static)
        await until(pilot, lambda: "SHA-256" in str(shown.render()), 30)
        text = str(shown.render())
        assert "orders-echo.zip" in text
        assert "holds app.py" in text
