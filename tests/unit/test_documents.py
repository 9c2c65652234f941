"""The answers document reader (bounded, strict) and the atomic writer (modes kept, clean errors)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from ddbwizard.core.errors import EXIT_USAGE, UsageError
from ddbwizard.core.model.answers import load_answers
from ddbwizard.core.model.documents import (
    FileWriteError,
    JsonProblem,
    read_document,
    strict_json,
    write_atomic,
)

MIB = 1_048_576
VALID = b"table: {name: orders}\n"


# --- (a) at most 1 MiB, read bounded ----------------------------------------------------------


def test_a_regular_file_over_1_mib_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(VALID + b"#" * MIB)

    def never(self: Path) -> bytes:
        raise AssertionError("read whole")

    monkeypatch.setattr(Path, "read_bytes", never)
    with pytest.raises(UsageError) as caught:
        load_answers(path)
    assert str(caught.value) == (
        f"{path}: larger than 1,048,576 bytes (1 MiB); an answers file holds a few KB"
    )
    assert caught.value.exit_code == EXIT_USAGE


def test_a_file_of_exactly_1_mib_is_read(tmp_path: Path) -> None:
    path = tmp_path / "padded.yaml"
    path.write_bytes(VALID + b"#" * (MIB - len(VALID)))
    assert path.stat().st_size == MIB
    assert load_answers(path).table.name == "orders"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_after_1_mib_plus_1_bytes() -> None:
    # endless: only a bounded read ends (an unbounded one is a MemoryError, after a while)
    with pytest.raises(UsageError, match=r"^/dev/zero: larger than 1,048,576 bytes"):
        read_document(Path("/dev/zero"))


def _fifo_with_writer(tmp_path: Path, payload: bytes) -> tuple[Path, threading.Thread]:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)

    def write() -> None:
        try:
            with fifo.open("wb") as handle:
                handle.write(payload)
        except BrokenPipeError:  # the reader stopped at 1 MiB + 1 and closed
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return fifo, writer


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_over_1_mib_is_refused_with_its_path(tmp_path: Path) -> None:
    fifo, writer = _fifo_with_writer(tmp_path, VALID + b"#" * (2 * MIB))
    with pytest.raises(UsageError) as caught:
        load_answers(fifo)
    assert str(caught.value).startswith(f"{fifo}: larger than 1,048,576 bytes")
    writer.join(timeout=10)
    assert not writer.is_alive()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_small_fifo_is_read(tmp_path: Path) -> None:
    fifo, writer = _fifo_with_writer(tmp_path, VALID)
    assert load_answers(fifo).table.name == "orders"
    writer.join(timeout=10)


# --- strict JSON (filter patterns; also for the wizard's pattern field) -----------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"a": NaN}', "NaN is not a JSON number (write a number or a quoted string)"),
        ('{"a": -Infinity}', "-Infinity is not a JSON number (write a number or a quoted string)"),
        ('{"a": 1e999}', "the number 1e999 is out of range"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[" * 3000 + "]" * 3000, "nested more than 32 levels deep"),
        ('{"a": "[[[[' + "[" * 100 + '"}', None),  # brackets inside a string are not nesting
        ("{bad", "not valid JSON: line 1, column 2: Expecting property name enclosed in double quotes"),
        ("1" * 5000, "not valid JSON (Exceeds the limit (4300 digits)"),
    ],
    ids=["nan", "infinity", "out-of-range", "duplicate", "deep", "brackets-in-string", "syntax", "digits"],
)  # fmt: skip
def test_strict_json(text: str, reason: str | None) -> None:
    if reason is None:
        assert strict_json(text) == {"a": "[[[[" + "[" * 100}
        return
    with pytest.raises(JsonProblem) as caught:
        strict_json(text)
    assert str(caught.value).startswith(reason)


# --- (b) write_atomic keeps the mode of the file it replaces ----------------------------------


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_write_atomic_keeps_the_mode_of_a_replaced_file(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("old\n")
    path.chmod(mode)
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_write_atomic_gives_a_new_file_0644_less_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.yaml", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o640


# --- (c) write failures are FileWriteError (a UsageError), never a raw OSError ----------------


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_read_only_folder_is_a_file_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)  # root ignores a chmod 0500 folder
    path = tmp_path / "t.yaml"
    with pytest.raises(FileWriteError) as caught:
        write_atomic(path, "x\n")
    assert isinstance(caught.value, UsageError)
    assert caught.value.exit_code == EXIT_USAGE
    assert str(caught.value) == f"{path}: cannot write (Permission denied)"
    assert (caught.value.path, caught.value.reason) == (path, "Permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_really_read_only_folder_is_a_file_write_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(FileWriteError, match=r"cannot write \(Permission denied\)"):
            write_atomic(folder / "t.yaml", "x\n")
    finally:
        folder.chmod(0o700)


def test_a_full_disk_is_a_file_write_error_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("old\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(FileWriteError) as caught:
        write_atomic(path, "new\n")
    assert str(caught.value) == f"{path}: cannot write (No space left on device)"
    assert path.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_dev_full_is_a_file_write_error() -> None:
    with pytest.raises(
        FileWriteError, match=r"^/dev/full: cannot write \(No space left on device\)"
    ):
        write_atomic(Path("/dev/full"), "x" * 100_000)


def test_text_utf8_cannot_encode_is_a_file_write_error(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    with pytest.raises(FileWriteError) as caught:
        write_atomic(path, "tags: {a: \ud800}\n")
    assert str(caught.value) == (
        f"{path}: cannot write (the text holds \\ud800, which UTF-8 cannot encode)"
    )
    assert not path.exists()
    assert _leftovers(tmp_path) == []


def test_a_missing_folder_is_a_file_write_error(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "t.yaml"
    with pytest.raises(FileWriteError, match=r"cannot write \(No such file or directory\)"):
        write_atomic(path, "x\n")
