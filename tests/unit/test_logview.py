"""core.log_view: how an echo log event reads in a live view (one line, or pretty JSON)."""

from __future__ import annotations

import json

from ddbwizard.core import log_view


def test_a_record_reads_as_event_name_keys_and_image_with_its_numbers_as_written() -> None:
    line = (
        '{"eventName":"INSERT","eventID":"e","sequenceNumber":"1","keys":{"pk":"a  b"},'
        '"newImage":{"pk":"a  b","total":12345678901234567890.1230,"tags":[]}}'
    )
    view = log_view(line)
    assert view.record
    assert view.summary == (
        'INSERT  {"pk":"a  b"}  new {"pk":"a  b","total":12345678901234567890.1230,"tags":[]}'
    )
    assert '  "total": 12345678901234567890.1230,' in view.pretty
    assert json.loads(view.pretty)["keys"] == {"pk": "a  b"}


def test_a_remove_shows_the_old_image_and_a_truncated_line_says_so() -> None:
    removed = log_view('{"eventName":"REMOVE","keys":{"pk":1},"oldImage":{"pk":1,"x":"y"}}')
    assert removed.summary == 'REMOVE  {"pk":1}  old {"pk":1,"x":"y"}'
    cut = log_view(
        '{"eventName":"MODIFY","keys":{"pk":1},"truncated":true,"originalBytes":300000,'
        '"newImageTruncated":"{\\"pk\\":1,\\"blob\\":\\"aaa"}'
    )
    assert cut.summary == 'MODIFY  {"pk":1}  (truncated, 300000 bytes)  new {"pk":1,"blob":"aaa…'


def test_lambdas_json_wrapper_is_unwrapped() -> None:
    inner = json.dumps({"eventName": "INSERT", "keys": {"pk": "k"}, "newImage": {"pk": "k"}})
    wrapped = json.dumps(
        {"timestamp": "2026-12-02T10:00:00Z", "level": "INFO", "requestId": "r", "message": inner}
    )
    view = log_view(wrapped)
    assert view.record
    assert view.summary == 'INSERT  {"pk":"k"}  new {"pk":"k"}'


def test_other_lines_stay_on_one_line_and_lose_no_character() -> None:
    report = log_view("REPORT RequestId: abc\tDuration: 2.1 ms\n")
    assert not report.record
    assert report.summary == "REPORT RequestId: abc  Duration: 2.1 ms"
    error = log_view('{"errorMessage":"boom\\nsecond line","errorType":"ValueError"}')
    assert error.summary == "ERROR  ValueError: boom  second line"
    platform = log_view('{"type":"platform.start","record":{"requestId":"r"}}')
    assert platform.summary == 'platform.start  {"requestId":"r"}'
    window = log_view('{"windowSummary":{"records":3}}')
    assert window.summary == 'window  {"records":3}'
