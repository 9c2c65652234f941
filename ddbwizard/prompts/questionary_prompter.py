"""The real Prompter: questionary prompts via unsafe_ask(), so Ctrl-C reaches the one handler.

Every line it writes and every question, choice and problem it shows is made inert: table
names, ARNs, outputs, log events and AWS messages reach it, and none may drive the terminal.
The only escapes it writes itself are the colours of the help, the problems and the echo.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import questionary

from ddbwizard.core import inert
from ddbwizard.lines import use_colour
from ddbwizard.prompts.prompter import Option, Validate

DESCRIPTION = "  Description: "  # how questionary starts a choice's description
NOTE_COLUMN = 40  # titles are padded to the longest, at most this, before their notes
# questionary's own colours for its "? question answer" line, as 256-colour escapes.
QMARK, ANSWER = "\x1b[38;5;67m", "\x1b[38;5;214;1m"


def width() -> int:
    """Columns to wrap help text at: the terminal's, at most 100."""
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def _wrap(description: str) -> str | None:
    """questionary shows a description on one line after "  Description: ": wrap it under that."""
    lines = textwrap.wrap(
        inert(description),
        width() - len(DESCRIPTION) - 1,
        break_on_hyphens=False,  # an ARN's region (us-east-1) stays on one line
        break_long_words=False,
    )
    return ("\n" + " " * len(DESCRIPTION)).join(lines) if lines else None


def _choices(options: Sequence[Option]) -> list[questionary.Choice]:
    """The select list: titles (padded before their notes) and descriptions shown inert, each
    value kept as it is."""
    column = min(max((len(inert(o.title)) for o in options if o.note), default=0), NOTE_COLUMN)
    return [
        questionary.Choice(
            title=f"{inert(o.title):<{column}}  {inert(o.note)}" if o.note else inert(o.title),
            value=o.value,
            description=_wrap(o.description),
        )
        for o in options
    ]


class QuestionaryPrompter:
    """Prints a question's help (wrapped, dim on a colour terminal) above the prompt, and a
    problem with a typed answer (wrapped, whole) above the prompt that asks again."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.colour = use_colour(self.out)

    def _help(self, help: str) -> None:
        for line in textwrap.wrap(inert(help), width() - 3):
            self._line(f"\x1b[2m  {line}\x1b[0m" if self.colour else f"  {line}")

    def _problem(self, problem: str) -> None:
        for line in textwrap.wrap(inert(problem), width() - 3, break_long_words=False):
            self._line(f"\x1b[31m  {line}\x1b[0m" if self.colour else f"  {line}")

    def _echo(self, message: str, answer: str) -> None:
        """The "? question answer" line questionary leaves, with the answer alone."""
        question, shown = inert(message), inert(answer)
        if not self.colour:
            self._line(f"? {question} {shown}".rstrip())
        elif shown:
            self._line(f"{QMARK}?\x1b[0m \x1b[1m{question}\x1b[0m {ANSWER}{shown}\x1b[0m")
        else:
            self._line(f"{QMARK}?\x1b[0m \x1b[1m{question}\x1b[0m")

    def select(
        self, message: str, options: Sequence[Option], default: Any = None, help: str = ""
    ) -> Any:
        """The list is erased once answered and the chosen title echoed: questionary would
        echo the whole entry, its note included ("customers  no stream")."""
        self._help(help)
        values = [o.value for o in options]
        try:
            value = questionary.select(
                inert(message),
                _choices(options),
                default=default if default in values else None,
                erase_when_done=True,
            ).unsafe_ask()
        except KeyboardInterrupt:
            self._echo(message, "")  # the question stays in the scroll-back, unanswered
            raise
        self._echo(message, next(o.title for o in options if o.value == value))
        return value

    def _until_valid(
        self, ask: Callable[[str], str], default: str, validate: Validate | None
    ) -> str:
        """Checked after Enter: questionary would keep the problem in a one-line toolbar, cut
        at the terminal's width. The whole problem is printed and the prompt asks again,
        with what was typed."""
        typed = default
        while True:
            typed = ask(typed)
            problem = validate(typed) if validate else None
            if problem is None:
                return typed
            self._problem(problem)

    def text(
        self,
        message: str,
        default: str = "",
        validate: Validate | None = None,
        help: str = "",
        instruction: str = "",
    ) -> str:
        self._help(help)

        def ask(typed: str) -> str:
            answer: str = questionary.text(
                inert(message), default=typed, instruction=instruction or None
            ).unsafe_ask()
            return answer

        return self._until_valid(ask, default, validate)

    def autocomplete(
        self,
        message: str,
        choices: Sequence[str],
        default: str = "",
        validate: Validate | None = None,
        help: str = "",
    ) -> str:
        self._help(help)

        def ask(typed: str) -> str:
            answer: str = questionary.autocomplete(
                inert(message), list(choices), default=typed
            ).unsafe_ask()
            return answer

        return self._until_valid(ask, default, validate)

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
