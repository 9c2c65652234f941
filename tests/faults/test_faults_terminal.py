"""faults.md rows 34-40: terminal, signals, encodings, log tail, big items, atomic files."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from ddbwizard.core.errors import UsageError
from ddbwizard.core.model import documents as files
from ddbwizard.core.template.handlers import template_path
from ddbwizard.lines import LineReporter
from tests.helpers.fault_kit import Calls, CliResult, answers, moto, stream_arn, write

Cli = Callable[..., CliResult]
ROOT = Path(__file__).resolve().parents[2]


def ddbwizard(
    *args: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # type: ignore[no-any-return]
        [sys.executable, "-m", "ddbwizard", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})}, **kw,  # type: ignore[call-overload]
    )  # fmt: skip


@pytest.mark.parametrize("flags", [[], ["--plain"]])
def test_row_34_stdin_not_a_tty_fails_fast(flags: list[str]) -> None:
    process = ddbwizard(*flags, stdin=subprocess.DEVNULL)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert b"standard input is not a terminal" in err
    assert b"use --answers FILE" in err
    assert b"Traceback" not in err


def test_row_35_no_colour_or_control_sequences_in_plain_output(
    cli: Cli, calls: Calls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warned = answers(tmp_path, f"stream: {{arn: '{stream_arn()}'}}\n"
                     "mapping: {max_record_age_seconds: 604800}\n")  # fmt: skip
    result = cli("--answers", warned, "--export", "-")  # stderr is not a TTY here
    assert "warning:" in result.err
    assert "\x1b" not in result.out + result.err

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert LineReporter(Tty()).colour is True  # the control: a terminal gets colour
    for name, value in (("NO_COLOR", "1"), ("TERM", "dumb")):
        with monkeypatch.context() as env:
            env.setenv(name, value)
            stream = Tty()
            reporter = LineReporter(stream)
            reporter.warn("careful")
            reporter.step("step")
            assert "\x1b" not in stream.getvalue(), name
    assert LineReporter(io.StringIO()).colour is False


def test_row_36_terminal_too_small_suggests_plain(
    cli: Cli, calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("LINES", "20")
    result = cli()
    assert result.code == 2
    assert "the terminal is 60x20; the wizard needs 80x24" in result.err
    assert "--plain" in result.err
    assert calls.made == []


def test_row_37_lang_c_and_non_ascii_values(tmp_path: Path) -> None:
    text = (
        "# Bestellungen für Köln — 注文 ✓\n"
        f"table: {{name: orders}}\nstream: {{arn: '{stream_arn()}'}}\n"
        "stack: {tags: {city: Zürich, team: 数据}}\n"
    )
    path = write(tmp_path / "ü.yaml", text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    env.update(LANG="C", LC_ALL="C")
    env.pop("PYTHONUTF8", None)
    ok = subprocess.run([sys.executable, "-m", "ddbwizard", "--answers", str(path), "--export", "-"],
                        capture_output=True, env=env, timeout=60, check=False)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "city: Zürich" in ok.stdout.decode("utf-8")
    bad = write(tmp_path / "bad.yaml", text.replace("Zürich", "Zürich" * 60))
    refused = subprocess.run([sys.executable, "-m", "ddbwizard", "--answers", str(bad), "--yes"],
                             capture_output=True, env=env, timeout=60, check=False)  # fmt: skip
    assert refused.returncode == 2
    err = refused.stderr.decode("utf-8")
    assert "stack.tags: tag 'city' must be a string of at most 256 characters" in err
    assert "Traceback" not in err


def test_row_38_log_tail_waits_for_a_missing_group_and_ctrl_c_ends_it(
    cli: Cli, calls: Calls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", sleep)
    with moto():
        result = cli("--answers", answers(tmp_path), "--logs")
    assert result.code == 0
    assert "Following /aws/lambda/orders-echo (Ctrl-C to stop)" in result.err
    assert result.err.count("No log events yet; waiting for the function to run") == 1
    assert "Stopped following the logs." in result.err
    assert calls.operations("logs").count("FilterLogEvents") == 3  # kept polling
    assert calls.mutations() == []


def test_row_39_items_near_400_kb_are_truncated_never_failing_the_batch() -> None:
    path = template_path("python")
    echo = ModuleType("ddbwizard_echo_fault")
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), echo.__dict__)
    image = {"pk": {"S": "big#1"}, "payload": {"S": "Zoë 李雷 " * 40_000}}  # ~400 KB
    record = {"eventID": "1", "eventName": "MODIFY", "dynamodb": {
        "Keys": {"pk": {"S": "big#1"}}, "NewImage": image, "OldImage": image,
        "SequenceNumber": "1", "SizeBytes": 399_000, "StreamViewType": "NEW_AND_OLD_IMAGES"}}  # fmt: skip
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="")
    saved = sys.stdout
    sys.stdout = out
    try:
        result = echo.handler({"Records": [record]}, None)
    finally:
        sys.stdout = saved
    out.flush()
    lines = raw.getvalue().decode("utf-8").splitlines()
    assert len(lines) == 1
    assert len(lines[0].encode("utf-8")) <= 256 * 1024
    line = json.loads(lines[0])
    assert line["truncated"] is True
    assert line["originalBytes"] > 256 * 1024
    assert not (result or {}).get("batchItemFailures")


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_row_40_signals_behave_like_ctrl_c(tmp_path: Path, name: str) -> None:
    """The run waits on an endpoint that never answers; the signal ends it like Ctrl-C."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        process = ddbwizard("--answers", str(answers(tmp_path)), "--yes", "--endpoint-url", url)
        server.settimeout(60)
        connection, _ = server.accept()  # it is now waiting for sts:GetCallerIdentity
        with connection:
            process.send_signal(getattr(signal, name))
            _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"Interrupted. Nothing was changed in AWS." in err
    assert b"Traceback" not in err


def test_row_40_files_are_written_atomically(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write(tmp_path / "t.yaml", "old\n")
    real_fsync = os.fsync

    def fail(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)  # fails mid-write, after the data went out
    with pytest.raises(UsageError, match="No space left on device"):
        files.write_atomic(target, "new\n" * 1000)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]

    monkeypatch.setattr(os, "fsync", fail)
    seed = answers(tmp_path, f"stream: {{arn: '{stream_arn()}'}}\n", "seed.yaml")
    result = cli("--answers", seed, "--export", target)
    assert result.code == 2
    assert f"{target}: cannot write (No space left on device)" in result.err
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.yaml", "t.yaml"]
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert cli("--answers", seed, "--export", target).code == 0
    assert target.read_text().startswith("AWSTemplateFormatVersion")
    # Every write in the package goes through write_atomic.
    sources = [p for p in (ROOT / "ddbwizard").rglob("*.py") if p.name != "files.py"]
    for source in sources:
        code = source.read_text(encoding="utf-8")
        assert ".write_text(" not in code, source
        assert ".write_bytes(" not in code, source
