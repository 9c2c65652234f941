"""--plain before a fresh start: an answers file saved here earlier is offered (and never
replaced silently), and a table with a ddbwizard trigger offers check, update, logs, destroy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ddbwizard.core.model.answers import load_answers
from tests.helpers.fault_kit import run_cli
from tests.helpers.prompt_fakes import FakePrompter, GuardedWizard

Wizard = Callable[[FakePrompter], GuardedWizard]
TUNED = "version: 1\ntable: {name: customers}\nmapping: {batch_size: 50, max_retry_attempts: 3}\n"


def test_an_answers_file_saved_here_is_offered_and_kept_unless_replacing_is_agreed(
    wizard: Wizard, tmp_path: Path
) -> None:
    tuned = tmp_path / "ddbwizard-customers-echo.yaml"
    tuned.write_text(TUNED)
    fake = FakePrompter(
        [
            ("Start from an answers file saved here?", 0),
            ("Which table?", "customers"),
            ("What next?", "save"),
            ("Save the answers file as", tuned.name),
            ("holds other answers. Replace it?", False),  # keep it: another name
            ("Save the answers file as", "mine.yaml"),
        ]
    )
    assert wizard(fake).run() == 0
    assert fake.script == []
    assert tuned.read_text() == TUNED
    mine = load_answers(tmp_path / "mine.yaml")
    assert (mine.mapping.batch_size, mine.mapping.max_retry_attempts) == (50, 3)


def test_a_table_with_a_trigger_offers_check_and_update_from_the_deployed_stack(
    wizard: Wizard, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deployed = tmp_path / "deployed.yaml"
    deployed.write_text("version: 1\ntable: {name: orders}\nmapping: {batch_size: 7}\n")
    done = run_cli(capsys, "--endpoint-url", endpoint, "--answers", deployed, "--yes")
    assert done.code == 0, done.err
    fake = FakePrompter(
        [
            ("What now?", "check"),
            ("What now?", "update"),
            ("What next?", "save"),
            ("Save the answers file as", "again.yaml"),
        ]
    )
    fake.script.insert(0, ("Which table?", "orders"))
    assert wizard(fake).run() == 0
    assert fake.script == []
    assert any("trigger stack orders-echo (CREATE_COMPLETE)" in q for _, q in fake.asked)
    assert "Health: OK" in fake.lines
    assert load_answers(tmp_path / "again.yaml").mapping.batch_size == 7  # the deployed one
