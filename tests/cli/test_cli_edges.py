"""The command line's edges: empty flags, a broken or full stdout, the answers file's own path,
credentials in URLs, and the account of what changed on every way out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ddbwizard.core import redact
from ddbwizard.core.changes import ChangeLog
from ddbwizard.core.errors import AwsError, UsageError

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed.yaml"


def ddbwizard(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ddbwizard", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("flag", ["--answers", "--export", "--endpoint-url", "--region"])
def test_an_empty_flag_is_bad_usage_not_a_default(flag: str) -> None:
    args = ["--answers", str(SEED), flag, ""] if flag != "--answers" else [flag, ""]
    result = ddbwizard(*args)
    assert result.returncode == 2
    assert f"{flag} is empty" in result.stderr


def test_export_refuses_the_answers_files_own_path(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = ddbwizard("--answers", str(answers), "--export", str(answers))
    assert result.returncode == 2
    assert "would overwrite the answers file itself" in result.stderr
    assert answers.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")


def test_a_full_stdout_is_a_one_line_error() -> None:
    with Path("/dev/full").open("w") as full:
        result = ddbwizard("--answers", str(SEED), "--export", "-", stdout=full.fileno())
    assert result.returncode == 1
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Exception ignored" not in result.stderr


def test_a_closed_pipe_ends_quietly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ddbwizard", "--schema"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()  # like `| head -c 10`
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0
    assert b"Traceback" not in err
    assert b"BrokenPipeError" not in err


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "Cannot reach http://AKIAKEY:s3cr3t@host:4566/ (x)",
            "Cannot reach http://***@host:4566/ (x)",
        ),
        ("https://user@example.com/path", "https://***@example.com/path"),
        ("no url here: user@example.com", "no url here: user@example.com"),
    ],
)
def test_credentials_in_urls_are_redacted(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_the_change_log_tells_confirmed_unknown_and_refused_calls() -> None:
    log = ChangeLog()
    with log.attempt("an UpdateTable call was in flight", "aws dynamodb describe-table") as call:
        call.confirm("a NEW_IMAGE stream was enabled on table orders")
    refused = AwsError("Access denied: cloudformation:CreateChangeSet")
    refused.refused = True
    with pytest.raises(AwsError), log.attempt("a change set may have been made"):
        raise refused  # AWS said no: nothing to report
    with pytest.raises(KeyboardInterrupt), log.attempt("a deploy may have started", "aws x"):
        raise KeyboardInterrupt  # the outcome is unknown: kept, with its check
    with pytest.raises(UsageError), log.attempt("never made"):
        raise UsageError("not an AWS answer")  # not a refusal by AWS: kept as unknown
    assert log.lines() == [
        "Changed in AWS (or may have):",
        "  - a NEW_IMAGE stream was enabled on table orders",
        "  - a deploy may have started; check with: aws x",
        "  - never made",
    ]


def test_nothing_changed_is_said_so() -> None:
    assert ChangeLog().lines() == ["Nothing was changed in AWS."]
