"""Step 5: stack name, handler, runtime, architecture, memory, timeout, log retention and level."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from ddbwizard.core import Answers, questions_for
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
        if field.question.id in ("function.handler", "function.code", "function.entry"):
            self.check_code(self.wizard.answers)

    @work(thread=True, exclusive=True, group="code", exit_on_error=False)
    def check_code(self, answers: Answers) -> None:
        """Your own code, checked as the packager will (the folder, the entry, the size)."""
        from ddbwizard.core import DdbWizardError, describe_code

        try:
            found, problem = describe_code(answers, Path.cwd()), None
        except DdbWizardError as exc:
            found, problem = "", exc.message
        self.app.call_from_thread(self._show_code, found, problem)

    def _show_code(self, found: str, problem: str | None) -> None:
        field = self.field("function.code")
        field.show_note(found or None)
        field.show_problem(problem)  # None clears one an earlier check left
