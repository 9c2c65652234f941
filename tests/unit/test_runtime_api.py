"""ddbwizard.local.runtime_api: the loopback Lambda Runtime API, driven by a fake runtime."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from ddbwizard.local.runtime_api import DEFAULT_FUNCTION_ARN, FunctionError, RuntimeApi

PREFIX = "/2018-06-01/runtime"

Answer = tuple[int, dict[str, str], bytes]


def call(
    api: RuntimeApi, method: str, path: str, body: bytes | None = None, **headers: str
) -> Answer:
    """One request of a runtime: status, headers, body."""
    conn = http.client.HTTPConnection(api.address, timeout=10)
    try:
        conn.request(method, PREFIX + path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@pytest.fixture
def api() -> Iterator[RuntimeApi]:
    with RuntimeApi() as runtime_api:
        yield runtime_api


@pytest.fixture
def runtime() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


def next_then(
    api: RuntimeApi, runtime: ThreadPoolExecutor, kind: str, body: bytes, **headers: str
) -> Future[tuple[Answer, Answer]]:
    """The runtime takes the next event and posts body to its response or error path."""

    def run() -> tuple[Answer, Answer]:
        got = call(api, "GET", "/invocation/next")
        request_id = got[1]["Lambda-Runtime-Aws-Request-Id"]
        return got, call(api, "POST", f"/invocation/{request_id}/{kind}", body, **headers)

    return runtime.submit(run)


def test_address_is_loopback(api: RuntimeApi) -> None:
    host, _, port = api.address.partition(":")
    assert host == "127.0.0.1"
    assert int(port) > 0


def test_response(api: RuntimeApi, runtime: ThreadPoolExecutor) -> None:
    event = {"Records": [{"k": "é\ud800"}]}
    pending = next_then(api, runtime, "response", b'{"batchItemFailures":[]}')
    before = time.time()
    outcome = api.invoke(event, timeout=5)
    (status, headers, payload), posted = pending.result(timeout=5)
    assert outcome.error is None
    assert outcome.payload == b'{"batchItemFailures":[]}'
    assert outcome.result() == {"batchItemFailures": []}
    assert status == 200
    assert json.loads(payload) == event
    assert payload.isascii()
    assert headers["Lambda-Runtime-Invoked-Function-Arn"] == DEFAULT_FUNCTION_ARN
    assert headers["Lambda-Runtime-Trace-Id"].startswith("Root=1-")
    deadline = int(headers["Lambda-Runtime-Deadline-Ms"]) / 1000
    assert before + 5 - 1 < deadline <= time.time() + 5
    assert posted[0] == 202


def test_bytes_are_sent_as_they_are(api: RuntimeApi, runtime: ThreadPoolExecutor) -> None:
    pending = next_then(api, runtime, "response", b"null")
    outcome = api.invoke(b"not json", timeout=5)
    assert pending.result(timeout=5)[0][2] == b"not json"
    assert outcome.result() is None


def test_function_arn_is_configurable(runtime: ThreadPoolExecutor) -> None:
    arn = "arn:aws:lambda:eu-west-1:111122223333:function:f:live"
    with RuntimeApi(function_arn=arn) as api:
        pending = next_then(api, runtime, "response", b"{}")
        api.invoke({}, timeout=5)
        assert pending.result(timeout=5)[0][1]["Lambda-Runtime-Invoked-Function-Arn"] == arn


def test_error_document(api: RuntimeApi, runtime: ThreadPoolExecutor) -> None:
    doc = {"errorMessage": "boom", "errorType": "ValueError", "stackTrace": ["x"]}
    pending = next_then(
        api,
        runtime,
        "error",
        json.dumps(doc).encode(),
        **{"Lambda-Runtime-Function-Error-Type": "Unhandled"},
    )
    outcome = api.invoke({}, timeout=5)
    assert pending.result(timeout=5)[1][0] == 202
    assert outcome.payload is None
    assert outcome.error == FunctionError("ValueError", "boom")
    with pytest.raises(ValueError, match="the invocation failed"):
        outcome.result()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"errorMessage":"no type"}', FunctionError("Runtime.Custom", "no type")),
        (b"plain text", FunctionError("Runtime.Custom", "plain text")),
        (b'{"errorType":"E"}', FunctionError("E", '{"errorType": "E"}')),
    ],
)
def test_error_document_fallbacks(
    api: RuntimeApi, runtime: ThreadPoolExecutor, body: bytes, expected: FunctionError
) -> None:
    header = {"Lambda-Runtime-Function-Error-Type": "Runtime.Custom"}
    pending = next_then(api, runtime, "error", body, **header)
    assert api.invoke({}, timeout=5).error == expected
    pending.result(timeout=5)


def test_init_error_answers_waiting_and_later_invocations(
    api: RuntimeApi, runtime: ThreadPoolExecutor
) -> None:
    doc = b'{"errorMessage":"cannot load","errorType":"Runtime.ConfigInvalid"}'
    header = {"Lambda-Runtime-Function-Error-Type": "Runtime.ConfigInvalid"}

    def fail_init() -> Answer:
        time.sleep(0.2)  # while the invocation waits
        return call(api, "POST", "/init/error", doc, **header)

    pending = runtime.submit(fail_init)
    expected = FunctionError("Runtime.ConfigInvalid", "cannot load")
    assert api.invoke({}, timeout=5).error == expected
    assert pending.result(timeout=5)[0] == 202
    assert api.init_error == expected
    started = time.monotonic()
    assert api.invoke({}, timeout=5).error == expected
    assert time.monotonic() - started < 1


def test_timeout_withdraws_the_invocation(api: RuntimeApi, runtime: ThreadPoolExecutor) -> None:
    started = time.monotonic()
    outcome = api.invoke({"first": True}, timeout=0.3)
    assert 0.3 <= time.monotonic() - started < 2
    assert outcome.error == FunctionError("Sandbox.Timedout", "Task timed out after 0.30 seconds")
    pending = next_then(api, runtime, "response", b"{}")
    assert api.invoke({"second": True}, timeout=5).result() == {}
    assert json.loads(pending.result(timeout=5)[0][2]) == {"second": True}  # not the first


def test_late_answer_is_refused(api: RuntimeApi, runtime: ThreadPoolExecutor) -> None:
    taken: Future[Answer] = runtime.submit(call, api, "GET", "/invocation/next")
    assert api.invoke({}, timeout=0.3).error is not None
    request_id = taken.result(timeout=5)[1]["Lambda-Runtime-Aws-Request-Id"]
    status, _, body = call(api, "POST", f"/invocation/{request_id}/response", b"{}")
    assert status == 400
    assert json.loads(body)["errorType"] == "InvalidRequestID"


def test_unknown_paths(api: RuntimeApi) -> None:
    assert call(api, "GET", "/invocation/other")[0] == 404
    assert call(api, "POST", "/invocation/x/other", b"{}")[0] == 404


def test_post_without_length_is_refused(api: RuntimeApi) -> None:
    conn = http.client.HTTPConnection(api.address, timeout=10)
    try:
        conn.putrequest("POST", PREFIX + "/init/error")
        conn.endheaders()
        assert conn.getresponse().status == 411
    finally:
        conn.close()
    assert api.init_error is None


def test_close_wakes_a_waiting_runtime(runtime: ThreadPoolExecutor) -> None:
    api = RuntimeApi()
    waiting = runtime.submit(call, api, "GET", "/invocation/next")
    time.sleep(0.2)
    api.close()
    assert waiting.result(timeout=5)[0] == 500
