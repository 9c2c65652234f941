"""The breadcrumb of steps at the top of every step screen."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ddbwizard.core import STEP_TITLES, STEPS, StepId


def steps_text(current: StepId) -> Text:
    text = Text()
    reached = True
    for i, step in enumerate(STEPS):
        if i:
            text.append(" → ", "dim")
        if step == current:
            text.append(f" {STEP_TITLES[step]} ", "bold reverse")
            reached = False
        else:
            text.append(STEP_TITLES[step], "" if reached else "dim")
    return text


class StepsBar(Static):
    """Connect → Table → Stream → … with the current step highlighted."""

    DEFAULT_CSS = """
    StepsBar { height: 1; padding: 0 1; background: $panel; }
    """

    def __init__(self, current: StepId) -> None:
        super().__init__(steps_text(current))
