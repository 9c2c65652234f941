"""Step 8: a place to stay: the function's log events live, the trigger's state, the stack's
outputs and this deploy's stack events.

The log view keeps the newest KEPT_EVENTS events (memory stays flat on a long tail), one
line per event (an echo record: event name, keys, a compact image; `core.log_view`), or pretty
JSON (p); `/` filters with the match highlighted; space pauses the view (events keep
arriving and are shown on follow). Lines never wrap: the view scrolls sideways, so no
character is lost.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Input, RichLog, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from ddbwizard.core import LOGS_WAITING, inert, log_view
from ddbwizard.tui import messages
from ddbwizard.tui.screens.base import StepScreen
from ddbwizard.tui.widgets.health import health_view
from ddbwizard.tui.widgets.text import error_text, outside

if TYPE_CHECKING:
    from ddbwizard.core import LogLine, LogView, MappingInfo, StackEvent

MAPPING_EVERY = 4  # re-read the trigger's state every this many log polls
KEPT_EVENTS = 2_000  # the log view's window: the newest events, the older ones dropped
# Rendered lines the view holds: every kept event on one line, or the newest few hundred in
# pretty JSON (p). Each rendered line costs ~2 KB: 16,000 of them were ~28 MiB of a tail.
SHOWN_LINES = KEPT_EVENTS * 2
RENDER_BUDGET = 0.008  # seconds of rendering in one turn of the event loop ...
RENDER_PAUSE = 0.02  # ... and the pause before the next one, while events wait: keys first
HEALTH_EVERY = 60.0  # seconds between two checks of the trigger's health
TABS = {"1": "logs-tab", "2": "outputs-tab", "3": "events-tab", "4": "health-tab"}


def log_message(lines: list[LogLine]) -> messages.LogLines:
    """A read's events for the screen, made on the follower's thread: only the newest
    KEPT_EVENTS (the view would drop the others), each one's view parsed here."""
    newest = lines[-KEPT_EVENTS:]
    return messages.LogLines(
        [(line, log_view(line.message)) for line in newest], len(lines) - len(newest)
    )


class DoneScreen(StepScreen):
    STEP = "done"
    COMPACT_FOOTER = True
    BINDINGS: ClassVar[list[BindingType]] = [
        *StepScreen.BINDINGS,
        Binding("slash", "find", "Filter"),
        Binding("p", "pretty", "JSON"),
        Binding("space", "pause", "Pause"),
        Binding("space", "follow", "Follow"),
        Binding("c", "copy", "Copy"),
        Binding("w", "write_item", "Demo item"),
        Binding("1", "tab('1')", "Logs", show=False),
        Binding("2", "tab('2')", "Outputs", show=False),
        Binding("3", "tab('3')", "Events", show=False),
        Binding("4", "tab('4')", "Health", show=False),
        Binding("r", "check_health", "Check now"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.received = 0
        self.notice = ""  # the follower's last state line, until events arrive
        self.outputs: dict[str, str] = {}  # as the stack gave them (the table shows them inert)
        self.kept: deque[tuple[LogLine, LogView]] = deque(maxlen=KEPT_EVENTS)
        self.pretty = False
        self.paused = False
        self.unseen = 0  # events that arrived while paused
        # kept events still to render (render_waiting), the newest KEPT_EVENTS at most
        self.unrendered: deque[tuple[LogLine, LogView]] = deque(maxlen=KEPT_EVENTS)
        self.render_timer: Timer | None = None
        self.needle = ""  # the filter, lower case ("" shows every event)
        self.mapping: MappingInfo | None = None
        self.checked = ""  # when the trigger's state was last read

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
            yield Static("", id="mapping-state")
            with TabbedContent(id="done-tabs", initial="logs-tab"):
                with TabPane("1 Log events", id="logs-tab"):
                    yield Static("", id="logs-title")
                    yield RichLog(id="logs", wrap=False, markup=False, max_lines=SHOWN_LINES)
                    yield Input(placeholder="filter the events (Enter keeps it, Escape clears)",
                                id="log-filter")  # fmt: skip
                with TabPane("2 Outputs", id="outputs-tab"):
                    yield DataTable(id="outputs", cursor_type="row")
                    yield Static("", id="output-value", classes="status-line")
                with TabPane("3 Stack events", id="events-tab"):
                    yield Static("", id="events-note", classes="status-line")
                    yield DataTable(id="stack-events", cursor_type="row")
                with TabPane("4 Health", id="health-tab"), VerticalScroll(id="health-box"):
                    yield Static("Checking the trigger's health (reads only)…", id="health")

    def on_mount(self) -> None:
        # A tail runs for hours: what exists now (the imports, botocore's models, the steps
        # before) leaves the collector's full passes, which took ~0.2 s each in a busy tail.
        gc.collect()
        gc.freeze()
        outcome = self.wizard.state.outcome
        assert outcome is not None
        table = self.query_one("#outputs", DataTable)
        table.add_columns("Output", "Value")
        self.outputs = dict(outcome.outputs)
        self.outputs.setdefault("StreamArn", outcome.stream_arn)
        for key, value in self.outputs.items():
            table.add_row(outside(key), outside(value), key=key)
        self.show_events(cast("tuple[StackEvent, ...]", outcome.events), outcome.status)
        self.query_one("#log-filter", Input).display = False
        self.query_one("#logs", RichLog).focus()
        self.mapping = outcome.mapping
        self.show_mapping()
        self.show_logs_title()
        if self.wizard.connection.local and self.wizard.connection.emulator is not None:
            self.wizard.local_poller().start()
        self.tail(self.wizard.answers.log_group_name, outcome.outputs.get("EventSourceMappingId"))
        self.action_check_health()
        self.set_interval(HEALTH_EVERY, self.action_check_health)

    def on_unmount(self) -> None:
        gc.unfreeze()  # what was frozen at on_mount may be freed again (a later deploy)
        poller = self.wizard.state.poller
        if poller is not None:
            poller.stop(timeout=1.0)  # it keeps where it stopped: coming back replays nothing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write_item":
            return self.wizard.connection.local
        if action == "copy":  # the keys of the other tabs are hidden (the footer fits 80)
            return self.tab == "outputs-tab"
        if action == "check_health":
            return self.tab == "health-tab"
        if action in ("find", "pretty"):
            return self.tab == "logs-tab"
        if action in ("pause", "follow"):  # one key, named by what it does now
            return self.tab == "logs-tab" and self.paused == (action == "follow")
        return super().check_action(action, parameters)

    def can_go_on(self) -> bool | None:
        return False  # the last step: Escape goes back to the review

    @property
    def tab(self) -> str:
        return self.query_one("#done-tabs", TabbedContent).active

    def action_tab(self, key: str) -> None:
        self.query_one("#done-tabs", TabbedContent).active = TABS[key]

    @on(TabbedContent.TabActivated)
    def tab_shown(self, event: TabbedContent.TabActivated) -> None:
        focus = {
            "logs-tab": "#logs",
            "outputs-tab": "#outputs",
            "events-tab": "#stack-events",
            "health-tab": "#health-box",
        }
        self.query_one(focus[event.pane.id or "logs-tab"]).focus()
        self.refresh_bindings()

    def clock_time(self) -> str:
        """The app's clock (a test's is fixed) as the local time of day."""
        now = datetime.fromtimestamp(self.wizard.now_ms() / 1000, UTC).astimezone()
        return now.strftime("%H:%M:%S")

    # -- the trigger ------------------------------------------------------------------
    def show_mapping(self) -> None:
        mapping = self.mapping
        if mapping is None:
            self.query_one("#mapping-state", Static).update(
                Text.assemble(("Trigger", "bold"), " not found")
            )
            return
        result = mapping.last_processing_result or "none yet"
        poller = self.wizard.state.poller
        if poller is not None and mapping.uuid in poller.results:
            result = f"{poller.results[mapping.uuid]} (local poller)"
        style = "red" if result.startswith("PROBLEM") else ""
        text = Text.assemble(  # its id is on the Outputs tab (EventSourceMappingId)
            ("Trigger", "bold"),
            "  ",
            ("State", "bold"),
            " ",
            (inert(mapping.state or "?"), "" if mapping.state == "Enabled" else "yellow"),
            "  ",
            ("Last result", "bold"),
            " ",
            (inert(result), style),
        )
        if self.checked:
            text.append(f"  read {self.checked}", "dim")
        self.query_one("#mapping-state", Static).update(text)

    def on_mapping_read(self, message: messages.MappingRead) -> None:
        self.mapping = message.mapping
        self.checked = self.clock_time()
        self.show_mapping()

    # -- health (the panel --check prints) ---------------------------------------------
    def action_check_health(self) -> None:
        self.check_health()

    @work(thread=True, exclusive=True, group="health", exit_on_error=False)
    def check_health(self) -> None:
        from ddbwizard.core import Commands, answers_path, check_trigger

        app = self.wizard
        path = answers_path(app.answers, app.folder)
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        options = app.options
        commands = Commands.of_run(
            str(shown),
            local=options.local,
            endpoint_url=options.endpoint_url,
            profile=options.profile,
            region=options.region,
        )
        self.post_message(
            messages.HealthRead(check_trigger(app.connection.aws, app.answers, commands))
        )

    def on_health_read(self, message: messages.HealthRead) -> None:
        from ddbwizard.core import health_panel

        read = f"read {self.clock_time()}; again every {int(HEALTH_EVERY)} s, r now"
        self.query_one("#health", Static).update(health_view(message.report, read))
        verdict = health_panel(message.report).verdict
        self.query_one("#done-tabs", TabbedContent).get_tab(
            "health-tab"
        ).label = f"4 Health: {verdict}"

    def recover(self, group: str, error: BaseException) -> bool:
        if group == "health":  # the check could not be read: said in its tab, the rest goes on
            self.query_one("#health", Static).update(
                outside(f"Health not read: {error_text(error)}")
            )
            return True
        return False

    # -- outputs and stack events -------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if event.data_table.id != "outputs" or key is None:
            return
        shown = Text.assemble((inert(key), "bold"), " ", inert(self.outputs[key]))
        shown.append("  (c copies it)", "dim")
        self.query_one("#output-value", Static).update(shown)

    def show_events(self, events: tuple[StackEvent, ...], status: str) -> None:
        table = self.query_one("#stack-events", DataTable)
        table.add_columns("Time", "Resource", "Status", "Reason")
        for event in events:
            style = (
                "red" if event.failed else ("green" if event.status.endswith("COMPLETE") else "")
            )
            table.add_row(  # every field but the time is CloudFormation's text
                event.timestamp.strftime("%H:%M:%S"),
                outside(event.logical_id),
                outside(event.status, style),
                outside(event.reason),
            )
        if status == "UNCHANGED":
            note = "No changes were deployed, so this deploy has no stack events."
        elif not events:
            note = "CloudFormation reported no stack events for this deploy."
        else:
            note = f"The {len(events)} stack events of this deploy, oldest first."
        self.query_one("#events-note", Static).update(note)

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

    # -- the log view ------------------------------------------------------------------
    def show_logs_title(self) -> None:
        group = inert(self.wizard.answers.log_group_name)
        if self.received:
            state = f"{self.received} events"
            if self.needle:
                matching = sum(1 for _, view in self.kept if self.matches(view))
                state += f", {matching} of the newest {len(self.kept)} match"
        else:
            state = "no events yet, waiting"
        if self.notice and self.notice != LOGS_WAITING:
            state = inert(self.notice)
        mode = "paused" if self.paused else "following"
        if self.paused and self.unseen:
            mode += f", {self.unseen} new (space follows)"
        self.query_one("#logs-title", Static).update(
            Text.assemble((group, "bold"), f"  {mode} · {state}")
        )

    def matches(self, view: LogView) -> bool:
        shown = view.pretty if self.pretty else view.summary
        return not self.needle or self.needle in shown.lower()

    def rendered(self, line: LogLine, view: LogView) -> Text:
        """One event as the view shows it: inert text, the filter's matches highlighted."""
        stamp = datetime.fromtimestamp(line.timestamp_ms / 1000, UTC).astimezone()
        body = inert(view.pretty if self.pretty else view.summary, multiline=self.pretty)
        text = Text(stamp.strftime("%H:%M:%S"), "dim")
        text.append("  ")
        text.append(body, "" if view.record else "italic")
        if self.needle:
            text.highlight_words([self.needle], "reverse", case_sensitive=False)
        return text

    def redraw(self) -> None:
        self.query_one("#logs", RichLog).clear()
        shown = ((line, view) for line, view in self.kept if self.matches(view))
        self.unrendered = deque(shown, maxlen=KEPT_EVENTS)
        self.render_waiting()
        self.show_logs_title()

    def render_waiting(self) -> None:
        """Render the events waiting for the view for RENDER_BUDGET, then again after
        RENDER_PAUSE while any wait: a burst of thousands renders between key presses and
        paints (a rendered line costs ~0.25 ms), not in one stall."""
        log = self.query_one("#logs", RichLog)
        deadline = time.perf_counter() + RENDER_BUDGET
        while self.unrendered and time.perf_counter() < deadline:
            line, view = self.unrendered.popleft()
            log.write(self.rendered(line, view), scroll_end=False)
        if not self.paused:
            log.scroll_end(animate=False)
        if self.unrendered and self.render_timer is None:
            self.render_timer = self.set_timer(RENDER_PAUSE, self._render_later)

    def _render_later(self) -> None:
        self.render_timer = None
        self.render_waiting()

    @work(thread=True, exclusive=True, group="logs", exit_on_error=False)
    def tail(self, group: str, mapping_id: str | None) -> None:
        from ddbwizard.core import LOOK_BACK_MS, Follow, follow_logs

        app = self.wizard
        aws = app.connection.aws
        worker = get_current_worker()

        poller = app.state.poller  # --local: read again as soon as it has run the function

        def pause(seconds: float) -> bool:
            deadline = time.monotonic() + seconds
            while not worker.is_cancelled and time.monotonic() < deadline:
                if poller is None:
                    time.sleep(0.1)
                elif poller.wait_delivery(0.1):
                    break
            return worker.is_cancelled

        def each_round(rounds: int) -> None:
            if mapping_id and rounds % MAPPING_EVERY == 0:
                self.post_message(messages.MappingRead(aws.mapping(mapping_id)))

        sink = Follow(
            lines=self.post_lines,
            notice=lambda text: self.post_message(messages.LogNotice(text)),
            each_round=each_round,
        )
        follow_logs(
            aws,
            group,
            sink,
            since_ms=app.now_ms() - LOOK_BACK_MS,
            interval=app.log_interval or app.connection.poll_interval,
            pause=pause,
        )

    def on_log_notice(self, message: messages.LogNotice) -> None:
        self.notice = message.text
        self.show_logs_title()

    def post_lines(self, lines: list[LogLine]) -> None:
        self.post_message(log_message(lines))

    def on_log_lines(self, message: messages.LogLines) -> None:
        for line, view in message.lines:
            self.kept.append((line, view))
            if self.paused:
                self.unseen += 1
            elif self.matches(view):
                self.unrendered.append((line, view))
        if len(self.unrendered) >= KEPT_EVENTS:  # every line shown is older than the window
            self.query_one("#logs", RichLog).clear()
        self.received += len(message.lines) + message.dropped
        self.notice = ""
        self.show_logs_title()
        self.render_waiting()

    def action_pretty(self) -> None:
        self.pretty = not self.pretty
        self.redraw()

    def action_pause(self) -> None:
        self.paused = True
        self.query_one("#logs", RichLog).auto_scroll = False
        self.show_logs_title()
        self.refresh_bindings()

    def action_follow(self) -> None:
        self.paused = False
        self.query_one("#logs", RichLog).auto_scroll = True
        self.unseen = 0
        self.redraw()
        self.refresh_bindings()

    def action_find(self) -> None:
        field = self.query_one("#log-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#log-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.needle = event.value.strip().lower()
        self.redraw()

    @on(Input.Submitted, "#log-filter")
    def filter_kept(self) -> None:
        self.query_one("#logs", RichLog).focus()

    def close_filter(self) -> None:
        field = self.query_one("#log-filter", Input)
        field.value = ""
        field.display = False
        self.needle = ""
        self.redraw()
        self.query_one("#logs", RichLog).focus()

    # -- the demo item (--local) ------------------------------------------------------
    def action_write_item(self) -> None:
        if not self.wizard.connection.local:
            self.notify("Writing a demo item is for --local only", severity="warning")
            return
        self.write_item()

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def write_item(self) -> None:
        from ddbwizard.local.demo import demo_item

        table = self.wizard.answers.table.name
        self.wizard.connection.aws.put_item(table, demo_item(table))
        self.app.call_from_thread(
            self.notify,
            inert(f"Wrote a demo item to {table}; its echo line appears below shortly."),
            markup=False,
        )

    def action_back(self) -> None:
        """Escape: clears an open filter first; else back to the review (to change
        something and deploy again)."""
        if self.query_one("#log-filter", Input).display:
            self.close_filter()
            return
        steps = [getattr(screen, "STEP", None) for screen in self.app.screen_stack]
        if "review" in steps:
            self.wizard.restart_from("review")
        else:  # opened from the table list (an existing trigger's logs): back to it
            self.wizard.back()

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Copy output", "Copy the selected output value", self.action_copy)
        yield SystemCommand("Pretty JSON", "Show each log event as pretty JSON", self.action_pretty)
        yield SystemCommand("Back to review", "Change something and deploy again", self.action_back)
