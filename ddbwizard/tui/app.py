"""The wizard App, the factory shared by the CLI and the tests, and `run_tui`."""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rich.terminal_theme import TerminalTheme
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker

from ddbwizard import core
from ddbwizard.connecting import open_connection
from ddbwizard.core import STEPS, Answers, ChangeLog, DdbWizardError, StepId, inert, redact
from ddbwizard.tui.screens.base import StepScreen
from ddbwizard.tui.screens.modals import ConfirmModal, ErrorModal, HelpScreen

if TYPE_CHECKING:
    from ddbwizard.core import StreamResolution, TableInfo


class ConnectFn(Protocol):
    """How the Connect step connects: profile, region, endpoint, --local; `slow` hears of a
    call that waits for an answer (open_connection; tests swap in fakes)."""

    def __call__(
        self,
        profile: str | None,
        region: str | None,
        endpoint_url: str | None,
        local: bool,
        /,
        *,
        slow: Callable[[str], object] | None = None,
    ) -> core.Connection: ...


MIN_SIZE = (80, 24)

# The light theme's ANSI colours (what "yellow", "green", "cyan", "red" in a Text become):
# Textual's own are 2.1:1 (yellow) to 3.3:1 on the light background; these are 4.5:1 or more.
_LIGHT_NORMAL = [
    (0, 0, 0),
    (150, 45, 40),
    (42, 96, 16),
    (110, 77, 0),
    (43, 80, 168),
    (122, 62, 157),
    (0, 85, 112),
    (247, 247, 247),
]
LIGHT_ANSI = TerminalTheme(
    (247, 247, 247), (0, 0, 0), _LIGHT_NORMAL, [(90, 90, 90), *_LIGHT_NORMAL[1:]]
)


@dataclass(frozen=True)
class Options:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    local: bool = False


@dataclass(frozen=True)
class DeployFns:
    """The engine's deploy calls; tests swap in fakes (a stack that fails, a Stubber)."""

    prepare: Callable[..., core.Prepared] = core.prepare_deploy
    execute: Callable[..., core.Outcome] = core.execute_deploy
    unchanged: Callable[..., core.Outcome] = core.unchanged


@dataclass
class WizardState:
    """What the steps have produced so far; `answers` is replaced, never mutated."""

    connection: core.Connection | None = None
    answers: Answers | None = None
    table: TableInfo | None = None
    stream: StreamResolution | None = None
    outcome: core.Outcome | None = None


class WizardApp(App[int]):
    """connect -> table -> stream -> trigger -> function -> review -> deploy -> done."""

    TITLE = "ddbwizard"
    CSS_PATH = "wizard.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # q is text in a text field; ctrl+q and ctrl+c quit from anywhere (the footer says ^q).
        Binding("q", "request_quit", "Quit", show=False),
        Binding("ctrl+q", "request_quit", "Quit", priority=True),
        Binding("ctrl+c", "request_quit", "Quit", show=False, priority=True),
        # f1 also works in a text field (where ? is text), so the footer names f1.
        Binding("question_mark", "help", "Help", show=False),
        Binding("f1", "help", "Help", priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(
        self,
        options: Options,
        connect: ConnectFn | core.Connection = open_connection,
        *,
        deploy: DeployFns | None = None,
        clock: Callable[[], float] = time.monotonic,
        now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        log_interval: float = 1.5,
        answers_dir: Any = None,
        changes: ChangeLog | None = None,
    ) -> None:
        super().__init__()
        self.changes = changes if changes is not None else ChangeLog()
        self.options = options
        self.connect_fn = connect
        self.deploy_fns = deploy or DeployFns()
        self.clock = clock
        self.now_ms = now_ms
        self.log_interval = log_interval
        self.answers_dir = answers_dir
        self.state = WizardState()
        self.asking_quit = False  # the quit confirmation is open

    # -- state ------------------------------------------------------------------
    @property
    def connection(self) -> core.Connection:
        assert self.state.connection is not None, "connect first"
        return self.state.connection

    @property
    def answers(self) -> Answers:
        assert self.state.answers is not None, "choose a table first"
        return self.state.answers

    @answers.setter
    def answers(self, value: Answers) -> None:
        self.state.answers = value

    @property
    def stream_arn(self) -> str:
        """The table's stream ARN; before Deploy enables a new stream, its placeholder."""
        if self.state.stream is not None:
            return self.state.stream.arn
        return core.placeholder_stream_arn(
            self.connection.aws, self.answers, self.connection.identity.account
        )

    # -- navigation ---------------------------------------------------------------
    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.ansi_theme_light = LIGHT_ANSI
        self.go("connect")

    def step_screen(self, step: StepId) -> StepScreen:
        from ddbwizard.tui.screens.connect import ConnectScreen
        from ddbwizard.tui.screens.deploy import DeployScreen
        from ddbwizard.tui.screens.done import DoneScreen
        from ddbwizard.tui.screens.function import FunctionScreen
        from ddbwizard.tui.screens.mapping import MappingScreen
        from ddbwizard.tui.screens.review import ReviewScreen
        from ddbwizard.tui.screens.stream import StreamScreen
        from ddbwizard.tui.screens.tables import TableScreen

        screens: dict[StepId, type[StepScreen]] = {
            "connect": ConnectScreen,
            "table": TableScreen,
            "stream": StreamScreen,
            "mapping": MappingScreen,
            "function": FunctionScreen,
            "review": ReviewScreen,
            "deploy": DeployScreen,
            "done": DoneScreen,
        }
        return screens[step]()

    def go(self, step: StepId) -> None:
        self.push_screen(self.step_screen(step))

    def next_step(self, current: StepId) -> None:
        self.go(STEPS[STEPS.index(current) + 1])

    def back(self) -> None:
        steps = [s for s in self.screen_stack if isinstance(s, StepScreen)]
        if len(steps) > 1 and self.screen is steps[-1]:
            self.pop_screen()

    def restart_from(self, step: StepId) -> None:
        """Drop every screen after `step` (e.g. the deploy after a failure) and show it."""
        while isinstance(self.screen, StepScreen) and step != self.screen.STEP:
            if len(self.screen_stack) <= 2:
                break
            self.pop_screen()

    # -- errors -----------------------------------------------------------------
    def notify_from_worker(self, text: str) -> None:
        """A warning toast from any thread but the UI's (a call that waits for an answer)."""
        # RuntimeError: the app is gone (or this is its own thread): nothing to show it on.
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(
                self.notify, inert(text), title="Waiting for AWS", severity="warning", markup=False
            )

    def worker_failed(self, screen: Screen[Any], worker: Worker[Any]) -> None:
        """The one place a failed worker ends: in place on its screen, or an error dialog."""
        error = worker.error
        if error is None:
            return
        if isinstance(screen, StepScreen) and screen.recover(worker.group, error):
            return
        if isinstance(error, DdbWizardError):
            self.push_screen(ErrorModal("Something went wrong", str(error)))
        else:
            message = redact(f"{type(error).__name__}: {error}")
            self.push_screen(ErrorModal("Unexpected error", message))

    # -- actions ----------------------------------------------------------------
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    async def action_quit(self) -> None:
        """Textual's own quit (its palette entry, a binding): the same way out as `q`."""
        self.action_request_quit()

    def action_request_quit(self) -> None:
        """Every way out (q, ctrl+q, ctrl+c, the palette): asks first once something was
        changed; a step with something to undo first (a change set not executed) says so."""
        if self.asking_quit:
            return
        steps = [s for s in self.screen_stack if isinstance(s, StepScreen)]
        step = steps[-1] if steps else None
        leaving = step.leave_note() if step is not None else None
        stays = [
            change.what
            for change in self.changes.entries
            if step is None or not step.leaving_undoes(change.what)
        ]
        if not stays and leaving is None:
            self.exit(0)
            return
        parts = ["Quit ddbwizard?"]
        if leaving is not None:
            parts.append(leaving)
        if stays:
            changes = " and ".join(stays)
            where = (
                "in the local emulator, which stops when you quit"
                if self.options.local
                else "in AWS"
            )
            parts.append(f"What was done stays {where}: {changes}.")

        def answered(yes: bool | None) -> None:
            self.asking_quit = False
            if not yes:
                return
            if step is not None and leaving is not None:
                step.leave(lambda: self.exit(0))
            else:
                self.exit(0)

        self.asking_quit = True

        self.push_screen(ConfirmModal(" ".join(parts), yes="Quit", no="Stay"), answered)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """An SVG of the screen in the working directory (Textual's default, ~/Downloads,
        may not exist); the notification gives its path."""
        saved = self.save_screenshot(filename, path or str(Path.cwd()))
        self.notify(inert(saved), title="Screenshot saved", markup=False)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's Keys and Theme duplicate ours; its Quit and Screenshot are redone here.
        yield SystemCommand("Help: keys", "Show the keys of every step", self.action_help)
        yield SystemCommand("Toggle dark/light", "Switch the theme", self.action_toggle_theme)
        yield SystemCommand(
            "Quit", "Quit ddbwizard (asks first once AWS was changed)", self.action_request_quit
        )
        yield SystemCommand(
            "Screenshot",
            "Save an SVG of the screen in the working directory",
            self.action_screenshot,
        )
        if isinstance(screen, StepScreen):
            yield from screen.commands()

    def on_unmount(self) -> None:
        if self.state.connection is not None:
            self.state.connection.close()


def make_app(
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    local: bool = False,
    connect: ConnectFn | core.Connection = open_connection,
    **kwargs: Any,
) -> WizardApp:
    """The one way to build the app: the CLI passes its flags, tests add fakes."""
    return WizardApp(Options(profile, region, endpoint_url, local), connect, **kwargs)


def exit_on_signals(app: WizardApp) -> None:
    """SIGTERM and SIGHUP end the app as a quit with code 130 (an interrupt), from its loop;
    outside it (start-up, shut-down) they raise KeyboardInterrupt like Ctrl-C."""
    import signal

    def stop(signum: int, frame: Any) -> None:
        import asyncio

        try:
            asyncio.get_running_loop().call_soon_threadsafe(app.exit, 130)
        except RuntimeError:  # not inside the app's loop (start-up, shut-down)
            raise KeyboardInterrupt from None

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def run_tui(args: argparse.Namespace, changes: ChangeLog) -> int:
    """Run the wizard full-screen; 0 after Done or a quit. SIGTERM and SIGHUP end the app
    cleanly (the terminal restored) and count as an interrupt; the cli prints what changed."""
    app = make_app(args.profile, args.region, args.endpoint_url, args.local, changes=changes)
    exit_on_signals(app)
    try:
        code = app.run()
    finally:
        if app.state.connection is not None:
            app.state.connection.close()
    if code == 130:
        raise KeyboardInterrupt
    return 0 if code is None else code
