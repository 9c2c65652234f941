"""A fake Prompter: answers from a script, the default for anything unscripted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ddbwizard.cli import guarded
from ddbwizard.core.changes import ChangeLog
from ddbwizard.prompts.prompter import Option, Validate
from ddbwizard.prompts.wizard import PlainWizard

INTERRUPT = object()  # a script answer that presses Ctrl-C at that prompt
_DEFAULT = object()


@dataclass
class FakePrompter:
    """`script`: (part of the question text, answer) pairs, in order.

    A question that does not match the next pair takes its default, like pressing Enter.
    A typed answer that fails validation is recorded in `problems` and the question is
    asked again (the next pair must answer it), as questionary keeps the prompt open.
    """

    script: list[tuple[str, Any]]
    asked: list[tuple[str, str]] = field(default_factory=list)  # (kind, question text)
    lines: list[str] = field(default_factory=list)
    helps: list[str] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)

    def _answer(self, kind: str, message: str, help: str) -> Any:
        self.asked.append((kind, message))
        if help:
            self.helps.append(help)
        if self.script and self.script[0][0] in message:
            _, answer = self.script.pop(0)
            if answer is INTERRUPT:
                raise KeyboardInterrupt
            return answer
        return _DEFAULT

    def select(
        self, message: str, options: Sequence[Option], default: Any = None, help: str = ""
    ) -> Any:
        values = [o.value for o in options]
        answer = self._answer("select", message, help)
        if answer is _DEFAULT:
            return default if default in values else values[0]
        assert answer in values, f"{answer!r} is not a choice of {message!r}: {values}"
        return answer

    def _typed(
        self, kind: str, message: str, default: str, validate: Validate | None, help: str
    ) -> str:
        while True:
            answer = self._answer(kind, message, help)
            typed = default if answer is _DEFAULT else str(answer)
            problem = validate(typed) if validate else None
            if problem is None:
                return typed
            assert answer is not _DEFAULT, f"the default {typed!r} of {message!r}: {problem}"
            self.problems.append((message, typed, problem))

    def text(
        self,
        message: str,
        default: str = "",
        validate: Validate | None = None,
        help: str = "",
        instruction: str = "",
    ) -> str:
        return self._typed("text", message, default, validate, help)

    def autocomplete(
        self,
        message: str,
        choices: Sequence[str],
        default: str = "",
        validate: Validate | None = None,
        help: str = "",
    ) -> str:
        return self._typed("autocomplete", message, default, validate, help)

    def confirm(self, message: str, default: bool = True, help: str = "") -> bool:
        answer = self._answer("confirm", message, help)
        return default if answer is _DEFAULT else bool(answer)

    def say(self, line: str = "") -> None:
        self.lines.append(line)

    def show(self, text: str) -> None:
        self.shown.append(text)

    def questions(self) -> list[str]:
        return [message for _, message in self.asked]


@dataclass
class GuardedWizard:
    """A PlainWizard run as the cli runs it: inside the one safety net, with its change log."""

    wizard: PlainWizard

    @property
    def changes(self) -> ChangeLog:
        return self.wizard.changes

    def run(self) -> int:
        return guarded(self.wizard.run, self.wizard.changes)
