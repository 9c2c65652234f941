"""The Prompter protocol: the few prompts the line wizard needs, so tests can fake them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Validate = Callable[[str], str | None]
"""Text as typed -> None when it can be used, else the reason to show."""


@dataclass(frozen=True)
class Option:
    """One entry of a select list: the value it returns, its title (echoed as the answer), a
    one-line description and a note shown after the title in the list only ("no stream")."""

    value: Any
    title: str
    description: str = ""
    note: str = ""


class Prompter(Protocol):
    """Asks questions and writes lines. Ctrl-C at a prompt raises KeyboardInterrupt."""

    def select(
        self, message: str, options: Sequence[Option], default: Any = None, help: str = ""
    ) -> Any:
        """One value out of `options`."""

    def text(
        self,
        message: str,
        default: str = "",
        validate: Validate | None = None,
        help: str = "",
        instruction: str = "",
    ) -> str:
        """Free text, accepted only when `validate` finds no problem."""

    def autocomplete(
        self,
        message: str,
        choices: Sequence[str],
        default: str = "",
        validate: Validate | None = None,
        help: str = "",
    ) -> str:
        """Free text completed from `choices`."""

    def confirm(self, message: str, default: bool = True, help: str = "") -> bool:
        """Yes or no."""

    def say(self, line: str = "") -> None:
        """One line of output between prompts."""

    def show(self, text: str) -> None:
        """A block of text shown as it is (a template)."""
