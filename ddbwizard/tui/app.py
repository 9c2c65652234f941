"""The wizard App, the factory shared by the CLI and the tests, and `run_tui`."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rich.terminal_theme import TerminalTheme
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker

from ddbwizard import core
from ddbwizard.connecting import open_connection
from ddbwizard.core import STEPS, Answers, ChangeLog, DdbWizardError, StepId, inert
from ddbwizard.tui.screens.base import StepScreen
from ddbwizard.tui.screens.modals import ConfirmModal, ErrorModal, HelpScreen, ResumeModal

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ddbwizard.core import StreamResolution, TableInfo
    from ddbwizard.local.poller import LocalPoller


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


# step -> (module, class) of its screen
STEP_SCREENS: dict[StepId, tuple[str, str]] = {
    "connect": ("ddbwizard.tui.screens.connect", "ConnectScreen"),
    "table": ("ddbwizard.tui.screens.tables", "TableScreen"),
    "stream": ("ddbwizard.tui.screens.stream", "StreamScreen"),
    "mapping": ("ddbwizard.tui.screens.mapping", "MappingScreen"),
    "function": ("ddbwizard.tui.screens.function", "FunctionScreen"),
    "review": ("ddbwizard.tui.screens.review", "ReviewScreen"),
    "deploy": ("ddbwizard.tui.screens.deploy", "DeployScreen"),
    "done": ("ddbwizard.tui.screens.done", "DoneScreen"),
}

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
    poller: LocalPoller | None = None  # --local: plays Lambda; one per session (it checkpoints)
    saved: set[Path] = field(default_factory=set)  # answers files this session wrote (or may)
    last_saved: Path | None = None  # the answers file written last: the repeat command's
    resume: Answers | None = None  # the answers file the wizard starts from, if any


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
        log_interval: float | None = None,
        answers_dir: Any = None,
        changes: ChangeLog | None = None,
        resume: Answers | None = None,
    ) -> None:
        super().__init__()
        self.changes = changes if changes is not None else ChangeLog()
        self.options = options
        self.connect_fn = connect
        self.deploy_fns = deploy or DeployFns()
        self.clock = clock
        self.now_ms = now_ms
        self.log_interval = log_interval  # None: the connection's (core)
        self.answers_dir = answers_dir
        self.state = WizardState(resume=resume)
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

    def local_poller(self) -> LocalPoller:
        """--local: the session's one stream poller (made on first use, not started)."""
        if self.state.poller is None:
            from ddbwizard.local.poller import LocalPoller

            self.state.poller = LocalPoller(self.connection.aws)
        return self.state.poller

    # -- navigation ---------------------------------------------------------------
    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.ansi_theme_light = LIGHT_ANSI
        found = [] if self.state.resume is not None else core.resumable(self.folder)
        if not found:
            self.go("connect")
            return

        def chosen(entry: core.Resumable | None) -> None:
            if entry is not None and entry.answers is not None:
                self.state.resume = entry.answers
                self.notify(inert(entry.title), title="Starting from", markup=False)
            self.go("connect")

        self.push_screen(ResumeModal(found), chosen)

    @property
    def folder(self) -> Path:
        """Where answers files are saved and found: the working directory, unless the user
        chose another folder (or a test did)."""
        return Path(self.answers_dir) if self.answers_dir is not None else Path.cwd()

    def step_screen(self, step: StepId) -> StepScreen:
        """A new screen of `step`; only its module is imported (the first frame waits for
        nothing else)."""
        import importlib

        module, name = STEP_SCREENS[step]
        screen_type: type[StepScreen] = getattr(importlib.import_module(module), name)
        return screen_type()

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
        from ddbwizard.tui.widgets.text import error_text

        title = "Something went wrong" if isinstance(error, DdbWizardError) else "Unexpected error"
        self.push_screen(ErrorModal(title, error_text(error)))

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


class EarlyLocal:
    """--local: the emulator starts at once, in a thread, while Textual starts and paints the
    first screen; the Connect step's first local connect gets that connection (or its error),
    and any later one connects anew."""

    def __init__(self, connect: ConnectFn = open_connection) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._connect = connect
        pool = ThreadPoolExecutor(1, thread_name_prefix="emulator")
        self._started: Future[core.Connection] | None = pool.submit(connect, None, None, None, True)
        pool.shutdown(wait=False)  # the thread ends with its one task

    def __call__(
        self,
        profile: str | None,
        region: str | None,
        endpoint_url: str | None,
        local: bool,
        /,
        *,
        slow: Callable[[str], object] | None = None,
    ) -> core.Connection:
        started, self._started = self._started, None
        if local and started is not None:
            return started.result()
        return self._connect(profile, region, endpoint_url, local, slow=slow)

    def discard(self) -> None:
        """The app ended before the Connect step took the connection: stop its emulator."""
        started, self._started = self._started, None
        if started is not None and started.exception() is None:
            started.result().close()


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


def run_tui(args: argparse.Namespace, changes: ChangeLog, resume: Answers | None = None) -> int:
    """Run the wizard full-screen; 0 after Done or a quit. SIGTERM and SIGHUP end the app
    cleanly (the terminal restored) and count as an interrupt; the cli prints what changed."""
    early = EarlyLocal() if args.local else None
    app = make_app(
        args.profile,
        args.region,
        args.endpoint_url,
        args.local,
        connect=early or open_connection,
        changes=changes,
        resume=resume,
    )
    exit_on_signals(app)
    try:
        code = app.run()
    finally:
        if early is not None:
            early.discard()
        if app.state.connection is not None:
            app.state.connection.close()
        saved = app.state.last_saved  # said after the terminal is restored, as --plain does
        if saved is not None:
            print(
                f"Your answers are saved. Repeat this deploy without prompts:\n"
                f"  {core.repeat_command(saved, args.local)}",
                file=sys.stderr,
            )
    if code == 130:
        raise KeyboardInterrupt
    return 0 if code is None else code
