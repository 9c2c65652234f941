"""The opt-in `alarms:` section: validated like every field, CloudWatch alarms in the template,
the role unchanged, and the alarms made by a deploy (moto)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ddbwizard.core.errors import AnswersError
from ddbwizard.core.model.answers import answers_from_data, json_schema
from ddbwizard.core.template.build import build_template, document, grants, summarize
from ddbwizard.local.fixes import moto_behaves_like_aws
from tests.helpers.fault_kit import CliResult, make_table, moto, write

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
TOPIC = "arn:aws:sns:us-east-1:123456789012:orders-alerts"


def with_alarms(alarms: dict[str, Any], **sections: Any) -> Any:
    return answers_from_data({"table": {"name": "orders"}, "alarms": alarms, **sections})


def problems(alarms: dict[str, Any], **sections: Any) -> list[str]:
    with pytest.raises(AnswersError) as raised:
        with_alarms(alarms, **sections)
    return raised.value.problems


@pytest.mark.parametrize(
    ("alarms", "problem"),
    [
        ({"iterator_age_seconds": 0}, "alarms.iterator_age_seconds: must be 1 to 86400 seconds"),
        ({"iterator_age_seconds": "5m"}, "alarms.iterator_age_seconds: "),
        ({"errors": 0}, "alarms.errors: must be 1 to 1000000 errors in one period, got 0"),
        ({"period_seconds": 90}, "alarms.period_seconds: must be a multiple of 60"),
        ({"period_seconds": 300, "evaluation_periods": 300},
         "alarms.evaluation_periods: period_seconds x evaluation_periods is 90000 s; CloudWatch "
         "allows at most 86400 s (one day for periods under an hour)"),
        ({"topic_arn": "arn:aws:sqs:us-east-1:123456789012:q"}, "alarms.topic_arn: not an SNS"),
        ({"topic_arn": f"{TOPIC}.fifo"}, "alarms.topic_arn: alarms can notify only a standard"),
        ({"errrors": 1}, "alarms.errrors: unknown key (did you mean 'errors'?)"),
    ],
)  # fmt: skip
def test_wrong_alarm_settings_name_their_path(alarms: dict[str, Any], problem: str) -> None:
    assert any(p.startswith(problem) for p in problems(alarms)), problems(alarms)


def test_a_topic_of_another_region_is_refused() -> None:
    found = problems({"errors": 1, "topic_arn": TOPIC}, aws={"region": "eu-west-1"})
    assert found == [
        "alarms.topic_arn: the topic is in us-east-1, but the stack goes to eu-west-1 (an alarm "
        "notifies only a topic of its own region)"
    ]


def test_alarms_in_the_template_watch_the_function_and_notify_the_topic() -> None:
    answers = with_alarms({"iterator_age_seconds": 300, "errors": 2, "topic_arn": TOPIC})
    resources = document(build_template(answers, STREAM))["Resources"]

    age, errors = resources["IteratorAgeAlarm"], resources["ErrorsAlarm"]
    assert age["Type"] == errors["Type"] == "AWS::CloudWatch::Alarm"
    dimensions = [{"Name": "FunctionName", "Value": {"Ref": "EchoFunction"}}]
    assert age["Properties"] | {"AlarmDescription": None} == {
        "AlarmName": "orders-echo-iterator-age",
        "AlarmDescription": None,
        "MetricName": "IteratorAge",
        "Statistic": "Maximum",
        "Unit": "Milliseconds",
        "Threshold": 300_000,
        "ComparisonOperator": "GreaterThanThreshold",
        "Namespace": "AWS/Lambda",
        "Dimensions": dimensions,
        "Period": 60,
        "EvaluationPeriods": 1,
        "TreatMissingData": "notBreaching",
        "ActionsEnabled": True,
        "AlarmActions": [TOPIC],
        "OKActions": [TOPIC],
    }
    assert (errors["Properties"]["MetricName"], errors["Properties"]["Statistic"]) == (
        "Errors",
        "Sum",
    )
    assert errors["Properties"]["Threshold"] == 2
    assert errors["Properties"]["Dimensions"] == dimensions


def test_without_the_section_there_is_no_alarm_and_the_role_is_the_same() -> None:
    plain = answers_from_data({"table": {"name": "orders"}})
    watched = with_alarms({"iterator_age_seconds": 60})

    assert "alarms" not in plain.to_data()
    kinds = {r["Type"] for r in document(build_template(plain, STREAM))["Resources"].values()}
    assert "AWS::CloudWatch::Alarm" not in kinds
    assert grants(plain, STREAM) == grants(watched, STREAM)  # least privilege unchanged
    resources = document(build_template(watched, STREAM))["Resources"]
    assert "ErrorsAlarm" not in resources
    assert resources["IteratorAgeAlarm"]["Properties"]["ActionsEnabled"] is False
    assert "AlarmActions" not in resources["IteratorAgeAlarm"]["Properties"]


def test_the_review_lists_the_alarms() -> None:
    answers = with_alarms({"iterator_age_seconds": 120, "errors": 1, "evaluation_periods": 3})
    listed = {
        logical_id: purpose for logical_id, _, purpose in summarize(answers, STREAM).resources
    }
    assert listed["IteratorAgeAlarm"] == (
        "alarm when the trigger is over 120 s behind, 3 period(s) of 60 s in a row"
    )
    assert (
        listed["ErrorsAlarm"] == "alarm on 1 or more function errors, 3 period(s) of 60 s in a row"
    )


def test_the_schema_shows_the_alarms() -> None:
    schema = json_schema()
    assert "alarms" in schema["properties"]
    fields = schema["$defs"]["Alarms"]["properties"]
    assert set(fields) == {
        "iterator_age_seconds", "errors", "period_seconds", "evaluation_periods", "topic_arn",
    }  # fmt: skip
    assert fields["period_seconds"]["default"] == 60


def test_a_deploy_adds_the_alarms_to_the_stack(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """moto's CloudFormation does not make CloudWatch alarms: the change set shows them."""
    file = write(
        tmp_path / "a.yaml",
        f"version: 1\ntable: {{name: orders}}\nalarms: {{iterator_age_seconds: 300, errors: 1, "
        f"topic_arn: '{TOPIC}'}}\n",
    )
    with moto(), moto_behaves_like_aws():
        make_table()
        result = cli("--answers", file, "--yes")

    assert result.code == 0, result.err
    assert "Add     IteratorAgeAlarm (AWS::CloudWatch::Alarm)" in result.err
    assert "Add     ErrorsAlarm (AWS::CloudWatch::Alarm)" in result.err
