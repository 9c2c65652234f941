"""Issue 11 on the --plain side: the TUI's choices and labels, problems by field label and
printed whole, tables in the TUI's order, a way back from Review, the echoed answer alone,
and one setup message (exit 2, `--local` named) for no region and no credentials."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from ddbwizard import cli
from ddbwizard.core import TYPE_AN_ARN, AnswersError, destination_choices
from ddbwizard.core.aws.facade import Aws, make_session
from ddbwizard.core.model.answers import answers_from_data, load_answers
from ddbwizard.core.model.questions import BY_ID, start_answers
from ddbwizard.prompts.prompter import Option
from ddbwizard.prompts.questionary_prompter import QuestionaryPrompter
from ddbwizard.prompts.questions import ask
from tests.helpers.prompt_fakes import INTERRUPT, FakePrompter, GuardedWizard
from tests.helpers.prompt_moto import REGION, make_table

Wizard = Callable[[FakePrompter], GuardedWizard]
QUEUE = f"arn:aws:sqs:{REGION}:123456789012:orders-dlq"
TOPIC = f"arn:aws:sns:{REGION}:123456789012:orders-alerts"
BUCKET = "arn:aws:s3:::failures-of-another-account"
ANSWERS = "ddbwizard-customers-echo.yaml"


@dataclass
class ListingPrompter(FakePrompter):
    """A FakePrompter that also keeps every select list it was shown, by question."""

    listed: dict[str, list[Option]] = field(default_factory=dict)

    def select(
        self, message: str, options: Sequence[Option], default: Any = None, help: str = ""
    ) -> Any:
        self.listed[message] = list(options)
        return super().select(message, options, default, help)


def _titles(options: list[Option]) -> list[str]:
    return [o.title for o in options]


@contextmanager
def piped(keys: str) -> Iterator[PipeInput]:
    """The real questionary prompts, reading `keys` as if typed (their screen is discarded)."""
    with create_pipe_input() as keyboard, create_app_session(input=keyboard, output=DummyOutput()):
        keyboard.send_text(keys)
        yield keyboard


# -- item 6: the on-failure destination, as the TUI offers it ---------------------------------
def test_the_destination_offers_the_tuis_choices_and_takes_a_bucket_of_any_account() -> None:
    answers = start_answers("customers", aws={"region": REGION})
    fake = ListingPrompter(
        [
            ("On-failure destination", TYPE_AN_ARN),
            ("On-failure destination: ARN", "arn:aws:s3:::Bad_Bucket"),
            ("On-failure destination: ARN", BUCKET),
        ]
    )

    chosen = ask(fake, BY_ID["mapping.on_failure"], answers, lambda: [QUEUE, TOPIC])

    offered = fake.listed["On-failure destination"]
    assert _titles(offered) == [
        "No destination",
        "Create a queue in the stack",
        QUEUE,
        TOPIC,
        "Type an ARN",
    ]
    assert _titles(offered) == [c.label for c in destination_choices(answers, [QUEUE, TOPIC])]
    assert chosen.mapping.on_failure is not None
    assert chosen.mapping.on_failure.arn == BUCKET
    # The bad bucket was refused with the answers file's own reason, without the file's path.
    with pytest.raises(AnswersError) as in_a_file:
        answers.with_values({"mapping.on_failure": {"arn": "arn:aws:s3:::Bad_Bucket"}})
    (problem,) = in_a_file.value.problems
    assert problem.startswith("mapping.on_failure.arn: ")
    assert fake.problems == [
        (
            "On-failure destination: ARN",
            "arn:aws:s3:::Bad_Bucket",
            problem.removeprefix("mapping.on_failure.arn: "),
        )
    ]


def test_an_empty_typed_arn_is_asked_for_again() -> None:
    fake = FakePrompter(
        [
            ("On-failure destination", TYPE_AN_ARN),
            ("On-failure destination: ARN", " "),
            ("On-failure destination: ARN", QUEUE),
        ]
    )
    answers = ask(fake, BY_ID["mapping.on_failure"], start_answers("customers"), lambda: [])
    assert answers.mapping.on_failure is not None
    assert answers.mapping.on_failure.arn == QUEUE
    assert fake.problems[0][2].startswith("type the destination's ARN (arn:aws:sqs|sns:")


# -- item 19: problems by the field's label ---------------------------------------------------
def test_a_problem_is_shown_next_to_its_field_without_the_path() -> None:
    fake = FakePrompter(
        [
            ("Filter patterns (JSON)", '[{"eventName": "INSERT"}]'),
            ("Filter patterns (JSON)", '[{"eventName": ["INSERT"]}]'),
        ]
    )
    ask(fake, BY_ID["mapping.filter_patterns"], start_answers("customers"))
    ((_, _, problem),) = fake.problems
    assert (
        problem
        == "pattern 1: eventName: must be a non-empty array of values to match, got 'INSERT'"
    )
    # The answers file keeps the path: it is what its reader edits.
    with pytest.raises(AnswersError, match=r"mapping\.filter_patterns\[0\]: eventName: "):
        answers_from_data(
            {"table": {"name": "customers"}, "mapping": {"filter_patterns": ['{"eventName": "x"}']}}
        )


def test_warnings_name_the_field_by_its_label(wizard: Wizard) -> None:
    fake = FakePrompter(
        [
            ("Which table?", "orders"),
            ("Change the advanced trigger settings?", True),
            ("On-failure destination", "create"),  # with unlimited retries and record age
            ("What next?", INTERRUPT),
        ]
    )

    assert wizard(fake).run() == 130

    said = " ".join(" ".join(fake.lines).split())
    assert "warning: On-failure destination: with unlimited retries and record age" in said
    assert "mapping." not in said


def test_a_problem_is_printed_whole_above_the_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    """questionary's toolbar showed one line, cut at 80 columns; the problem is printed instead."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    problem = "must be 1 to 10000 for DynamoDB streams, got 0; " + "a long reason " * 12
    out = io.StringIO()
    with piped("0\r\x7f50\r"):
        typed = QuestionaryPrompter(out).text(
            "Batch size", "", lambda t: None if t == "50" else problem
        )
    assert typed == "50"
    lines = out.getvalue().splitlines()
    assert " ".join(" ".join(lines).split()) == problem.strip()
    assert all(len(line) <= 80 for line in lines)


# -- item 20: the table list, the echoed answer, a way back from Review -------------------------
def test_tables_are_listed_in_the_tuis_order(wizard: Wizard, endpoint: str) -> None:
    make_table(endpoint, "aardvark")  # ListTables' order is not the alphabet's here
    fake = ListingPrompter([("Which table?", INTERRUPT)])

    assert wizard(fake).run() == 130

    names = Aws(make_session(None, REGION), endpoint).list_table_names()
    assert names != sorted(names)
    assert [o.value for o in fake.listed["Which table?"]] == names
    (customers,) = [o for o in fake.listed["Which table?"] if o.value == "customers"]
    assert (customers.title, customers.note) == ("customers", "no stream")


def test_the_echoed_answer_is_the_table_without_its_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    options = [
        Option("orders", "orders", "3 items", note="NEW_AND_OLD_IMAGES stream"),
        Option("customers", "customers", "2 items", note="no stream"),
    ]
    out = io.StringIO()
    with piped("\x1b[B\r"):  # down, Enter
        chosen = QuestionaryPrompter(out).select("Which table?", options)
    assert chosen == "customers"
    assert out.getvalue() == "? Which table? customers\n"


def test_ctrl_c_at_a_list_leaves_the_question_in_the_scroll_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    with piped("\x03"), pytest.raises(KeyboardInterrupt):
        QuestionaryPrompter(out).select("Which table?", [Option("orders", "orders")])
    assert out.getvalue() == "? Which table?\n"


def test_review_goes_back_to_a_step_and_returns(wizard: Wizard, tmp_path: Path) -> None:
    fake = ListingPrompter(
        [
            ("Which table?", "customers"),
            ("What next?", "back"),
            ("Go back to which step?", "mapping"),
            ("Batch size", "20"),
            ("What next?", "save"),
            ("Save the answers file as", ANSWERS),
        ]
    )

    assert wizard(fake).run() == 0

    assert fake.script == []
    assert [o.title for o in fake.listed["Go back to which step?"]] == [
        "Table",
        "Stream",
        "Trigger",
        "Function",
    ]
    assert fake.lines.count("[4/8] Trigger") == 2
    assert fake.lines.count("[6/8] Review") == 2
    assert load_answers(tmp_path / ANSWERS).mapping.batch_size == 20


def test_a_table_with_a_stream_cannot_go_back_to_the_stream(wizard: Wizard) -> None:
    fake = ListingPrompter(
        [
            ("Which table?", "orders"),
            ("What next?", "back"),
            ("Go back to which step?", "table"),
            ("Which table?", INTERRUPT),
        ]
    )

    assert wizard(fake).run() == 130

    assert "Stream" not in _titles(fake.listed["Go back to which step?"])


# -- item 21: no region and no credentials, one kind of setup message -------------------------
@pytest.fixture
def no_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ("no_region", "No AWS region: pass --region, set AWS_REGION"),
        ("no_credentials", "No AWS credentials found"),
    ],
)
def test_no_region_and_no_credentials_both_exit_2_and_name_local(
    endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
    setup: str,
    says: str,
) -> None:
    from ddbwizard.prompts.wizard import PlainWizard

    request.getfixturevalue(setup)
    args = cli.build_parser().parse_args(["--plain", "--endpoint-url", endpoint])
    plain = GuardedWizard(PlainWizard(FakePrompter([]), args)).run()
    plain_err = capsys.readouterr().err
    answers = tmp_path / "answers.yaml"
    answers.write_text("table: {name: customers}\n", encoding="utf-8")
    headless = cli.main(["--answers", str(answers), "--yes", "--endpoint-url", endpoint])
    headless_err = capsys.readouterr().err

    assert plain == headless == 2
    for err in (plain_err, headless_err):
        assert says in err
        assert "No AWS account? `ddbwizard --local` works without one" in err
