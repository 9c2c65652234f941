"""The echo handlers in handler_templates/ (Python and Node.js twins).

Events live in tests/data/events/*.json; the ~400 KB items that trigger the
oversize path are generated here. The Node.js handler is run with ``node -e``
and must write byte-identical stdout and return an equal value.
"""

from __future__ import annotations

import contextlib
import decimal
import io
import json
import math
import os
import random
import shutil
import struct
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ddbwizard.core.template.handlers import handler_source, template_path

EVENTS_DIR = Path(__file__).resolve().parents[1] / "data" / "events"
EVENT_FILES = sorted(EVENTS_DIR.glob("*.json"))
ENV_VARS = ("REPORT_BATCH_ITEM_FAILURES", "AWS_LAMBDA_LOG_LEVEL")
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None, reason="node is not on PATH: the Node.js echo handler cannot be run"
)

LINE_FIELDS = ["eventName", "eventID", "sequenceNumber", "approximateCreationDateTime", "keys"]

NODE_RUNNER = r"""
const fs = require("fs");
const { pathToFileURL } = require("url");
const [mode, mod, eventFile, resultFile] = process.argv.slice(1);
const load = mode === "cjs" ? Promise.resolve(require(mod)) : import(pathToFileURL(mod).href);
load
  .then(async ({ handler }) => {
    const event = JSON.parse(fs.readFileSync(eventFile, "utf8"));
    const result = await handler(event, {});
    fs.writeFileSync(resultFile, result === undefined ? "undefined" : JSON.stringify(result));
  })
  .catch((err) => {
    process.stderr.write(String((err && err.stack) || err));
    process.exit(1);
  });
"""

NODE_STRINGIFY = r"""
const fs = require("fs");
const [inFile, outFile, mode] = process.argv.slice(1);
const values = JSON.parse(fs.readFileSync(inFile, "utf8"));
const out = mode === "string" ? values.map((v) => String(v)) : values.map((v) => JSON.stringify(v));
fs.writeFileSync(outFile, JSON.stringify(out));
"""

Result = tuple[bytes, Any]


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def echo() -> ModuleType:
    # exec instead of an import: no __pycache__ next to the shipped template
    path = template_path("python")
    module = ModuleType("ddbwizard_echo_py")
    module.__file__ = str(path)
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)


@contextlib.contextmanager
def _env(env: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ENV_VARS}
    try:
        for k in ENV_VARS:
            os.environ.pop(k, None)
        os.environ.update(env)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_py(echo: ModuleType, event: Any, env: dict[str, str] | None = None) -> Result:
    """Run the Python handler with a strict UTF-8 stdout, like Lambda's."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="")
    with _env(env or {}), contextlib.redirect_stdout(out):
        result = echo.handler(event, None)
    out.flush()
    return raw.getvalue(), result


def run_node(
    event_file: Path, tmp_path: Path, env: dict[str, str] | None = None, module: Path | None = None
) -> Result:
    assert NODE is not None
    module = module or template_path("nodejs")
    mode = "cjs" if module.suffix == ".js" else "esm"
    result_file = tmp_path / "node-result.json"
    result_file.unlink(missing_ok=True)
    node_env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    node_env.update(env or {})
    proc = subprocess.run(
        [NODE, "-e", NODE_RUNNER, mode, str(module), str(event_file), str(result_file)],
        capture_output=True,
        env=node_env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    text = result_file.read_text(encoding="utf-8")
    return proc.stdout, None if text == "undefined" else json.loads(text)


def load_event(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_event(event: Any, tmp_path: Path, name: str = "event.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(event), encoding="utf-8")  # ASCII: lone surrogates survive
    return path


def lines_of(out: bytes) -> list[str]:
    text = out.decode("utf-8")  # strict: the output must be valid UTF-8
    assert text == "" or text.endswith("\n")
    return text.split("\n")[:-1]  # not splitlines(): U+2028 stays inside a line


def parse(line: str) -> Any:
    return json.loads(line, parse_float=Decimal, parse_int=Decimal)


def ref_value(av: dict[str, Any]) -> Any:
    """Independent, slow DynamoDB JSON -> plain value (numbers as Decimal)."""
    ((t, v),) = av.items()
    if t in ("S", "B"):
        return v
    if t == "N":
        return Decimal(v)
    if t in ("SS", "BS"):
        return list(v)
    if t == "NS":
        return [Decimal(x) for x in v]
    if t == "L":
        return [ref_value(x) for x in v]
    if t == "M":
        return ref_map(v)
    if t == "NULL":
        return None
    assert t == "BOOL"
    return v


def ref_map(m: dict[str, Any]) -> dict[str, Any]:
    return {k: ref_value(v) for k, v in m.items()}


def event_path(name: str) -> Path:
    return EVENTS_DIR / name


# --------------------------------------------------------------------------- every event file


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_every_line_is_valid_json(echo: ModuleType, path: Path) -> None:
    event = load_event(path)
    out, _ = run_py(echo, event)
    lines = lines_of(out)
    summary = 1 if event.get("isFinalInvokeForWindow") else 0
    assert len(lines) == len(event["Records"]) + summary
    for line in lines:
        obj = json.loads(line)
        assert isinstance(obj, dict)
        assert line == line.strip()
        assert len(line.encode("utf-8")) <= echo.MAX_LINE_BYTES


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_warm_key_cache_gives_same_output(
    echo: ModuleType, monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    event = load_event(path)
    first, _ = run_py(echo, event)
    second, _ = run_py(echo, event)
    saved = dict(echo._KC)
    try:
        echo._KC.clear()
        monkeypatch.setattr(echo, "_KC_MAX", 0)  # no cache: every map takes the slow path
        uncached, _ = run_py(echo, event)
    finally:
        echo._KC.update(saved)
    assert first == second == uncached


# --------------------------------------------------------------------------- conversion


def test_all_types_converted(echo: ModuleType) -> None:
    event = load_event(event_path("insert_all_types.json"))
    out, result = run_py(echo, event)
    assert result is None
    (line,) = lines_of(out)
    obj = parse(line)
    ddb = event["Records"][0]["dynamodb"]
    assert obj["newImage"] == ref_map(ddb["NewImage"])
    assert obj["keys"] == ref_map(ddb["Keys"])
    assert "oldImage" not in obj
    image = obj["newImage"]
    assert image["yes"] is True
    assert image["no"] is False
    assert image["nothing"] is None
    assert image["list"][2] is True
    assert image["list"][3] is None
    assert image["bin"] == "AAECAwQFBgcICQ=="
    assert image["S"] == {"N": "type names as attribute names"}


@pytest.mark.parametrize(
    ("name", "digits"),
    [
        ("big38", "12345678901234567890123456789012345678"),
        ("negbig", "-99999999999999999999999999999999999999"),
        ("dec", "3.14159265358979323846264338327950288"),
        ("tiny", "0.000000000000000000000000000000000000001"),
        ("negdec", "-0.5"),
        ("exp", "1E+10"),
        ("expneg", "-2.5E-130"),
        ("int", "123"),
        ("zero", "0"),
    ],
)
def test_numbers_keep_their_exact_digits(echo: ModuleType, name: str, digits: str) -> None:
    out, _ = run_py(echo, load_event(event_path("insert_all_types.json")))
    (line,) = lines_of(out)
    assert f'"{name}":{digits},' in line  # raw JSON number, not a string, not a float
    value = json.loads(line, parse_float=decimal.Decimal)["newImage"][name]
    assert Decimal(value) == Decimal(digits)
    assert Decimal(value).as_tuple() == Decimal(digits).as_tuple()  # same digits and exponent
    assert '"ns":[1,-0.5,12345678901234567890123456789012345678,1E+10]' in line


def test_unicode_and_escapes(echo: ModuleType) -> None:
    out, _ = run_py(echo, load_event(event_path("insert_all_types.json")))
    (line,) = lines_of(out)
    assert "café naïve Ünïcödé — 東京 中文 😀👍🏽 line\u2028sep\u2029end" in line  # kept as UTF-8
    assert (
        r'"quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f nul \u0000 us \u001f del '
        "\x7f" + '"'
    ) in line
    assert '"wéird kéy \\"q\\" 😀":"key needs escaping"' in line
    image = json.loads(line)["newImage"]
    assert image["unicode"].endswith("line\u2028sep\u2029end")


def test_line_field_order(echo: ModuleType) -> None:
    out, _ = run_py(echo, load_event(event_path("modify_new_and_old_images.json")))
    modify, insert, remove = (json.loads(x) for x in lines_of(out))
    assert list(modify) == [*LINE_FIELDS, "sizeBytes", "newImage", "oldImage"]
    assert list(insert) == [*LINE_FIELDS, "sizeBytes", "newImage"]
    assert list(remove) == [*LINE_FIELDS, "sizeBytes", "oldImage"]
    assert modify["eventName"] == "MODIFY"
    assert modify["sequenceNumber"] == "4421584500000000017450439092"
    assert modify["approximateCreationDateTime"] == 1714550402
    assert modify["newImage"]["status"] == "SHIPPED"
    assert modify["oldImage"]["status"] == "PENDING"
    assert '"shippedAt":1714550460.123}' in lines_of(out)[0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("new_image_only.json", [["newImage"], ["newImage"], []]),
        ("old_image_only.json", [[], ["oldImage"], ["oldImage"]]),
        ("keys_only.json", [[], [], [], []]),
    ],
)
def test_stream_view_types(echo: ModuleType, name: str, expected: list[list[str]]) -> None:
    out, _ = run_py(echo, load_event(event_path(name)))
    objs = [json.loads(x) for x in lines_of(out)]
    assert [list(o)[len(LINE_FIELDS) + 1 :] for o in objs] == expected
    assert [o["eventName"] for o in objs][:3] == ["INSERT", "MODIFY", "REMOVE"]


def test_keys_only_binary_and_exponent_keys(echo: ModuleType) -> None:
    out, _ = run_py(echo, load_event(event_path("keys_only.json")))
    last = lines_of(out)[-1]
    assert '"keys":{"pk":"3q2+7w==","sk":-1E-5}' in last


def test_ttl_deletion_carries_user_identity(echo: ModuleType) -> None:
    out, _ = run_py(echo, load_event(event_path("ttl_delete.json")))
    (line,) = lines_of(out)
    obj = json.loads(line)
    assert list(obj) == [*LINE_FIELDS, "userIdentity", "sizeBytes", "oldImage"]
    assert obj["eventName"] == "REMOVE"
    assert obj["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert '"userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"}' in line


def test_integer_like_keys_in_javascript_order(echo: ModuleType) -> None:
    out, _ = run_py(echo, load_event(event_path("integer_like_keys.json")))
    first = json.loads(lines_of(out)[0])
    assert list(first["keys"]) == ["1", "9"]
    assert list(first["newImage"]) == [
        "0",
        "2",
        "10",
        "4294967294",
        "b",
        "a",
        "4294967295",
        "01",
        "-1",
        "1.5",
        "nested",
        "inlist",
    ]
    assert list(first["newImage"]["nested"]) == ["3", "7", "z"]
    assert list(first["newImage"]["nested"]["3"]) == ["1", "y"]
    assert list(first["newImage"]["inlist"][0]) == ["5", "k"]


def test_malformed_records_never_fail_the_batch(echo: ModuleType) -> None:
    event = load_event(event_path("malformed_records.json"))
    out, result = run_py(echo, event)
    assert result is None
    objs = [json.loads(x) for x in lines_of(out)]
    assert len(objs) == len(event["Records"])
    for obj, rec in zip(objs[:-1], event["Records"][:-1], strict=True):
        assert obj == {"error": "unrecognized record", "record": rec}
    assert objs[-1]["newImage"] == {"ok": "fine after the bad ones"}


def test_lone_surrogates_escaped_like_json_stringify(echo: ModuleType) -> None:
    out, _ = run_py(echo, load_event(event_path("lone_surrogates.json")))
    (line,) = lines_of(out)
    assert '"keys":{"id":"lone\\ud800x"}' in line
    assert '"low":"\\udfff","pair":"😀","k\\udc00":["\\ud83d"]' in line


def test_empty_batch(echo: ModuleType) -> None:
    assert run_py(echo, {"Records": []}) == (b"", None)
    assert run_py(echo, {}) == (b"", None)


def test_one_write_per_chunk(echo: ModuleType) -> None:
    record = load_event(event_path("keys_only.json"))["Records"][0]
    writes: list[str] = []

    class Sink(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(text)
            return len(text)

    n = 2 * echo._CHUNK + 1
    with contextlib.redirect_stdout(Sink()):
        echo.handler({"Records": [record] * n}, None)
    assert len(writes) == 3
    assert "".join(writes).count("\n") == n


# --------------------------------------------------------------------------- return values


@pytest.mark.parametrize(
    ("name", "state", "summary"),
    [
        ("window_first.json", 2, None),
        ("window_with_state.json", 6, None),
        ("window_null_state.json", 2, None),
        ("window_final.json", 7, 7),
        ("window_final_with_records.json", 5, 5),
    ],
)
def test_tumbling_window(echo: ModuleType, name: str, state: int, summary: int | None) -> None:
    event = load_event(event_path(name))
    out, result = run_py(echo, event)
    assert result == {"state": {"records": state}}
    lines = lines_of(out)
    if summary is None:
        assert all("windowSummary" not in x for x in lines)
        return
    assert lines[-1] == json.dumps(
        {
            "windowSummary": {
                "start": "2024-05-01T08:00:00Z",
                "end": "2024-05-01T08:05:00Z",
                "records": summary,
                "shardId": "shardId-00000001714550000000-abcdef12",
            }
        },
        separators=(",", ":"),
    )
    assert len(lines) == len(event["Records"]) + 1


def test_window_state_missing_or_odd(echo: ModuleType) -> None:
    base = {"Records": [], "window": {"start": "a", "end": "b"}}
    assert run_py(echo, base)[1] == {"state": {"records": 0}}
    assert run_py(echo, {**base, "state": {"records": "x"}})[1] == {"state": {"records": 0}}
    assert run_py(echo, {**base, "state": {"records": 4.0}})[1] == {"state": {"records": 4}}


def test_report_batch_item_failures(echo: ModuleType) -> None:
    event = load_event(event_path("keys_only.json"))
    out, result = run_py(echo, event, {"REPORT_BATCH_ITEM_FAILURES": "true"})
    assert result == {"batchItemFailures": []}
    assert len(lines_of(out)) == 4
    assert run_py(echo, event, {"REPORT_BATCH_ITEM_FAILURES": "false"})[1] is None
    window = load_event(event_path("window_with_state.json"))
    result = run_py(echo, window, {"REPORT_BATCH_ITEM_FAILURES": "true"})[1]
    assert result == {"batchItemFailures": [], "state": {"records": 6}}
    assert list(result) == ["batchItemFailures", "state"]


@pytest.mark.parametrize(
    ("level", "quiet"),
    [
        ("WARN", True),
        ("ERROR", True),
        ("FATAL", True),
        ("INFO", False),
        ("DEBUG", False),
        ("TRACE", False),
    ],
)
def test_log_level(echo: ModuleType, level: str, quiet: bool) -> None:
    event = load_event(event_path("window_final_with_records.json"))
    out, result = run_py(echo, event, {"AWS_LAMBDA_LOG_LEVEL": level})
    assert result == {"state": {"records": 5}}
    assert (out == b"") is quiet
    if not quiet:
        assert len(lines_of(out)) == 3


# --------------------------------------------------------------------------- oversize records


UNITS = {
    "ascii": "abcdefghij",
    "mixed": 'é😀"\\x東\n',
    "escapes": '"\\',
}


def big_event(
    new_bytes: int | None, old_bytes: int | None, unit: str, pad: int = 0
) -> dict[str, Any]:
    """A record whose images hold ~new_bytes / ~old_bytes of payload."""

    def image(n: int, tag: str) -> dict[str, Any]:
        per = len(unit.encode("utf-8"))
        return {
            "pk": {"S": "big#1"},
            "sk": {"N": "12345678901234567890123456789012345678"},
            "tag": {"S": tag + "p" * pad},
            "payload": {"S": unit * (n // per)},
            "parts": {"L": [{"S": unit * 3}, {"N": "-0.5"}, {"M": {"1": {"BOOL": True}}}]},
        }

    ddb: dict[str, Any] = {
        "ApproximateCreationDateTime": 1714550400,
        "Keys": {"pk": {"S": "big#1"}, "sk": {"N": "12345678901234567890123456789012345678"}},
        "SequenceNumber": "900000000000000000001",
        "SizeBytes": 409000,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new_bytes is not None:
        ddb["NewImage"] = image(new_bytes, "new")
    if old_bytes is not None:
        ddb["OldImage"] = image(old_bytes, "old")
    name = "MODIFY" if new_bytes is not None and old_bytes is not None else "INSERT"
    if new_bytes is None:
        name = "REMOVE"
    return {
        "Records": [
            {"eventID": "big", "eventName": name, "dynamodb": ddb},
            {"eventID": "small", "eventName": "INSERT", "dynamodb": {"Keys": {"k": {"S": "x"}}}},
        ]
    }


def full_line(echo: ModuleType, event: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setattr(echo, "MAX_LINE_BYTES", 1 << 40)
        out, _ = run_py(echo, event)
    return lines_of(out)[0]


BIG_CASES = [
    pytest.param(399_000, None, "ascii", 0, id="insert-ascii"),
    pytest.param(None, 399_000, "mixed", 1, id="remove-mixed"),
    pytest.param(390_000, 390_000, "mixed", 0, id="modify-both-mixed"),
    pytest.param(390_000, 390_000, "mixed", 2, id="modify-both-mixed-shift2"),
    pytest.param(390_000, 390_000, "mixed", 3, id="modify-both-mixed-shift3"),
    pytest.param(395_000, 300, "escapes", 0, id="modify-small-old"),
    pytest.param(200_000, 200_000, "escapes", 1, id="modify-escapes"),
]


@pytest.mark.parametrize(("new", "old", "unit", "pad"), BIG_CASES)
def test_oversize_record_is_truncated(
    echo: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    new: int | None,
    old: int | None,
    unit: str,
    pad: int,
) -> None:
    event = big_event(new, old, UNITS[unit], pad)
    out, _ = run_py(echo, event)
    line, small = lines_of(out)
    size = len(line.encode("utf-8"))
    assert size <= echo.MAX_LINE_BYTES == 256 * 1024 - 1024
    obj = json.loads(line)
    full = full_line(echo, event, monkeypatch)
    full_obj = json.loads(full)
    images = [x for x in ("newImage", "oldImage") if x in full_obj]
    assert list(obj) == [
        *LINE_FIELDS,
        "sizeBytes",
        "truncated",
        "originalBytes",
        *(f"{x}Truncated" for x in images),
    ]
    assert obj["truncated"] is True
    assert obj["originalBytes"] == len(full.encode("utf-8")) > echo.MAX_LINE_BYTES
    for field in [*LINE_FIELDS, "sizeBytes"]:
        assert obj[field] == full_obj[field]
    assert '"sk":12345678901234567890123456789012345678' in line
    for name in images:
        image_json = json.dumps(full_obj[name], ensure_ascii=False, separators=(",", ":"))
        assert full.count(image_json) == 1  # the image text as written in the full line
        prefix = obj[f"{name}Truncated"]
        assert image_json.startswith(prefix)
        assert len(prefix) > 1000 or prefix == image_json
    if old is not None and old < 1000:
        old_json = json.dumps(full_obj["oldImage"], ensure_ascii=False, separators=(",", ":"))
        assert obj["oldImageTruncated"] == old_json  # small image kept whole
    assert echo.MAX_LINE_BYTES - size < 4 * len(images) + 2  # the budget is used up
    assert json.loads(small)["keys"] == {"k": "x"}


@pytest.mark.parametrize("text", ['ab"c\\dé😀東\n\t\u2028x', '\\\\\\"""', "😀😀😀", "plain"])
def test_cut_never_splits_a_character_or_escape(echo: ModuleType, text: str) -> None:
    escaped = echo._enc(text)[1:-1]
    total = len(escaped.encode("utf-8"))
    previous = ""
    for budget in range(total + 3):
        cut = echo._cut(escaped, budget)
        size = len(cut.encode("utf-8"))
        assert size <= max(budget, 0)
        decoded = json.loads('"' + cut + '"')  # a valid JSON string body
        assert text.startswith(decoded)
        assert escaped.startswith(cut)
        assert len(cut) >= len(previous)
        previous = cut
        rest = escaped[len(cut) :]
        if rest:  # maximal: the next unit (character or escape pair) would not fit
            unit = rest[:2] if rest[0] == "\\" else rest[0]
            assert size + len(unit.encode("utf-8")) > budget


# --------------------------------------------------------------------------- node twin


CROSS_ENVS = {
    "default": {},
    "rbif": {"REPORT_BATCH_ITEM_FAILURES": "true"},
    "warn": {"AWS_LAMBDA_LOG_LEVEL": "WARN"},
}


@needs_node
@pytest.mark.parametrize("env_name", list(CROSS_ENVS))
@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_node_matches_python(echo: ModuleType, tmp_path: Path, path: Path, env_name: str) -> None:
    env = CROSS_ENVS[env_name]
    py_out, py_result = run_py(echo, load_event(path), env)
    node_out, node_result = run_node(path, tmp_path, env)
    assert node_out == py_out
    assert node_result == py_result


@needs_node
@pytest.mark.parametrize(("new", "old", "unit", "pad"), BIG_CASES)
def test_node_matches_python_on_oversize(
    echo: ModuleType, tmp_path: Path, new: int | None, old: int | None, unit: str, pad: int
) -> None:
    event = big_event(new, old, UNITS[unit], pad)
    py_out, py_result = run_py(echo, event)
    node_out, node_result = run_node(write_event(event, tmp_path), tmp_path)
    assert b'"truncated":true' in py_out
    assert node_out == py_out
    assert node_result == py_result


@needs_node
def test_node_commonjs_inline_source(echo: ModuleType, tmp_path: Path) -> None:
    """The CommonJS text put in Code.ZipFile (index.js) behaves like the ES module."""
    index = tmp_path / "inline" / "index.js"
    index.parent.mkdir()
    index.write_text(handler_source("nodejs"), encoding="utf-8")
    env = {"REPORT_BATCH_ITEM_FAILURES": "true"}
    for name in ("insert_all_types.json", "window_final_with_records.json", "lone_surrogates.json"):
        path = event_path(name)
        cjs = run_node(path, tmp_path, env, module=index)
        assert cjs == run_node(path, tmp_path, env)
        assert cjs == run_py(echo, load_event(path), env)


def _node_map(values: list[Any], tmp_path: Path, mode: str) -> list[str]:
    assert NODE is not None
    src, dst = tmp_path / "values.json", tmp_path / "out.json"
    src.write_text(json.dumps(values), encoding="utf-8")
    subprocess.run([NODE, "-e", NODE_STRINGIFY, str(src), str(dst), mode], check=True, timeout=120)
    result: list[str] = json.loads(dst.read_text(encoding="utf-8"))
    return result


@needs_node
def test_string_escaping_matches_json_stringify(echo: ModuleType, tmp_path: Path) -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    lone = (
        "a\ud800b\udbff\udc00\udfffc\ud83d"  # \udbff\udc00 is a valid pair (U+10FC00) once parsed
    )
    values = [every[i : i + 65536] for i in range(0, len(every), 65536)] + [lone, "\ud800"]
    expected = _node_map(values, tmp_path, "json")
    # Both JSON parsers join the escaped pair into one code point: compare on that.
    parsed_back = json.loads(json.dumps(values))
    got = [echo._fix(echo._enc(v)) for v in parsed_back]
    assert got[:-2] == expected[:-2]
    assert expected[-2] == '"a\\ud800b\U0010fc00\\udfffc\\ud83d"'
    assert got[-2] == expected[-2]
    assert got[-1] == expected[-1] == '"\\ud800"'


def _random_doubles(n: int) -> list[float]:
    rng = random.Random(20240501)
    out: list[float] = []
    while len(out) < n:
        (x,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        if math.isfinite(x):
            out.append(x)
    return out


@needs_node
def test_number_formatting_matches_javascript(echo: ModuleType, tmp_path: Path) -> None:
    special = [0.0, -0.0, 0.1, 1.0, -1.5, 1e21, 1e20, 1e-7, 1e-6, 1.5e-7, 123e-20, 2.0**53,
               2.0**60, 5e-324, 1.7976931348623157e308, 1e16, 123456789012345680000.0,
               1714550400.5, 0.000001, 100.0, 1234.5678]  # fmt: skip
    floats = special + _random_doubles(3000) + [rng_int / 7 for rng_int in range(-500, 500)]
    assert [echo._jsfloat(x) for x in floats] == _node_map(floats, tmp_path, "string")
    ints = [0, -7, 2**53, 2**53 + 1, -(2**53) - 3, 2**60, 10**25, -(10**30), 10**400]
    plain = [ints, {"b": 1, "10": [True, None, 1.0], "2": "x", "a": {"01": 2, "0": 3}}]
    assert [echo._plain(v) for v in plain] == _node_map(plain, tmp_path, "json")
    assert echo._plain(Decimal("1714550400.25")) == "1714550400.25"


def test_python_number_formatting_without_node(echo: ModuleType) -> None:
    cases = [
        (0.0, "0"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (2.0**60, "1152921504606847000"),
        (-1.5, "-1.5"),
        (5e-324, "5e-324"),
        (float("nan"), "null"),
    ]
    for value, text in cases:
        assert echo._jsfloat(value) == text
