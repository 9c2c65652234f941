"""Renders one core.steps Question as a prompt: its text, help, default and validation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ddbwizard.core import (
    DESTINATION_ARN_SHAPE,
    TYPE_AN_ARN,
    AnswerProblem,
    Answers,
    Question,
    destination_choice,
    destination_choices,
    typed_destination,
)
from ddbwizard.prompts.prompter import Option, Prompter


def with_text(question: Question, answers: Answers, raw: str) -> Answers:
    """Text as typed -> new Answers; raises AnswerProblem (parse or the model's own rules)."""
    return question.apply(answers, question.parse(raw))


def problem_with(question: Question, answers: Answers) -> Callable[[str], str | None]:
    """The validator of a typed answer: the same rules as the answers file."""
    return _problem(lambda raw: with_text(question, answers, raw))


def _problem(use: Callable[[str], Answers]) -> Callable[[str], str | None]:
    def check(raw: str) -> str | None:
        try:
            use(raw)
        except AnswerProblem as problem:
            return str(problem)
        return None

    return check


def ask(
    prompter: Prompter,
    question: Question,
    answers: Answers,
    destinations: Callable[[], Sequence[str]] | None = None,
) -> Answers:
    """Ask `question` until its answer fits `answers`; return the new Answers."""
    current = question.current(answers)
    while True:
        if question.kind == "bool":
            value: Any = prompter.confirm(question.prompt, bool(current), help=question.help)
        elif question.kind == "choice":
            options = [Option(c.value, c.label, c.help) for c in question.options(answers)]
            value = prompter.select(question.prompt, options, current, help=question.help)
        elif question.kind == "destination":
            listed = destinations() if destinations else ()
            return _ask_destination(prompter, question, answers, listed)
        else:
            raw = prompter.text(
                question.prompt,
                question.as_text(current),
                problem_with(question, answers),
                help=question.help,
                instruction=f"({question.hint})" if question.hint else "",
            )
            return with_text(question, answers, raw)
        try:
            return question.apply(answers, value)
        except AnswerProblem as problem:  # a choice that contradicts an earlier answer
            prompter.say(f"  {problem}")


def _ask_destination(
    prompter: Prompter, question: Question, answers: Answers, listed: Sequence[str]
) -> Answers:
    """The choices the TUI offers too (core): none, a queue the stack makes, the region's
    queues and topics, or an ARN typed in, checked by the answers file's rule."""
    options = [Option(c.value, c.label, c.help) for c in destination_choices(answers, listed)]
    choice = prompter.select(question.prompt, options, destination_choice(answers), question.help)
    if choice != TYPE_AN_ARN:
        return with_text(question, answers, choice)

    def typed(raw: str) -> Answers:
        return question.apply(answers, typed_destination(raw))

    raw = prompter.text(f"{question.prompt}: ARN", "", _problem(typed), DESTINATION_ARN_SHAPE)
    return typed(raw)
