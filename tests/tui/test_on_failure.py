"""Issue 11, items 6 and 19 in the TUI: the on-failure destination offers --plain's choices
(core's), takes a typed ARN (an S3 bucket, a queue of another account), and a problem is
shown next to its field in the model's words, without the answers file's path."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Collapsible, Input, Select, Static, TextArea

from ddbwizard.core import TYPE_AN_ARN, AnswersError, destination_choices
from ddbwizard.tui.app import WizardApp
from ddbwizard.tui.screens.function import FunctionScreen
from ddbwizard.tui.screens.mapping import DestinationField, MappingScreen
from ddbwizard.tui.screens.review import ReviewScreen
from ddbwizard.tui.widgets.question import QuestionField
from tests.helpers.drive import drive_to, until
from tests.helpers.tui_fakes import ACCOUNT, REGION, FakeAws, fake_app

BUCKET = "arn:aws:s3:::failures-of-another-account"
BAD_BUCKET = "arn:aws:s3:::Bad_Bucket"


def drawn(widget: Static) -> str:
    """A Static's content as plain text, one space between words (wrapping aside)."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return " ".join(console.export_text().split())


def problem_shown(field: QuestionField) -> str | None:
    """The problem line under the field, as drawn (None: hidden)."""
    line = field.query_one(".problem", Static)
    return str(line.render()) if line.display and field.has_class("-invalid") else None


async def advanced_destination(pilot: Pilot[Any]) -> DestinationField:
    """The Trigger step, Advanced open, the region's queues and topics listed."""
    await drive_to(pilot, "mapping")
    screen = pilot.app.screen
    screen.query_one("#advanced", Collapsible).collapsed = False
    await pilot.pause()
    field = screen.query_one(DestinationField)
    await until(pilot, lambda: len(field.query_one(Select)._options) > 3)
    return field


async def type_an_arn(pilot: Pilot[Any], field: DestinationField, arn: str) -> None:
    field.query_one(Select).value = TYPE_AN_ARN
    await pilot.pause()
    assert pilot.app.focused is field.query_one(Input)  # typing goes straight into the ARN
    await pilot.press(*arn)
    await pilot.pause()


async def test_the_choices_are_those_of_plain() -> None:
    aws = FakeAws()
    app = fake_app(aws)
    async with app.run_test(size=(100, 40)) as pilot:
        field = await advanced_destination(pilot)
        shown = [str(label) for label, _ in field.query_one(Select)._options]
        listed = aws.queues() + aws.topics()
        assert shown == [c.label for c in destination_choices(app.answers, listed)]
        assert shown[0] == "No destination"
        assert shown[-1] == "Type an ARN"
        assert not field.query_one(Input).display  # the ARN field only while typing one


async def test_a_typed_s3_bucket_arn_reaches_the_review_and_the_answers(tmp_path: Path) -> None:
    app = fake_app(answers_dir=tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        field = await advanced_destination(pilot)
        await type_an_arn(pilot, field, BUCKET)
        assert problem_shown(field) is None
        assert app.answers.mapping.on_failure is not None
        assert app.answers.mapping.on_failure.arn == BUCKET

        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, FunctionScreen))
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.review is not None
        summary = drawn(screen.query_one("#summary", Static))
        assert f"into the S3 bucket {BUCKET}" in summary
        assert BUCKET in screen.review.text("yaml")

        await pilot.press("escape")  # back: the field still holds the typed bucket
        await until(pilot, lambda: isinstance(app.screen, FunctionScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MappingScreen))
        field = app.screen.query_one(DestinationField)
        assert field.query_one(Input).display
        assert field.query_one(Input).value == BUCKET


async def test_a_bad_arn_shows_the_models_message_next_to_the_field() -> None:
    app = fake_app()
    async with app.run_test(size=(100, 40)) as pilot:
        field = await advanced_destination(pilot)
        await type_an_arn(pilot, field, BAD_BUCKET)

        with pytest.raises(AnswersError) as in_a_file:
            app.answers.with_values({"mapping.on_failure": {"arn": BAD_BUCKET}})
        (problem,) = in_a_file.value.problems
        assert problem.startswith("mapping.on_failure.arn: ")
        assert problem_shown(field) == problem.removeprefix("mapping.on_failure.arn: ")
        assert app.answers.mapping.on_failure is None  # the answers keep the last good value

        await pilot.press("ctrl+n")  # refused: the marked field first
        await pilot.pause()
        assert isinstance(app.screen, MappingScreen)


async def test_a_queue_of_another_account_is_taken_but_not_of_another_region() -> None:
    app = fake_app()
    async with app.run_test(size=(100, 40)) as pilot:
        field = await advanced_destination(pilot)
        other_account = f"arn:aws:sqs:{REGION}:{int(ACCOUNT) + 1:012d}:dlq"
        await type_an_arn(pilot, field, other_account)
        assert problem_shown(field) is None
        assert app.answers.mapping.on_failure is not None
        assert app.answers.mapping.on_failure.arn == other_account

        typed = field.query_one(Input)
        typed.value = "arn:aws:sqs:ap-south-1:123456789012:dlq"
        await pilot.pause()
        assert problem_shown(field) == (
            f"is in ap-south-1; the stream is in {REGION} (the destination must be in the "
            "same region)"
        )


async def test_an_empty_typed_arn_is_a_problem_not_no_destination() -> None:
    app = fake_app()
    async with app.run_test(size=(100, 40)) as pilot:
        field = await advanced_destination(pilot)
        field.query_one(Select).value = "create"
        await pilot.pause()
        field.query_one(Select).value = TYPE_AN_ARN
        await pilot.pause()
        shown = problem_shown(field)
        assert shown is not None
        assert shown.startswith("type the destination's ARN")


async def test_a_filter_problem_names_the_pattern_not_the_path() -> None:
    app = fake_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await drive_to(pilot, "mapping")
        assert isinstance(app, WizardApp)
        screen = app.screen
        screen.query_one("#advanced", Collapsible).collapsed = False
        await pilot.pause()
        field = screen.query_one("#q-mapping-filter-patterns", QuestionField)
        field.query_one(TextArea).text = '[{"eventName": "INSERT"}]'
        await pilot.pause()
        assert problem_shown(field) == (
            "pattern 1: eventName: must be a non-empty array of values to match, got 'INSERT'"
        )
