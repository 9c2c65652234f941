"""SIGTERM to the TUI after it enabled a stream: the app ends with 130, and the account of
what changed is printed once the terminal is restored (the cli's safety net)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from ddbwizard.cli import guarded
from ddbwizard.tui.app import exit_on_signals
from tests.helpers.drive import drive_to, until
from tests.helpers.tui_fakes import FakeAws, fake_app


@pytest.fixture
def restore_signals() -> Iterator[None]:
    saved = {name: signal.getsignal(getattr(signal, name)) for name in ("SIGTERM", "SIGHUP")}
    yield
    for name, handler in saved.items():
        signal.signal(getattr(signal, name), handler)


@pytest.mark.usefixtures("restore_signals")
async def test_sigterm_after_the_stream_was_enabled_says_it_stays_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aws = FakeAws()
    app = fake_app(aws, answers_dir=tmp_path)
    exit_on_signals(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "deploy")  # the stream enabled, the change set made
        assert aws.enabled == [("customers", "NEW_AND_OLD_IMAGES")]
        os.kill(os.getpid(), signal.SIGTERM)
        await until(pilot, lambda: app.return_value is not None)
    assert app.return_value == 130  # what app.run() returns to run_tui

    def ended_by_sigterm() -> int:
        raise KeyboardInterrupt  # what run_tui raises for a return code of 130

    assert guarded(ended_by_sigterm, app.changes) == 130
    err = capsys.readouterr().err
    assert "Interrupted." in err
    assert "a NEW_AND_OLD_IMAGES stream was enabled on table customers" in err
    assert "Nothing was changed" not in err


@pytest.mark.usefixtures("restore_signals")
async def test_sigterm_before_any_change_says_nothing_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = fake_app(FakeAws(), answers_dir=tmp_path)
    exit_on_signals(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "review")
        os.kill(os.getpid(), signal.SIGHUP)
        await until(pilot, lambda: app.return_value is not None)
    assert app.return_value == 130  # what app.run() returns to run_tui

    def ended_by_sighup() -> int:
        raise KeyboardInterrupt

    assert guarded(ended_by_sighup, app.changes) == 130
    assert "Interrupted. Nothing was changed in AWS." in capsys.readouterr().err
