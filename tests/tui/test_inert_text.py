"""The TUI shows text from AWS literally: never parsed as markup, control characters visible.

And a save or export that the OS refuses is a notification; the user keeps every answer.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable, Input, RichLog, Static
from textual.widgets._data_table import default_cell_formatter

from ddbwizard.core.aws.errors import CredentialsError
from ddbwizard.core.aws.values import LogLine, MappingInfo, TableInfo
from ddbwizard.core.deploy.execute import DeployFailed
from ddbwizard.core.engine import Connection, Deployment, Outcome
from ddbwizard.core.errors import AwsError
from ddbwizard.core.report import StackEvent
from ddbwizard.tui.app import WizardApp, make_app
from ddbwizard.tui.screens.connect import ConnectScreen
from ddbwizard.tui.screens.deploy import DeployScreen
from ddbwizard.tui.screens.done import DoneScreen
from ddbwizard.tui.screens.modals import ConfirmModal, ErrorModal
from ddbwizard.tui.screens.review import ReviewScreen
from ddbwizard.tui.screens.tables import TableScreen
from ddbwizard.tui.widgets.table_list import TableList
from tests.helpers.drive import drawn_row, drive_to, log_text, until
from tests.helpers.tui_fakes import (
    ACCOUNT,
    ARN,
    MAPPING_ID,
    REGION,
    T0,
    FakeAws,
    FakeDeploy,
    fake_app,
)

TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"  # writes the terminal's clipboard
BATCH = "[#/BatchSize: expected maximum: 10000, found: 20000]"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def _no_raw(text: str) -> None:
    for char in RAW:
        assert char not in text, f"raw {char!r} in {text!r}"


def shown(widget: Static) -> str:
    return str(widget.render())


def cell(table: DataTable[Any], row: int, column: int) -> str:
    """What the table draws in a cell: a str is parsed as markup, a Text is drawn as is."""
    rendered = default_cell_formatter(table.get_row_at(row)[column])
    assert isinstance(rendered, Text)
    return rendered.plain


def notes(app: WizardApp) -> list[tuple[str, str, str]]:
    """(severity, title, message) of each notification, the message as its toast draws it
    (Content.from_markup raises MarkupError where a toast of markup would crash the app)."""
    found: list[tuple[str, str, str]] = []
    for note in app._notifications:
        message = Content.from_markup(note.message) if note.markup else Content(note.message)
        found.append((note.severity, note.title, message.plain))
    return found


# -- stack events, the failure box, report lines ---------------------------------------------
class HostileDeploy(FakeDeploy):
    """A deploy whose stack events carry AWS text that looks like markup and holds controls."""

    def execute(self, aws: Any, answers: Any, deployment: Deployment, stream_arn: str) -> Outcome:
        reporter = deployment.deployer.reporter  # type: ignore[attr-defined]
        reporter.info(f"Waiting for stack [/]{TITLE}")
        reason = f"Properties validation failed for resource EchoMapping with message: {BATCH}"
        failure = StackEvent(
            T0, "EchoMapping\u202e", "AWS::Lambda::EventSourceMapping", "CREATE_FAILED", reason
        )
        reporter.stack_event(failure)
        raise DeployFailed(
            f"Deploy failed: EchoMapping: {reason} [/]{TITLE}",
            "Fix the cause [b]then[/b] retry.",
            stack_name=deployment.plan.stack_name,
            status="ROLLBACK_COMPLETE",
            failure=failure,
            events=(failure,),
        )


async def test_a_stack_event_reason_is_shown_literally(tmp_path: Path) -> None:
    app = fake_app(deploy=HostileDeploy(), answers_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await drive_to(pilot, "deploy")
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, DeployScreen)
        await until(pilot, lambda: screen.query_one("#failure").display)
        events = screen.query_one("#events", DataTable)
        assert events.row_count == 1
        assert BATCH in cell(events, 0, 3)
        assert cell(events, 0, 1) == "EchoMapping\\u202e"
        failure = shown(screen.query_one("#failure", Static))
        assert BATCH in failure
        assert "[/]\\x1b]0;pwned\\x07" in failure
        _no_raw(failure)
        status = shown(screen.query_one("#deploy-status", Static))
        assert status == "The deploy did not complete."
        assert isinstance(app.screen, DeployScreen)  # no crash, no error dialog


# -- the error modal -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["aws", "unexpected"])
async def test_an_error_message_with_markup_and_escapes_is_shown_inert(kind: str) -> None:
    message = f"Access denied [/] to {TITLE}table [b]orders"

    class Denied(FakeAws):
        def iter_table_name_pages(self):  # type: ignore[no-untyped-def]
            if kind == "aws":
                raise AwsError(message, f"Ask for [/]dynamodb:ListTables{CLIPBOARD}")
            raise RuntimeError(message)

    app = fake_app(Denied())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.state.connection is not None)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ErrorModal))
        modal = app.screen
        assert isinstance(modal, ErrorModal)
        body = shown(modal.query_one(".dialog-body", Static))
        assert "Access denied [/] to \\x1b]0;pwned\\x07table [b]orders" in body
        _no_raw(body)
        if kind == "aws":
            assert "Ask for [/]dynamodb:ListTables\\x1b]52;c;cHduZWQ=\\x07" in body
        else:
            assert body.startswith("RuntimeError: ")
        await pilot.press("escape")
        assert isinstance(app.screen, TableScreen)


async def test_a_connect_problem_with_markup_is_shown_literally() -> None:
    def connect(*_args: Any, **_kwargs: Any) -> Connection:
        raise CredentialsError(f"The profile [/]dev{TITLE} has no credentials", "[b]Fix[/b] it")

    app = make_app(connect=connect)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        await until(pilot, lambda: screen.query_one("#problem").display)
        problem = shown(screen.query_one("#problem-text", Static))
        assert "The profile [/]dev\\x1b]0;pwned\\x07 has no credentials\n[b]Fix[/b] it" in problem
        assert problem.startswith("Could not connect\n")
        _no_raw(problem)


# -- the table list, notifications -------------------------------------------------------------
async def test_table_cells_and_their_notifications_are_inert() -> None:
    odd = f"odd[/]{TITLE}"
    aws = FakeAws()
    aws.tables[odd] = TableInfo(odd, f"ACT[b]IVE\u202e{TITLE}", True, "KEYS[/]_ONLY", ARN)
    aws.tables["broken"] = TableInfo(
        "broken", "UNKNOWN", error=f"AccessDenied [/] on {CLIPBOARD}broken"
    )
    app = fake_app(aws)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.state.connection is not None)
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, TableScreen) and len(app.screen.infos) == 5
        )
        screen = app.screen
        assert isinstance(screen, TableScreen)
        cells = drawn_row(screen.query_one("#tables", TableList), odd)
        assert cells[0] == "odd[/]\\x1b]0;pwned\\x07"
        assert cells[2] == "KEYS[/]_ONLY"
        assert cells[4] == "ACT[b]IVE…"  # its column is 10 wide: cut, still inert
        screen.choose("broken")
        await pilot.pause()
        ((severity, title, message),) = notes(app)
        assert severity == "error"
        assert title == "Cannot read broken"
        assert message == "AccessDenied [/] on \\x1b]52;c;cHduZWQ=\\x07broken"


async def test_queues_that_cannot_be_listed_are_a_literal_warning(tmp_path: Path) -> None:
    class NoQueues(FakeAws):
        def queues(self) -> list[str]:
            raise AwsError(f"sqs:ListQueues [/] denied {TITLE}")

    app = fake_app(NoQueues(), answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "mapping")
        await until(pilot, lambda: notes(app))
        ((severity, _title, message),) = notes(app)
        assert severity == "warning"
        assert (
            message
            == "Could not list queues and topics: sqs:ListQueues [/] denied \\x1b]0;pwned\\x07"
        )


# -- the stream step: report lines, readers, the ARN -----------------------------------------
async def test_stream_readers_and_report_lines_are_inert(tmp_path: Path) -> None:
    class Readers(FakeAws):
        def mappings_on_stream(self, arn: str) -> list[MappingInfo]:
            function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:audit[/]{TITLE}"
            return [MappingInfo(MAPPING_ID, function, "En[b]abled\u202e", "OK", 100, "LATEST", arn)]

    app = fake_app(Readers(), answers_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await drive_to(pilot, "stream", table="orders")
        await until(pilot, lambda: app.state.stream is not None)
        result = shown(app.screen.query_one("#stream-result", Static))
        assert "• audit[/]\\x1b]0;pwned\\x07 (En[b]abled\\u202e)" in result
        assert ARN in result
        _no_raw(result)


# -- the Done screen: log events, outputs, the mapping ---------------------------------------
class HostileLogs(FakeAws):
    def log_events(
        self, group: str, start_ms: int, token: str | None = None
    ) -> tuple[list[LogLine], str | None]:
        lines, _ = super().log_events(group, start_ms, token)
        stamp = int(T0.timestamp() * 1000) + 2000
        hostile = LogLine(stamp, "s", f"clip {CLIPBOARD} \u202edesrever [/] [b]x", "e3")
        return [*lines, *([hostile] if stamp >= start_ms else [])], None

    def mapping(self, uuid: str) -> MappingInfo:
        found = super().mapping(uuid)
        return MappingInfo(
            found.uuid, found.function_arn, f"Enabled{TITLE}", "PROBLEM: [/] x", 100, "LATEST", ARN
        )


class HostileOutputs(FakeDeploy):
    def unchanged(self, *args: Any, **kwargs: Any) -> Outcome:
        outcome = super().unchanged(*args, **kwargs)
        outputs = {**outcome.outputs, "Note[/]": f"see [b]this{TITLE}"}
        mapping = HostileLogs().mapping(MAPPING_ID)
        return Outcome(outcome.stack, outcome.status, outputs, outcome.stream_arn, mapping)


async def test_log_events_outputs_and_the_trigger_are_inert_on_done(tmp_path: Path) -> None:
    app = fake_app(HostileLogs(), HostileOutputs(), answers_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await drive_to(pilot, "done")
        screen = app.screen
        assert isinstance(screen, DoneScreen)
        log = screen.query_one("#logs", RichLog)
        await until(pilot, lambda: "desrever" in log_text(log))
        text = log_text(log)
        assert "clip \\x1b]52;c;cHduZWQ=\\x07 \\u202edesrever [/] [b]x" in text
        _no_raw(text)
        mapping = shown(screen.query_one("#mapping-state", Static))
        assert "State Enabled\\x1b]0;pwned\\x07" in mapping
        assert "Last result PROBLEM: [/] x" in mapping
        outputs = screen.query_one("#outputs", DataTable)
        row = outputs.get_row_index("Note[/]")
        assert cell(outputs, row, 0) == "Note[/]"
        assert cell(outputs, row, 1) == "see [b]this\\x1b]0;pwned\\x07"
        outputs.move_cursor(row=row)
        await pilot.pause()
        assert shown(screen.query_one("#output-value", Static)) == (
            "Note[/] see [b]this\\x1b]0;pwned\\x07  (c copies it)"
        )
        await pilot.press("2")  # the outputs tab, where c copies
        await pilot.press("c")
        assert app.clipboard == f"see [b]this{TITLE}"  # the value itself is copied
        *_, (_severity, title, message) = notes(app)
        assert title == "Note[/] copied"
        assert message == "see [b]this\\x1b]0;pwned\\x07"


async def test_the_quit_question_names_changes_literally(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.state.connection is not None)
        app.changes.record(f"stack [/]odd{TITLE} was deployed")
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        body = shown(app.screen.query_one(".dialog-body", Static))
        assert "stack [/]odd\\x1b]0;pwned\\x07 was deployed" in body
        _no_raw(body)


# -- save and export failures on the Review step -----------------------------------------------
@pytest.fixture
def read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder nobody may write to; as root the mode does not stop a write, so there the
    OS's answer (EACCES when making the temporary file) is given for that folder."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        real = tempfile.mkstemp

        def refuse(*args: Any, **kwargs: Any) -> Any:
            where = kwargs.get("dir")
            if where is not None and Path(where).resolve() == folder.resolve():
                raise PermissionError(13, "Permission denied", str(where))
            return real(*args, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    yield folder
    folder.chmod(0o755)


async def test_a_read_only_answers_folder_is_a_notification_and_another_folder_works(
    read_only: Path, tmp_path: Path
) -> None:
    app = fake_app(answers_dir=read_only)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "review", table="orders")  # its stream is reused: no question
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        answers = app.answers
        folder_row = screen.query_one("#folder-row")
        assert not folder_row.display

        for keys, title in (
            (["s"], "Could not save the answers"),
            (["e", "enter"], "Could not export the template"),  # e asks where: Enter keeps it
            (["ctrl+n"], "Could not save the answers"),
        ):
            app.clear_notifications()
            screen.query_one("#next").focus()
            await pilot.press(*keys)
            await until(pilot, lambda: notes(app))
            ((severity, shown_title, message),) = notes(app)
            assert (severity, shown_title) == ("error", title)
            assert str(read_only) in message
            assert "Permission denied" in message
            assert "Traceback" not in message
            assert app.screen is screen  # still on the review, every answer kept
            assert app.answers is answers
            if keys == ["e", "enter"]:  # the export field stays open with the path
                assert screen.query_one("#export-path", Input).has_focus
                await pilot.press("escape")
                continue
            assert folder_row.display
            assert screen.query_one("#folder", Input).has_focus
        assert not list(read_only.iterdir())

        other = tmp_path / "elsewhere"
        other.mkdir()
        box = screen.query_one("#folder", Input)
        box.value = str(other)
        await pilot.press("enter")  # retries the deploy's save, then goes on
        await until(pilot, lambda: isinstance(app.screen, DeployScreen))
        assert (other / "ddbwizard-orders-echo.yaml").exists()
        assert app.answers is answers


async def test_an_export_to_a_missing_folder_can_be_retried(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path / "gone")
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "review")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("e")  # asks where, the folder and file name filled in
        box = screen.query_one("#export-path", Input)
        assert box.has_focus
        assert box.value == str(tmp_path / "gone" / "customers-echo.template.yaml")
        await pilot.press("enter")
        await until(pilot, lambda: notes(app))
        ((severity, _title, message),) = notes(app)
        assert severity == "error"
        assert str(tmp_path / "gone") in message
        assert box.has_focus  # still asking
        box.value = str(tmp_path / "mine.json")
        app.clear_notifications()
        await pilot.press("enter")
        await until(pilot, lambda: notes(app))
        assert notes(app)[0][:2] == ("information", "Template exported (JSON)")
        assert (tmp_path / "mine.json").read_text().startswith("{")
        assert not screen.query_one("#export-row").display
        assert not screen.query_one("#folder-row").display
