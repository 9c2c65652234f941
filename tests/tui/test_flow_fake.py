"""Pilot tests on a fake facade: navigation, failures, errors, and a responsive UI thread."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, RichLog, Static

from ddbwizard.core.aws.errors import CredentialsError
from ddbwizard.core.engine import Connection
from ddbwizard.core.errors import AwsError
from ddbwizard.tui.app import make_app
from ddbwizard.tui.screens.connect import ConnectScreen
from ddbwizard.tui.screens.deploy import DeployScreen
from ddbwizard.tui.screens.done import DoneScreen
from ddbwizard.tui.screens.mapping import MappingScreen
from ddbwizard.tui.screens.modals import ConfirmModal, ErrorModal, HelpScreen
from ddbwizard.tui.screens.stream import StreamScreen
from tests.helpers.drive import drive_to, log_text, until
from tests.helpers.tui_fakes import CUSTOMERS_ARN, FakeAws, FakeDeploy, fake_app


async def test_the_whole_flow_ends_on_done_with_outputs(tmp_path: Path) -> None:
    aws = FakeAws()
    app = fake_app(aws, answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "done")
        assert aws.enabled == [("customers", "NEW_AND_OLD_IMAGES")]
        assert app.state.outcome is not None
        assert app.state.outcome.outputs["StreamArn"] == CUSTOMERS_ARN
        assert (tmp_path / "ddbwizard-customers-echo.yaml").exists()
        assert "MODIFY" in log_text(app.screen.query_one(RichLog))
        await pilot.press("2")  # the outputs tab
        await pilot.press("c")
        assert app.clipboard == "customers-echo"
        await pilot.press("q")  # a stream was enabled and a stack deployed: ask first
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("enter")
    assert app.return_code == 0


async def test_the_stream_is_enabled_only_at_deploy_and_cancelling_changes_nothing(
    tmp_path: Path,
) -> None:
    aws = FakeAws()
    app = fake_app(aws, answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "review")
        assert aws.enabled == []  # the Stream step only read the table
        assert "stream/" in app.stream_arn  # the review's template holds a placeholder
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DeployScreen))
        screen = app.screen
        status = screen.query_one("#deploy-status", Static)
        await until(pilot, lambda: "Nothing was changed" in str(status.render()))
        assert aws.enabled == []
        assert not app.changes.changed
        assert screen.query_one("#next", Button).disabled


async def test_inline_validation_and_back_keep_values(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "mapping")
        field = app.screen.query_one("#q-mapping-batch-size")
        box = field.query_one(Input)
        box.focus()
        box.value = ""
        await pilot.press(*"20000")
        problem = field.query_one(".problem", Static)
        assert field.has_class("-invalid")
        assert "10000" in str(problem.render()).replace(",", "")
        await pilot.press("ctrl+n")  # refused: still on the trigger step
        assert isinstance(app.screen, MappingScreen)
        box.value = ""
        await pilot.press(*"250")
        assert not field.has_class("-invalid")
        await pilot.press("ctrl+n", "escape")  # to Function and back
        await until(pilot, lambda: isinstance(app.screen, MappingScreen))
        await pilot.press("escape", "escape")  # Stream, then Table
        app.screen.choose("customers")  # type: ignore[attr-defined]
        await until(pilot, lambda: isinstance(app.screen, StreamScreen))
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, MappingScreen))
        assert app.screen.query_one("#q-mapping-batch-size").query_one(Input).value == "250"
        assert app.answers.mapping.batch_size == 250


async def test_a_failed_deploy_names_the_resource_and_offers_replace(tmp_path: Path) -> None:
    deploy = FakeDeploy(fail="ROLLBACK_COMPLETE")
    app = fake_app(deploy=deploy, answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "deploy")
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, DeployScreen)
        await until(pilot, lambda: screen.query_one("#failure").display)
        text = str(screen.query_one("#failure", Static).render())
        assert "EchoFunction" in text
        assert "iam:PassRole denied" in text
        assert screen.query_one("#replace", Button).display
        deploy.fail = None
        await pilot.press("d")
        await until(pilot, lambda: deploy.plans == [False, True])
        await until(pilot, lambda: not screen.query_one("#next", Button).disabled)


async def test_a_rolled_back_stack_is_replaced_only_when_asked(tmp_path: Path) -> None:
    deploy = FakeDeploy(needs_replace=True)
    app = fake_app(deploy=deploy, answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "review")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))  # the stream first
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DeployScreen))
        screen = app.screen
        await until(pilot, lambda: screen.query_one("#failure").display)
        assert "ROLLBACK_COMPLETE" in str(screen.query_one("#failure", Static).render())
        await pilot.press("d")
        await until(pilot, lambda: not screen.query_one("#next", Button).disabled)
        assert deploy.plans == [False, True]


async def test_an_empty_change_set_goes_to_done(tmp_path: Path) -> None:
    app = fake_app(deploy=FakeDeploy(empty=True), answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive_to(pilot, "review", table="orders")  # its stream is reused
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, DoneScreen))
        assert app.state.outcome is not None
        assert app.state.outcome.status == "UNCHANGED"


async def test_no_credentials_offers_the_emulator() -> None:
    fake = Connection(FakeAws(), FakeAws().identity())  # type: ignore[arg-type]

    def connect(
        profile: str | None, region: str | None, endpoint: str | None, local: bool, **_: object
    ) -> Connection:
        if local:
            return fake
        raise CredentialsError("No AWS credentials found", "run `aws configure`")

    app = make_app(connect=connect)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        await until(pilot, lambda: screen.query_one("#problem").display)
        assert "No AWS credentials found" in str(screen.query_one("#problem-text", Static).render())
        await pilot.click("#local")
        await until(pilot, lambda: app.state.connection is fake)


async def test_a_failed_call_shows_its_message_not_a_traceback() -> None:
    class Denied(FakeAws):
        def iter_table_name_pages(self):  # type: ignore[no-untyped-def]
            raise AwsError("Access denied: dynamodb:ListTables", "Ask for dynamodb:ListTables")

    app = fake_app(Denied())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.state.connection is not None)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ErrorModal))
        assert isinstance(app.screen, ErrorModal)
        assert "dynamodb:ListTables" in app.screen.message
        assert "Traceback" not in app.screen.message


async def test_the_ui_answers_keys_while_a_slow_call_runs() -> None:
    aws = FakeAws(delay=2.0)
    app = make_app(connect=lambda *a, **k: Connection(aws, aws.identity()))  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert app.state.connection is None  # the identity call is still in flight
        await pilot.press("escape")
        assert isinstance(app.screen, ConnectScreen)
        app.workers.cancel_all()
