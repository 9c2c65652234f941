"""The one log follower (core.logs): a long tail rides out throttling and 5xx, ends on a refusal.

FilterLogEvents answers are stubbed (botocore's Stubber) on the real facade, so each failure
goes through the one translator exactly as an AWS answer would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from ddbwizard.core import Aws, Follow, LogLine, follow_logs
from ddbwizard.core.aws.errors import AccessDenied
from ddbwizard.core.aws.facade import make_session
from ddbwizard.core.logs import LOGS_WAITING

GROUP = "/aws/lambda/orders-echo"


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Aws, Stubber]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    aws = Aws(make_session(None, "eu-west-1"))
    with Stubber(aws.client("logs")) as stubber:
        yield aws, stubber


def _events(*messages: str) -> dict[str, Any]:
    return {
        "events": [
            {"eventId": f"e{i}", "timestamp": 1_000 + i, "logStreamName": "s", "message": m}
            for i, m in enumerate(messages)
        ]
    }


class Recorder:
    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        self.pauses: list[float] = []
        self.lines: list[str] = []
        self.notices: list[str] = []

    def sink(self) -> Follow:
        return Follow(
            lines=lambda new: self.lines.extend(line.message for line in new),
            notice=self.notices.append,
        )

    def pause(self, seconds: float) -> bool:
        self.pauses.append(seconds)
        return len(self.pauses) >= self.rounds  # the user stops after that many waits


def _follow(aws: Aws, recorder: Recorder) -> None:
    follow_logs(aws, GROUP, recorder.sink(), since_ms=0, pause=recorder.pause)


def test_a_throttled_burst_does_not_end_the_tail(stubbed: tuple[Aws, Stubber]) -> None:
    aws, stubber = stubbed
    stubber.add_response("filter_log_events", _events("one"))
    for _ in range(3):
        stubber.add_client_error(
            "filter_log_events", "ThrottlingException", "Rate exceeded", http_status_code=400
        )
    stubber.add_response("filter_log_events", _events("one", "two"))
    recorder = Recorder(rounds=5)

    _follow(aws, recorder)

    assert recorder.lines == ["one", "two"]  # nothing lost, nothing twice
    failed = [n for n in recorder.notices if n.startswith("Reading the log events failed")]
    assert len(failed) == 3
    assert recorder.notices[-1] == "Reading the log events again"
    assert recorder.pauses[1:4] == [2.0, 4.0, 8.0]  # a growing pause between retries
    stubber.assert_no_pending_responses()


def test_a_server_error_is_retried_and_access_denied_ends_the_tail(
    stubbed: tuple[Aws, Stubber],
) -> None:
    aws, stubber = stubbed
    stubber.add_client_error("filter_log_events", "ServiceUnavailable", http_status_code=503)
    stubber.add_client_error(
        "filter_log_events",
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
        "logs:FilterLogEvents",
        http_status_code=400,
    )
    recorder = Recorder(rounds=10)

    with pytest.raises(AccessDenied):
        _follow(aws, recorder)

    assert recorder.notices[0].startswith("Reading the log events failed")


def test_waiting_is_said_once_and_only_before_the_first_event(
    stubbed: tuple[Aws, Stubber],
) -> None:
    aws, stubber = stubbed
    stubber.add_client_error(
        "filter_log_events", "ResourceNotFoundException", "The specified log group does not exist."
    )
    stubber.add_response("filter_log_events", {"events": []})
    stubber.add_response("filter_log_events", _events("first"))
    stubber.add_response("filter_log_events", {"events": []})
    recorder = Recorder(rounds=4)

    _follow(aws, recorder)

    assert recorder.notices == [LOGS_WAITING]
    assert recorder.lines == ["first"]


def test_events_of_one_poll_come_oldest_first_across_pages(
    stubbed: tuple[Aws, Stubber],
) -> None:
    aws, stubber = stubbed
    page = _events("late")
    page["events"][0].update(timestamp=5_000, eventId="late-1")
    page["nextToken"] = "t1"
    stubber.add_response("filter_log_events", page)
    stubber.add_response("filter_log_events", _events("early"))
    seen: list[LogLine] = []
    recorder = Recorder(rounds=1)
    sink = Follow(lines=seen.extend, notice=recorder.notices.append)

    follow_logs(aws, GROUP, sink, since_ms=0, pause=recorder.pause)

    assert [line.message for line in seen] == ["early", "late"]


def test_a_burst_is_read_a_page_at_a_time_and_the_last_millisecond_again(
    stubbed: tuple[Aws, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ddbwizard.core import logs

    aws, stubber = stubbed
    monkeypatch.setattr(logs, "POLL_EVENTS", 1)  # a page's worth: here, one event
    first = _events("a")
    first["nextToken"] = "t1"
    stubber.add_response("filter_log_events", first, {"logGroupName": GROUP, "startTime": 0})
    second = _events("b", "c")  # at 1000 and 1001: c is the newest millisecond
    second["events"][0]["eventId"] = "e-b"
    second["events"][1]["eventId"] = "e-c"
    stubber.add_response(
        "filter_log_events", second, {"logGroupName": GROUP, "startTime": 0, "nextToken": "t1"}
    )
    again = {
        "events": [
            {"eventId": "e-c", "timestamp": 1_001, "logStreamName": "s", "message": "c"},
            {"eventId": "e-d", "timestamp": 1_001, "logStreamName": "s", "message": "d"},
        ]
    }
    stubber.add_response("filter_log_events", again, {"logGroupName": GROUP, "startTime": 1_001})
    tail = logs.LogTail(aws, GROUP, 0)

    polls = [[line.message for line in tail.poll()] for _ in range(3)]

    assert polls == [["a"], ["b", "c"], ["d"]]  # c, read again at its millisecond, is not new
    stubber.assert_no_pending_responses()
