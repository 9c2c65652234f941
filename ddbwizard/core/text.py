"""Text from outside (AWS messages, log events, item values, names) made inert for a terminal.

Every front end shows such text through `inert`: C0 and C1 control characters, DEL, the bidi
controls and lone surrogates are written as visible escapes (`\\x1b`, `\\u202e`), so a log event
cannot set the terminal's title, write its clipboard (OSC 52), clear the screen or reorder
what is shown. The TUI also never parses such text as markup (it renders `rich.text.Text`).
"""

from __future__ import annotations

import re

# U+061C ALM, U+200E LRM, U+200F RLM, U+202A-U+202E embeddings and overrides,
# U+2066-U+2069 isolates: the characters that change the order text is shown in.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff]")
_UNSAFE_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: object, *, multiline: bool = False) -> str:
    """`text` with every control character visible as an escape; `multiline` keeps \\n and \\t."""
    shown = text if isinstance(text, str) else str(text)
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE
    return pattern.sub(_escape, shown)


def has_unsafe(text: str) -> bool:
    """True when `text` holds a character `inert` would escape (tabs and newlines included)."""
    return _UNSAFE.search(text) is not None


_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+(?::[^/\s@]*)?@")


def redact(text: str) -> str:
    """Credentials in URLs (http://KEY:SECRET@host) are never printed: they become ***."""
    return _URL_CREDENTIALS.sub(r"\1***@", text)
