"""Health figures: GetMetricData answered by the Stubber in the shape CloudWatch answers, the rest
by the moto server; the sparkline and the panel as a user reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from ddbwizard.checking import report_lines
from ddbwizard.core import (
    Aws,
    CheckReport,
    Commands,
    check_trigger,
    health_panel,
    load_answers,
    make_session,
    sparkline,
)
from tests.check.kit import STACK, deploy, make_table, write_answers

END = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
START = END - timedelta(hours=1)
# IteratorAge (ms) every ten minutes, rising to 7 min at the end of the window
AGES = {0: 0.0, 10: 50_000.0, 20: 100_000.0, 30: 150_000.0, 40: 200_000.0, 50: 250_000.0}
AGES[59] = 420_000.0
SPARK = "▁·········▁·········▂·········▃·········▄·········▅········█"


def _result(index: int, label: str, points: dict[int, float]) -> dict[str, Any]:
    return {
        "Id": f"m{index}",
        "Label": label,
        "Timestamps": [START + timedelta(minutes=m) for m in sorted(points)],
        "Values": [points[m] for m in sorted(points)],
        "StatusCode": "Complete",
    }


def _queries() -> list[dict[str, Any]]:
    return [
        {
            "Id": f"m{index}",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": name,
                    "Dimensions": [{"Name": "FunctionName", "Value": STACK}],
                },
                "Period": 60,
                "Stat": stat,
            },
            "ReturnData": True,
        }
        for index, (name, stat) in enumerate(
            [
                ("IteratorAge", "Maximum"),
                ("Errors", "Sum"),
                ("Throttles", "Sum"),
                ("Invocations", "Sum"),
            ]
        )
    ]


@pytest.fixture
def answers_path(moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    make_table(moto_endpoint)
    path = write_answers(tmp_path)
    deploy(capsys, moto_endpoint, path)
    return path


def check_with_metrics(
    endpoint: str, path: Path, max_age: timedelta, ages: dict[int, float] = AGES
) -> CheckReport:
    aws = Aws(make_session(region="us-east-1"), endpoint)
    stubber = Stubber(aws.client("cloudwatch"))
    stubber.add_response(
        "get_metric_data",
        {
            "MetricDataResults": [
                _result(0, "IteratorAge", ages),
                _result(1, "Errors", {58: 2.0, 59: 1.0}),
                _result(2, "Throttles", {}),
                _result(3, "Invocations", dict.fromkeys(range(60), 4.0)),
            ],
            "Messages": [],
        },
        {
            "MetricDataQueries": _queries(),
            "StartTime": START,
            "EndTime": END,
            "ScanBy": "TimestampAscending",
        },
    )
    with stubber:
        report = check_trigger(
            aws,
            load_answers(path),
            Commands(str(path), ("--endpoint-url", endpoint)),
            since=timedelta(hours=1),
            max_iterator_age=max_age,
            now=END,
        )
    stubber.assert_no_pending_responses()
    return report


def test_an_iterator_age_over_the_limit_is_behind(answers_path: Path, moto_endpoint: str) -> None:
    report = check_with_metrics(moto_endpoint, answers_path, timedelta(minutes=5))

    assert not report.healthy
    assert report.verdict == "behind"
    (behind,) = report.problems
    assert behind.kind == "iterator-age"
    assert behind.message == ("The trigger is behind: IteratorAge reached 7 min (more than 5 min)")
    assert "--logs --endpoint-url" in behind.fix
    assert [(w.kind, w.message) for w in report.warnings] == [
        ("errors", "Errors: 3 over the last 1 h")
    ]
    metrics = report.as_json()["metrics"]
    assert isinstance(metrics, dict)
    assert (metrics["iterator_age_max_ms"], metrics["errors"], metrics["throttles"]) == (
        420_000.0,
        3.0,
        None,
    )
    assert metrics["invocations"] == 240.0


def test_the_panel_draws_iterator_age_as_a_sparkline(
    answers_path: Path, moto_endpoint: str
) -> None:
    report = check_with_metrics(moto_endpoint, answers_path, timedelta(minutes=10))

    assert report.healthy  # 7 min is under a 10 min limit; errors only warn
    panel = health_panel(report)
    assert panel.sparkline == SPARK
    assert len(panel.sparkline) == 60
    lines = report_lines(report)
    assert lines[:10] == [
        "Health: OK",
        f"  Stack                   {STACK}: CREATE_COMPLETE",
        "  State                   Enabled (User initiated)",
        "  LastProcessingResult    (none yet)",
        "  Stream                  ENABLED; the trigger reads the table's latest stream",
        "  IteratorAge (max, 1 h)  7 min (limit 10 min)",
        f"                          {SPARK}",
        "  Errors                  3",
        "  Throttles               no data",
        "  Invocations             240",
    ]
    assert "  [errors] Errors: 3 over the last 1 h" in lines


@pytest.mark.parametrize(
    ("values", "drawn"),
    [
        ([0, 1, 2, 3, 4, 5, 6, 7], "▁▂▃▄▅▆▇█"),
        ([None, 5, None, 10], "·▄·█"),
        ([0, 0, None], "▁▁·"),
        ([], ""),
    ],
)
def test_sparkline(values: list[float | None], drawn: str) -> None:
    assert sparkline(values) == drawn
