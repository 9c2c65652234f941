"""Strict reading of answers documents (YAML 1.2 scalars, no duplicate keys); atomic writes."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ddbwizard.core.errors import UsageError
from ddbwizard.core.model import limits
from ddbwizard.core.text import inert


class FileWriteError(UsageError):
    """A file could not be written (read-only folder, disk full, ...); nothing was sent to AWS."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{inert(str(path))}: cannot write ({reason})")
        self.path = path
        self.reason = reason


class JsonProblem(ValueError):
    """JSON text that `strict_json` refuses; the message says why, in one line."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars and duplicate keys rejected.

    PyYAML follows YAML 1.1, where `on`, `no` and `y` are booleans, `010` is octal and
    `2026-01-01` is a date. Here they stay strings, so the schema rejects them by name.
    """

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):  # aliases can expand exponentially ("bombs")
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in an answers file", mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                problem = "a key must be a plain value, not a list or a mapping"
                raise yaml.constructor.ConstructorError(
                    None, None, problem, key_node.start_mark
                ) from None
            if key in seen:
                first = seen[key].start_mark.line + 1
                problem = f"duplicate key {key!r} (first at line {first})"
                raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("tag:yaml.org,2002:int", r"[-+]?(?:0|[1-9][0-9]*)", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", "~nN\0"),
):
    _StrictLoader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))


MAX_DEPTH = limits.MAX_NESTING  # an answers file needs 6 levels; deeper is a mistake, not data
MAX_BYTES = limits.MAX_ANSWERS_FILE_BYTES


def parse_document(text: str, source: str, as_json: bool) -> Any:
    """Parse YAML (or JSON) text; syntax errors name the line and column.

    Nesting beyond MAX_DEPTH, and numbers too long for Python to convert, are usage errors
    too (both would otherwise be a RecursionError or a ValueError deep in a parser).
    """
    try:
        data = _parse(text, source, as_json)
    except RecursionError:
        raise UsageError(f"{source}: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # Python's 4,300-digit limit for int("...")
        raise UsageError(f"{source}: not valid YAML or JSON ({exc})") from None
    if _too_deep(data):
        raise UsageError(f"{source}: nested more than {MAX_DEPTH} levels deep")
    return data


def _too_deep(data: Any) -> bool:
    """True when lists and mappings nest more than MAX_DEPTH levels (checked without recursion)."""
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False


def _parse(text: str, source: str, as_json: bool) -> Any:
    if as_json:
        return _parse_json(text, source)
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise UsageError(f"{source}: {where}{exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{source}: not valid YAML ({exc})") from None


def _parse_json(text: str, source: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise UsageError(f"{source}: duplicate key {key!r}")
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}: {json_syntax(exc)}") from None


def json_syntax(exc: json.JSONDecodeError) -> str:
    """Where JSON text is broken: 'line 1, column 2: Expecting value'."""
    return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in JSON text (counted without parsing it)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def strict_json(text: str) -> Any:
    """Parse JSON text strictly, or raise JsonProblem with a one-line reason.

    Refused: syntax errors (with line and column), NaN, Infinity and numbers out of the
    float range, duplicate keys (named), and nesting deeper than MAX_DEPTH (checked before
    parsing, so a 3,000-deep text is refused, never a RecursionError).
    """
    if json_depth(text) > MAX_DEPTH:
        raise JsonProblem(f"nested more than {MAX_DEPTH} levels deep")

    def constant(name: str) -> Any:
        raise JsonProblem(f"{name} is not a JSON number (write a number or a quoted string)")

    def finite(number: str) -> float:
        value = float(number)
        if not math.isfinite(value):
            raise JsonProblem(f"the number {number[:40]} is out of range")
        return value

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise JsonProblem(f"duplicate key {inert(repr(key[:40]))}")
            result[key] = value
        return result

    try:
        return json.loads(
            text, parse_constant=constant, parse_float=finite, object_pairs_hook=no_duplicates
        )
    except JsonProblem:
        raise
    except json.JSONDecodeError as exc:
        raise JsonProblem(f"not valid JSON: {json_syntax(exc)}") from None
    except RecursionError:
        raise JsonProblem(f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # Python's 4,300-digit limit for int("...")
        raise JsonProblem(f"not valid JSON ({exc})") from None


def read_document(path: Path) -> Any:
    """Read and parse an answers document; every failure is a UsageError naming the path.

    At most MAX_BYTES + 1 bytes are read, from a regular file or anything else (/dev/zero,
    a FIFO, a device): a larger document is refused before it is read whole.
    """
    text = _utf8(_read_bounded(path), path)
    return parse_document(text, inert(str(path)), as_json=path.suffix.lower() == ".json")


def read_json_file(path: Path, kind: str) -> Any:
    """Read a JSON file (`kind`: "an event file") as strictly as `strict_json` parses, with
    the bounds of `read_document`; every failure is a UsageError naming the path."""
    text = _utf8(_read_bounded(path, kind), path)
    try:
        return strict_json(text)
    except JsonProblem as exc:
        raise UsageError(f"{inert(str(path))}: {exc}") from None


def _utf8(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{inert(str(path))}: not UTF-8 text (byte {exc.start})") from None


def _read_bounded(path: Path, kind: str = "an answers file") -> bytes:
    shown = inert(str(path))
    too_big = UsageError(f"{shown}: larger than {MAX_BYTES:,} bytes (1 MiB); {kind} holds a few KB")
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if stat.S_ISREG(info.st_mode):
            if info.st_size > MAX_BYTES:
                raise too_big
            raw = path.read_bytes()  # a regular file of at most MAX_BYTES, as stat says
        else:  # /dev/zero, a FIFO, a terminal: no size to trust, so read a bounded amount
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise UsageError(f"{shown}: is a directory, not {kind}") from None
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:  # a regular file that grew after stat, or a stream
        raise too_big
    return raw


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename.

    A file that is replaced keeps its permission bits (a 0600 file stays 0600); a new file
    gets 0644 less the umask. A target that exists but is not a regular file (/dev/null,
    /dev/stdout, a FIFO) is written in place: renaming over it would replace the device
    itself. Every failure (read-only folder, disk full, text UTF-8 cannot encode) is a
    FileWriteError naming the path and the reason, never a raw OSError.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        reason = (
            f"the text holds {inert(exc.object[exc.start : exc.end])}, which UTF-8 cannot encode"
        )
        raise FileWriteError(path, reason) from None
    try:
        existing: os.stat_result | None = path.stat()
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        try:
            with path.open("wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise FileWriteError(path, _reason(exc)) from None
        return
    mode = stat.S_IMODE(existing.st_mode) if existing else 0o644 & ~_umask()
    folder = path.parent if str(path.parent) else Path()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise FileWriteError(path, _reason(exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise FileWriteError(path, _reason(exc)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
