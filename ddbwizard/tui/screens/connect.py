"""Step 1: profile and region, then the identity; or the embedded emulator instead."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ddbwizard.core import AwsConfigError, Connection, CredentialsError, EndpointUnreachable, inert
from ddbwizard.tui import messages
from ddbwizard.tui.screens.base import StepScreen

CONNECT_PROBLEMS = (CredentialsError, AwsConfigError, EndpointUnreachable)


class ConnectScreen(StepScreen):
    STEP = "connect"
    # ctrl+l, not l: l is text in the Profile and Region fields, ctrl+l works from any field.
    BINDINGS: ClassVar[list[BindingType]] = [
        *StepScreen.BINDINGS,
        Binding("ctrl+l", "local", "Emulator", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stale = False  # the fields say other than the connection (or none was made)

    def body(self) -> ComposeResult:
        options = self.wizard.options
        profile = options.profile or os.environ.get("AWS_PROFILE", "")
        region = (
            options.region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION", "")
        )
        with Vertical(id="connect", classes="step-body"):
            yield Static("Connect to AWS", classes="step-title")
            if options.local:
                yield Static("Starting the embedded emulator (moto) with demo tables…")
            else:
                with Horizontal(classes="row"):
                    yield Label("Profile", classes="field-label")
                    yield Input(profile, placeholder="default", id="profile", select_on_focus=False)
                with Horizontal(classes="row"):
                    yield Label("Region", classes="field-label")
                    yield Input(
                        region, placeholder="e.g. eu-west-1", id="region", select_on_focus=False
                    )
            yield Static("", id="identity")
            with Vertical(id="problem", classes="problem-box"):
                yield Static("", id="problem-text")
                yield Button("Use the embedded emulator instead (ctrl+l)", id="local", compact=True)
            with Horizontal(classes="buttons"):
                # One button: "Connect" until connected with what the fields say, then "Next".
                yield Button("Next", variant="primary", id="next", compact=True, disabled=True)

    def on_mount(self) -> None:
        self.query_one("#problem").display = False
        self.start(local=self.wizard.options.local)

    def _value(self, selector: str) -> str | None:
        found = self.query(selector)
        return (found.first(Input).value.strip() or None) if found else None

    def start(self, local: bool) -> None:
        self.query_one("#problem").display = False
        self.refresh_bindings()
        self.query_one("#identity", Static).update("Checking who you are (sts:GetCallerIdentity)…")
        self.query_one("#next", Button).disabled = True
        self.stale = False
        self.connect(self._value("#profile"), self._value("#region"), local)

    @work(thread=True, exclusive=True, group="connect", exit_on_error=False)
    def connect(self, profile: str | None, region: str | None, local: bool) -> None:
        fn = self.wizard.connect_fn
        if isinstance(fn, Connection):
            connection = fn
        else:
            endpoint = None if local else self.wizard.options.endpoint_url
            connection = fn(profile, region, endpoint, local, slow=self.wizard.notify_from_worker)
        connection.aws.prepare_table_list()  # here, not beside the table step's first paint
        self.post_message(messages.Connected(connection))

    def on_connected(self, message: messages.Connected) -> None:
        old = self.wizard.state.connection
        if old is not None and old is not message.connection:
            old.close()
        self.wizard.state.connection = message.connection
        who = message.connection.identity
        where = " (embedded emulator)" if message.connection.local else ""
        self.query_one("#identity", Static).update(
            Text.assemble(
                ("Account", "bold"),
                f" {inert(who.account)}   ",
                ("Region", "bold"),
                f" {inert(who.region)}{where}\n",
                (inert(who.arn), "dim"),
            )
        )
        next_button = self.query_one("#next", Button)
        next_button.label = "Next"
        next_button.disabled = False
        next_button.focus()
        self.refresh_bindings()
        if self.wizard.options.local or message.connection.local:
            self.action_next()

    def recover(self, group: str, error: BaseException) -> bool:
        if group != "connect" or not isinstance(error, CONNECT_PROBLEMS):
            return False
        self.query_one("#identity", Static).update("")
        self.query_one("#problem-text", Static).update(
            Text.assemble(
                ("Could not connect", "bold"),
                f"\n{inert(error, multiline=True)}\n\n"
                "Fix the profile or region above and press Connect, "
                "or try the wizard on the embedded emulator.",
            )
        )
        self.query_one("#problem").display = True
        self._ask_to_connect()
        return True

    def _ask_to_connect(self) -> None:
        self.stale = True
        button = self.query_one("#next", Button)
        button.label = "Connect"
        button.disabled = False
        self.refresh_bindings()

    @on(Input.Changed)
    def _edited(self) -> None:
        """Another profile or region: the button connects again before going on."""
        if not self.stale and self.wizard.state.connection is not None:
            self._ask_to_connect()

    @on(Input.Submitted)
    def _reconnect(self) -> None:
        self.start(local=False)

    @on(Button.Pressed, "#local")
    def action_local(self) -> None:
        self.start(local=True)

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if self.stale:
            self.start(local=False)
        elif self.wizard.state.connection is not None:
            self.wizard.next_step(self.STEP)

    def can_go_on(self) -> bool | None:
        return True if self.stale or self.wizard.state.connection is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "local":  # offered once connecting failed
            return bool(self.query("#problem") and self.query_one("#problem").display)
        return super().check_action(action, parameters)

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Use the embedded emulator", "Start moto with demo tables", self.action_local
        )
