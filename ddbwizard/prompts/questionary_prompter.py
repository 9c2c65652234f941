"""The real Prompter: questionary prompts via unsafe_ask(), so Ctrl-C reaches the one handler.

Every line it writes and every question, choice and problem it shows is made inert: table
names, ARNs, outputs, log events and AWS messages reach it, and none may drive the terminal.
The only escapes it writes itself are the dim colour of the help text.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, TextIO

import questionary
from prompt_toolkit.document import Document
from prompt_toolkit.validation import ValidationError, Validator

from ddbwizard.core import inert
from ddbwizard.lines import use_colour
from ddbwizard.prompts.prompter import Option, Validate

DESCRIPTION = "  Description: "  # how questionary starts a choice's description


class _Check(Validator):
    """Runs the engine's parse-and-apply on every keystroke; the problem is shown as typed."""

    def __init__(self, check: Validate) -> None:
        self.check = check

    def validate(self, document: Document) -> None:
        problem = self.check(document.text)
        if problem:
            raise ValidationError(message=inert(problem), cursor_position=len(document.text))


def width() -> int:
    """Columns to wrap help text at: the terminal's, at most 100."""
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def _wrap(description: str) -> str | None:
    """questionary shows a description on one line after "  Description: ": wrap it under that."""
    lines = textwrap.wrap(inert(description), width() - len(DESCRIPTION) - 1)
    return ("\n" + " " * len(DESCRIPTION)).join(lines) if lines else None


def _choices(options: Sequence[Option]) -> list[questionary.Choice]:
    """The select list: titles and descriptions shown inert, each value kept as it is."""
    return [
        questionary.Choice(title=inert(o.title), value=o.value, description=_wrap(o.description))
        for o in options
    ]


class QuestionaryPrompter:
    """Prints a question's help (wrapped, dim on a colour terminal) above the prompt."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.colour = use_colour(self.out)

    def _help(self, help: str) -> None:
        for line in textwrap.wrap(inert(help), width() - 3):
            self._line(f"\x1b[2m  {line}\x1b[0m" if self.colour else f"  {line}")

    def select(
        self, message: str, options: Sequence[Option], default: Any = None, help: str = ""
    ) -> Any:
        self._help(help)
        values = [o.value for o in options]
        return questionary.select(
            inert(message), _choices(options), default=default if default in values else None
        ).unsafe_ask()

    def text(
        self,
        message: str,
        default: str = "",
        validate: Validate | None = None,
        help: str = "",
        instruction: str = "",
    ) -> str:
        self._help(help)
        answer: str = questionary.text(
            inert(message),
            default=default,
            validate=_Check(validate) if validate else None,
            instruction=instruction or None,
        ).unsafe_ask()
        return answer

    def autocomplete(
        self,
        message: str,
        choices: Sequence[str],
        default: str = "",
        validate: Validate | None = None,
        help: str = "",
    ) -> str:
        self._help(help)
        answer: str = questionary.autocomplete(
            inert(message),
            list(choices),
            default=default,
            validate=_Check(validate) if validate else None,
        ).unsafe_ask()
        return answer

    def confirm(self, message: str, default: bool = True, help: str = "") -> bool:
        self._help(help)
        return bool(questionary.confirm(inert(message), default=default).unsafe_ask())

    def _line(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def say(self, line: str = "") -> None:
        """One line, inert; its tabs and line breaks are kept (a log event's are its own)."""
        self._line(inert(line, multiline=True))

    def show(self, text: str) -> None:
        shown = inert(text, multiline=True)
        self.out.write(shown if shown.endswith("\n") else shown + "\n")
        self.out.flush()
