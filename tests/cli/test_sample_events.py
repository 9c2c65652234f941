"""`ddbwizard --answers FILE --sample-events [N]` against a moto server: read only, shaped."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest

from ddbwizard.cli import main
from ddbwizard.core.model import limits
from ddbwizard.core.template.handlers import template_path
from tests.helpers.endpoint_run import client

Calls = list[str]
EXPECTED_IMAGES = {
    "KEYS_ONLY": [set(), set(), set()],
    "NEW_IMAGE": [{"NewImage"}, {"NewImage"}, set()],
    "OLD_IMAGE": [set(), {"OldImage"}, {"OldImage"}],
    "NEW_AND_OLD_IMAGES": [{"NewImage"}, {"NewImage", "OldImage"}, {"OldImage"}],
}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Every AWS operation the run's clients make, recorded on botocore's before-call event."""
    seen: Calls = []
    original = boto3.session.Session.client

    def recording_client(self: boto3.session.Session, *args: Any, **kwargs: Any) -> Any:
        made = original(self, *args, **kwargs)
        made.meta.events.register(
            "before-call",
            lambda model, **_: seen.append(f"{made.meta.service_model.service_name}:{model.name}"),
        )
        return made

    monkeypatch.setattr(boto3.session.Session, "client", recording_client)
    return seen


def make_table(
    endpoint: str,
    name: str,
    view_type: str | None,
    items: int = 0,
    ttl: str | None = None,
) -> None:
    ddb = client(endpoint, "dynamodb")
    spec: dict[str, Any] = {"StreamEnabled": False}
    if view_type:
        spec = {"StreamEnabled": True, "StreamViewType": view_type}
    ddb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification=spec,
    )
    if ttl:
        ddb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
        )
    for index in range(items):
        ddb.put_item(
            TableName=name,
            Item={
                "pk": {"S": f"order#{index}"},
                "sk": {"N": str(index)},
                "status": {"S": "PENDING"},
                "paid": {"BOOL": False},
            },
        )


def answers(tmp_path: Path, table: str, extra: str = "") -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(f"table: {{name: {table}}}\n{extra}", encoding="utf-8")
    return str(path)


def sample(
    capsys: pytest.CaptureFixture[str], endpoint: str, path: str, *count: str
) -> tuple[int, Any, str]:
    code = main(["--endpoint-url", endpoint, "--answers", path, "--sample-events", *count])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else None, err


@pytest.mark.parametrize("view_type", limits.VIEW_TYPES)
def test_each_view_type_shapes_the_records(
    view_type: str, moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint, "orders", view_type, items=2)
    code, event, err = sample(capsys, moto_endpoint, answers(tmp_path, "orders"))
    assert code == 0, err
    found = event["Records"]
    assert len(found) == 6
    for first in range(0, 6, 3):
        trio = found[first : first + 3]
        assert [r["eventName"] for r in trio] == ["INSERT", "MODIFY", "REMOVE"]
        images = [set(r["dynamodb"]) & {"NewImage", "OldImage"} for r in trio]
        assert images == EXPECTED_IMAGES[view_type]
    arn = client(moto_endpoint, "dynamodb").describe_table(TableName="orders")["Table"][
        "LatestStreamArn"
    ]
    assert {r["eventSourceARN"] for r in found} == {arn}
    assert {r["dynamodb"]["StreamViewType"] for r in found} == {view_type}
    assert all(set(r["dynamodb"]["Keys"]) == {"pk", "sk"} for r in found)
    assert "not read from its stream" in err


def test_reads_only_describe_ttl_and_one_bounded_scan(
    calls: Calls, moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint, "orders", "NEW_IMAGE", items=7)
    calls.clear()
    code, event, err = sample(capsys, moto_endpoint, answers(tmp_path, "orders"), "3")
    assert code == 0, err
    assert calls == ["dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:Scan"]
    assert len(event["Records"]) == 9  # three items, three records each


def test_the_scan_is_limited_and_eventually_consistent(
    monkeypatch: pytest.MonkeyPatch,
    moto_endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_table(moto_endpoint, "orders", "KEYS_ONLY", items=7)
    scans: list[dict[str, Any]] = []
    original = boto3.session.Session.client

    def spying_client(self: boto3.session.Session, *args: Any, **kwargs: Any) -> Any:
        made = original(self, *args, **kwargs)
        made.meta.events.register(
            "provide-client-params.dynamodb.Scan", lambda params, **_: scans.append(dict(params))
        )
        return made

    monkeypatch.setattr(boto3.session.Session, "client", spying_client)
    code, _, err = sample(capsys, moto_endpoint, answers(tmp_path, "orders"))
    assert code == 0, err
    assert scans == [{"TableName": "orders", "Limit": 5, "ConsistentRead": False}]


def test_ttl_gives_a_service_deletion(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint, "orders", "NEW_AND_OLD_IMAGES", items=2, ttl="expiresAt")
    code, event, err = sample(capsys, moto_endpoint, answers(tmp_path, "orders"))
    assert code == 0, err
    removes = [r for r in event["Records"] if r["eventName"] == "REMOVE"]
    assert removes[0]["userIdentity"] == {
        "type": "Service",
        "principalId": "dynamodb.amazonaws.com",
    }
    assert "expiresAt" in removes[0]["dynamodb"]["OldImage"]
    assert "userIdentity" not in removes[1]
    assert "TTL is on (expiresAt)" in err


def test_without_ttl_no_record_has_a_user_identity(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint, "orders", "NEW_AND_OLD_IMAGES", items=1)
    code, event, _ = sample(capsys, moto_endpoint, answers(tmp_path, "orders"))
    assert code == 0
    assert all("userIdentity" not in r for r in event["Records"])


def test_an_empty_table_gives_placeholder_keys(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint, "orders", "NEW_AND_OLD_IMAGES")
    code, event, err = sample(capsys, moto_endpoint, answers(tmp_path, "orders"))
    assert code == 0, err
    keys = [r["dynamodb"]["Keys"] for r in event["Records"]]
    assert keys == [{"pk": {"S": "sample-1"}, "sk": {"N": "1"}}] * 3
    assert "is empty: the records hold placeholder values" in err


def test_no_stream_uses_the_answers_view_type_and_a_placeholder_arn(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint, "orders", None, items=1)
    path = answers(tmp_path, "orders", "stream: {view_type: OLD_IMAGE}\n")
    code, event, err = sample(capsys, moto_endpoint, path)
    assert code == 0, err
    assert {r["dynamodb"]["StreamViewType"] for r in event["Records"]} == {"OLD_IMAGE"}
    assert {r["eventSourceARN"] for r in event["Records"]} == {
        "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2000-01-01T00:00:00.000"
    }
    assert "no stream yet: eventSourceARN is a placeholder" in err


def test_the_output_passes_test_filters_and_the_echo_handler(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], echo: ModuleType
) -> None:
    make_table(moto_endpoint, "orders", "NEW_AND_OLD_IMAGES", items=3, ttl="expiresAt")
    code, event, _ = sample(capsys, moto_endpoint, answers(tmp_path, "orders"))
    assert code == 0
    file = tmp_path / "event.json"
    file.write_text(json.dumps(event), encoding="utf-8")
    filtered = answers(tmp_path, "orders", "mapping: {filter_patterns: [{eventName: [REMOVE]}]}\n")
    assert main(["--answers", filtered, "--test-filters", str(file), "--json"]) == 0
    verdicts = json.loads(capsys.readouterr().out)["records"]
    assert [v["passes"] for v in verdicts] == [False, False, True] * 3
    lines = run_echo(echo, event)
    assert len(lines) == len(event["Records"]) == 9
    assert [json.loads(line)["eventName"] for line in lines] == ["INSERT", "MODIFY", "REMOVE"] * 3


def test_count_is_bounded_by_the_parser(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for bad in ("0", "101", "x"):
        with pytest.raises(SystemExit) as stopped:
            main(["--answers", answers(tmp_path, "orders"), "--sample-events", bad])
        assert stopped.value.code == 2
    assert "--sample-events" in capsys.readouterr().err


def test_needs_answers_and_excludes_the_other_modes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv in (
        ["--sample-events"],
        ["--answers", answers(tmp_path, "orders"), "--sample-events", "--export", "-"],
        ["--answers", answers(tmp_path, "orders"), "--sample-events", "--invoke-local", "e.json"],
    ):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--sample-events needs --answers FILE" in err
    assert "exclude each other" in err


@pytest.fixture(scope="module")
def echo() -> ModuleType:
    """The shipped Python echo, executed as a module (no __pycache__ next to it)."""
    path = template_path("python")
    module = ModuleType("ddbwizard_echo_sample")
    module.__file__ = str(path)
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def run_echo(echo: ModuleType, event: Any) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        echo.handler(event, None)
    return out.getvalue().splitlines()


def test_a_pinned_stream_arn_names_the_source_of_a_table_without_one(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint, "orders", None, items=1)
    pinned = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-05-01T00:00:00.000"
    path = answers(tmp_path, "orders", f"stream: {{arn: '{pinned}', view_type: NEW_IMAGE}}\n")
    code, event, err = sample(capsys, moto_endpoint, path)
    assert code == 0, err
    assert {r["eventSourceARN"] for r in event["Records"]} == {pinned}
    assert "placeholder" not in err
