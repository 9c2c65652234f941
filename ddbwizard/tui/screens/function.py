"""Step 5: stack name, handler, runtime, architecture, memory, timeout, log retention and level."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from ddbwizard.core import questions_for
from ddbwizard.tui.screens.questions import QuestionsScreen
from ddbwizard.tui.widgets.question import QuestionField


class FunctionScreen(QuestionsScreen):
    STEP = "function"

    def body(self) -> ComposeResult:
        answers = self.wizard.answers
        with VerticalScroll(classes="step-body form", can_focus=False):
            yield Static("The echo function and its stack", classes="step-title")
            for question in questions_for("function"):
                yield QuestionField(question, answers)
            with Horizontal(classes="buttons"):
                yield Button("Review", variant="primary", id="next", compact=True)

    def after_edit(self, field: QuestionField) -> None:
        if field.question.id == "function.handler":
            self.field("function.runtime").refresh_choices(self.wizard.answers)
