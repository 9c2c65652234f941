"""A step made of core.steps questions: each valid edit replaces the app's Answers at once."""

from __future__ import annotations

from textual import on
from textual.widgets import Button

from ddbwizard.core import AnswerProblem, inert
from ddbwizard.tui.screens.base import StepScreen
from ddbwizard.tui.widgets.question import QuestionField, field_id


class QuestionsScreen(StepScreen):
    """Validation as the user types; Next only when no field shows a problem."""

    @on(QuestionField.Edited)
    def _edited(self, event: QuestionField.Edited) -> None:
        event.stop()
        field = event.field
        if event.problem is not None:
            field.show_problem(event.problem)
            return
        try:
            self.wizard.answers = field.question.apply(self.wizard.answers, event.value)
        except AnswerProblem as exc:
            field.show_problem(str(exc))
            return
        field.show_problem(None)
        self.after_edit(field)

    def after_edit(self, field: QuestionField) -> None:
        """Refresh fields that depend on the one just edited."""

    def problems(self) -> list[QuestionField]:
        return [f for f in self.query(QuestionField) if f.problem is not None]

    def field(self, question_id: str) -> QuestionField:
        from ddbwizard.core import BY_ID

        return self.query_one(f"#{field_id(BY_ID[question_id])}", QuestionField)

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        bad = self.problems()
        if bad:
            self.notify(  # a problem may quote what was typed (a filter's JSON has "[")
                inert(f"{bad[0].question.prompt}: {bad[0].problem}", multiline=True),
                title="Fix the marked field first",
                severity="error",
                markup=False,
            )
            bad[0].focus()
            return
        self.wizard.next_step(self.STEP)
