"""Each examples/*.yaml builds the committed golden template, and every golden lints clean.

The goldens hold the handler code inline, so they change with handler_templates/ too.
Regenerate them after an intended template or handler change:
    DDBWIZARD_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_examples.py
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ddbwizard.core.model.answers import load_answers
from ddbwizard.core.template.build import build_template, render_checked
from tests.helpers.lint import cfn_lint_command

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GOLDEN = EXAMPLES / "templates"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
UPDATE = os.environ.get("DDBWIZARD_UPDATE_GOLDEN") == "1"


def test_there_are_examples() -> None:
    assert len(EXAMPLE_FILES) >= 4
    assert (EXAMPLES / "seed.yaml") in EXAMPLE_FILES


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_is_a_documented_complete_answers_file(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith("# "), "start with a comment header"
    answers = load_answers(path)
    assert answers.stream.arn, "stream.arn lets --export run without AWS"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_renders_its_golden_template(path: Path) -> None:
    answers = load_answers(path)
    assert answers.stream.arn is not None
    text = render_checked(build_template(answers, answers.stream.arn), "yaml")
    golden = GOLDEN / f"{path.stem}.yaml"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="\n")
    assert golden.exists(), f"missing {golden}; run with DDBWIZARD_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden.name} is out of date (the template or a handler in handler_templates/ "
        "changed); review the difference, then rerun with DDBWIZARD_UPDATE_GOLDEN=1"
    )


def test_every_golden_has_an_example() -> None:
    assert {p.stem for p in GOLDEN.glob("*.yaml")} == {p.stem for p in EXAMPLE_FILES}


def test_goldens_pass_cfn_lint() -> None:
    goldens = sorted(GOLDEN.glob("*.yaml"))
    assert goldens
    result = subprocess.run(
        [*cfn_lint_command(), *map(str, goldens)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
