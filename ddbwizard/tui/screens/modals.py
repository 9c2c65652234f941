"""Modal dialogs with typed results: confirm (bool), error (None), help (None).

A confirm or error body may carry AWS text (a table or stack name, an AWS message): it is
shown inert and never parsed as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from ddbwizard.tui.widgets.text import outside

if TYPE_CHECKING:
    from ddbwizard.core import Resumable

KEYS = """\
[b]Everywhere[/]
  tab, shift+tab  next / previous field   enter     choose / press
  ctrl+n          next step               escape    back one step
  ? or f1         this help               ctrl+p    command palette
  ctrl+t          dark / light theme      ctrl+q    quit (also q, ctrl+c)
  Quitting asks first once something was changed.

[b]Table[/]   / filter (then every key is text) · enter choose · ctrl+r refresh
[b]Stream[/]  c copy the stream ARN
[b]Review[/]  t YAML/JSON · e export the template (asks where) · s save answers
[b]Deploy[/]  enter deploy · d delete and retry (failed stack)
        escape or quit deletes a change set that was not deployed
[b]Done[/]    1-4 tabs: logs, outputs, stack events, health · w demo item
        logs: / filter · p pretty JSON · space pause/follow
        c copy an output · r check the health now"""


class ConfirmModal(ModalScreen[bool]):
    """Yes or no; names the change it is about."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No", show=False),
    ]

    def __init__(self, message: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self.message = message
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(outside(self.message, multiline=True), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="primary", id="yes")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ErrorModal(ModalScreen[None]):
    """The user message of a failed call (never a traceback)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "Close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error"):
            yield Static(outside(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(outside(self.message, multiline=True), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", variant="error", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """The keys of every step."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static("Keys", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(KEYS, classes="dialog-body")

    def action_close(self) -> None:
        self.dismiss(None)


class ResumeModal(ModalScreen["Resumable | None"]):
    """Start from an answers file an earlier run saved here, or from the defaults."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "fresh", "Start fresh")]

    def __init__(self, found: list[Resumable]) -> None:
        super().__init__(classes="dialog-screen")
        self.found = found

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Start from an answers file?", classes="dialog-title")
            yield Static(
                "These were saved here by earlier runs. The wizard starts from the one you "
                "choose (every step still asks); saving over it asks first.",
                classes="dialog-body",
            )
            options = [
                Option(outside(entry.title), id=str(n), disabled=entry.answers is None)
                for n, entry in enumerate(self.found)
            ]
            yield OptionList(*options, Option("Start fresh (the defaults)", id="fresh"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        self.dismiss(None if chosen in (None, "fresh") else self.found[int(chosen)])

    def action_fresh(self) -> None:
        self.dismiss(None)
