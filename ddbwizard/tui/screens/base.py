"""What every step screen shares: the steps bar, the footer, back, and worker failures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from ddbwizard.core import StepId
from ddbwizard.tui.widgets.steps_bar import StepsBar

if TYPE_CHECKING:
    from ddbwizard.tui.app import WizardApp


class StepScreen(Screen[None]):
    """A wizard step; subclasses yield their widgets from `body`."""

    STEP: ClassVar[StepId]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+n", "next", "Next"),
    ]

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)

    def compose(self) -> ComposeResult:
        yield StepsBar(self.STEP)
        yield from self.body()
        yield Footer()

    def body(self) -> ComposeResult:
        yield from ()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.wizard.worker_failed(self, event.worker)

    def recover(self, group: str, error: BaseException) -> bool:
        """Handle a failed worker in place (True), or let the app show the error dialog."""
        return False

    def action_back(self) -> None:
        self.wizard.back()

    def action_next(self) -> None:
        """Go on to the next step when this one is complete."""

    def commands(self) -> Iterable[SystemCommand]:
        """This step's entries in the command palette."""
        yield SystemCommand("Back", "Go back one step", self.action_back)
