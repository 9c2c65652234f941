"""How a log event of the echo function reads in a live view: one line, or pretty JSON.

The echo handler writes one JSON object per stream record (handler_templates/python/echo.py
lists its fields); Lambda's JSON log format may wrap a line in its own record
({"timestamp", "level", "requestId", "message"}), and the runtime adds its own events
(START/END/REPORT lines, or {"type": "platform.report", ...} records). `log_view` turns any of
them into a short summary (event name, keys, a compact image) and the full pretty JSON.
Neither is inert yet: front ends pass both through core.text.inert before a terminal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

_WRAPPER_KEYS = frozenset({"timestamp", "level", "requestId"})


@dataclass(frozen=True)
class LogView:
    """One log event as a live view shows it."""

    summary: str  # one line: what happened (an echo record: event name, keys, image)
    pretty: str  # the whole event: indented JSON, or the text as the function wrote it
    record: bool  # True for an echo record line (a table change)


def _one_line(text: str) -> str:
    """Text on one line: its lines joined by two spaces, tabs as two spaces (no character
    of the text itself is dropped)."""
    return "  ".join(line for line in text.replace("\t", "  ").splitlines() if line.strip())


def _loads(text: str) -> Any:
    """JSON with its numbers kept as written (DynamoDB numbers have up to 38 digits)."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def _dumps(value: Any, indent: int | None = None, level: int = 0) -> str:
    """JSON text of what `_loads` read: compact, or indented by `indent` spaces."""
    if isinstance(value, Decimal):
        return str(value)
    if not isinstance(value, dict | list) or not value:
        return json.dumps(value, ensure_ascii=False)
    items: list[str] = (
        [
            f"{json.dumps(k, ensure_ascii=False)}:{_gap(indent)}{_dumps(v, indent, level + 1)}"
            for k, v in value.items()
        ]
        if isinstance(value, dict)
        else [_dumps(v, indent, level + 1) for v in value]
    )
    open_, close = "{}" if isinstance(value, dict) else "[]"
    if indent is None:
        return open_ + ",".join(items) + close
    inner, outer = "\n" + " " * (indent * (level + 1)), "\n" + " " * (indent * level)
    return open_ + inner + ("," + inner).join(items) + outer + close


def _gap(indent: int | None) -> str:
    return "" if indent is None else " "


def _compact(value: Any) -> str:
    return _dumps(value)


def _unwrap(value: Any) -> Any:
    """The function's own line inside Lambda's JSON log record, when it is one."""
    if isinstance(value, dict) and "message" in value and _WRAPPER_KEYS & value.keys():
        inner = value["message"]
        if isinstance(inner, str):
            try:
                return _loads(inner)
            except ValueError:
                return inner
        return inner
    return value


def _record_summary(line: dict[str, Any]) -> str:
    name = str(line.get("eventName", "?"))
    parts = [f"{name:<6}", _compact(line.get("keys", {}))]
    if line.get("truncated"):
        parts.append(f"(truncated, {line.get('originalBytes', '?')} bytes)")
    image_key = "oldImage" if name == "REMOVE" else "newImage"
    if image_key in line:
        parts.append(f"{'old' if image_key == 'oldImage' else 'new'} {_compact(line[image_key])}")
    elif f"{image_key}Truncated" in line:
        parts.append(f"{image_key[:3]} {line[f'{image_key}Truncated']}…")
    return "  ".join(parts)


def _summary(value: Any) -> tuple[str, bool]:
    if not isinstance(value, dict):
        return (value if isinstance(value, str) else _compact(value)), False
    if "eventName" in value and "keys" in value:
        return _record_summary(value), True
    if "windowSummary" in value:
        return f"window  {_compact(value['windowSummary'])}", False
    if "errorMessage" in value or "errorType" in value:
        kind, message = value.get("errorType", "Error"), value.get("errorMessage", "")
        return f"ERROR  {kind}: {message}", False
    if isinstance(value.get("type"), str) and value["type"].startswith("platform."):
        return f"{value['type']}  {_compact(value.get('record', {}))}", False
    if "error" in value and "record" in value:  # the echo's "unrecognized record"
        return f"ERROR  {value['error']}", False
    return _compact(value), False


def log_view(message: str) -> LogView:
    """The summary and pretty forms of one log event's message."""
    text = message.rstrip("\n")
    try:
        parsed: Any = _loads(text)
    except ValueError:
        return LogView(summary=_one_line(text), pretty=text, record=False)
    inner = _unwrap(parsed)
    summary, record = _summary(inner)
    pretty = _dumps(inner if inner is not parsed and isinstance(inner, dict) else parsed, 2)
    return LogView(summary=summary if record else _one_line(summary), pretty=pretty, record=record)
