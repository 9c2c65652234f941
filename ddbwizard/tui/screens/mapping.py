"""Step 4, the trigger: batch size, starting position, enabled; every other option under Advanced."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Collapsible, Input, Select, Static

from ddbwizard.core import (
    DESTINATION_ARN_SHAPE,
    TYPE_AN_ARN,
    AnswerProblem,
    Answers,
    DdbWizardError,
    Question,
    destination_choice,
    destination_choices,
    inert,
    questions_for,
    typed_destination,
)
from ddbwizard.tui import messages
from ddbwizard.tui.screens.questions import QuestionsScreen
from ddbwizard.tui.widgets.question import QuestionField
from ddbwizard.tui.widgets.text import outside


class DestinationField(QuestionField):
    """The on-failure destination: core's choices (as --plain offers them) in a Select, and
    under it a field for an ARN typed in, shown while "Type an ARN" is chosen."""

    DEFAULT_CSS = """
    DestinationField > .destination { height: auto; }
    DestinationField Select, DestinationField Input { width: 1fr; max-width: 80; }
    DestinationField Input { display: none; }
    DestinationField.-typing Input { display: block; }
    """

    def __init__(self, question: Question, answers: Answers) -> None:
        super().__init__(question, answers)
        self._answers = answers

    def _control(self) -> Widget:
        chosen = destination_choice(self._answers)
        return Vertical(
            Select(_options(self._answers, ()), value=chosen, allow_blank=False, compact=True),
            Input(placeholder=DESTINATION_ARN_SHAPE, compact=True, select_on_focus=False),
            classes="destination",
        )

    def set_destinations(self, answers: Answers, arns: list[str]) -> None:
        """The region's queues and topics, listed; the choice shown stays."""
        select: Select[str] = self.query_one(Select)
        options = _options(answers, arns)
        keep = select.value if select.value in {v for _, v in options} else None
        with self.prevent(Select.Changed):
            select.set_options(options)
            select.value = keep if isinstance(keep, str) else destination_choice(answers)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        event.prevent_default()  # not QuestionField's: "Type an ARN" is not a destination
        typing = event.value == TYPE_AN_ARN
        self.set_class(typing, "-typing")
        if not typing:
            self._parsed(str(event.value))
            return
        typed = self.query_one(Input)
        typed.focus()
        self._typed(typed.value)

    @on(Input.Changed)
    def _arn(self, event: Input.Changed) -> None:
        event.stop()
        event.prevent_default()
        self._typed(event.value)

    def _typed(self, raw: str) -> None:
        """The ARN as the answers file holds it; the screen applies the file's rule to it."""
        try:
            value = typed_destination(raw)
        except AnswerProblem as exc:
            self.post_message(self.Edited(self, None, str(exc)))
            return
        self.post_message(self.Edited(self, value, None))


def _options(answers: Answers, arns: Sequence[str]) -> list[tuple[str | Text, str]]:
    """Core's choices as Select options; an ARN (from AWS, or typed) shown inert."""
    return [(outside(c.label), str(c.value)) for c in destination_choices(answers, arns)]


class MappingScreen(QuestionsScreen):
    STEP = "mapping"
    sample: list[dict[str, Any]] | None = None  # records built from the table's items

    def body(self) -> ComposeResult:
        answers = self.wizard.answers
        with VerticalScroll(classes="step-body form", can_focus=False):
            yield Static(
                Text.assemble(
                    "Trigger: how the function reads the stream of ",
                    (inert(answers.table.name), "bold"),
                ),
                classes="step-title",
            )
            for question in questions_for("mapping", advanced=False):
                yield QuestionField(question, answers)
            with Collapsible(title="Advanced", collapsed=True, id="advanced"):
                for question in questions_for("mapping", advanced=True):
                    if question.kind == "destination":
                        yield DestinationField(question, answers)
                    else:
                        yield QuestionField(question, answers)
            with Horizontal(classes="buttons"):
                yield Button("Next", variant="primary", id="next", compact=True)

    def on_mount(self) -> None:
        self.load_destinations()
        self.load_sample()

    @work(thread=True, exclusive=True, group="sample", exit_on_error=False)
    def load_sample(self) -> None:
        """A few records built from the table's items (read only), for the filters' count."""
        from ddbwizard.core import TRY_ITEMS, sample_records

        app = self.wizard
        sample = sample_records(app.connection.aws, app.answers, TRY_ITEMS, app.now_ms() / 1000)
        self.post_message(messages.SampleRead(sample.event["Records"]))

    def on_sample_read(self, message: messages.SampleRead) -> None:
        self.sample = message.records
        self.count_passing()

    def after_edit(self, field: QuestionField) -> None:
        if field.question.id == "mapping.filter_patterns":
            self.count_passing()

    def count_passing(self) -> None:
        """Under the filter editor: how many sample records the patterns let through."""
        from ddbwizard.core import passing_summary

        if self.sample is None:
            return
        shown = passing_summary(self.wizard.answers, self.sample)
        self.field("mapping.filter_patterns").show_note(shown)

    @work(thread=True, exclusive=True, group="destinations", exit_on_error=False)
    def load_destinations(self) -> None:
        aws = self.wizard.connection.aws
        self.post_message(messages.Destinations(aws.queues() + aws.topics()))

    def on_destinations(self, message: messages.Destinations) -> None:
        self.query_one(DestinationField).set_destinations(self.wizard.answers, message.arns)

    def recover(self, group: str, error: BaseException) -> bool:
        if group == "sample":  # the count is a hint: without it, the step works the same
            return isinstance(error, DdbWizardError)
        if group == "destinations":  # the list is a convenience: say so, keep going
            self.notify(
                inert(f"Could not list queues and topics: {error}", multiline=True),
                severity="warning",
                timeout=8,
                markup=False,
            )
            return True
        return False
