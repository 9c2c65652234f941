"""Bad usage of --check and --fetch-failed: exit 2, one line, no AWS call."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddbwizard.cli import main


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--check"], "--check needs --answers FILE"),
        (["--fetch-failed"], "--fetch-failed needs --answers FILE"),
        (["--answers", "a.yaml", "--check", "--since", "soon"], "not a duration: 'soon'"),
        (["--answers", "a.yaml", "--check", "--since", "0m"], "more than 0"),
        (["--answers", "a.yaml", "--check", "--max-iterator-age", "0s"], "more than 0"),
        (["--answers", "a.yaml", "--since", "1h"], "--since goes with --check"),
        (["--answers", "a.yaml", "--out", "f.json"], "--out goes with --fetch-failed"),
        (["--answers", "a.yaml", "--check", "--fetch-failed"], "exclude each other"),
        (["--answers", "a.yaml", "--check", "--logs"], "exclude each other"),
        (["--answers", "a.yaml", "--check", "--destroy"], "exclude each other"),
        (["--local", "--answers", "a.yaml", "--fetch-failed"], "--local starts an empty"),
    ],
)
def test_bad_usage_exits_2(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)

    assert exited.value.code == 2
    assert said in capsys.readouterr().err


def test_durations_read_like_a_person_writes_them() -> None:
    from datetime import timedelta

    from ddbwizard.core import parse_duration

    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("1h") == timedelta(hours=1)
    assert parse_duration("1.5H") == timedelta(minutes=90)
    assert parse_duration("2d") == timedelta(days=2)
    assert parse_duration("45") == timedelta(seconds=45)
