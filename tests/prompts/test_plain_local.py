"""`--plain --local`: the embedded emulator, a deploy, and the echo line of a demo item."""

from __future__ import annotations

import argparse
import functools
import time
from pathlib import Path
from typing import Any

import pytest

from ddbwizard import lines
from ddbwizard.prompts import finish
from ddbwizard.prompts.wizard import PlainWizard
from tests.helpers.prompt_fakes import FakePrompter


def test_local_deploy_then_follow_the_logs_shows_the_echo_line(
    clean_moto: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    fake = FakePrompter(
        [
            ("Which table?", "sessions"),
            ("Follow the function's logs now?", True),
        ]
    )
    polls = 0

    def pause(seconds: float) -> bool:
        nonlocal polls
        polls += 1
        if any('"pk":"demo#' in line for line in fake.lines) or polls > 40:
            raise KeyboardInterrupt  # how the user ends the tail
        time.sleep(0.25)
        return False

    def follow(*args: Any, **kwargs: Any) -> None:
        lines.follow(*args, **kwargs, pause=pause)

    monkeypatch.setattr(finish, "follow", functools.partial(follow))
    args = argparse.Namespace(plain=True, local=True, profile=None, region=None, endpoint_url=None)

    assert PlainWizard(fake, args).run() == 0

    assert fake.script == []
    echo = [line for line in fake.lines if '"eventName"' in line]
    assert len(echo) >= 3  # the seeded items (TRIM_HORIZON), then the demo item
    assert '"keys":{"pk":"demo#' in echo[-1]  # KEYS_ONLY: keys, no images
    assert fake.lines[-1] == "  ddbwizard --local --answers ddbwizard-sessions-echo.yaml --yes"
    saved = (tmp_path / "ddbwizard-sessions-echo.yaml").read_text(encoding="utf-8")
    assert "endpoint_url" not in saved  # the emulator's port is not worth keeping
