"""Step 3: reuse the table's stream, or choose the view type of the one Deploy enables.

This step only reads: a new stream is enabled at the Deploy step, once every check has passed
and the user agrees (plan first, then change).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, OptionList, Static

from ddbwizard.core import (
    AnswerProblem,
    Declined,
    StreamResolution,
    inert,
    questions_for,
    resolve_stream,
)
from ddbwizard.tui import messages
from ddbwizard.tui.reporter import TuiReporter
from ddbwizard.tui.screens.base import StepScreen
from ddbwizard.tui.widgets.question import QuestionField
from ddbwizard.tui.widgets.text import joined, outside

VIEW_TYPE = questions_for("stream")[0]


class StreamScreen(StepScreen):
    STEP = "stream"
    BINDINGS: ClassVar[list[BindingType]] = [
        *StepScreen.BINDINGS,
        Binding("c", "copy_arn", "Copy ARN"),
    ]

    def body(self) -> ComposeResult:
        app = self.wizard
        table = app.state.table
        assert table is not None
        has_stream = table.stream_enabled or app.state.stream is not None
        with VerticalScroll(classes="step-body"):
            name = inert(table.name)
            yield Static(Text.assemble("Stream of table ", (name, "bold")), classes="step-title")
            if not has_stream:
                yield Static(
                    Text(
                        f"Table {name} has no stream yet. Choose what each record carries; "
                        "the Deploy step enables the stream, once every check has passed and "
                        "you agree."
                    ),
                    classes="intro",
                )
                yield QuestionField(VIEW_TYPE, app.answers)
            yield Static("", id="stream-status", classes="status-line")
            yield Static("", id="stream-result", classes="result-box")
            with Horizontal(classes="buttons"):
                yield Button(
                    "Next", variant="primary", id="next", compact=True, disabled=has_stream
                )

    def on_mount(self) -> None:
        self.query_one("#stream-result").display = False
        for options in self.query(OptionList).results(OptionList):
            options.focus()
        state = self.wizard.state
        if state.stream is not None:
            self.show(state.stream)
        elif state.table is not None and state.table.stream_enabled:
            self.resolve()

    @on(QuestionField.Edited)
    def _edited(self, event: QuestionField.Edited) -> None:
        if event.problem is None:
            try:
                self.wizard.answers = event.field.question.apply(self.wizard.answers, event.value)
            except AnswerProblem as exc:
                event.field.show_problem(str(exc))
                return
        event.field.show_problem(event.problem)

    @on(OptionList.OptionSelected)
    def _chosen(self) -> None:
        self.action_next()

    def resolve(self) -> None:
        self._status("Checking the table…")
        self.run_resolve()

    @work(thread=True, exclusive=True, group="stream", exit_on_error=False)
    def run_resolve(self) -> None:
        """The table has a stream: read its ARN and readers (this changes nothing)."""
        app = self.wizard
        resolution = resolve_stream(
            app.connection.aws,
            app.answers,
            TuiReporter(self),
            lambda question: self.confirm_from_worker(question, yes="Reuse it"),
            changes=app.changes,
        )
        self.post_message(messages.StreamResolved(resolution))

    def on_report_line(self, message: messages.ReportLine) -> None:
        self._status(message.text, warn=message.kind == "warn")

    def on_waiting(self, message: messages.Waiting) -> None:
        self._status(f"Waiting: {message.what} ({message.elapsed:.0f} s)")

    def on_stream_resolved(self, message: messages.StreamResolved) -> None:
        resolution = message.resolution
        app = self.wizard
        app.state.stream = resolution
        if resolution.view_type != app.answers.stream.view_type:
            app.answers = app.answers.with_values({"stream.view_type": resolution.view_type})
        self.show(resolution)

    def show(self, resolution: StreamResolution) -> None:
        view_type = Text.assemble(("View type", "bold"), f"  {inert(resolution.view_type)}")
        if resolution.enabled_now:
            view_type.append_text(Text.assemble("  ", ("(enabled just now)", "green")))
        lines = [
            view_type,
            Text.assemble(("Latest stream ARN", "bold"), " (c copies it)"),
            outside(resolution.arn),
            Text.assemble(
                ("Functions reading it", "bold"), f"  {len(resolution.readers) or 'none'}"
            ),
        ]
        lines += [
            outside(f"  • {r.function_name or r.uuid} ({r.state})") for r in resolution.readers
        ]
        lines += [outside(f"⚠ {w}", "yellow") for w in resolution.warnings]
        result = self.query_one("#stream-result", Static)
        result.update(joined(lines))
        result.display = True
        self._status("")
        for widget in self.query(".intro, QuestionField"):
            widget.display = False
        next_button = self.query_one("#next", Button)
        next_button.disabled = False
        next_button.focus()
        self.refresh_bindings()

    def can_go_on(self) -> bool | None:
        state = self.wizard.state
        ready = state.stream is not None or (
            state.table is not None and not state.table.stream_enabled
        )
        return True if ready else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_arn":  # no stream yet: the footer does not offer to copy one
            return self.wizard.state.stream is not None
        return super().check_action(action, parameters)

    def recover(self, group: str, error: BaseException) -> bool:
        if group == "stream":
            self._status("")
        if group == "stream" and isinstance(error, Declined):
            self.notify(inert(error, multiline=True), title="Nothing was changed", markup=False)
            return True
        return False

    def _status(self, text: str, warn: bool = False) -> None:
        """A status line: a report line (AWS text in it) or ours, shown inert either way."""
        self.query_one("#stream-status", Static).update(outside(text, "yellow" if warn else ""))

    def action_copy_arn(self) -> None:
        stream = self.wizard.state.stream
        if stream is None:
            self.notify("No stream yet: the Deploy step enables it", severity="warning")
            return
        self.app.copy_to_clipboard(stream.arn)
        self.notify(inert(stream.arn), title="Stream ARN copied", markup=False)

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if self.can_go_on():
            self.wizard.next_step(self.STEP)

    def commands(self) -> Iterable[SystemCommand]:
        yield from super().commands()
        yield SystemCommand("Copy stream ARN", "Copy the stream ARN", self.action_copy_arn)
