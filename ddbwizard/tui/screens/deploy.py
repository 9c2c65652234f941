"""Step 7: the change set first, then the deploy with progress, stack events and elapsed time."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, DataTable, ProgressBar, Static
from textual.worker import get_current_worker

from ddbwizard.core import ConfirmationRequired, Declined, DeployFailed, Deployment, inert
from ddbwizard.tui import messages
from ddbwizard.tui.reporter import TuiReporter
from ddbwizard.tui.screens.base import StepScreen
from ddbwizard.tui.widgets.text import error_text, joined, outside

ACTION_STYLE = {"Add": "green", "Modify": "yellow", "Remove": "red"}


class DeployScreen(StepScreen):
    STEP = "deploy"
    BINDINGS: ClassVar[list[BindingType]] = [
        *StepScreen.BINDINGS,
        Binding("d", "replace", "Delete and retry", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.deployment: Deployment | None = None
        self.running = False
        self.started = 0.0
        self.ticker: Timer | None = None
        self.can_replace = False
        self.executed = False  # the change set was executed (it is no longer there to delete)
        self.leaving = False  # the change set is being deleted on the way out

    def body(self) -> ComposeResult:
        stack = self.wizard.answers.stack.name
        with Vertical(classes="step-body"):
            yield Static(
                Text.assemble("Deploy stack ", (inert(stack), "bold")), classes="step-title"
            )
            yield Static(
                "Checking everything first (reads only)…", id="deploy-status", classes="status-line"
            )
            yield Static("", id="plan")
            yield DataTable(id="changes", cursor_type="none")
            with Horizontal(id="progress-row"):
                yield ProgressBar(id="progress", show_eta=False)
                yield Static("", id="elapsed")
            yield DataTable(id="events", cursor_type="none")
            yield Static("", id="failure", classes="problem-box")
            with Horizontal(classes="buttons"):
                yield Button("Deploy", variant="success", id="next", disabled=True, compact=True)
                yield Button("Delete and retry (d)", variant="error", id="replace", compact=True)

    def on_mount(self) -> None:
        changes = self.query_one("#changes", DataTable)
        changes.add_columns("Action", "Resource", "Type", "Replacement")
        events = self.query_one("#events", DataTable)
        events.add_columns("Time", "Resource", "Status", "Reason")
        for selector in ("#progress-row", "#events", "#failure", "#replace"):
            self.query_one(selector).display = False
        self.make_plan(replace_failed=False)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def make_plan(self, replace_failed: bool) -> None:
        """Every check first (reads only), then the stream if the table has none (after the
        user agrees), then the change set."""
        app = self.wizard
        prepared = app.deploy_fns.prepare(
            app.connection.aws,
            app.answers,
            TuiReporter(self),
            app.connection.identity.account,
            lambda question: self.confirm_from_worker(question, yes="Yes", no="Cancel"),
            changes=app.changes,
            replace_failed=replace_failed,
            on_plan=lambda checked: self.post_message(messages.PlanAnnounced(checked.mutations)),
        )
        if get_current_worker().is_cancelled:  # the step was left while the change set was made
            prepared.deployment.deployer.discard(prepared.deployment.plan)
            return
        self.post_message(messages.StreamResolved(prepared.stream))
        self.post_message(messages.Planned(prepared.deployment))

    def on_plan_announced(self, message: messages.PlanAnnounced) -> None:
        lines = [Text("Every check passed. The plan, in order:", "bold")]
        lines += [outside(f"  {n}. {m}") for n, m in enumerate(message.mutations, start=1)]
        self.query_one("#plan", Static).update(joined(lines))

    def on_stream_resolved(self, message: messages.StreamResolved) -> None:
        self.wizard.state.stream = message.resolution

    def on_planned(self, message: messages.Planned) -> None:
        self.deployment = message.deployment
        self.executed = False
        plan = message.deployment.plan
        if plan.empty:
            self._status(
                Text.assemble(("No changes to deploy", "bold"), ": the stack already matches.")
            )
            self.notify("No changes to deploy")
            self.read_unchanged(message.deployment)
            return
        table = self.query_one("#changes", DataTable)
        table.clear()
        for change in plan.changes:
            table.add_row(
                outside(change.action, ACTION_STYLE.get(change.action, "")),
                outside(change.logical_id),
                outside(change.resource_type),
                outside(change.replacement or ""),
            )
        self._status(
            Text(
                f"Change set ({inert(plan.kind)}): {len(plan.changes)} changes. "
                "Press Deploy to execute it, Escape to go back."
            )
        )
        button = self.query_one("#next", Button)
        button.disabled = False
        button.focus()

    @work(thread=True, exclusive=True, group="deploy", exit_on_error=False)
    def read_unchanged(self, deployment: Deployment) -> None:
        app = self.wizard
        outcome = app.deploy_fns.unchanged(
            app.connection.aws, app.answers, deployment, app.stream_arn
        )
        self.post_message(messages.Deployed(outcome))

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if self.deployment is None or self.running or self.deployment.plan.empty:
            return
        self.running = True
        self.executed = True
        self.query_one("#next", Button).disabled = True
        total = sum(1 for c in self.deployment.plan.changes)
        self.query_one("#progress", ProgressBar).update(total=total or None, progress=0)
        for selector in ("#progress-row", "#events"):
            self.query_one(selector).display = True
        self.query_one("#changes").display = False
        self.started = self.wizard.clock()
        self.ticker = self.set_interval(1.0, self._tick)
        self._tick()
        self.execute(self.deployment)

    @work(thread=True, exclusive=True, group="deploy", exit_on_error=False)
    def execute(self, deployment: Deployment) -> None:
        app = self.wizard
        outcome = app.deploy_fns.execute(
            app.connection.aws, app.answers, deployment, app.stream_arn
        )
        self.post_message(messages.Deployed(outcome))

    def _tick(self) -> None:
        elapsed = self.wizard.clock() - self.started
        self.query_one("#elapsed", Static).update(f" {int(elapsed) // 60}:{int(elapsed) % 60:02d}")

    def _stop_clock(self) -> None:
        self.running = False
        if self.ticker is not None:
            self.ticker.stop()

    def on_report_line(self, message: messages.ReportLine) -> None:
        self._status(outside(message.text))

    def on_progress(self, message: messages.Progress) -> None:
        self.query_one("#progress", ProgressBar).update(
            total=message.total or None, progress=message.done
        )

    def on_stack_event_seen(self, message: messages.StackEventSeen) -> None:
        event = message.event
        table = self.query_one("#events", DataTable)
        style = "red" if event.failed else ("green" if event.status.endswith("COMPLETE") else "")
        table.add_row(  # every field but the time is CloudFormation's text
            event.timestamp.strftime("%H:%M:%S"),
            outside(event.logical_id),
            outside(event.status, style),
            outside(event.reason),
        )
        table.scroll_end(animate=False)

    def on_deployed(self, message: messages.Deployed) -> None:
        self._stop_clock()
        app = self.wizard
        app.state.outcome = message.outcome
        app.next_step(self.STEP)

    def recover(self, group: str, error: BaseException) -> bool:
        self._stop_clock()
        if group == "discard":  # the dialog says why; the change set is still there
            self.leaving = False
            self._status("The change set could not be deleted. Escape tries again.")
            return False
        if group == "plan" and isinstance(error, Declined):
            self._status("Nothing was changed. Escape goes back to the review.")
            self.notify(inert(error, multiline=True), title="Nothing was changed", markup=False)
            return True
        if group == "plan" and isinstance(error, ConfirmationRequired):
            self._fail(str(error), replace=True)
            return True
        if group == "deploy" and isinstance(error, DeployFailed):
            self._fail(str(error), replace=error.status == "ROLLBACK_COMPLETE")
            return True
        if group in ("plan", "deploy"):  # the dialog says it; the screen keeps it
            self._fail(error_text(error), replace=False)
            self._status("Stopped. Escape goes back to the review.")
            if not self.query_one("#changes", DataTable).row_count:
                self.query_one("#changes").display = False
        return False

    def _fail(self, text: str, replace: bool) -> None:
        """`text` is an error's message (AWS text in it): shown inert, never as markup."""
        message, _, hint = text.partition("\n")
        shown = outside(message, "bold red")
        if replace:
            hint = "Delete the failed stack and create it again (d), or go back (Escape)."
        if hint:
            shown.append("\n" + inert(hint, multiline=True))
        failure = self.query_one("#failure", Static)
        failure.update(shown)
        failure.display = True
        self._status("The deploy did not complete.")
        self.can_replace = replace
        replace_button = self.query_one("#replace", Button)
        replace_button.display = replace
        if replace:
            replace_button.focus()

    @on(Button.Pressed, "#replace")
    def action_replace(self) -> None:
        if not self.can_replace:
            return
        self.can_replace = False
        for selector in ("#failure", "#replace", "#progress-row", "#events"):
            self.query_one(selector).display = False
        self.query_one("#changes").display = True
        self.query_one("#events", DataTable).clear()
        self._status("Deleting the failed stack, then making the change set again…")
        self.make_plan(replace_failed=True)

    def action_back(self) -> None:
        if self.running:
            self.notify("The deploy is running; it goes on in CloudFormation.", severity="warning")
            return
        self.leave(self.wizard.back)

    def pending(self) -> Deployment | None:
        """The change set made and not executed, which leaving this step deletes."""
        deployment = self.deployment
        if deployment is None or self.executed or deployment.plan.empty:
            return None
        return deployment

    def leave_note(self) -> str | None:
        if self.pending() is None:
            return None
        return "The change set that was not executed is deleted first (nothing was deployed)."

    def leaving_undoes(self, what: str) -> bool:
        deployment = self.pending()
        return deployment is not None and deployment.plan.change_set_name in what

    def leave(self, then: Callable[[], object]) -> None:
        deployment = self.pending()
        if self.leaving:
            return
        if deployment is None:
            then()
            return
        self.leaving = True
        self.query_one("#next", Button).disabled = True
        self._status("Deleting the change set that was not executed…")
        self.discard(deployment, then)

    @work(thread=True, exclusive=True, group="discard", exit_on_error=False)
    def discard(self, deployment: Deployment, then: Callable[[], object]) -> None:
        """Delete the change set (and the empty stack of a new one), recorded in the change
        log; then leave."""
        deployment.deployer.discard(deployment.plan)
        self.app.call_from_thread(self._discarded, then)

    def _discarded(self, then: Callable[[], object]) -> None:
        self.deployment = None
        self.leaving = False
        then()

    def _status(self, text: str | Text) -> None:
        """A literal of ours as a str, anything holding AWS text as a Text."""
        self.query_one("#deploy-status", Static).update(text)
