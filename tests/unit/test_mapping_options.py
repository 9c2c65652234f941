"""mapping.tags, mapping.filter_kms_key_arn, the dated runtime table, the function environment."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ddbwizard.core.errors import AnswersError
from ddbwizard.core.model import limits
from ddbwizard.core.model.answers import Answers, answers_from_data
from ddbwizard.core.model.questions import BY_ID, AnswerProblem, start_answers
from ddbwizard.core.template.build import build_template, document, grants
from ddbwizard.core.template.environment import function_environment, lambda_environment

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MRK = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
STREAM = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2024-05-01T00:00:00.000"
TODAY = date(2026, 12, 2)


def build(today: date = TODAY, **sections: Any) -> Answers:
    return answers_from_data({"table": {"name": "orders"}, **sections}, today=today)


def problems(today: date = TODAY, **sections: Any) -> list[str]:
    with pytest.raises(AnswersError) as failed:
        build(today, **sections)
    return failed.value.problems


# mapping.tags ----------------------------------------------------------------------------


def test_no_mapping_tags_leave_the_answers_as_they_were() -> None:
    assert "tags" not in build().to_data()["mapping"]


def test_mapping_tags_round_trip() -> None:
    answers = build(mapping={"tags": {"team": "data", "cost center": "42"}})
    assert answers.mapping.tags == (("team", "data"), ("cost center", "42"))
    assert answers.to_data()["mapping"]["tags"] == {"team": "data", "cost center": "42"}


@pytest.mark.parametrize(
    ("tags", "says"),
    [
        ({"aws:x": "y"}, "the aws: prefix is reserved"),
        ({"ddbwizard:table": "y"}, "is reserved: ddbwizard sets it"),
        ({"team": ""}, "must not be empty"),
        ({"team": 3}, "quote numbers"),
        ({"te\u202eam": "x"}, "bidi controls"),
        ({f"k{i}": "v" for i in range(50)}, "at most 49 tags"),
    ],
)
def test_mapping_tags_follow_the_stack_tag_rules(tags: dict[str, Any], says: str) -> None:
    (problem,) = problems(mapping={"tags": tags})
    assert problem.startswith("mapping.tags")
    assert says in problem


def test_stack_and_mapping_tags_together_fit_in_fifty() -> None:
    stack = {f"s{i}": "v" for i in range(30)}
    mapping = {f"m{i}": "v" for i in range(20)}
    (problem,) = problems(stack={"name": "orders-echo", "tags": stack}, mapping={"tags": mapping})
    assert problem.startswith("mapping.tags: with stack.tags and ddbwizard:table")
    assert "51 tags" in problem
    shared = {f"s{i}": "v" for i in range(20)}
    build(stack={"name": "orders-echo", "tags": stack}, mapping={"tags": shared})


# mapping.filter_kms_key_arn ---------------------------------------------------------------


@pytest.mark.parametrize("arn", [KEY, MRK])
def test_a_key_arn_is_accepted_and_granted(arn: str) -> None:
    answers = build(
        stream={"arn": STREAM},
        mapping={"filter_kms_key_arn": arn, "filter_patterns": [{"eventName": ["INSERT"]}]},
    )
    (grant,) = [g for g in grants(answers, STREAM) if g.sid == "DecryptFilterCriteria"]
    assert (grant.actions, grant.resource) == (("kms:Decrypt",), arn)
    assert arn in grant.sentence
    assert answers.warnings(TODAY) == ()


def test_no_key_no_grant() -> None:
    assert not [g for g in grants(build(), STREAM) if "kms:Decrypt" in g.actions]


@pytest.mark.parametrize(
    ("arn", "says"),
    [
        ("arn:aws:kms:eu-west-1:123456789012:alias/orders", "not an alias"),
        ("arn:aws:sqs:eu-west-1:123456789012:q", "not a KMS key ARN"),
        ("arn:aws-cn:kms:eu-west-1:123456789012:key/" + KEY[-36:], "is in partition aws"),
        ("arn:aws:kms:eu-west-1:1234:key/" + KEY[-36:], "the account must be 12 digits"),
        ("arn:aws:kms:moon-1:123456789012:key/" + KEY[-36:], "a region name like us-east-1"),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", "not a KMS key ARN"),
    ],
)
def test_a_bad_key_arn_is_refused(arn: str, says: str) -> None:
    (problem,) = problems(mapping={"filter_kms_key_arn": arn})
    assert problem.startswith("mapping.filter_kms_key_arn: ")
    assert says in problem


def test_the_key_must_be_in_the_stream_region() -> None:
    stream = STREAM.replace("eu-west-1", "us-east-1")
    (problem,) = problems(stream={"arn": stream}, mapping={"filter_kms_key_arn": KEY})
    assert "the key is in eu-west-1; the stream is in us-east-1" in problem


def test_a_key_without_filters_is_warned_about() -> None:
    answers = build(mapping={"filter_kms_key_arn": KEY})
    assert answers.warnings(TODAY) == (
        "mapping.filter_kms_key_arn: there are no filter_patterns for the key to encrypt",
    )


def test_the_trigger_questions_read_tags_and_a_key() -> None:
    tags, key = BY_ID["mapping.tags"], BY_ID["mapping.filter_kms_key_arn"]
    answers = tags.apply(start_answers("orders"), tags.parse("team=data, cost center=42"))
    assert tags.as_text(tags.current(answers)) == "team=data, cost center=42"
    assert tags.parse("") is None
    with pytest.raises(AnswerProblem, match="name=value"):
        tags.parse("team")
    assert key.parse("") is None
    assert key.apply(answers, key.parse(KEY)).mapping.filter_kms_key_arn == KEY
    with pytest.raises(AnswerProblem, match="not an alias"):
        key.apply(answers, key.parse(KEY.replace("key/", "alias/")))


# the dated runtime table ------------------------------------------------------------------


def test_every_offered_runtime_has_a_date() -> None:
    assert set(limits.RUNTIMES) <= set(limits.RUNTIME_DEPRECATION)


@pytest.mark.parametrize(
    ("handler", "runtime", "deprecated"),
    [("python", "python3.11", "2026-06-30"), ("nodejs", "nodejs20.x", "2026-04-30")],
)
def test_a_runtime_past_deprecation_is_refused_with_its_date(
    handler: str, runtime: str, deprecated: str
) -> None:
    (problem,) = problems(function={"handler": handler, "runtime": runtime})
    assert problem.startswith(f"function.runtime: {runtime} was deprecated on {deprecated}")
    assert limits.RUNTIMES_PAGE in problem


def test_an_offered_runtime_is_refused_once_its_day_comes() -> None:
    function = {"handler": "nodejs", "runtime": "nodejs22.x"}
    build(date(2027, 4, 29), function=function)
    (problem,) = problems(date(2027, 4, 30), function=function)
    assert "nodejs22.x was deprecated on 2027-04-30" in problem
    assert "choose nodejs24.x" in problem


def test_a_runtime_within_90_days_is_warned_about() -> None:
    answers = build(function={"handler": "nodejs", "runtime": "nodejs22.x"})
    assert answers.warnings(TODAY) == ()
    (warning,) = answers.warnings(date(2027, 2, 1))
    assert warning.startswith(
        "function.runtime: nodejs22.x is deprecated on 2027-04-30 (in 88 days)"
    )
    assert answers.warnings(date(2027, 1, 29)) == ()  # 91 days before


def test_the_day_limits() -> None:
    assert limits.runtime_days_left("python3.12", date(2028, 8, 2)) == 90
    assert limits.runtime_days_left("python3.12", date(2028, 8, 1)) is None
    assert limits.runtime_days_left("python3.12", date(2028, 10, 31)) is None
    assert limits.runtime_deprecated("python3.12", date(2028, 10, 31))
    assert not limits.runtime_deprecated("python3.12", date(2028, 10, 30))
    assert limits.current_runtimes("nodejs", date(2027, 5, 1)) == ("nodejs24.x",)


def test_the_runtime_question_explains_the_dates() -> None:
    assert "deprecation date is refused" in BY_ID["function.runtime"].help


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("mapping.parallelization_factor", "ProvisionedPollerConfig"),
        ("mapping.parallelization_factor", "ScalingConfig"),
        ("mapping.metrics", "LoggingConfig"),
        ("mapping.starting_position", "AT_TIMESTAMP"),
    ],
)
def test_options_dynamodb_streams_lack_are_explained_where_users_look(
    question: str, says: str
) -> None:
    assert says in BY_ID[question].help


# the function's environment ----------------------------------------------------------------


def test_function_environment_is_what_the_template_sets() -> None:
    assert function_environment(build()) == {"REPORT_BATCH_ITEM_FAILURES": "false"}
    answers = build(mapping={"report_batch_item_failures": True})
    assert function_environment(answers) == {"REPORT_BATCH_ITEM_FAILURES": "true"}


def test_lambda_environment_plays_what_lambda_sets() -> None:
    answers = build(function={"log_level": "WARN", "memory_mb": 256})
    found = lambda_environment(answers, "eu-west-1")
    assert found["AWS_LAMBDA_LOG_LEVEL"] == "WARN"
    assert found["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert found["AWS_LAMBDA_FUNCTION_NAME"] == answers.function_name
    assert found["AWS_LAMBDA_LOG_GROUP_NAME"] == answers.log_group_name
    assert found["AWS_REGION"] == "eu-west-1"
    assert found["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.13"


# what build.py is to write (it does not yet: these flip to passing when it does) ------------


def mapping_and_policy(answers: Answers) -> tuple[dict[str, Any], list[Any]]:
    resources = document(build_template(answers, STREAM))["Resources"]
    statements = resources["EchoRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    return resources["EchoMapping"]["Properties"], statements


def test_build_tags_the_mapping() -> None:
    mapping, _ = mapping_and_policy(build(mapping={"tags": {"team": "data"}}))
    assert mapping["Tags"] == [{"Key": "team", "Value": "data"}]


def test_build_encrypts_the_filters_and_grants_decrypt() -> None:
    answers = build(
        stream={"arn": STREAM},
        mapping={"filter_kms_key_arn": KEY, "filter_patterns": [{"eventName": ["INSERT"]}]},
    )
    mapping, statements = mapping_and_policy(answers)
    assert mapping["KmsKeyArn"] == KEY
    assert {
        "Sid": "DecryptFilterCriteria",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": KEY,
    } in statements
