"""The wizard's questions as data: parsing typed text, validation by the Answers model."""

from __future__ import annotations

import pytest

from ddbwizard.core.model import limits
from ddbwizard.core.model.alarms import Alarms
from ddbwizard.core.model.answers import Answers
from ddbwizard.core.model.questions import (
    BY_ID,
    QUESTIONS,
    STEPS,
    AnswerProblem,
    questions_for,
    start_answers,
)


@pytest.fixture
def answers() -> Answers:
    return start_answers("orders")


def test_every_question_is_a_field_of_the_answers_file(answers: Answers) -> None:
    data = answers.to_data()
    for question in QUESTIONS:
        section, key = question.id.split(".", 1)
        model = Alarms if section == "alarms" else type(getattr(answers, section))  # opt-in
        assert key in model.model_fields, question.id
        assert question.step in STEPS
        assert question.prompt
        assert question.help
    assert set(data) >= {q.section for q in QUESTIONS} - {"alarms"}


def test_every_mapping_setting_is_asked(answers: Answers) -> None:
    asked = {q.key for q in questions_for("mapping") if q.section == "mapping"}
    assert asked == set(type(answers.mapping).model_fields)


def test_the_alarms_are_optional_advanced_trigger_questions(answers: Answers) -> None:
    asked = [q for q in questions_for("mapping", advanced=True) if q.section == "alarms"]
    assert [q.key for q in asked] == ["iterator_age_seconds", "errors", "topic_arn"]
    age = BY_ID["alarms.iterator_age_seconds"]
    assert age.current(answers) is None
    assert age.as_text(None) == ""
    watched = age.apply(answers, age.parse("300"))
    assert watched.alarms is not None
    assert watched.alarms.iterator_age_seconds == 300
    assert age.apply(watched, age.parse("")).alarms is None  # cleared: no alarms section
    with pytest.raises(AnswerProblem, match="must be 1 to 86400 seconds"):
        age.apply(answers, age.parse("0"))


def test_questions_keep_the_flow_order() -> None:
    order = [STEPS.index(q.step) for q in QUESTIONS]
    assert order == sorted(order)


def test_advanced_questions_are_split_from_the_basic_ones() -> None:
    basic = [q.key for q in questions_for("mapping", advanced=False)]
    assert basic == ["batch_size", "starting_position", "enabled"]
    assert all(q.advanced for q in questions_for("mapping", advanced=True))


def test_defaults_come_from_the_limits(answers: Answers) -> None:
    assert BY_ID["mapping.batch_size"].current(answers) == limits.BATCH_SIZE.default
    assert (
        BY_ID["function.log_retention_days"].current(answers) == limits.DEFAULT_LOG_RETENTION_DAYS
    )
    assert BY_ID["stack.name"].current(answers) == "orders-echo"


def test_validation_is_the_answers_model(answers: Answers) -> None:
    question = BY_ID["mapping.batch_size"]
    with pytest.raises(AnswerProblem, match="must be 1 to 10000 for DynamoDB streams, got 0"):
        question.apply(answers, question.parse("0"))
    with pytest.raises(AnswerProblem, match=r"whole number \(1-10000\)"):
        question.parse("ten")
    assert question.apply(answers, question.parse(" 250 ")).mapping.batch_size == 250


def test_cross_field_rules_apply_to_a_single_answer() -> None:
    keys_only = start_answers("orders", stream={"view_type": "KEYS_ONLY"})
    patterns = BY_ID["mapping.filter_patterns"]
    value = patterns.parse('{"dynamodb": {"NewImage": {"s": {"S": ["x"]}}}}')
    with pytest.raises(AnswerProblem, match="KEYS_ONLY stream never carries"):
        patterns.apply(keys_only, value)


def test_filter_pattern_syntax_errors_are_located(answers: Answers) -> None:
    with pytest.raises(AnswerProblem, match="line 1, column 2"):
        BY_ID["mapping.filter_patterns"].parse("{eventName")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("", None),
        ("none", None),
        ("create", {"create_queue": True}),
        ("arn:aws:sqs:us-east-1:123456789012:q", {"arn": "arn:aws:sqs:us-east-1:123456789012:q"}),
    ],
)
def test_destination_text(text: str, value: object, answers: Answers) -> None:
    question = BY_ID["mapping.on_failure"]
    assert question.parse(text) == value
    applied = question.apply(answers, value)
    assert question.as_text(question.current(applied)) == ("" if value is None else text)


def test_runtime_choices_follow_the_handler(answers: Answers) -> None:
    runtime = BY_ID["function.runtime"]
    assert {c.value for c in runtime.options(answers)} == {
        r for r in limits.RUNTIMES if r.startswith("python")
    }
    nodejs = BY_ID["function.handler"].apply(answers, "nodejs")
    assert nodejs.function.runtime == "nodejs24.x"
    assert {c.value for c in runtime.options(nodejs)} == {
        r for r in limits.RUNTIMES if r.startswith("nodejs")
    }


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_current_value_survives_text_round_trip(question, answers: Answers) -> None:  # type: ignore[no-untyped-def]
    value = question.current(answers)
    text = question.as_text(value)
    if question.kind in ("int", "bool", "text"):
        assert question.apply(answers, question.parse(text)) == answers
