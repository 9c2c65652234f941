"""The line wizard asks the opt-in alarms among the trigger's advanced questions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ddbwizard.core.model.answers import load_answers
from tests.helpers.prompt_fakes import FakePrompter, GuardedWizard

ANSWERS = "ddbwizard-orders-echo.yaml"


def test_alarms_are_asked_saved_and_deployed(
    wizard: Callable[[FakePrompter], GuardedWizard], endpoint: str, tmp_path: Path
) -> None:
    script: list[tuple[str, Any]] = [
        ("Which table?", "orders"),
        ("Change the advanced trigger settings?", True),
        ("Alarm when the trigger is behind by more than (seconds)", "0"),  # refused, asked again
        ("Alarm when the trigger is behind by more than (seconds)", "600"),
        ("Alarm when the function fails", ""),  # empty: no such alarm
        ("What next?", "deploy"),
        ("Save the answers file as", ANSWERS),
        ("Deploy these changes to orders-echo?", True),
        ("Follow the function's logs now?", False),
    ]
    fake = FakePrompter(script)

    assert wizard(fake).run() == 0

    assert fake.script == []
    assert [(p[0], p[2]) for p in fake.problems] == [
        (
            "Alarm when the trigger is behind by more than (seconds)",
            "must be 1 to 86400 seconds (stream records live 24 hours), got 0",
        )
    ]
    saved = load_answers(tmp_path / ANSWERS).alarms
    assert saved is not None
    assert (saved.iterator_age_seconds, saved.errors, saved.topic_arn) == (600, None, None)
    assert any(
        "IteratorAgeAlarm" in line and "AWS::CloudWatch::Alarm" in line for line in fake.lines
    )
    assert not any("ErrorsAlarm" in line for line in fake.lines)
