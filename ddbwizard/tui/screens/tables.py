"""Step 2: the region's tables, listed page by page; the rows on screen described as they show."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from ddbwizard.core import DdbWizardError, TableInfo, inert, no_tables_error, start_from
from ddbwizard.tui import messages
from ddbwizard.tui.screens.base import StepScreen
from ddbwizard.tui.widgets.table_list import Cell, TableList
from ddbwizard.tui.widgets.text import outside

if TYPE_CHECKING:
    from ddbwizard.core import Answers, DeployedTrigger
    from ddbwizard.tui.screens.trigger import TriggerChoice

COLUMNS = ("Table", "Stream", "View type", "Items", "Status", "Trigger")
# Fixed widths (the table name's grows with the names, up to what the screen leaves it).
WIDTHS = {"Stream": 6, "View type": 18, "Items": 8, "Status": 10, "Trigger": 8}
VERDICT_STYLE = {"OK": "green", "checking": "dim"}  # any other verdict is a problem: red
BATCH = 25  # DescribeTable answers per message
# Screen columns the name cannot have: the fixed columns, every cell's padding, the borders
# and the scrollbar. A longer name is cut with an ellipsis (the full name: the status line).
NOT_NAME = sum(WIDTHS.values()) + 2 * len(COLUMNS) + 6
MIN_NAME = 12
# The cells of a row not described yet: one set shared by every such row (10,000 tables).
LOADING = (Text("…", "dim"), "", "", Text("loading", "dim"))


def name_width(screen_width: int) -> int:
    return max(MIN_NAME, screen_width - NOT_NAME)


def _name_cells(name: str) -> int:
    """How wide a name is drawn (an AWS table name is printable ASCII: its length)."""
    return len(name) if name.isascii() and name.isprintable() else outside(name).cell_len


def _row(
    name: str, info: TableInfo | None, width: int, verdict: str | None = None
) -> tuple[Cell, ...]:
    """The cells of one table; what AWS said (name, view type, status) is drawn inert, the
    name cut to `width` cells; `verdict`: its ddbwizard trigger's health, if it has one."""
    shown = outside(name)
    shown.truncate(width, overflow="ellipsis")
    trigger = "" if verdict is None else Text(verdict, VERDICT_STYLE.get(verdict, "red"))
    if info is None:
        return (shown, *LOADING, trigger)
    if info.error:
        return (shown, "?", "", "", Text("UNKNOWN", "red"), trigger)
    stream = Text("on", "green") if info.stream_enabled else Text("off", "yellow")
    items = "" if info.item_count is None else f"{info.item_count:,}"
    status = outside(info.status, "" if info.status == "ACTIVE" else "yellow")
    return (shown, stream, outside(info.view_type or ""), items, status, trigger)


class TableScreen(StepScreen):
    """The list has focus first (as in k9s or lazygit: q quits, / filters); in the filter
    box every key is text, Enter chooses the only match, Escape or Down returns to the list."""

    STEP = "table"
    AUTO_FOCUS = "#tables"
    BINDINGS: ClassVar[list[BindingType]] = [
        *StepScreen.BINDINGS,
        Binding("r", "refresh", "Refresh", show=False),
        Binding("ctrl+r", "refresh", "Refresh"),
        Binding("slash", "filter", "Filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.infos: dict[str, TableInfo] = {}
        self.asked: set[str] = set()  # names whose DescribeTable is asked for (describe_shown)
        self.loaded: int | None = None  # how many tables the last listing found, once done
        self.name_width = MIN_NAME  # what the screen leaves the name column
        self.longest = 0  # the widest name listed, in cells (counted up to name_width)
        self.had_rows = True  # whether the footer was last drawn with a row shown
        self.triggers: dict[str, list[DeployedTrigger]] = {}  # ddbwizard's stacks, by table
        self.verdicts: dict[str, str] = {}  # their health, by table

    def body(self) -> ComposeResult:
        with Vertical(classes="step-body"):
            yield Static(
                "Choose the table whose changes the function should see", classes="step-title"
            )
            yield Input(placeholder="/ filters the tables", id="filter", select_on_focus=False)
            yield TableList(self._columns(), self._cells, id="tables")
            yield Static("", id="tables-status", classes="status-line")

    def on_mount(self) -> None:
        self.name_width = name_width(self.app.size.width)
        self.watch(self._list, "scroll_y", lambda _: self.describe_shown(), init=False)
        self.action_refresh()

    @property
    def _list(self) -> TableList:
        return self.query_one(TableList)

    def _columns(self) -> list[tuple[str, int]]:
        """As wide as the widest name listed, cut to what the screen leaves it."""
        name = max(len(COLUMNS[0]), min(self.longest, self.name_width))
        return [(column, WIDTHS.get(column, name)) for column in COLUMNS]

    def _cells(self, name: str) -> tuple[Cell, ...]:
        """A row's cells, from what is known of its table now (drawn while on screen)."""
        return _row(name, self.infos.get(name), self.name_width, self.verdicts.get(name))

    def action_refresh(self) -> None:
        self.names, self.infos, self.asked, self.loaded = [], {}, set(), None
        self.longest = 0
        self._status(Text(f"Listing tables in {inert(self.wizard.connection.identity.region)}…"))
        self._render_rows()
        self.load()

    @work(thread=True, exclusive=True, group="tables", exit_on_error=False)
    def load(self) -> None:
        """Every page of names, in list order (the list shows with the first); the rows on
        screen are described as they show (describe_shown), not the thousands scrolled past."""
        aws = self.wizard.connection.aws
        count = 0
        for page in aws.iter_table_name_pages():
            count += len(page)
            self.post_message(messages.TableNames(page))
        self.post_message(messages.TablesLoaded(count))
        self.find_triggers()

    @work(thread=True, group="describe", exit_on_error=False)
    def describe(self, names: list[str]) -> None:
        """DescribeTable of each name, to the screen in batches."""
        batch: list[TableInfo] = []
        for info in self.wizard.connection.aws.describe_tables(names):
            batch.append(info)
            if len(batch) >= BATCH:
                self.post_message(messages.TablesDescribed(batch))
                batch = []
        if batch:
            self.post_message(messages.TablesDescribed(batch))
        # While the user chooses; not before the rows on screen are described: the emulator's
        # warm-up holds its interpreter for ~1 s, and these DescribeTable calls would wait.
        self.wizard.connection.warm()

    def describe_shown(self) -> None:
        """Describe the rows on screen, and a screenful either side, that are not yet asked
        for: memory and DescribeTable calls follow what is shown, not the table count."""
        wanted = [name for name in self._list.shown_keys(margin=1) if name not in self.asked]
        if wanted:
            self.asked.update(wanted)
            self.describe(wanted)

    @work(thread=True, exclusive=True, group="triggers", exit_on_error=False)
    def find_triggers(self) -> None:
        """The tables that have a ddbwizard trigger (one listing), then each one's health."""
        from ddbwizard.core import Commands, answers_path, deployed_triggers, trigger_verdict

        app = self.wizard
        aws = app.connection.aws
        triggers = deployed_triggers(aws)
        self.post_message(messages.TriggersFound(triggers))
        options = app.options
        for table, found in triggers.items():
            answers_file = answers_path(start_from(None, table), app.folder)
            commands = Commands.of_run(
                str(answers_file),
                local=options.local,
                endpoint_url=options.endpoint_url,
                profile=options.profile,
                region=options.region,
            )
            try:
                verdict = trigger_verdict(aws, found[0], commands)
            except DdbWizardError:
                verdict = "unread"
            self.post_message(messages.TriggerVerdict(table, verdict))

    def recover(self, group: str, error: BaseException) -> bool:
        if group == "triggers":  # the list works without: said in a toast
            self.notify(inert(f"Existing triggers not read: {error}", multiline=True), markup=False)
            return True
        return False

    def on_triggers_found(self, message: messages.TriggersFound) -> None:
        self.triggers = message.triggers
        for table in message.triggers:
            self._set_verdict(table, "checking")

    def on_trigger_verdict(self, message: messages.TriggerVerdict) -> None:
        self._set_verdict(message.table, message.verdict)

    def _set_verdict(self, table: str, verdict: str) -> None:
        self.verdicts[table] = verdict
        self._list.refresh_keys([table])

    def on_table_names(self, message: messages.TableNames) -> None:
        self.names.extend(message.names)
        self._status(f"{len(self.names)} tables; reading their streams…")
        self._add_rows(message.names)
        self.call_after_refresh(self.describe_shown)  # once the screenful is painted

    def on_tables_described(self, message: messages.TablesDescribed) -> None:
        for info in message.infos:
            self.infos[info.name] = info
        self._list.refresh_keys([info.name for info in message.infos])

    def on_tables_loaded(self, message: messages.TablesLoaded) -> None:
        self.loaded = message.count
        self._show_count()

    def _show_count(self) -> None:
        """How many tables there are, or how many match the filter (none: says so); while
        a name cut short is highlighted, that name whole."""
        cut = self._cut_name()
        if cut is not None:
            self._status(Text.assemble(("Table ", "bold"), outside(cut)))
            return
        if self.loaded is None:
            return
        identity = self.wizard.connection.identity
        region, account = inert(identity.region), inert(identity.account)
        text = self._filter_text()
        shown = self._list.row_count
        if self.loaded == 0:
            empty = no_tables_error(identity.region, identity.account)
            self._status(
                Text.assemble(
                    (inert(empty.message), "bold"), f" {inert(empty.hint)} Escape goes back."
                )
            )
        elif text and not shown:
            self._status(
                Text.assemble(("No table matches ", "bold"), (f"'{inert(text)}'", "bold"), ".")
            )
        elif text:
            chooses = "Enter chooses it" if shown == 1 else "Down goes to the list"
            self._status(Text(f"{shown} of {self.loaded} tables match. {chooses}."))
        else:
            where = " on the local emulator" if self.wizard.connection.local else ""
            self._status(
                Text(
                    f"{self.loaded} tables in account {account}, {region}"
                    f"{where}. Enter chooses, / filters, r refreshes."
                )
            )

    def _status(self, text: str | Text) -> None:
        """A literal of ours as a str, anything holding AWS text as a Text."""
        self.query_one("#tables-status", Static).update(text)

    def _render_rows(self) -> None:
        shown = self._matching(self.names)
        self._list.set_keys(shown)
        self._names_shown(shown)

    def _filter_text(self) -> str:
        return self.query_one("#filter", Input).value.strip()

    def _matching(self, names: list[str]) -> list[str]:
        text = self._filter_text().lower()
        return [name for name in names if text in name.lower()] if text else names

    def _add_rows(self, names: list[str]) -> None:
        shown = self._matching(names)
        self._list.extend(shown)
        self._names_shown(shown)

    def _names_shown(self, names: list[str]) -> None:
        """The name column as wide as the widest name listed; ctrl+n's state in the footer."""
        if self.longest < self.name_width:
            longest = max(map(_name_cells, names), default=0)
            if longest > self.longest:
                self.longest = longest
                self._list.set_columns(self._columns())
        if bool(self._list.row_count) != self.had_rows:  # ctrl+n: disabled while none shows
            self.had_rows = not self.had_rows
            self.refresh_bindings()  # not once a page: each redraws the footer

    def can_go_on(self) -> bool | None:
        return True if self._list.row_count else None

    def on_resize(self) -> None:
        width = name_width(self.app.size.width)
        if width != self.name_width:
            self.name_width, self.longest = width, 0
            self._names_shown(self._list.keys)
            self._list.set_columns(self._columns())
        self.call_after_refresh(self.describe_shown)

    @on(TableList.Highlighted)
    def _highlighted(self) -> None:
        self._show_count()

    def _cut_name(self) -> str | None:
        """The highlighted row's name, if it is cut short in the list."""
        name = self._list.highlighted
        if name is not None and _name_cells(name) > self.name_width:
            return name
        return None

    @on(Input.Changed, "#filter")
    def _filtered(self) -> None:
        self._render_rows()
        self._show_count()
        self.call_after_refresh(self.describe_shown)

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        rows = self._list
        if rows.row_count == 1:
            self.action_next()
        elif rows.row_count:
            rows.focus()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def key_down(self) -> None:
        if self.query_one("#filter", Input).has_focus:
            self._list.focus()

    def action_back(self) -> None:
        """Escape in the filter box returns to the list; in the list, back one step."""
        if self.query_one("#filter", Input).has_focus:
            self._list.focus()
            return
        super().action_back()

    @on(TableList.Selected)
    def _chosen(self, event: TableList.Selected) -> None:
        self.choose(event.key)

    def action_next(self) -> None:
        name = self._list.highlighted
        if name is not None:
            self.choose(name)

    def choose(self, name: str) -> None:
        info = self.infos.get(name)
        if info is None:
            self.notify(inert(f"Still reading table {name}…"), severity="warning", markup=False)
            return
        if info.error:
            self.notify(
                inert(info.error, multiline=True),
                title=inert(f"Cannot read {name}"),
                severity="error",
                markup=False,
            )
            return
        found = self.triggers.get(name)
        if found:  # a ddbwizard trigger: update, check, logs, destroy, or start fresh
            from ddbwizard.tui.screens.trigger import TriggerModal

            self.app.push_screen(
                TriggerModal(found[0]), lambda choice: self._trigger_chosen(info, choice)
            )
            return
        self._start(info, self.wizard.state.resume)

    def _trigger_chosen(self, info: TableInfo, choice: TriggerChoice | None) -> None:
        app = self.wizard
        if choice is None:
            return
        if choice.kind == "destroyed":
            self.notify(inert(f"Stack of {info.name} deleted"), markup=False)
            self.action_refresh()
        elif choice.kind == "logs" and choice.answers is not None:
            app.answers, app.state.table, app.state.outcome = choice.answers, info, choice.outcome
            app.state.stream = None
            app.go("done")
        else:  # update: from the deployed answers; fresh: the defaults
            app.state.answers = None
            self._start(info, choice.answers if choice.kind == "update" else None)

    def _start(self, info: TableInfo, resume: Answers | None) -> None:
        """On to the stream step with this table's answers: `resume`'s when they are this
        table's (an answers file, a deployed stack), else the defaults."""
        app = self.wizard
        name = info.name
        if app.state.answers is None or app.answers.table.name != name:
            app.answers = start_from(resume, name, aws=app.connection.answers_aws())
            app.state.stream = None
        if info.view_type:
            app.answers = app.answers.with_values({"stream.view_type": info.view_type})
        app.state.table = info
        app.next_step(self.STEP)

    def commands(self) -> Iterable[SystemCommand]:
        yield from super().commands()
        yield SystemCommand("Refresh tables", "List the tables again", self.action_refresh)
