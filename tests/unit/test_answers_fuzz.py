"""Bad-input generation: mutated answers files are a valid Answers or exit 2, never a traceback.

Valid files (the examples) are mutated (types, ranges, keys, encodings, YAML oddities, huge
values, deep nesting), written to disk and run through `ddbwizard --answers F --export OUT`.
Every result must be exit 0 (valid, template written), exit 2 with a message naming the file
and a field path (or a line and column), or "needs AWS" (valid, no stream.arn: stopped before
any call). No AWS API call may be made. Fixed seed and a bounded count keep it fast in CI.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import botocore.client
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from ddbwizard import connecting
from ddbwizard.cli import main
from ddbwizard.core.errors import DdbWizardError
from ddbwizard.core.model.answers import load_answers

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.yaml"))]  # fmt: skip
for _example in EXAMPLES:  # function.code names a folder beside the example, not in the fuzz's
    for _key in ("code", "entry"):
        _example.get("function", {}).pop(_key, None)
EXAMPLES += [{"table": {"name": "orders"}}]
NEEDS_AWS = 99
FIELD_LINE = re.compile(r"^(?:  )?(?:[A-Za-z_][\w-]*|\[[^\]\n]*\])(?:\.[\w-]+|\[[^\]\n]*\])*: \S")
KEYS = ["version", "aws", "table", "stream", "mapping", "function", "stack", "name", "arn",
        "batch_size", "on_failure", "filter_patterns", "tags", "tabel", "bacth_size", ""]  # fmt: skip

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from([10**400, -1, 0, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["on", "no", "yes", "010", "0x1F", "1e3", "~", "null",
        "2026-01-01", "AT_TIMESTAMP", "KEYS_ONLY", "x" * 10_000, "é東😀\u2028", "\x00"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)  # fmt: skip


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if len(prefix) > 8:  # a deep mutation is not walked again
        return found
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def nest(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    data = json.loads(json.dumps(draw(st.sampled_from(EXAMPLES))))
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(paths(data)))
        kind = draw(st.sampled_from(["set", "delete", "add-key", "deep"]))
        parent: Any = data
        for part in target[:-1]:
            parent = parent[part]
        if not target:
            if kind == "set":
                data = draw(values)
            continue
        last = target[-1]
        if kind == "set":
            parent[last] = draw(values)
        elif kind == "delete":
            del parent[last]
        elif kind == "add-key" and isinstance(parent[last], dict):
            parent[last][draw(st.sampled_from(KEYS))] = draw(values)
        elif kind == "deep":
            parent[last] = nest(draw(st.sampled_from([10, 60, 200, 2000])), draw(scalars))
        if not isinstance(data, dict):
            break
    as_json = draw(st.booleans())
    try:
        text = (json.dumps(data, ensure_ascii=False) if as_json
                else yaml.safe_dump(data, allow_unicode=True, sort_keys=False))  # fmt: skip
    except (RecursionError, ValueError):
        text = "[" * 5000 + "]" * 5000
    raw = text.encode("utf-8")
    oddity = draw(st.sampled_from([
        "none", "none", "none", "bom", "utf16", "latin1", "nul", "tab", "alias", "bomb", "tag",
        "python-tag", "multi-doc", "truncate", "dup", "unhashable", "deep-text", "big-int",
        "huge", "pattern-nan", "pattern-dup", "pattern-deep", "pattern-deep-text", "unsafe-tag",
        "surrogate-tag", "bad-arn",
    ]))  # fmt: skip
    head = b"table: {name: orders}\nmapping: {filter_patterns: ["
    extras = {
        "bom": b"\xef\xbb\xbf" + raw,
        "utf16": text.encode("utf-16"),
        "latin1": "# Köln\n".encode("latin-1") + raw,
        "nul": raw + b"\x00",
        "tab": b"\t" + raw,
        "alias": b"x: &a [1, 2]\n" + b"table: {name: *a}\n",
        "bomb": b"a: &a [x,x,x,x,x,x,x,x,x]\n"
        + b"".join(
            f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n".encode()
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + b"table: {name: *i}\n",
        "tag": b"table: {name: !!binary aGVsbG8=}\nmapping: !!set {a, b}\n",
        "python-tag": b"table: !!python/object/apply:os.system ['true']\n",
        "multi-doc": raw + b"\n---\n" + raw,
        "truncate": raw[: max(1, len(raw) // 2)],
        "dup": raw
        + (b"\n" if not as_json else b"")
        + (b"table: {name: x}\n" if not as_json else b""),
        "unhashable": b"table: {name: orders}\n? [a, b]\n: 1\n",
        "deep-text": b"table: {name: orders}\nmapping: " + b"[" * 3000 + b"]" * 3000 + b"\n",
        "big-int": b"table: {name: orders}\nmapping: {batch_size: " + b"9" * 5000 + b"}\n",
        "huge": raw + b"\n#" + b"x" * 1_100_000,
        "pattern-nan": head + b"'{\"eventID\": [NaN]}']}\n",
        "pattern-dup": head + b'\'{"eventID": ["a"], "eventID": ["b"]}\']}\n',
        "pattern-deep": head + b"{a: " * 3000 + b"[x]" + b"}" * 3000 + b"]}\n",
        "pattern-deep-text": head + b"'" + b'{"a": ' * 3000 + b"1" + b"}" * 3000 + b"']}\n",
        "unsafe-tag": b'table: {name: orders}\nstack: {tags: {a: "\\e]52;c;eA==\\a"}}\n',
        "surrogate-tag": b'{"table": {"name": "orders"}, "stack": {"tags": {"a": "\\ud800"}}}',
        "bad-arn": b"table: {name: orders}\nstream: {arn: 'arn:aws-cn:dynamodb:us-east-1:1:table/orders/stream/*'}\n",
    }
    return ("a.json" if as_json and oddity == "none" else "a.yaml"), extras.get(oddity, raw)


def _no_aws(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("an AWS API call was made")


class NeedsAws(DdbWizardError):
    exit_code = NEEDS_AWS


def _connect(*args: Any, **kwargs: Any) -> Any:
    raise NeedsAws("stopped before connecting")


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(case=mutated())
def test_mutated_answers_are_valid_or_exit_2_with_a_path(case: tuple[str, bytes]) -> None:
    name, raw = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        out, err = io.StringIO(), io.StringIO()
        with (
            mock.patch.object(botocore.client.BaseClient, "_make_api_call", _no_aws),
            mock.patch.object(connecting, "connect", _connect),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = main(["--answers", str(path), "--export", str(Path(folder) / "t.yaml")])
        message = err.getvalue()
        assert "Traceback" not in message
        if code == 2:
            assert message.startswith(f"ddbwizard: {path}: "), message[:300]
            body = message[len(f"ddbwizard: {path}: ") :]
            lines = body.rstrip("\n").split("\n")
            assert len(message) < 4000, message[:300]
            if lines[0] == "invalid answers":
                assert all(FIELD_LINE.match(line) for line in lines[1:]), lines
            else:
                assert FIELD_LINE.match(lines[0]) or re.match(
                    r"line \d+, column \d+: |not UTF-8 text|not valid YAML|must be a mapping|"
                    r"nested more than|cannot read|larger than 1,048,576 bytes",
                    lines[0],
                ), lines[0]
        else:
            assert code in (0, NEEDS_AWS), message
            answers = load_answers(path)
            assert (code == 0) == (answers.stream.arn is not None)
            if code == 0:
                assert (Path(folder) / "t.yaml").read_text().startswith("AWSTemplateFormatVersion")
