"""Step 6: the template (YAML or JSON), what it creates and may do, export, save the answers."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar, Literal

from rich.markup import escape
from rich.syntax import Syntax
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from ddbwizard.core import flow
from ddbwizard.core.files import write_atomic
from ddbwizard.tui import messages
from ddbwizard.tui.screens.base import StepScreen


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
        self.review: flow.Review | None = None
        self.fmt: Literal["yaml", "json"] = "yaml"

    def body(self) -> ComposeResult:
        with VerticalScroll(classes="step-body", id="review"):
            yield Static("Review what will be deployed", classes="step-title")
            yield Static("Building the template…", id="summary")
            yield Static("", id="command", classes="result-box")
            yield Static("", id="template-title", classes="section-title")
            yield Static("", id="template")
            with Horizontal(classes="buttons"):
                yield Button("Deploy", variant="primary", id="next", disabled=True, compact=True)

    def on_mount(self) -> None:
        self.build()

    def _folder(self) -> Path:
        folder = self.wizard.answers_dir
        return Path(folder) if folder is not None else Path.cwd()

    def answers_file(self) -> Path:
        return flow.answers_path(self.wizard.answers, self._folder())

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def build(self) -> None:
        app = self.wizard
        self.post_message(messages.ReviewReady(flow.review(app.answers, app.stream_arn)))

    def on_review_ready(self, message: messages.ReviewReady) -> None:
        self.review = message.review
        summary = message.review.summary
        answers = self.wizard.answers
        lines = [f"[b]Stack[/] {answers.stack.name} creates:"]
        lines += [
            f"  • {escape(rid)} ({kind}): {escape(why)}" for rid, kind, why in summary.resources
        ]
        lines.append("[b]The function's role may:[/]")
        lines += [f"  • {escape(sentence)}" for sentence in summary.policy]
        lines += [f"[yellow]⚠ {escape(w)}[/]" for w in answers.warnings()]
        self.query_one("#summary", Static).update("\n".join(lines))
        self._show_command(saved=False)
        self._show_template()
        self.query_one("#next", Button).disabled = False

    def _show_command(self, saved: bool) -> None:
        path = self.answers_file()
        command = flow.repeat_command(path, self.wizard.connection.local)
        state = "saved" if saved else "is saved before the deploy"
        self.query_one("#command", Static).update(
            f"The answers file {escape(path.name)} {state}. To repeat this deploy "
            f"without prompts:\n[b]{escape(command)}[/]"
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
            Syntax(text, self.fmt, theme="ansi_dark", word_wrap=True, background_color="default")
        )

    def action_toggle_format(self) -> None:
        self.fmt = "json" if self.fmt == "yaml" else "yaml"
        self._show_template()

    def action_export(self) -> None:
        if self.review is None:
            return
        path = self._folder() / f"{self.wizard.answers.stack.name}.template.{self.fmt}"
        write_atomic(path, self.review.text(self.fmt))
        self.notify(str(path), title="Template exported")

    def save(self) -> Path:
        path = flow.save_answers(self.wizard.answers, self.answers_file())
        self._show_command(saved=True)
        return path

    def action_save(self) -> None:
        self.notify(str(self.save()), title="Answers saved")

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if self.review is None:
            return
        self.save()
        self.wizard.next_step(self.STEP)

    def commands(self) -> Iterable[SystemCommand]:
        yield from super().commands()
        yield SystemCommand("Export template", "Write the template file", self.action_export)
        yield SystemCommand("Save answers", "Write the answers file", self.action_save)
        yield SystemCommand("YAML/JSON", "Switch the template format", self.action_toggle_format)
