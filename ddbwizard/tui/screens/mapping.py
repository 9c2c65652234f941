"""Step 4, the trigger: batch size, starting position, enabled; every other option under Advanced."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Collapsible, Static

from ddbwizard.core import DdbWizardError, inert, questions_for
from ddbwizard.tui import messages
from ddbwizard.tui.screens.questions import QuestionsScreen
from ddbwizard.tui.widgets.question import QuestionField


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
        self.field("mapping.on_failure").set_destinations(message.arns)

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
