"""`--plain`: log events and AWS text are printed inert (controls visible, never run)."""

from __future__ import annotations

import io
from typing import Any, cast

import pytest

from ddbwizard.core.aws.values import Identity, LogLine
from ddbwizard.core.engine import Connection
from ddbwizard.core.model.questions import start_answers
from ddbwizard.lines import follow
from ddbwizard.prompts.output import PromptReporter
from ddbwizard.prompts.prompter import Option
from ddbwizard.prompts.questionary_prompter import QuestionaryPrompter, _choices
from tests.helpers.prompt_fakes import FakePrompter

TITLE = "\x1b]0;pwned\x07"
CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"
EVENTS = (
    f"START {TITLE}RequestId: 1",
    f'{{"pk": "order#1"}} {CLIPBOARD}\u202edesrever\x9b2J',
    "[INFO]\t2026-03-01T12:00:00Z\tid-1\tline one\nline two\n",
)


class LogsAws:
    """Just what the log follower reads: one page of hostile log events."""

    def log_events(
        self, group: str, start_ms: int, token: str | None = None
    ) -> tuple[list[LogLine], str | None]:
        return [LogLine(1, "s", message, f"e{i}") for i, message in enumerate(EVENTS)], None


def _follow(out: Any) -> str:
    reporter_out = io.StringIO()

    def stop(seconds: float) -> bool:
        raise KeyboardInterrupt  # the user ends the tail after the first poll

    follow(
        Connection(
            cast(Any, LogsAws()),
            Identity("123456789012", "arn:aws:iam::123456789012:root", "eu-west-1"),
        ),
        start_answers("customers").log_group_name,
        PromptReporter(stream=reporter_out, colour=False, spinner=False),
        out,
        pause=stop,
    )
    return reporter_out.getvalue()


def test_the_log_follower_prints_each_event_inert() -> None:
    fake = FakePrompter([])
    _follow(fake.say)
    text = "\n".join(fake.lines)
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in text
    assert "\\x1b]0;pwned\\x07RequestId: 1" in text
    assert "\\x1b]52;c;cHduZWQ=\\x07\\u202edesrever\\x9b2J" in text
    # A Lambda line keeps its tabs and its own line breaks.
    assert "[INFO]\t2026-03-01T12:00:00Z\tid-1\tline one\nline two" in text


def test_the_log_follower_through_the_questionary_prompter_is_inert_once() -> None:
    out = io.StringIO()
    _follow(QuestionaryPrompter(out).say)
    text = out.getvalue()
    assert "\x1b" not in text
    assert "\\x1b]52;c;cHduZWQ=\\x07" in text  # escaped once, not "\\\\x1b"
    assert "\\\\x1b" not in text


@pytest.mark.parametrize("where", ["title", "description"])
def test_select_choices_show_names_inert(where: str) -> None:
    name = f"orders{TITLE}\u202e"
    option = Option(name, name if where == "title" else "t", name if where == "description" else "")
    (choice,) = _choices([option])
    shown = str(choice.title) if where == "title" else str(choice.description)
    assert "\x1b" not in shown
    assert "\u202e" not in shown
    assert "orders\\x1b]0;pwned\\x07\\u202e" in shown
    assert choice.value == name  # the value chosen is the name itself
