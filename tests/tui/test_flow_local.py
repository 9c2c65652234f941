"""The whole wizard against the embedded emulator (moto): real engine, real change set."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Button, Collapsible, Input, RichLog, Select, Static

from ddbwizard.cli import main
from ddbwizard.core.engine import Connection
from ddbwizard.tui.app import make_app
from ddbwizard.tui.screens.deploy import DeployScreen
from ddbwizard.tui.screens.done import DoneScreen
from ddbwizard.tui.screens.function import FunctionScreen
from ddbwizard.tui.screens.mapping import MappingScreen
from ddbwizard.tui.screens.modals import ConfirmModal
from ddbwizard.tui.screens.review import ReviewScreen
from ddbwizard.tui.screens.stream import StreamScreen
from ddbwizard.tui.screens.tables import TableScreen
from tests.helpers.drive import log_text, until


async def _to_stream(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: isinstance(app.screen, TableScreen) and len(app.screen.infos) == 3)
    await pilot.press("slash", *"cust", "enter")  # the only match: Enter chooses it
    await until(pilot, lambda: isinstance(app.screen, StreamScreen))


async def test_enable_configure_deploy_and_see_the_echo(
    local_connect: Callable[..., Connection], tmp_path: Path
) -> None:
    app = make_app(local=True, connect=local_connect, answers_dir=tmp_path, log_interval=0.3)
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_stream(pilot, app)
        await pilot.press("down", "enter")  # NEW_IMAGE: enabled at the Deploy step
        await until(pilot, lambda: isinstance(app.screen, MappingScreen))
        assert app.state.stream is None
        assert app.answers.stream.view_type == "NEW_IMAGE"
        assert not app.connection.aws.describe_table("customers").stream_enabled
        screen = app.screen
        batch = screen.query_one("#q-mapping-batch-size").query_one(Input)
        batch.value = "25"
        screen.query_one("#advanced", Collapsible).collapsed = False
        retries = screen.query_one("#q-mapping-max-retry-attempts").query_one(Input)
        retries.value = "3"
        destination: Select[str] = screen.query_one("#q-mapping-on-failure").query_one(Select)
        await until(pilot, lambda: len(destination._options) > 3)  # queues and topics loaded
        destination.value = "create"
        await pilot.pause()
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, FunctionScreen))
        assert app.answers.mapping.batch_size == 25
        assert app.answers.mapping.max_retry_attempts == 3
        assert app.answers.mapping.on_failure is not None
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review)
        await pilot.press("t", "e", "enter")
        assert (tmp_path / "customers-echo.template.json").exists()
        await pilot.press("ctrl+n")
        saved = (tmp_path / "ddbwizard-customers-echo.yaml").read_text()
        # the header's repeat command is the one the screen shows: with --local
        assert "\n# ddbwizard --local --answers " in saved
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), timeout=30)
        assert "customers" in app.screen.message  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DeployScreen)
                and not app.screen.query_one("#next", Button).disabled
            ),
            timeout=30,
        )
        assert app.state.stream is not None
        assert app.state.stream.view_type == "NEW_IMAGE"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DoneScreen), timeout=60)
        outcome = app.state.outcome
        assert outcome is not None
        assert outcome.outputs["FunctionName"] == "customers-echo"
        assert outcome.mapping is not None
        await pilot.press("w")
        log = app.screen.query_one(RichLog)
        await until(pilot, lambda: "Hello from ddbwizard" in log_text(log), timeout=20)

        # The saved answers file repeats this deploy without prompts: nothing left to do.
        saved = tmp_path / "ddbwizard-customers-echo.yaml"
        endpoint = app.connection.aws.endpoint_url
        assert endpoint is not None
        err = io.StringIO()
        with contextlib.redirect_stderr(err):  # the running app holds sys.stderr otherwise
            assert main(["--answers", str(saved), "--yes", "--endpoint-url", endpoint]) == 0
        assert "No changes to deploy" in err.getvalue()


async def test_a_declined_confirmation_changes_nothing(
    local_connect: Callable[..., Connection], tmp_path: Path
) -> None:
    app = make_app(local=True, connect=local_connect, answers_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_stream(pilot, app)
        await pilot.press("enter", "ctrl+n", "ctrl+n")  # the view type, Trigger, Function
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), timeout=30)
        await pilot.press("escape")
        await until(
            pilot,
            lambda: (
                "Nothing was changed"
                in str(app.screen.query_one("#deploy-status", Static).render())
            ),
        )
        assert isinstance(app.screen, DeployScreen)
        assert app.state.stream is None
        assert not app.connection.aws.describe_table("customers").stream_enabled
        assert not app.changes.changed
        await pilot.press("q")  # nothing changed in AWS: quits without asking
    assert app.return_code == 0
