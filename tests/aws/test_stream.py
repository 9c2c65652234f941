"""The stream step (faults.md rows 16-20): moto for the common paths, the Stubber for the states
moto cannot produce (UPDATING, ENABLING, ARCHIVED) and a fake clock for deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from ddbwizard.core.aws.errors import NotFound
from ddbwizard.core.aws.facade import Aws, make_session
from ddbwizard.core.errors import EXIT_INTERRUPTED, AwsError, Interrupted, UsageError
from ddbwizard.core.model.answers import Answers, answers_from_data
from ddbwizard.core.report import RecordingReporter
from ddbwizard.core.stream import Declined, StreamWaitTimeout, resolve_stream
from tests.helpers.moto_kit import create_function, create_table

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"


def answers(**stream: Any) -> Answers:
    return answers_from_data({"table": {"name": "orders"}, "stream": stream})


class Confirm:
    """A confirm callable that records the questions and answers `reply`."""

    def __init__(self, reply: bool = True) -> None:
        self.reply = reply
        self.questions: list[str] = []

    def __call__(self, question: str) -> bool:
        self.questions.append(question)
        return self.reply


class Waits(RecordingReporter):
    def __init__(self) -> None:
        super().__init__()
        self.waits: list[tuple[str, float]] = []

    def waiting(self, what: str, elapsed: float) -> None:
        self.waits.append((what, elapsed))


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# -- moto --------------------------------------------------------------------------------
@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws():
        yield Aws(make_session(None, None))


def make_table(aws: Aws, view_type: str | None = None, name: str = "orders") -> str | None:
    create_table(aws.client("dynamodb"), name, view_type)
    return aws.describe_table(name).latest_stream_arn


def add_reader(aws: Aws, stream_arn: str, name: str) -> None:
    lam = aws.client("lambda")
    create_function(lam, boto3.client("iam"), name)
    lam.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=name, StartingPosition="LATEST"
    )


def never(question: str) -> bool:
    raise AssertionError(f"confirm should not be called: {question}")


def test_an_enabled_stream_is_reused_without_update_table(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = make_table(aws, "NEW_AND_OLD_IMAGES")

    def no_update(*_: Any) -> bool:
        raise AssertionError("UpdateTable must not be called")

    monkeypatch.setattr(aws, "enable_stream", no_update)
    reporter = RecordingReporter()
    result = resolve_stream(aws, answers(), reporter, never)
    assert result.arn == arn
    assert result.view_type == "NEW_AND_OLD_IMAGES"
    assert not result.enabled_now
    assert result.readers == ()
    assert result.warnings == ()
    assert aws.describe_table("orders").latest_stream_arn == arn  # label unchanged
    assert f"Reusing the NEW_AND_OLD_IMAGES stream of orders: {arn}" in reporter.text()


def test_a_missing_stream_is_enabled_after_confirmation(aws: Aws) -> None:
    assert make_table(aws) is None
    confirm = Confirm()
    reporter = RecordingReporter()
    result = resolve_stream(aws, answers(view_type="NEW_IMAGE"), reporter, confirm)
    (question,) = confirm.questions
    assert "orders" in question
    assert "NEW_IMAGE" in question
    assert result.enabled_now
    assert result.view_type == "NEW_IMAGE"
    table = aws.describe_table("orders")
    assert result.arn == table.latest_stream_arn
    assert table.view_type == "NEW_IMAGE"
    assert ("step", "Enabling a NEW_IMAGE stream on orders") in reporter.lines


def test_declining_changes_nothing(aws: Aws) -> None:
    make_table(aws)
    with pytest.raises(Declined, match="Nothing was changed: table orders still has no stream"):
        resolve_stream(aws, answers(), RecordingReporter(), Confirm(reply=False))
    assert not aws.describe_table("orders").stream_enabled


def test_enable_false_refuses_a_table_without_stream(aws: Aws) -> None:
    make_table(aws)
    with pytest.raises(UsageError) as caught:
        resolve_stream(aws, answers(enable=False), RecordingReporter(), never)
    assert (
        caught.value.message == "table orders has no stream; set stream.enable: true or enable it"
    )
    assert "aws dynamodb update-table --table-name orders" in str(caught.value)
    assert not aws.describe_table("orders").stream_enabled


def test_a_different_view_type_is_kept_with_a_warning(aws: Aws) -> None:
    arn = make_table(aws, "KEYS_ONLY")
    confirm = Confirm()
    reporter = RecordingReporter()
    result = resolve_stream(aws, answers(view_type="NEW_AND_OLD_IMAGES"), reporter, confirm)
    assert result.arn == arn
    assert result.view_type == "KEYS_ONLY"
    assert not result.enabled_now
    (warning,) = result.warnings
    assert "new stream ARN" in warning
    assert "break" in warning
    assert ("warn", warning) in reporter.lines
    assert confirm.questions == [
        "Use the existing KEYS_ONLY stream of orders instead of NEW_AND_OLD_IMAGES?"
    ]
    assert aws.describe_table("orders").latest_stream_arn == arn


def test_declining_the_existing_view_type_changes_nothing(aws: Aws) -> None:
    arn = make_table(aws, "KEYS_ONLY")
    with pytest.raises(Declined, match="keeps its KEYS_ONLY stream"):
        resolve_stream(aws, answers(view_type="NEW_IMAGE"), RecordingReporter(), Confirm(False))
    assert aws.describe_table("orders").latest_stream_arn == arn


def test_two_readers_give_a_warning(aws: Aws) -> None:
    arn = make_table(aws, "NEW_AND_OLD_IMAGES")
    assert arn is not None
    add_reader(aws, arn, "audit")
    add_reader(aws, arn, "search-sync")
    result = resolve_stream(aws, answers(), RecordingReporter(), never)
    assert sorted(r.function_name for r in result.readers) == ["audit", "search-sync"]
    (warning,) = result.warnings
    assert warning.startswith("2 functions already read this stream")
    assert "a third may be throttled (at most 2 readers per shard)" in warning


def test_a_given_stream_arn_must_be_the_latest(aws: Aws) -> None:
    arn = make_table(aws, "NEW_AND_OLD_IMAGES")
    with pytest.raises(UsageError) as caught:
        resolve_stream(aws, answers(arn=ARN), RecordingReporter(), never)
    assert caught.value.message == (
        f"stream.arn {ARN} is not the latest stream of table orders (which is {arn})"
    )


def test_a_given_stream_arn_on_a_table_without_stream_is_refused(aws: Aws) -> None:
    make_table(aws)
    with pytest.raises(UsageError, match="table orders has no enabled stream"):
        resolve_stream(aws, answers(arn=ARN), RecordingReporter(), never)
    assert not aws.describe_table("orders").stream_enabled


def test_a_missing_table_names_table_region_and_close_names(aws: Aws) -> None:
    make_table(aws, name="orders")
    make_table(aws, name="customers")
    data = answers_from_data({"table": {"name": "order"}})
    with pytest.raises(NotFound) as caught:
        resolve_stream(aws, data, RecordingReporter(), never)
    assert caught.value.message == "Table 'order' was not found in us-east-1"
    assert caught.value.hint == "Did you mean: orders?"


def test_a_missing_table_in_an_empty_region_says_so(aws: Aws) -> None:
    with pytest.raises(NotFound) as caught:
        resolve_stream(aws, answers(), RecordingReporter(), never)
    assert caught.value.hint == "There are no tables in us-east-1; check the region (--region)."


# -- Stubber: states moto cannot produce ----------------------------------------------------
def described(status: str = "ACTIVE", view_type: str | None = None) -> dict[str, Any]:
    table: dict[str, Any] = {"TableName": "orders", "TableStatus": status}
    if view_type:
        table["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
        table["LatestStreamArn"] = ARN
        table["LatestStreamLabel"] = "2026-01-01T00:00:00.000"
    return {"Table": table}


class Stubs:
    def __init__(self) -> None:
        self.aws = Aws(boto3.Session(region_name="us-east-1"))
        self.ddb = Stubber(self.aws.client("dynamodb"))
        self.streams = Stubber(self.aws.client("dynamodbstreams"))
        self.lam = Stubber(self.aws.client("lambda"))

    def table(self, status: str = "ACTIVE", view_type: str | None = None) -> None:
        self.ddb.add_response(
            "describe_table", described(status, view_type), {"TableName": "orders"}
        )

    def stream(self, status: str) -> None:
        self.streams.add_response(
            "describe_stream",
            {"StreamDescription": {"StreamArn": ARN, "StreamStatus": status}},
            {"StreamArn": ARN, "Limit": 1},
        )

    def no_readers(self) -> None:
        self.lam.add_response(
            "list_event_source_mappings", {"EventSourceMappings": []}, {"EventSourceArn": ARN}
        )

    def update_table(self, view_type: str) -> None:
        self.ddb.add_response(
            "update_table",
            {"TableDescription": described("UPDATING")["Table"]},
            {
                "TableName": "orders",
                "StreamSpecification": {"StreamEnabled": True, "StreamViewType": view_type},
            },
        )


@pytest.fixture
def stubs() -> Iterator[Stubs]:
    made = Stubs()
    with made.ddb, made.streams, made.lam:
        yield made
        made.ddb.assert_no_pending_responses()
        made.streams.assert_no_pending_responses()
        made.lam.assert_no_pending_responses()


def test_a_table_updating_then_active_is_waited_for(stubs: Stubs) -> None:
    stubs.table("UPDATING", "NEW_AND_OLD_IMAGES")
    stubs.table("UPDATING", "NEW_AND_OLD_IMAGES")
    stubs.table("ACTIVE", "NEW_AND_OLD_IMAGES")
    stubs.stream("ENABLED")
    stubs.no_readers()
    fake, reporter = FakeTime(), Waits()
    result = resolve_stream(
        stubs.aws, answers(), reporter, never, sleep=fake.sleep, clock=fake.clock
    )
    assert result.arn == ARN
    assert fake.sleeps == [1.0, 1.0]
    assert [what for what, _ in reporter.waits] == ["table orders is UPDATING"] * 2


def test_enabling_waits_for_the_stream_to_be_enabled(stubs: Stubs) -> None:
    stubs.table("ACTIVE")
    stubs.update_table("NEW_AND_OLD_IMAGES")
    stubs.table("UPDATING")
    stubs.table("ACTIVE", "NEW_AND_OLD_IMAGES")
    stubs.stream("ENABLING")
    stubs.stream("ENABLED")
    stubs.no_readers()
    fake, reporter = FakeTime(), Waits()
    result = resolve_stream(
        stubs.aws, answers(), reporter, Confirm(), sleep=fake.sleep, clock=fake.clock
    )
    assert result.enabled_now
    assert result.arn == ARN
    assert len(reporter.waits) == 2
    assert f"Stream enabled: {ARN}" in reporter.text()


def test_a_stream_enabling_past_the_deadline_is_a_clear_error(stubs: Stubs) -> None:
    stubs.table("ACTIVE")
    stubs.update_table("NEW_AND_OLD_IMAGES")
    stubs.table("ACTIVE", "NEW_AND_OLD_IMAGES")
    for _ in range(4):  # t = 0, 1, 2, 3: the deadline is 3 s
        stubs.stream("ENABLING")
    fake = FakeTime()
    with pytest.raises(StreamWaitTimeout) as caught:
        resolve_stream(
            stubs.aws,
            answers(),
            RecordingReporter(),
            Confirm(),
            deadline_seconds=3,
            sleep=fake.sleep,
            clock=fake.clock,
        )
    message = str(caught.value)
    assert "still ENABLING after 3 s" in message
    assert "stays on" in message
    assert "aws dynamodb describe-table --table-name orders" in message
    assert caught.value.exit_code == 1


def test_ctrl_c_while_enabling_says_the_stream_stays_on(stubs: Stubs) -> None:
    stubs.table("ACTIVE")
    stubs.update_table("KEYS_ONLY")
    stubs.table("UPDATING")

    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(Interrupted) as caught:
        resolve_stream(
            stubs.aws,
            answers(view_type="KEYS_ONLY"),
            RecordingReporter(),
            Confirm(),
            sleep=interrupted,
        )
    assert caught.value.exit_code == EXIT_INTERRUPTED
    assert str(caught.value).startswith(
        "Stopped waiting. The stream on orders is being enabled and stays on"
    )


def test_an_existing_stream_still_enabling_is_waited_for(stubs: Stubs) -> None:
    stubs.table("ACTIVE", "NEW_AND_OLD_IMAGES")
    stubs.stream("ENABLING")
    stubs.stream("ENABLED")
    stubs.no_readers()
    fake = FakeTime()
    result = resolve_stream(
        stubs.aws, answers(), RecordingReporter(), never, sleep=fake.sleep, clock=fake.clock
    )
    assert not result.enabled_now
    assert fake.sleeps == [1.0]


def test_already_enabled_on_aws_is_tolerated_and_read_again(stubs: Stubs) -> None:
    stubs.table("ACTIVE")
    stubs.ddb.add_client_error(
        "update_table", "ValidationException", "Table already has an enabled stream", 400
    )
    stubs.table("ACTIVE", "KEYS_ONLY")
    stubs.stream("ENABLED")
    stubs.no_readers()
    confirm = Confirm()
    result = resolve_stream(stubs.aws, answers(), RecordingReporter(), confirm)
    assert not result.enabled_now
    assert result.view_type == "KEYS_ONLY"
    assert len(confirm.questions) == 2  # enable?, then: keep the existing view type?
    assert len(result.warnings) == 1


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("ARCHIVED", "is archived"),
        ("DELETING", "is being deleted"),
        ("INACCESSIBLE_ENCRYPTION_CREDENTIALS", "cannot be used: its KMS key is inaccessible"),
    ],
)
def test_unusable_tables_are_refused(stubs: Stubs, status: str, reason: str) -> None:
    stubs.table(status)
    with pytest.raises(AwsError) as caught:
        resolve_stream(stubs.aws, answers(), RecordingReporter(), never)
    assert f"Table orders {reason}" in caught.value.message
    assert "nothing was changed" in caught.value.message


def test_a_table_creating_past_the_deadline_changes_nothing(stubs: Stubs) -> None:
    for _ in range(3):
        stubs.table("CREATING")
    fake = FakeTime()
    with pytest.raises(StreamWaitTimeout) as caught:
        resolve_stream(
            stubs.aws,
            answers(),
            RecordingReporter(),
            never,
            deadline_seconds=2,
            sleep=fake.sleep,
            clock=fake.clock,
        )
    assert caught.value.message.startswith(
        "Table orders is still CREATING after 2 s; nothing was changed"
    )


def test_a_disabling_stream_is_refused(stubs: Stubs) -> None:
    old = described("ACTIVE")
    old["Table"]["LatestStreamArn"] = ARN  # the disabled stream stays the latest
    stubs.ddb.add_response("describe_table", old, {"TableName": "orders"})
    stubs.stream("DISABLING")
    with pytest.raises(AwsError, match="is being disabled; nothing was changed"):
        resolve_stream(stubs.aws, answers(), RecordingReporter(), never)


def test_a_busy_table_is_updated_again_once_active(stubs: Stubs) -> None:
    stubs.table("ACTIVE")
    stubs.ddb.add_client_error(
        "update_table", "ResourceInUseException", "Table is being updated: orders", 400
    )
    stubs.table("UPDATING")
    stubs.table("ACTIVE")
    stubs.update_table("NEW_AND_OLD_IMAGES")
    stubs.table("ACTIVE", "NEW_AND_OLD_IMAGES")
    stubs.stream("ENABLED")
    stubs.no_readers()
    fake = FakeTime()
    result = resolve_stream(
        stubs.aws, answers(), RecordingReporter(), Confirm(), sleep=fake.sleep, clock=fake.clock
    )
    assert result.enabled_now
    assert result.arn == ARN
