"""The Go echo (handler_templates/go) against the Python one: same stdout bytes, equal results.

The Go handler is built once per session for this machine and runs as Lambda runs it: a
``bootstrap`` process speaking the Runtime API (here ddbwizard.local.runtime_api), one process
per set of environment variables. It gets every event the Python-vs-Node tests use, plus
generated ones aimed at its own JSON decoder and encoder: all code points, lone surrogates
(escaped and as raw bytes), odd attribute values, repeated keys, number edge cases, window
counts. The Python echo gets the same bytes through ``json.loads``, as Lambda's Python runtime
does. Without ``go`` the tests skip, unless DDBWIZARD_REQUIRE_GO=1 (CI) makes them fail.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ddbwizard.core.template.gobuild import Architecture, build_bootstrap
from ddbwizard.core.template.handlers import template_path, templates_dir
from ddbwizard.local.runtime_api import InvokeResult, RuntimeApi
from tests.unit.test_echo_handlers import (
    BIG_CASES,
    CROSS_ENVS,
    EVENT_FILES,
    UNITS,
    _random_doubles,
    big_event,
    event_path,
    load_event,
    run_py,
)

INVOKE_TIMEOUT = 60.0
# The shared envs, plus values the settings' parsing (strip, case) must read like Python.
ENVS = CROSS_ENVS | {
    "warn-spaced": {"AWS_LAMBDA_LOG_LEVEL": " warn\x1c"},
    "info": {"AWS_LAMBDA_LOG_LEVEL": "info"},
    "rbif-spaced": {"REPORT_BATCH_ITEM_FAILURES": "\u2003True\n"},
    "rbif-other": {"REPORT_BATCH_ITEM_FAILURES": "yes"},
}
MACHINES: dict[str, Architecture] = {
    "x86_64": "x86_64",
    "amd64": "x86_64",
    "aarch64": "arm64",
    "arm64": "arm64",
}
HOST_ARCH = MACHINES.get(platform.machine().lower())


def _why_go_cannot_run() -> str | None:
    if shutil.which("go") is None:
        return (
            "go is not on PATH: the Go echo cannot be built (DDBWIZARD_REQUIRE_GO=1 fails instead)"
        )
    if sys.platform != "linux" or HOST_ARCH is None:
        return f"the Go echo is a Linux binary for x86_64 or arm64, not {sys.platform}/{platform.machine()}"
    return None


class GoEcho:
    """The Go echo's bootstrap serving a loopback Runtime API; its stdout goes to a file."""

    def __init__(self, bootstrap: Path, env: dict[str, str], stdout: Path) -> None:
        self.api = RuntimeApi()
        self._stdout_path = stdout
        self._stdout = stdout.open("wb")
        self._read = 0
        self.process = subprocess.Popen(
            [str(bootstrap)],
            env={"AWS_LAMBDA_RUNTIME_API": self.api.address, **env},
            stdout=self._stdout,
        )

    def invoke(self, event: bytes) -> tuple[bytes, InvokeResult]:
        """Stdout written during the invocation, and the outcome (result or error)."""
        outcome = self.api.invoke(event, timeout=INVOKE_TIMEOUT)
        with self._stdout_path.open("rb") as f:  # written before the answer was posted
            f.seek(self._read)
            out = f.read()
        self._read += len(out)
        return out, outcome

    def run(self, event: bytes) -> tuple[bytes, Any]:
        """Stdout and the decoded result of an invocation that must succeed."""
        out, outcome = self.invoke(event)
        assert outcome.error is None, outcome.error
        return out, outcome.result()

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.api.close()
        self._stdout.close()


@pytest.fixture(scope="session")
def go_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = _why_go_cannot_run()
    if reason is not None:
        if os.environ.get("DDBWIZARD_REQUIRE_GO") == "1":
            pytest.fail(f"DDBWIZARD_REQUIRE_GO=1, but {reason}")
        pytest.skip(reason)
    assert HOST_ARCH is not None
    out_dir = tmp_path_factory.mktemp("go-echo")
    return build_bootstrap(templates_dir() / "go", out_dir, HOST_ARCH)


@pytest.fixture(scope="module")
def go_echo(
    go_bootstrap: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], GoEcho]]:
    """One running Go echo per ENVS name, started on first use."""
    running: dict[str, GoEcho] = {}

    def get(env_name: str) -> GoEcho:
        if env_name not in running:
            stdout = tmp_path_factory.mktemp("go-stdout") / f"{env_name}.out"
            running[env_name] = GoEcho(go_bootstrap, ENVS[env_name], stdout)
        return running[env_name]

    yield get
    for echo in running.values():
        echo.close()


@pytest.fixture(scope="module")
def py_echo() -> ModuleType:
    path = template_path("python")
    module = ModuleType("ddbwizard_echo_py_for_go")
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def _first_difference(go: bytes, py: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(go, py, strict=False)) if a != b), None)
    if at is None:
        at = min(len(go), len(py))
    line, start = py.count(b"\n", 0, at) + 1, max(at - 60, 0)
    return f"line {line}, byte {at}:\n  go {go[start : at + 60]!r}\n  py {py[start : at + 60]!r}"


def assert_twins(
    py_echo: ModuleType, go: Callable[[str], GoEcho], event: bytes, env_name: str = "default"
) -> bytes:
    """Run both handlers on the event's bytes; same stdout, equal results. Returns stdout."""
    py_out, py_result = run_py(py_echo, json.loads(event), ENVS[env_name])
    go_out, go_result = go(env_name).run(event)
    if go_out != py_out:
        pytest.fail("stdout differs at " + _first_difference(go_out, py_out))
    assert go_result == py_result
    return go_out


def _dumps(event: object) -> bytes:
    return json.dumps(event).encode("ascii")  # non-ASCII and lone surrogates as \u escapes


# --------------------------------------------------------------------------- shared events


@pytest.mark.parametrize("env_name", list(CROSS_ENVS))
@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_go_matches_python(
    py_echo: ModuleType, go_echo: Callable[[str], GoEcho], path: Path, env_name: str
) -> None:
    assert_twins(py_echo, go_echo, path.read_bytes(), env_name)


@pytest.mark.parametrize(("new", "old", "unit", "pad"), BIG_CASES)
def test_go_matches_python_on_oversize(
    py_echo: ModuleType,
    go_echo: Callable[[str], GoEcho],
    new: int | None,
    old: int | None,
    unit: str,
    pad: int,
) -> None:
    out = assert_twins(py_echo, go_echo, _dumps(big_event(new, old, UNITS[unit], pad)))
    assert b'"truncated":true' in out


# --------------------------------------------------------------------------- generated events


def _record(event_id: str, **ddb: Any) -> dict[str, Any]:
    return {"eventID": event_id, "eventName": "INSERT", "dynamodb": ddb}


def all_code_points(*, ascii_only: bool) -> bytes:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    chunks = [every[i : i + 16384] for i in range(0, len(every), 16384)]
    records = [
        _record(str(i), Keys={c[:40]: {"S": c}}, NewImage={"ss": {"SS": [c[:99], c[-99:]]}})
        for i, c in enumerate(chunks)
    ]
    text = json.dumps({"Records": records}, ensure_ascii=ascii_only)
    return text.encode("utf-8")


LONE = ["a\ud800b", "\udbff", "\udc00\ud800", "x\ud83d", "\ud83d\ude00", "\udfff\udfff"]


def lone_surrogates() -> bytes:
    image = {s: {"S": s} for s in LONE} | {"n": {"N": "1\ud800"}, "l": {"SS": LONE}}
    return _dumps({"Records": [_record("\ud800", Keys={"k": {"S": "\udc00"}}, NewImage=image)]})


def raw_surrogates() -> bytes:
    # Python's json.loads(bytes) accepts UTF-8-encoded surrogates ('surrogatepass').
    high, low = "\ud83d".encode("utf-8", "surrogatepass"), "\ude00".encode("utf-8", "surrogatepass")
    s = b'"' + high + b"x" + high + low + b'"'
    return b'{"Records":[{"eventID":%s,"dynamodb":{"Keys":{%s:{"N":%s}}}}]}' % (s, s, s)


def oversize_surrogates() -> bytes:
    event = big_event(390_000, 390_000, "ab", 1)
    for name in ("NewImage", "OldImage"):
        image = event["Records"][0]["dynamodb"][name]
        image["payload"] = {"S": '\ud800é\\"x' * 70_000}
        image["raw"] = {"N": '1"\\\n\x01\ud800'}
    return _dumps(event)


ODD_VALUES: list[Any] = [
    {"S": 5}, {"S": None}, {"N": 5}, {"N": '12"3'}, {"N": "1\n2\x01"}, {"BOOL": "true"},
    {"BOOL": 1}, {"NULL": False}, {"NULL": "x"}, {"B": 5}, {"SS": "x"}, {"SS": [1]},
    {"NS": [1]}, {"NS": ["1", "2e3"]}, {"BS": ["a"]}, {"BS": []}, {"L": {}}, {"L": [5]},
    {"L": [{"S": "x"}, {"N": "1"}, {"M": {}}, {"L": []}]}, {"M": []}, {"M": None},
    {"M": {"a": 5}}, {"S": "x", "N": "1"}, {"N": "1", "BOOL": True}, {}, {"X": 1}, {"X": []},
    {"BOOL": True, "NULL": True}, 5, "S", "N", ["S"], None, [], True,
]  # fmt: skip

ODD_RECORDS: list[Any] = [
    5, "x", [], None, True, {}, {"dynamodb": None}, {"dynamodb": []},
    {"dynamodb": {"Keys": []}}, {"dynamodb": {"NewImage": "x"}},
    {"dynamodb": {"Keys": {}}, "eventName": 5, "eventID": [1.5, {"2": 1, "10": 2, "a": 3}]},
    {"dynamodb": {"OldImage": {}, "SizeBytes": "12"}, "userIdentity": {"10": 1, "2": [2e-7]}},
    {"dynamodb": {"Keys": None, "NewImage": None}, "userIdentity": False},
]  # fmt: skip


def odd_values() -> bytes:
    records = [
        _record(f"odd{i}", Keys={"k": {"S": "x"}}, NewImage={"a": v})
        for i, v in enumerate(ODD_VALUES)
    ]
    records += [_record(f"key{i}", Keys={"k": v}) for i, v in enumerate(ODD_VALUES)]
    return _dumps({"Records": records + ODD_RECORDS})


def numbers() -> bytes:
    special = [0.0, -0.0, 0.1, 1.0, -1.5, 1e21, 1e20, 1e-7, 1e-6, 1.5e-7, 123e-20, 2.0**53,
               2.0**60, 5e-324, 1.7976931348623157e308, 1e16, 123456789012345680000.0,
               1714550400.5, 0.000001, 100.0, 1234.5678]  # fmt: skip
    floats = special + _random_doubles(3000) + [i / 7 for i in range(-500, 500)]
    ints = [0, -7, 2**53, 2**53 + 1, -(2**53) - 3, 2**60, 10**25, -(10**30), 10**400]
    records = [
        {"eventID": "floats", "userIdentity": floats, "dynamodb": {"SizeBytes": 1.5}},
        {"eventID": "ints", "userIdentity": ints, "dynamodb": {"SizeBytes": 10**400}},
    ]
    return _dumps({"Records": records})


def number_literals() -> bytes:
    # Literals json.dumps never writes; max double's halfway point to 2**1024 overflows.
    top = 2**1024 - 2**970
    literals = ["-0", "1E400", "-1e400", "1e-400", "-1e-400", "0.1e1", "-0.0e+0", "1E2",
                "12345678901234567890e-5", str(top - 1), str(top), str(-top), "9007199254740993",
                "-9007199254740993", "1.7976931348623158e308", "5e-325", "2.4703282292062328e-324"]  # fmt: skip
    body = ",".join(literals)
    return (
        b'{"Records":[{"eventID":-0,"eventName":1E400,"userIdentity":[%s],"dynamodb":{"SizeBytes":%s}}]}'
        % (body.encode(), literals[1].encode())
    )


def repeated_keys() -> bytes:
    return (
        b'{"Records":[1],"window":null,"state":{"records":1},"Records":[{"eventID":"a",'
        b'"eventName":"INSERT","eventID":"b","dynamodb":{"Keys":{"k":{"S":"1"},"j":{"S":"2"},'
        b'"k":{"N":"3"},"2":{"S":"i"},"2":{"S":"j"}}}}],"window":{"start":1},'
        b'"state":{"records":2},"isFinalInvokeForWindow":true}'
    )


def many_records() -> bytes:
    record = load_event(event_path("keys_only.json"))["Records"][0]
    return _dumps({"Records": [record] * 1201})  # three stdout writes of up to 500 lines


WINDOW_COUNTS = [2.5, "x", True, None, 4.0, -0.0, 1e300, 2**60, 10**30, -3, 4503599627370495.5]


def window(records: object, *, final: object = True, bounds: object = None) -> bytes:
    record = load_event(event_path("keys_only.json"))["Records"][0]
    event = {
        "Records": [record, record],
        "window": bounds if bounds is not None else {"start": "a", "end": 1.5},
        "state": {"records": records},
        "isFinalInvokeForWindow": final,
        "shardId": "s\ud800",
    }
    return _dumps(event)


GENERATED: dict[str, Callable[[], bytes]] = {
    "all-code-points-escaped": lambda: all_code_points(ascii_only=True),
    "all-code-points-raw": lambda: all_code_points(ascii_only=False),
    "lone-surrogates": lone_surrogates,
    "raw-surrogates": raw_surrogates,
    "oversize-surrogates": oversize_surrogates,
    "odd-values": odd_values,
    "numbers": numbers,
    "number-literals": number_literals,
    "repeated-keys": repeated_keys,
    "many-records": many_records,
    "not-an-object": lambda: b"[1]",
    "records-not-a-list": lambda: b'{"Records":{"0":1},"window":5,"state":[]}',
    **{f"window-{i}-{v!r}"[:40]: partial(window, v) for i, v in enumerate(WINDOW_COUNTS)},
    "window-inf": lambda: b'{"Records":[],"window":{},"state":{"records":1e999}}',
    "window-state-not-object": lambda: b'{"window":{},"state":7,"isFinalInvokeForWindow":true}',
    "window-not-final": lambda: window(3, final="true"),
    "window-not-object": lambda: window(3, bounds=[1]),
}


@pytest.mark.parametrize("name", list(GENERATED))
def test_go_matches_python_on_generated(
    py_echo: ModuleType, go_echo: Callable[[str], GoEcho], name: str
) -> None:
    assert_twins(py_echo, go_echo, GENERATED[name]())


def test_go_matches_python_with_both_result_keys(
    py_echo: ModuleType, go_echo: Callable[[str], GoEcho]
) -> None:
    out = assert_twins(py_echo, go_echo, window(2**60), "rbif")
    assert out.endswith(b',"records":1152921504606847000,"shardId":"s\\ud800"}}\n')


@pytest.mark.parametrize("env_name", [name for name in ENVS if name not in CROSS_ENVS])
def test_go_reads_the_settings_like_python(
    py_echo: ModuleType, go_echo: Callable[[str], GoEcho], env_name: str
) -> None:
    assert_twins(
        py_echo, go_echo, event_path("window_final_with_records.json").read_bytes(), env_name
    )


# --------------------------------------------------------------------------- the runtime part


@pytest.mark.parametrize(
    "payload",
    [b"{", b'{"a":1} x', b'{"a":"\x01"}', b'"\xff"', b"[" * 1001 + b"]" * 1001, b"{'a':1}"],
    ids=["cut", "extra", "control", "not-utf8", "too-deep", "quotes"],
)
def test_go_answers_a_bad_event_with_an_error_document(
    go_echo: Callable[[str], GoEcho], payload: bytes
) -> None:
    echo = go_echo("default")
    out, outcome = echo.invoke(payload)
    assert out == b""
    assert outcome.error is not None
    assert outcome.error.error_type == "Runtime.UnmarshalError"
    assert outcome.error.message.startswith("invalid JSON at byte ")
    assert echo.run(b'{"Records":[],"window":{}}') == (b"", {"state": {"records": 0}})


def test_go_bootstrap_outside_lambda_says_so(go_bootstrap: Path) -> None:
    proc = subprocess.run([str(go_bootstrap)], env={}, capture_output=True, timeout=30, check=False)
    assert proc.returncode == 1
    assert b"AWS_LAMBDA_RUNTIME_API is not set" in proc.stderr
    assert proc.stdout == b""
