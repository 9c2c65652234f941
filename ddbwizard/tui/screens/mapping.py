"""Step 4, the trigger: batch size, starting position, enabled; every other option under Advanced."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Collapsible, Static

from ddbwizard.core import inert, questions_for
from ddbwizard.tui import messages
from ddbwizard.tui.screens.questions import QuestionsScreen
from ddbwizard.tui.widgets.question import QuestionField


class MappingScreen(QuestionsScreen):
    STEP = "mapping"

    def body(self) -> ComposeResult:
        answers = self.wizard.answers
        with VerticalScroll(classes="step-body form"):
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

    @work(thread=True, exclusive=True, group="destinations", exit_on_error=False)
    def load_destinations(self) -> None:
        aws = self.wizard.connection.aws
        self.post_message(messages.Destinations(aws.queues() + aws.topics()))

    def on_destinations(self, message: messages.Destinations) -> None:
        self.field("mapping.on_failure").set_destinations(message.arns)

    def recover(self, group: str, error: BaseException) -> bool:
        if group == "destinations":  # the list is a convenience: say so, keep going
            self.notify(
                inert(f"Could not list queues and topics: {error}", multiline=True),
                severity="warning",
                timeout=8,
                markup=False,
            )
            return True
        return False
