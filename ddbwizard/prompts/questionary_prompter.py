"""The real Prompter: questionary prompts via unsafe_ask(), so Ctrl-C reaches the one handler."""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, TextIO

import questionary
from prompt_toolkit.document import Document
from prompt_toolkit.validation import ValidationError, Validator

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
            raise ValidationError(message=problem, cursor_position=len(document.text))


def width() -> int:
    """Columns to wrap help text at: the terminal's, at most 100."""
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def _wrap(description: str) -> str | None:
    """questionary shows a description on one line after "  Description: ": wrap it under that."""
    lines = textwrap.wrap(description, width() - len(DESCRIPTION) - 1)
    return ("\n" + " " * len(DESCRIPTION)).join(lines) if lines else None


class QuestionaryPrompter:
    """Prints a question's help (wrapped, dim on a colour terminal) above the prompt."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.colour = use_colour(self.out)

    def _help(self, help: str) -> None:
        for line in textwrap.wrap(help, width() - 3):
            self.say(f"\x1b[2m  {line}\x1b[0m" if self.colour else f"  {line}")

    def select(
        self, message: str, options: Sequence[Option], default: Any = None, help: str = ""
    ) -> Any:
        self._help(help)
        choices = [
            questionary.Choice(title=o.title, value=o.value, description=_wrap(o.description))
            for o in options
        ]
        values = [o.value for o in options]
        return questionary.select(
            message, choices, default=default if default in values else None
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
            message,
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
            message,
            list(choices),
            default=default,
            validate=_Check(validate) if validate else None,
        ).unsafe_ask()
        return answer

    def confirm(self, message: str, default: bool = True, help: str = "") -> bool:
        self._help(help)
        return bool(questionary.confirm(message, default=default).unsafe_ask())

    def say(self, line: str = "") -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def show(self, text: str) -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()
