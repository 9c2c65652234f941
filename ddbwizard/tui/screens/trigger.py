"""A table that already has a ddbwizard trigger: update it (the wizard pre-filled from the
deployed stack), check its health (the panel of `--check`, here), follow its logs (the Done
step), destroy it (after a confirmation), or start fresh. Every AWS call runs in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from ddbwizard.core import inert
from ddbwizard.tui import messages
from ddbwizard.tui.widgets.health import health_view
from ddbwizard.tui.widgets.text import error_text, outside

if TYPE_CHECKING:
    from ddbwizard.core import Answers, DeployedTrigger, Outcome
    from ddbwizard.tui.app import WizardApp

Kind = Literal["update", "logs", "destroyed", "fresh"]
CHOICES = (
    ("update", "Update it: the wizard, pre-filled from the deployed stack"),
    ("check", "Check its health (read only, what --check reports)"),
    ("logs", "Follow its logs (its outputs and trigger state too)"),
    ("destroy", "Destroy it: delete the stack (never the table)"),
    ("fresh", "Start fresh: the wizard from the defaults"),
)


@dataclass(frozen=True)
class TriggerChoice:
    """What the user chose, with what it needs: the deployed answers, the stack's outcome."""

    kind: Kind
    answers: Answers | None = None
    outcome: Outcome | None = None


class TriggerModal(ModalScreen["TriggerChoice | None"]):
    """None: Escape, back to the table list."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self, trigger: DeployedTrigger) -> None:
        super().__init__(classes="dialog-screen")
        self.trigger = trigger
        self.confirming = False  # the next "destroy" is the confirmation

    @property
    def wizard(self) -> WizardApp:
        from ddbwizard.tui.app import WizardApp

        assert isinstance(self.app, WizardApp)
        return self.app

    def compose(self) -> ComposeResult:
        trigger = self.trigger
        with Vertical(classes="dialog trigger"):
            yield Static(
                outside(f"Table {trigger.table} has trigger stack {trigger.stack}"),
                classes="dialog-title",
            )
            yield Static(outside(f"Stack status: {trigger.status}"), classes="dialog-body")
            yield OptionList(*(Option(text, id=key) for key, text in CHOICES))
            with VerticalScroll(classes="dialog-scroll"):
                yield Static("", id="trigger-result")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def _say(self, text: str | RenderableType) -> None:
        self.query_one("#trigger-result", Static).update(text)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        if key == "fresh":
            self.dismiss(TriggerChoice("fresh"))
        elif key == "destroy" and not self.confirming:
            self.confirming = True
            self._say(
                Text.assemble(
                    ("Press Enter on Destroy again to delete ", "bold red"),
                    (inert(self.trigger.stack), "bold"),
                    ". The table and its stream stay.",
                )
            )
        elif key in ("update", "check", "logs", "destroy"):
            self.confirming = False
            self._say(Text("Reading the stack (reads only)…", "dim"))
            self.act(key)

    @work(thread=True, exclusive=True, group="trigger", exit_on_error=False)
    def act(self, key: str) -> None:
        from ddbwizard.core import (
            Commands,
            check_trigger,
            deployed_answers,
            deployed_outcome,
            destroy,
        )
        from ddbwizard.tui.reporter import TuiReporter

        app = self.wizard
        aws = app.connection.aws
        answers = deployed_answers(aws, self.trigger.stack)
        if key == "update":
            self.app.call_from_thread(self.dismiss, TriggerChoice("update", answers))
        elif key == "logs":
            outcome = deployed_outcome(aws, self.trigger, answers)
            self.app.call_from_thread(self.dismiss, TriggerChoice("logs", answers, outcome))
        elif key == "check":
            options = app.options
            commands = Commands.of_run(
                f"ddbwizard-{answers.stack.name}.yaml",
                local=options.local,
                endpoint_url=options.endpoint_url,
                profile=options.profile,
                region=options.region,
            )
            self.post_message(messages.HealthRead(check_trigger(aws, answers, commands)))
        else:
            destroy(aws, answers, TuiReporter(self), app.changes)
            self.app.call_from_thread(self.dismiss, TriggerChoice("destroyed", answers))

    def on_health_read(self, message: messages.HealthRead) -> None:
        self._say(health_view(message.report, "read just now"))

    def on_report_line(self, message: messages.ReportLine) -> None:
        self._say(outside(message.text))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed read or delete: said here (the list stays as it was)."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self._say(outside(f"⚠ {error_text(event.worker.error)}", "red"))

    def action_back(self) -> None:
        self.dismiss(None)
