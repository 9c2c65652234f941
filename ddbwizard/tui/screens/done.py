"""Step 8: the stack's outputs, the trigger's state and a live tail of the function's logs."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, RichLog, Static
from textual.worker import get_current_worker

from ddbwizard.core import LOGS_WAITING, inert
from ddbwizard.tui import messages
from ddbwizard.tui.screens.base import StepScreen
from ddbwizard.tui.widgets.text import outside

if TYPE_CHECKING:
    from ddbwizard.core import MappingInfo
    from ddbwizard.local.emulator import LocalPoller

MAPPING_EVERY = 4  # re-read the trigger's state every this many log polls


class DoneScreen(StepScreen):
    STEP = "done"
    BINDINGS: ClassVar[list[BindingType]] = [
        *StepScreen.BINDINGS,
        Binding("c", "copy", "Copy value"),
        Binding("w", "write_item", "Write demo item"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.poller: LocalPoller | None = None
        self.received = 0
        self.notice = ""  # the follower's last state line, until events arrive
        self.outputs: dict[str, str] = {}  # as the stack gave them (the table shows them inert)

    def body(self) -> ComposeResult:
        outcome = self.wizard.state.outcome
        assert outcome is not None
        title = (
            "No changes: the stack already matched"
            if outcome.status == "UNCHANGED"
            else (f"Deployed: stack {outcome.stack} is {outcome.status}")
        )
        with Vertical(classes="step-body"):
            yield Static(
                Text.assemble(("✓", "bold green"), " ", inert(title)), classes="step-title"
            )
            yield DataTable(id="outputs", cursor_type="row")
            yield Static("", id="output-value", classes="status-line")
            yield Static("", id="mapping-state")
            yield Static("", id="logs-title", classes="section-title")
            yield RichLog(id="logs", wrap=True, markup=False, highlight=False)

    def on_mount(self) -> None:
        outcome = self.wizard.state.outcome
        assert outcome is not None
        table = self.query_one("#outputs", DataTable)
        table.add_columns("Output", "Value")
        self.outputs = dict(outcome.outputs)
        self.outputs.setdefault("StreamArn", outcome.stream_arn)
        for key, value in self.outputs.items():
            table.add_row(outside(key), outside(value), key=key)
        table.focus()
        self.show_mapping(outcome.mapping)
        local = self.wizard.connection.local
        group = self.wizard.answers.log_group_name
        self.show_logs_title()
        if local and self.wizard.connection.emulator is not None:
            from ddbwizard.local.emulator import LocalPoller

            self.poller = LocalPoller(self.wizard.connection.aws)
            self.poller.start()
        self.tail(group, outcome.outputs.get("EventSourceMappingId"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key is None:
            return
        shown = Text.assemble((inert(key), "bold"), " ", inert(self.outputs[key]))
        self.query_one("#output-value", Static).update(shown)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write_item":
            return self.wizard.connection.local
        return super().check_action(action, parameters)

    def can_go_on(self) -> bool | None:
        return False  # the last step: Escape goes back to the review

    def on_unmount(self) -> None:
        if self.poller is not None:
            self.poller.stop(timeout=1.0)
            self.poller = None

    def show_mapping(self, mapping: MappingInfo | None) -> None:
        text = Text.assemble(("Trigger", "bold"), " not found")
        if mapping is not None:
            text = Text.assemble(
                ("Trigger", "bold"),
                f" {inert(mapping.uuid)}  ",
                ("State", "bold"),
                f" {inert(mapping.state or '?')}  ",
                ("Last result", "bold"),
                f" {inert(mapping.last_processing_result or 'none yet')}",
            )
        self.query_one("#mapping-state", Static).update(text)

    def show_logs_title(self) -> None:
        group = inert(self.wizard.answers.log_group_name)
        state = f"{self.received} events" if self.received else "no events yet, waiting"
        if self.notice and self.notice != LOGS_WAITING:
            state = inert(self.notice)
        hint = "  w writes a demo item to the table" if self.wizard.connection.local else ""
        self.query_one("#logs-title", Static).update(
            Text.assemble((f"Log events of {group}", "bold"), f" (live, {state}){hint}")
        )

    @work(thread=True, exclusive=True, group="logs", exit_on_error=False)
    def tail(self, group: str, mapping_id: str | None) -> None:
        from ddbwizard.core import LOOK_BACK_MS, Follow, follow_logs

        app = self.wizard
        aws = app.connection.aws
        worker = get_current_worker()

        def pause(seconds: float) -> bool:
            deadline = time.monotonic() + seconds
            while not worker.is_cancelled and time.monotonic() < deadline:
                time.sleep(0.1)
            return worker.is_cancelled

        def each_round(rounds: int) -> None:
            if mapping_id and rounds % MAPPING_EVERY == 0:
                self.post_message(messages.MappingRead(aws.mapping(mapping_id)))

        sink = Follow(
            lines=lambda lines: self.post_message(messages.LogLines(lines)),
            notice=lambda text: self.post_message(messages.LogNotice(text)),
            each_round=each_round,
        )
        follow_logs(
            aws,
            group,
            sink,
            since_ms=app.now_ms() - LOOK_BACK_MS,
            interval=app.log_interval,
            pause=pause,
        )

    def on_log_notice(self, message: messages.LogNotice) -> None:
        self.notice = message.text
        self.show_logs_title()

    def on_log_lines(self, message: messages.LogLines) -> None:
        log = self.query_one("#logs", RichLog)
        for line in message.lines:
            stamp = datetime.fromtimestamp(line.timestamp_ms / 1000, UTC).strftime("%H:%M:%S")
            # Whatever the function wrote (and the item values it echoes): inert, as a Text.
            log.write(Text(f"{stamp}  {inert(line.message, multiline=True)}"))
        self.received += len(message.lines)
        self.notice = ""
        self.show_logs_title()

    def on_mapping_read(self, message: messages.MappingRead) -> None:
        self.show_mapping(message.mapping)

    def action_copy(self) -> None:
        table = self.query_one("#outputs", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None:
            return
        value = self.outputs[key]
        self.app.copy_to_clipboard(value)  # the value itself (OSC 52 sends it base64-encoded)
        self.notify(inert(value), title=inert(f"{key} copied"), markup=False)

    def action_write_item(self) -> None:
        if not self.wizard.connection.local:
            self.notify("Writing a demo item is for --local only", severity="warning")
            return
        self.write_item()

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def write_item(self) -> None:
        from ddbwizard.local.emulator import demo_item

        table = self.wizard.answers.table.name
        self.wizard.connection.aws.put_item(table, demo_item(table))
        self.app.call_from_thread(
            self.notify,
            inert(f"Wrote a demo item to {table}; its echo line appears below shortly."),
            markup=False,
        )

    def action_back(self) -> None:
        """Back to the review (to change something and deploy again)."""
        self.wizard.restart_from("review")

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Copy output", "Copy the selected output value", self.action_copy)
        yield SystemCommand("Back to review", "Change something and deploy again", self.action_back)
