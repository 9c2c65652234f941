"""Sources of the echo handlers deployed inline (CloudFormation ``Code.ZipFile``).

The handler files live in ``handler_templates/`` at the top of a source checkout
(and editable install); the wheel ships them as ``ddbwizard/handler_templates/``.

CloudFormation writes inline Node.js code to ``index.js``, which Node loads as
CommonJS (ES modules are not supported inline), while ``echo.mjs`` is an ES
module. :func:`handler_source` therefore returns the Node.js handler converted
to CommonJS by rewriting its single export line; :func:`template_source` gives
the file as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

HandlerKind = Literal["python", "nodejs"]

# CloudFormation names the inline file ``index.py`` / ``index.js``.
HANDLER_ENTRY: dict[HandlerKind, str] = {"python": "index.handler", "nodejs": "index.handler"}

TEMPLATE_FILES: dict[HandlerKind, str] = {"python": "python/echo.py", "nodejs": "nodejs/echo.mjs"}

ESM_EXPORT_LINE = "export { handler };"
CJS_EXPORT_LINE = "exports.handler = handler;"


class HandlerTemplateError(RuntimeError):
    """The handler templates cannot be found or have an unexpected shape."""


def templates_dir() -> Path:
    """The ``handler_templates`` folder (wheel layout first, then source checkout)."""
    here = Path(__file__).resolve()
    candidates = (here.parents[2] / "handler_templates", here.parents[3] / "handler_templates")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise HandlerTemplateError(f"handler_templates folder not found (looked in: {tried})")


def template_path(kind: HandlerKind) -> Path:
    """Path of the handler file for ``kind``."""
    try:
        relative = TEMPLATE_FILES[kind]
    except KeyError:
        raise HandlerTemplateError(f"unknown handler kind: {kind!r}") from None
    path = templates_dir() / relative
    if not path.is_file():
        raise HandlerTemplateError(f"handler template missing: {path}")
    return path


def template_source(kind: HandlerKind) -> str:
    """The handler file as it is (``echo.mjs`` stays an ES module)."""
    return template_path(kind).read_text(encoding="utf-8")


def to_commonjs(source: str) -> str:
    """Turn the ES-module handler into CommonJS.

    The module must contain exactly one line that is ``export { handler };``
    (surrounding whitespace allowed); it becomes ``exports.handler = handler;``.
    """
    lines = source.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.strip() == ESM_EXPORT_LINE]
    if len(hits) != 1:
        raise HandlerTemplateError(
            f"expected exactly one {ESM_EXPORT_LINE!r} line in the Node.js handler, "
            f"found {len(hits)}"
        )
    i = hits[0]
    line = lines[i]
    ending = line[len(line.rstrip("\r\n")) :]
    lines[i] = CJS_EXPORT_LINE + ending
    return "".join(lines)


def handler_source(kind: HandlerKind) -> str:
    """Source to put in ``Code.ZipFile`` for the ``kind`` runtime.

    Python: ``echo.py`` unchanged. Node.js: ``echo.mjs`` converted to CommonJS.
    """
    source = template_source(kind)
    return to_commonjs(source) if kind == "nodejs" else source
