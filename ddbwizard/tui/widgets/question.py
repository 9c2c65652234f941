"""One core.steps.Question rendered as a form field: prompt, control, help and inline problem."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from ddbwizard.core import AnswerProblem, Answers, Choice, Question
from ddbwizard.tui.widgets.text import outside

# A yes/no answer as words (a Switch shows no state in text, and Enter toggled it unseen).
YES_NO: list[tuple[str | Text, str]] = [("Yes", "true"), ("No", "false")]


def field_id(question: Question) -> str:
    return "q-" + question.id.replace(".", "-").replace("_", "-")


def _option(choice: Choice) -> Option:
    prompt = Text.assemble((str(choice.label), "bold"))
    if choice.help:
        prompt.append("\n" + choice.help, "dim")
    return Option(prompt)


class QuestionField(Vertical):
    """Shows one question; posts Edited with a parsed value (or the parse problem)."""

    DEFAULT_CSS = """
    QuestionField { height: auto; margin-bottom: 1; border-left: blank; padding-left: 1; }
    QuestionField:focus-within { border-left: thick $accent; }
    QuestionField:focus-within > .prompt { text-style: bold reverse; }
    QuestionField > .prompt { text-style: bold; }
    QuestionField > .help { color: $text-muted; }
    QuestionField > .problem { color: $text-error; display: none; }
    QuestionField > .note { color: $text-accent; display: none; }
    QuestionField.-noted > .note { display: block; }
    QuestionField.-invalid > .problem { display: block; }
    QuestionField > OptionList { height: auto; max-height: 12; }
    QuestionField > TextArea { height: 4; }
    QuestionField > Input { width: 40; }
    QuestionField > Select { width: 60; }
    QuestionField > Select.yes-no { width: 12; }
    """

    class Edited(Message):
        """The user changed the field: `value` parsed, or `problem` set."""

        def __init__(self, field: QuestionField, value: Any, problem: str | None) -> None:
            super().__init__()
            self.field = field
            self.value = value
            self.problem = problem

    def __init__(self, question: Question, answers: Answers) -> None:
        super().__init__(id=field_id(question))
        self.question = question
        self._choices = question.options(answers)
        self._current = question.current(answers)
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        q = self.question
        yield Label(q.prompt + (f"  [dim]({q.hint})[/]" if q.hint else ""), classes="prompt")
        yield self._control()
        yield Static(q.help, classes="help")
        yield Static("", classes="problem")
        yield Static("", classes="note")

    def _control(self) -> Widget:
        q, current = self.question, self._current
        if q.kind == "bool":
            return Select(
                YES_NO,
                value="true" if current else "false",
                allow_blank=False,
                compact=True,
                classes="yes-no",
            )
        if q.kind == "choice" and any(c.help for c in self._choices):
            options = OptionList(*(_option(c) for c in self._choices), compact=True)
            options.highlighted = self._index(current)
            return options
        if q.kind == "choice":
            return Select(
                self._select_options(), value=self._key(current), allow_blank=False, compact=True
            )
        if q.kind == "patterns":
            # Tab and shift+Tab move between fields, as in every other field.
            return TextArea(q.as_text(current), soft_wrap=True, tab_behavior="focus", compact=True)
        # Typing after Tab adds to the value (select-all on focus replaced it unseen).
        return Input(q.as_text(current), placeholder=q.hint, compact=True, select_on_focus=False)

    def _index(self, value: Any) -> int:
        for i, choice in enumerate(self._choices):
            if choice.value == value:
                return i
        return 0

    def _key(self, value: Any) -> str:
        """The Select value of a choice: its own value as text, so a new list of choices
        (another handler's runtimes) changes the Select's value and so what it shows."""
        return str(self._choices[self._index(value)].value)

    def _select_options(self) -> list[tuple[str | Text, str]]:
        return [(c.label, str(c.value)) for c in self._choices]

    # -- updates from the screen ----------------------------------------------------
    def show_problem(self, problem: str | None) -> None:
        self.problem = problem
        # A problem may quote what was typed or an AWS value: shown inert, never as markup.
        self.query_one(".problem", Static).update(outside(problem or "", multiline=True))
        self.set_class(problem is not None, "-invalid")

    def show_note(self, note: str | None) -> None:
        """A line under the field that is not a problem (how many sample records pass)."""
        self.query_one(".note", Static).update(outside(note or ""))
        self.set_class(bool(note), "-noted")

    def refresh_choices(self, answers: Answers) -> None:
        """Choices that depend on other answers (the runtime follows the handler)."""
        choices = self.question.options(answers)
        current = self.question.current(answers)
        select: Select[str] = self.query_one(Select)
        with self.prevent(Select.Changed):
            if choices != self._choices:
                self._choices = choices
                select.set_options(self._select_options())
            select.value = self._key(current)

    # -- edits ------------------------------------------------------------------------
    def _parsed(self, raw: str) -> None:
        try:
            value = self.question.parse(raw)
        except AnswerProblem as exc:
            self.post_message(self.Edited(self, None, str(exc)))
            return
        self.post_message(self.Edited(self, value, None))

    @on(Input.Changed)
    def _input(self, event: Input.Changed) -> None:
        event.stop()
        self._parsed(event.value)

    @on(TextArea.Changed)
    def _text(self, event: TextArea.Changed) -> None:
        event.stop()
        self._parsed(event.text_area.text)

    @on(Select.Changed)
    def _select(self, event: Select.Changed) -> None:
        event.stop()
        if self.question.kind == "bool":
            self._parsed(str(event.value))
            return
        for choice in self._choices:
            if str(choice.value) == event.value:
                self.post_message(self.Edited(self, choice.value, None))

    @on(OptionList.OptionHighlighted)
    def _option(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Edited(self, self._choices[event.option_index].value, None))
