"""Step 6: the template (YAML or JSON), what it creates and may do, export, save the answers.

A save or export the OS refuses (a read-only folder, a missing one) is a notification with
the path and the reason; every answer is kept and a folder field lets the user try another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar, Literal

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, HorizontalScroll, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from ddbwizard import core
from ddbwizard.core import DdbWizardError, inert, labelled, log_view, write_atomic
from ddbwizard.tui import messages
from ddbwizard.tui.screens.base import StepScreen
from ddbwizard.tui.screens.modals import ConfirmModal
from ddbwizard.tui.widgets.text import bulleted, joined, outside, stacked

Write = Literal["save", "next"]
# What writing a file may raise: OSError, or the domain error write_atomic turns it into.
WRITE_PROBLEMS = (OSError, DdbWizardError)


def _refusal(path: Path, error: OSError | DdbWizardError) -> str:
    """The path and the OS's reason, once each."""
    reason = (error.strerror or str(error)) if isinstance(error, OSError) else str(error)
    return reason if str(path) in reason else f"{path}: {reason}"


class ReviewScreen(StepScreen):
    STEP = "review"
    BINDINGS: ClassVar[list[BindingType]] = [
        *StepScreen.BINDINGS,
        Binding("t", "toggle_format", "YAML/JSON"),
        Binding("e", "export", "Export"),
        Binding("s", "save", "Save answers"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.review: core.Review | None = None
        self.fmt: Literal["yaml", "json"] = "yaml"
        self.retry: Write | None = None  # the write the OS refused, redone in the next folder

    def body(self) -> ComposeResult:
        with VerticalScroll(classes="step-body", id="review"):
            yield Static("Review what will be deployed", classes="step-title")
            yield Static("Building the template…", id="summary")
            yield Static("", id="code")
            yield Static("", id="try-title", classes="section-title")
            yield Static("", id="try-it")
            yield Static("", id="command", classes="result-box")
            with Horizontal(id="export-row", classes="row"):
                yield Label("Export to", classes="field-label")
                yield Input(placeholder="the template file to write", id="export-path")
            with Horizontal(id="folder-row", classes="row"):
                yield Label("Folder", classes="field-label")
                yield Input(
                    str(self._folder()),
                    placeholder="a folder to write to",
                    id="folder",
                    select_on_focus=False,
                )
            yield Static("", id="template-title", classes="section-title")
            with HorizontalScroll(id="template-box"):
                yield Static("", id="template")
            with Horizontal(classes="buttons"):
                yield Button("Deploy", variant="primary", id="next", disabled=True, compact=True)

    def on_mount(self) -> None:
        self.query_one("#folder-row").display = False
        self.query_one("#export-row").display = False
        self.build()

    def _folder(self) -> Path:
        return self.wizard.folder

    def answers_file(self) -> Path:
        return core.answers_path(self.wizard.answers, self._folder())

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def build(self) -> None:
        app = self.wizard
        self.post_message(messages.ReviewReady(core.review(app.answers, app.stream_arn)))

    def on_review_ready(self, message: messages.ReviewReady) -> None:
        self.review = message.review
        summary = message.review.summary
        answers = self.wizard.answers
        warnings = [outside(labelled(w), "yellow") for w in answers.warnings()]
        notes = []
        if self.wizard.state.stream is None:
            notes.append(outside(core.placeholder_note(answers), "cyan"))
        self.query_one("#summary", Static).update(
            stacked(
                Text.assemble(("Stack", "bold"), f" {inert(answers.stack.name)} creates:"),
                bulleted(
                    [
                        Text.assemble((inert(rid), "bold"), f" ({inert(kind)}): {inert(why)}")
                        for rid, kind, why in summary.resources
                    ]
                ),
                Text("The function's role may:", "bold"),
                bulleted([outside(sentence) for sentence in summary.policy]),
                bulleted(warnings, "⚠"),
                bulleted(notes, "ⓘ"),
            )
        )
        self._show_command(saved=False)
        self._show_template()
        self.query_one("#next", Button).disabled = False
        self.query_one("#try-title", Static).update(
            Text.assemble(("Try it", "bold"), " (records built from the table's items; read only)")
        )
        self.query_one("#try-it", Static).update("Reading a few items and running the echo…")
        self.try_it()
        if answers.function.packaged:
            self.query_one("#code", Static).update("Packaging the function (nothing is uploaded)…")
            self.package()

    @work(thread=True, exclusive=True, group="code", exit_on_error=False)
    def package(self) -> None:
        line = core.review_code(self.wizard.answers, Path.cwd()) or ""
        self.post_message(messages.CodeReviewed(line))

    def on_code_reviewed(self, message: messages.CodeReviewed) -> None:
        self.query_one("#code", Static).update(
            Text.assemble(("Code", "bold"), " ", inert(message.line))
        )

    @work(thread=True, exclusive=True, group="trial", exit_on_error=False)
    def try_it(self) -> None:
        app = self.wizard
        trial = core.try_it(app.connection.aws, app.answers, now=app.now_ms() / 1000)
        self.post_message(messages.TrialReady(trial))

    def recover(self, group: str, error: BaseException) -> bool:
        if group == "trial" and isinstance(error, DdbWizardError):  # a hint: the deploy goes on
            self.query_one("#try-it", Static).update(outside(f"Not here: {error.message}"))
            return True
        if group == "code" and isinstance(error, DdbWizardError):  # the deploy would refuse it
            self.query_one("#code", Static).update(outside(f"⚠ {error}", "yellow"))
            return True
        return False

    def on_trial_ready(self, message: messages.TrialReady) -> None:
        trial = message.trial
        lines = [
            Text.assemble(
                (f"  {inert(name):<7}", "bold"),
                f" {inert(keys)}: ",
                (inert(verdict), "red" if verdict.startswith("filtered") else "green"),
            )
            for name, keys, verdict in trial.rows()
        ]
        if trial.invocation is None:
            lines.append(Text("No record passes the filters: Lambda would not invoke it."))
            self.query_one("#try-it", Static).update(joined(lines))
            return
        logged = [outside(log_view(line).summary) for line in trial.invocation.logged]
        self.query_one("#try-it", Static).update(
            stacked(joined(lines), Text("The echo logs (one line each):", "bold"), bulleted(logged))
        )

    def _show_command(self, saved: bool) -> None:
        path = self.answers_file()
        command = core.repeat_command(path, self.wizard.connection.local)
        state = "saved" if saved else "is saved before the deploy"
        self.query_one("#command", Static).update(
            Text.assemble(
                f"The answers file {inert(path.name)} {state}. To repeat this deploy "
                "without prompts:\n",
                (inert(command), "bold"),
            )
        )

    def _show_template(self) -> None:
        if self.review is None:
            return
        text = self.review.text(self.fmt)
        self.query_one("#template-title", Static).update(
            f"[b]Template ({self.fmt.upper()})[/]  t switches to "
            f"{'JSON' if self.fmt == 'yaml' else 'YAML'}"
        )
        self.query_one("#template", Static).update(
            Syntax(  # never wrapped (that breaks YAML's indentation): the box scrolls sideways
                inert(text, multiline=True),  # names and patterns in it come from outside
                self.fmt,
                theme="ansi_dark",
                word_wrap=False,
                background_color="default",
            )
        )

    def action_toggle_format(self) -> None:
        self.fmt = "json" if self.fmt == "yaml" else "yaml"
        self._show_template()

    def action_export(self) -> None:
        """Ask where (the folder and file name filled in), then write on Enter."""
        if self.review is None:
            return
        box = self.query_one("#export-path", Input)
        box.value = str(self._folder() / f"{self.wizard.answers.stack.name}.template.{self.fmt}")
        self.query_one("#export-row").display = True
        box.focus()
        box.cursor_position = len(box.value)

    @on(Input.Submitted, "#export-path")
    def _export_to(self, event: Input.Submitted) -> None:
        event.stop()
        if self.review is None:
            return
        typed = event.value.strip()
        if not typed:
            self.notify("Type the file to write the template to", severity="warning")
            return
        path = Path(typed).expanduser()
        fmt: Literal["yaml", "json"] = "json" if path.suffix.lower() == ".json" else self.fmt
        try:
            write_atomic(path, self.review.text(fmt))
        except WRITE_PROBLEMS as error:
            self.notify(
                inert(_refusal(path, error)), title="Could not export the template",
                severity="error", markup=False,
            )  # fmt: skip
            return
        self.query_one("#export-row").display = False
        self.query_one("#next", Button).focus()
        self.notify(inert(path), title=f"Template exported ({fmt.upper()})", markup=False)

    def action_back(self) -> None:
        """Escape closes an open export field first; else back one step."""
        row = self.query_one("#export-row")
        if row.display:
            row.display = False
            self.query_one("#next", Button).focus()
            return
        super().action_back()

    def save(self, retry: Write = "save", then: Callable[[Path], object] | None = None) -> None:
        """Write the answers file, then call `then`. A file there that says something else
        (a tuned answers file) is replaced only after the user agrees; a write the OS refuses
        is a notification and a folder field."""
        path = self.answers_file()
        answers = self.wizard.answers
        saved = self.wizard.state.saved  # ours, or agreed to be replaced
        if path not in saved and core.holds_other_answers(path, answers):

            def answered(yes: bool | None) -> None:
                if yes:
                    saved.add(path)
                    self.save(retry, then)
                    return
                self.retry = retry
                self._ask_folder(f"{path.name} was kept. Type another folder and press Enter.")

            question = (
                f"{path} already exists and holds other answers. Replace it with these? "
                "(Keep it to choose another folder.)"
            )
            self.app.push_screen(ConfirmModal(question, yes="Replace", no="Keep it"), answered)
            return
        try:
            core.save_answers(answers, path, local=self.wizard.connection.local)
        except WRITE_PROBLEMS as error:
            self._refused(retry, path, error)
            return
        saved.add(path)  # what is there now is ours
        self.wizard.state.last_saved = path
        self._written()
        self._show_command(saved=True)
        if then is not None:
            then(path)

    def action_save(self) -> None:
        self.save(then=lambda path: self.notify(inert(path), title="Answers saved", markup=False))

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if self.review is None:
            return
        self.save("next", then=lambda _path: self.wizard.next_step(self.STEP))

    # -- a write the OS refused: say why, keep every answer, offer another folder -----------
    def _refused(self, retry: Write, path: Path, error: OSError | DdbWizardError) -> None:
        title = "Could not save the answers"
        self.notify(
            inert(
                f"{_refusal(path, error)}\n"
                "Every answer is kept: type another folder and press Enter.",
                multiline=True,
            ),
            title=title,
            severity="error",
            timeout=10,
            markup=False,
        )
        self.retry = retry
        self._ask_folder()

    def _ask_folder(self, note: str = "") -> None:
        if note:
            self.notify(inert(note), markup=False)
        self.query_one("#folder-row").display = True
        box = self.query_one("#folder", Input)
        box.value = str(self._folder())
        box.focus()

    def _written(self) -> None:
        self.retry = None
        row = self.query_one("#folder-row")
        if row.display:
            row.display = False
            self.query_one("#next", Button).focus()

    @on(Input.Submitted, "#folder")
    def _folder_chosen(self, event: Input.Submitted) -> None:
        event.stop()
        folder = event.value.strip()
        if not folder:
            self.notify("Type a folder to write to", severity="warning")
            return
        self.wizard.answers_dir = Path(folder).expanduser()
        self._show_command(saved=False)
        retry, self.retry = self.retry, None
        if retry == "next":
            self.action_next()
        else:
            self.action_save()

    def commands(self) -> Iterable[SystemCommand]:
        yield from super().commands()
        yield SystemCommand("Export template", "Write the template file", self.action_export)
        yield SystemCommand("Save answers", "Write the answers file", self.action_save)
        yield SystemCommand("YAML/JSON", "Switch the template format", self.action_toggle_format)
