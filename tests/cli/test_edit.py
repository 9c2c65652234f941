"""`--edit FILE`: the wizard pre-filled from an answers file; the file is checked first."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddbwizard import cli
from ddbwizard.core import Answers

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed.yaml"


def test_edit_and_answers_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--edit", str(SEED), "--answers", str(SEED)])
    assert exited.value.code == 2
    assert "--edit opens the wizard, --answers runs without it" in capsys.readouterr().err


def test_a_broken_file_to_edit_is_bad_usage_before_any_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "ddbwizard-x.yaml"
    broken.write_text("table: {name: ''}\n")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr(cli, "_run_tui", lambda args, changes: cli.edited(args) and 0)
    assert cli.main(["--edit", str(broken)]) == 2
    assert str(broken) in capsys.readouterr().err


def test_the_file_to_edit_is_read_with_the_command_lines_connection(tmp_path: Path) -> None:
    saved = tmp_path / "ddbwizard-orders-echo.yaml"
    saved.write_text("table: {name: orders}\nmapping: {batch_size: 50}\n")
    parsed = cli.build_parser().parse_args(["--edit", str(saved), "--region", "eu-north-1"])
    answers = cli.edited(parsed)
    assert isinstance(answers, Answers)
    assert answers.aws.region == "eu-north-1"
    assert answers.mapping.batch_size == 50
