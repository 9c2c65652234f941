"""Turn pydantic's errors into one line per problem, each starting with the field's path."""

from __future__ import annotations

import json
import re
from difflib import get_close_matches
from typing import Any

from pydantic import BaseModel, ValidationError

from ddbwizard.core.text import inert

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n"}
_KINDS = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "string_type": "a string",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "tuple_type": "a list",
    "list_type": "a list",
}


def field_path(loc: tuple[int | str, ...]) -> str:
    """('mapping', 'filter_patterns', 0) -> 'mapping.filter_patterns[0]'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(part):  # '' or odd keys: ['a b'], so the path stays readable
            text += f"[{_shown(part[:40])}]"
        else:
            text += f".{part}" if text else part
    return text


SHOWN_MAX = 80  # a value quoted in a message: enough to recognise it, never a 100 KB line


def _shown(value: Any) -> str:
    """A value quoted in a message: repr or JSON, made inert (no control character reaches a
    terminal through a message) and shortened."""
    return shorten(inert(repr(value) if isinstance(value, str) else _json(value)))


def shown(value: Any) -> str:
    """`value` as an error message quotes it: 'a\\x1bb', inert and at most SHOWN_MAX long."""
    return _shown(value)


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__}"


def shorten(text: str) -> str:
    """`text`, cut to SHOWN_MAX characters with an ellipsis."""
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class whose fields live at `loc`, for suggesting a misspelled key."""
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
    return model


def _message(error: Any, root: type[BaseModel]) -> list[str]:
    kind, loc, value = error["type"], tuple(error["loc"]), error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "cross_field":
        return [inert(problem) for problem in ctx["problems"]]
    if kind == "extra_forbidden":
        parent = _model_at(root, loc[:-1])
        known = list(parent.model_fields) if parent else []
        close = get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        return [inert(f"{field_path(loc)}: unknown key ({hint})")]
    if kind == "missing":
        return [f"{field_path(loc)}: required"]
    if kind == "ddbwizard":
        text = str(error["msg"])
        loc = (*loc, ctx["field"]) if "field" in ctx else loc
    elif kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        text = f"must be one of {expected}, got {_shown(value)}"
        if value == "AT_TIMESTAMP":
            text += " (AT_TIMESTAMP is for Kinesis and Kafka; DynamoDB streams take TRIM_HORIZON or LATEST)"
    elif kind in _KINDS:
        text = f"must be {_KINDS[kind]}, got {_shown(value)}"
        if isinstance(value, str) and value.lower() in _YAML11_BOOLEANS | {"true", "false"}:
            text += " (write true or false, unquoted)" if kind.startswith("bool") else ""
        if isinstance(value, str) and value[:1] == "0" and value.isdigit():
            text += " (a leading zero is not a number here: write it without)"
    elif kind == "too_long":
        text = f"at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    else:
        text = str(error["msg"])
    path = field_path(loc)
    return [inert(f"{path}: {text}" if path else text)]


def format_validation_error(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """One line per problem, in the order of the document; duplicates removed."""
    lines: list[str] = []
    for error in exc.errors(include_url=False):
        for line in _message(error, root):
            if line not in lines:
                lines.append(line)
    return lines
