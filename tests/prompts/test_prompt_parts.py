"""The line wizard's parts: question rendering, output without control sequences."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import ddbwizard.prompts
from ddbwizard.core import TYPE_AN_ARN
from ddbwizard.core.model.questions import BY_ID, QUESTIONS, start_answers
from ddbwizard.prompts.output import PromptReporter, pair
from ddbwizard.prompts.questions import ask, problem_with
from tests.helpers.prompt_fakes import FakePrompter


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_question_text_or_help_is_copied_into_the_prompts() -> None:
    folder = Path(ddbwizard.prompts.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in folder.glob("*.py"))
    for question in QUESTIONS:
        assert question.prompt not in source
        assert question.help[:40] not in source


def test_validation_is_the_answers_model() -> None:
    answers = start_answers("customers")
    check = problem_with(BY_ID["mapping.batch_size"], answers)
    assert check("50") is None
    assert check("0") == "must be 1 to 10000 for DynamoDB streams, got 0"
    assert check("ten") == "must be a whole number (1-10000)"
    assert problem_with(BY_ID["stack.name"], answers)("9lives") is not None


def test_choosing_the_nodejs_handler_brings_its_default_runtime() -> None:
    fake = FakePrompter([("Echo handler", "nodejs")])
    answers = ask(fake, BY_ID["function.handler"], start_answers("customers"))
    assert answers.function.handler == "nodejs"
    assert answers.function.runtime.startswith("nodejs")


def test_a_destination_can_be_typed() -> None:
    arn = "arn:aws:sqs:us-east-1:123456789012:dlq"
    fake = FakePrompter(
        [
            ("On-failure destination", TYPE_AN_ARN),
            ("On-failure destination: ARN", "arn:aws:sqs:eu-west-1:123456789012:dlq"),
            ("On-failure destination: ARN", arn),
        ]
    )
    answers = ask(
        fake,
        BY_ID["mapping.on_failure"],
        start_answers("customers", aws={"region": "us-east-1"}),
        lambda: [],
    )
    assert answers.mapping.on_failure is not None
    assert answers.mapping.on_failure.arn == arn
    # The other region's queue was refused with the model's reason, without its path.
    assert [problem for _, _, problem in fake.problems] == [
        "is in eu-west-1; the stream is in us-east-1 (the destination must be in the same region)"
    ]


@pytest.mark.parametrize(("term", "tty"), [("xterm", False), ("dumb", True)])
def test_no_control_sequences_off_a_terminal(
    monkeypatch: pytest.MonkeyPatch, term: str, tty: bool
) -> None:
    monkeypatch.setenv("TERM", term)
    out = Tty() if tty else io.StringIO()
    reporter = PromptReporter(stream=out)
    reporter.waiting("stream on customers", 3.0)
    reporter.step("Deploying")
    assert "\x1b" not in out.getvalue()
    assert "\r" not in out.getvalue()


def test_spinner_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("NO_COLOR", "1")
    out = Tty()
    reporter = PromptReporter(stream=out)
    reporter.waiting("stream on customers", 3.0)
    reporter.info("Stream enabled")
    text = out.getvalue()
    assert "waiting: stream on customers (3 s)" in text
    assert "\x1b" not in text  # NO_COLOR: no colour, the spinner is plain \r


def test_long_values_get_their_own_line() -> None:
    assert pair("FunctionName", "echo") == ["    FunctionName           echo"]
    long = "arn:aws:lambda:us-east-1:123456789012:function:" + "x" * 40
    assert pair("FunctionArn", long) == ["    FunctionArn", f"      {long}"]
