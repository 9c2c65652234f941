"""Text from outside reaches the line front ends inert: controls visible, our colours kept."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from ddbwizard.core.report import StackEvent
from ddbwizard.lines import LineReporter
from ddbwizard.prompts.output import PromptReporter, pair, wrapped
from ddbwizard.prompts.questionary_prompter import QuestionaryPrompter

# Set the title, write the clipboard (OSC 52), clear the screen, a C1 CSI, a bidi override.
HOSTILE = "ok\x1b]0;pwned\x07 \x1b]52;c;cHduZWQ=\x07\x1b[2J \x9b31m \u202eevil\u2066"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")
SHOWN = ("\\x1b]0;pwned\\x07", "\\x1b]52;c;cHduZWQ=\\x07", "\\x1b[2J", "\\x9b31m", "\\u202e")
T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def _event(reason: str = HOSTILE) -> StackEvent:
    return StackEvent(T0, "Echo\x1b[2JFunction", "AWS::Lambda::Function", "CREATE_FAILED", reason)


def _no_raw(text: str) -> None:
    for char in RAW:
        assert char not in text, f"raw {char!r} in {text!r}"
    for shown in SHOWN:
        assert shown in text, f"{shown!r} not shown in {text!r}"


def _report_everything(reporter: LineReporter) -> None:
    reporter.step(HOSTILE)
    reporter.info(HOSTILE)
    reporter.warn(HOSTILE)
    reporter.stack_event(_event())


@pytest.mark.parametrize("kind", ["step", "info", "warn", "stack_event"])
def test_line_reporter_shows_every_line_inert(kind: str) -> None:
    out = io.StringIO()
    reporter = LineReporter(stream=out, colour=False)
    if kind == "stack_event":
        reporter.stack_event(_event())
    else:
        getattr(reporter, kind)(HOSTILE)
    text = out.getvalue()
    _no_raw(text)
    assert text.count("\n") == 1  # one line each, as before


def test_line_reporter_keeps_its_own_colour_and_nothing_else() -> None:
    out = io.StringIO()
    reporter = LineReporter(stream=out, colour=True)
    _report_everything(reporter)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("\x1b[1m==> ok\\x1b]0;pwned")  # step: bold
    assert lines[2].startswith("\x1b[33mwarning: ok")  # warn: yellow
    assert lines[3].startswith("\x1b[31m")  # a failed stack event: red
    assert "Echo\\x1b[2JFunction" in lines[3]
    for line in (lines[0], lines[2], lines[3]):
        # Our escapes only: the style at the start and the reset at the end.
        assert line.count("\x1b") == 2
        assert line.endswith("\x1b[0m")
        _no_raw(line.replace("\x1b[", "", 1).removesuffix("\x1b[0m"))
    _no_raw(lines[1])  # info has no colour


def test_prompt_reporter_lines_are_inert_too() -> None:
    out = io.StringIO()
    _report_everything(PromptReporter(stream=out, colour=False, spinner=False))
    _no_raw(out.getvalue())


def test_the_prompts_output_helpers_are_inert() -> None:
    _no_raw("\n".join(wrapped(HOSTILE, "  ", "warning: ")))
    _no_raw("\n".join(pair("FunctionArn", HOSTILE)))
    assert pair("Function\x1b[2JArn", "x") == ["    Function\\x1b[2JArn     x"]


def test_the_questionary_prompter_writes_inert_lines_and_keeps_its_dim_help() -> None:
    out = io.StringIO()
    prompter = QuestionaryPrompter(out)
    prompter.colour = True
    prompter.say(HOSTILE)
    prompter.show(HOSTILE + "\n\tindented\n")
    prompter._help("the help text")
    text = out.getvalue()
    said, shown, tab, help_line = text.splitlines()
    _no_raw(said)
    _no_raw(shown)
    assert tab == "\tindented"  # a template keeps its tabs and newlines
    assert help_line == "\x1b[2m  the help text\x1b[0m"


def test_credentials_of_an_endpoint_never_reach_an_error_message() -> None:
    from ddbwizard.core import DdbWizardError

    error = DdbWizardError(
        "Could not connect to http://AKIAEXAMPLE:s3cr3t@localhost:4566/",
        "Check https://user:pw@proxy.example:8443 is up",
    )
    shown = str(error)
    assert "s3cr3t" not in shown
    assert "pw@" not in shown
    assert "http://***@localhost:4566/" in shown
    assert "https://***@proxy.example:8443" in shown


def test_the_connection_line_names_the_endpoint_without_its_credentials() -> None:
    from typing import Any, cast

    from ddbwizard.core import Connection
    from ddbwizard.core.aws.facade import Identity

    class Endpoint:
        endpoint_url = "http://key:secret@127.0.0.1:5000"

    identity = Identity(
        account="123456789012", arn="arn:aws:iam::123456789012:root", region="eu-west-1"
    )
    connection = Connection(cast(Any, Endpoint()), identity, profile="dev")
    assert connection.where() == (
        "Account 123456789012, region eu-west-1 via http://***@127.0.0.1:5000"
    )
    assert connection.answers_aws() == {
        "profile": "dev",
        "region": "eu-west-1",
        "endpoint_url": "http://key:secret@127.0.0.1:5000",  # the user's own file keeps it
    }
