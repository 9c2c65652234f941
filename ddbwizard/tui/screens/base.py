"""What every step screen shares: the steps bar, the footer, back, and worker failures."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from ddbwizard.core import StepId
from ddbwizard.tui.widgets.footer import Footer
from ddbwizard.tui.widgets.steps_bar import StepsBar

if TYPE_CHECKING:
    from ddbwizard.tui.app import WizardApp


MIN_SIZE = (80, 24)  # every step is laid out for this size and up


class StepScreen(Screen[None]):
    """A wizard step; subclasses yield their widgets from `body`."""

    STEP: ClassVar[StepId]
    COMPACT_FOOTER: ClassVar[bool] = False  # a step with many keys: one space between them
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+n", "next", "Next"),
    ]

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="too-small")
        yield StepsBar(self.STEP)
        yield from self.body()
        yield Footer(compact=self.COMPACT_FOOTER)

    def on_mount(self) -> None:
        self.check_size()

    @on(events.Resize)
    def _resized(self) -> None:
        self.check_size()

    def check_size(self) -> None:
        """A terminal smaller than MIN_SIZE says so on every step, until it is big enough."""
        width, height = self.app.size
        banner = self.query_one("#too-small", Static)
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        banner.display = small
        if small:
            banner.update(
                f"The terminal is {width}x{height}; ddbwizard needs {MIN_SIZE[0]}x{MIN_SIZE[1]}. "
                "Enlarge the window (or run ddbwizard --plain)."
            )

    def body(self) -> ComposeResult:
        yield from ()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.wizard.worker_failed(self, event.worker)

    def recover(self, group: str, error: BaseException) -> bool:
        """Handle a failed worker in place (True), or let the app show the error dialog."""
        return False

    def confirm_from_worker(self, question: str, yes: str = "Yes", no: str = "Cancel") -> bool:
        """An engine confirmation, asked on a worker thread: the dialog shows on the UI
        thread and the worker waits for the answer (a cancelled worker gets "no")."""
        from ddbwizard.tui.screens.modals import ConfirmModal

        answer: Future[bool] = Future()
        worker = get_current_worker()

        def show() -> None:
            self.app.push_screen(
                ConfirmModal(question, yes=yes, no=no), lambda ok: answer.set_result(bool(ok))
            )

        self.app.call_from_thread(show)
        while True:
            try:
                return answer.result(timeout=0.2)
            except FutureTimeout:
                if worker.is_cancelled:
                    return False

    def action_back(self) -> None:
        self.wizard.back()

    def leave_note(self) -> str | None:
        """What leaving this step undoes first (said in the quit confirmation), if anything."""
        return None

    def leaving_undoes(self, what: str) -> bool:
        """Whether leaving this step undoes the change log entry `what` (not said to stay)."""
        return False

    def leave(self, then: Callable[[], object]) -> None:
        """Undo what leaving this step undoes (see `leave_note`), then call `then`."""
        then()

    def action_next(self) -> None:
        """Go on to the next step when this one is complete."""

    def can_go_on(self) -> bool | None:
        """ctrl+n's state in the footer: True when it acts, None (shown disabled) while the
        step is not complete yet, False (hidden) on a step that has no next."""
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.can_go_on()
        return True

    def commands(self) -> Iterable[SystemCommand]:
        """This step's entries in the command palette."""
        yield SystemCommand("Back", "Go back one step", self.action_back)
