"""Renders one core.steps Question as a prompt: its text, help, default and validation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ddbwizard.core import AnswerProblem, Answers, Question
from ddbwizard.prompts.prompter import Option, Prompter

TYPE_ONE = "other"  # the destination option that asks for an ARN


def with_text(question: Question, answers: Answers, raw: str) -> Answers:
    """Text as typed -> new Answers; raises AnswerProblem (parse or the model's own rules)."""
    return question.apply(answers, question.parse(raw))


def problem_with(question: Question, answers: Answers) -> Callable[[str], str | None]:
    """The validator a prompt runs as the user types: the same rules as the answers file."""

    def check(raw: str) -> str | None:
        try:
            with_text(question, answers, raw)
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
        elif question.kind == "destination" and destinations is not None:
            return _ask_destination(prompter, question, answers, destinations())
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
    prompter: Prompter, question: Question, answers: Answers, arns: Sequence[str]
) -> Answers:
    """None, a queue the stack makes, an existing queue or topic, or an ARN typed in."""
    current = question.as_text(question.current(answers)) or "none"
    known = list(arns) + ([current] if current not in (*arns, "none", "create") else [])
    options = [
        Option("none", "none", "records that exhaust their retries are dropped"),
        Option("create", "create", "a new SQS queue, made and deleted with the stack"),
        *(Option(arn, arn) for arn in known),
        Option(TYPE_ONE, "another ARN (type it)"),
    ]
    choice = prompter.select(question.prompt, options, current, help=question.help)
    if choice != TYPE_ONE:
        return with_text(question, answers, choice)
    raw = prompter.text(question.prompt, "", problem_with(question, answers), instruction="(ARN)")
    return with_text(question, answers, raw)
