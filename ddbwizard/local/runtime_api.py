"""A loopback Lambda Runtime API (2018-06-01): run any Lambda runtime's loop locally.

Start a runtime process (a Go ``bootstrap``, awslambdaric, ...) with
``AWS_LAMBDA_RUNTIME_API`` set to :attr:`RuntimeApi.address`; :meth:`RuntimeApi.invoke`
hands it one event through ``GET /runtime/invocation/next`` and waits for what it posts to
``/runtime/invocation/{id}/response`` or ``/runtime/invocation/{id}/error``. An error the
runtime posts to ``/runtime/init/error`` becomes the result of the invocations that wait
(and of later ones), as Lambda reports an init failure to its invoker.

One event at a time per runtime, like a Lambda execution environment; ``invoke`` may be
called from several threads (the events queue up). The server is stdlib ``http.server``
on 127.0.0.1, one thread per connection.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["DEFAULT_FUNCTION_ARN", "FunctionError", "InvokeResult", "RuntimeApi"]

_log = logging.getLogger(__name__)

DEFAULT_FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:ddbwizard-echo"
_PREFIX = "/2018-06-01/runtime"
_INVOCATION_PATH = re.compile(_PREFIX + r"/invocation/([^/]+)/(response|error)")
_ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"


@dataclass(frozen=True)
class FunctionError:
    """An error document: what a runtime posted, or Lambda's own (a timeout)."""

    error_type: str
    message: str


@dataclass(frozen=True)
class InvokeResult:
    """What one invocation came to: the response payload, or an error."""

    payload: bytes | None = None
    error: FunctionError | None = None

    def result(self) -> Any:
        """The response decoded as JSON (``None`` for ``null``); ``ValueError`` after an error."""
        if self.payload is None:
            raise ValueError(f"the invocation failed: {self.error}")
        return json.loads(self.payload)


@dataclass(eq=False)
class _Invocation:
    request_id: str
    payload: bytes
    deadline_ms: int
    trace_id: str
    outcome: InvokeResult | None = None


class _State:
    """Invocations waiting for the runtime, those it holds, and its init error."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.waiting: deque[_Invocation] = deque()
        self.open: dict[str, _Invocation] = {}  # waiting or handed out, by request id
        self.init_error: FunctionError | None = None
        self.closed = False

    def next(self) -> _Invocation | None:
        """The next invocation for the runtime (blocks); ``None`` once closed."""
        with self.changed:
            self.changed.wait_for(lambda: self.waiting or self.closed)
            return None if self.closed else self.waiting.popleft()

    def run(self, invocation: _Invocation, timeout: float) -> InvokeResult | None:
        """Queue the invocation and wait for its outcome (or the init error); None on timeout."""
        with self.changed:
            if self.init_error is None:
                self.waiting.append(invocation)
                self.open[invocation.request_id] = invocation
                self.changed.notify_all()
                self.changed.wait_for(
                    lambda: invocation.outcome is not None or self.init_error is not None,
                    timeout,
                )
            if invocation.outcome is not None:
                return invocation.outcome
            self.open.pop(invocation.request_id, None)  # withdrawn: a late answer is refused
            if invocation in self.waiting:
                self.waiting.remove(invocation)
            return None if self.init_error is None else InvokeResult(error=self.init_error)

    def finish(self, request_id: str, outcome: InvokeResult) -> bool:
        """Record an open invocation's outcome; False for an unknown (or finished) id."""
        with self.changed:
            invocation = self.open.pop(request_id, None)
            if invocation is None:
                return False
            invocation.outcome = outcome
            self.changed.notify_all()
            return True

    def fail_init(self, error: FunctionError, keep: bool = False) -> None:
        """Record the error; with `keep`, one already recorded stays."""
        with self.changed:
            if not (keep and self.init_error is not None):
                self.init_error = error
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()


class RuntimeApi:
    """The Lambda Runtime API on 127.0.0.1 (a free port), serving from construction on.

    ``function_arn`` is sent as ``Lambda-Runtime-Invoked-Function-Arn``. Use it as a
    context manager, or call :meth:`close`.
    """

    def __init__(self, function_arn: str = DEFAULT_FUNCTION_ARN) -> None:
        self.function_arn = function_arn
        self._state = _State()
        handler = partial(_Handler, state=self._state, function_arn=function_arn)
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # how long close() waits for the loop
            name="lambda-runtime-api",
            daemon=True,
        )
        self._thread.start()

    @property
    def address(self) -> str:
        """``host:port``, the value for ``AWS_LAMBDA_RUNTIME_API``."""
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    @property
    def init_error(self) -> FunctionError | None:
        """What the runtime posted to ``/runtime/init/error``, if it did."""
        return self._state.init_error

    def runtime_exited(self, error: FunctionError) -> None:
        """The runtime process is gone: waiting and later invocations get `error`, as after an
        init error (unless it posted one itself, which is kept)."""
        self._state.fail_init(error, keep=True)

    def invoke(self, event: object, timeout: float) -> InvokeResult:
        """Hand ``event`` to the runtime and wait up to ``timeout`` seconds for its answer.

        ``event`` is sent as JSON (``bytes`` are sent as they are). The deadline the runtime
        sees is now plus ``timeout``. When it passes, the result is Lambda's timeout error
        (``Sandbox.Timedout``) and the invocation is withdrawn: a late answer gets a 400, and
        the runtime should be restarted, as Lambda would. After an init error, the result is
        that error.
        """
        payload = event if isinstance(event, bytes) else json.dumps(event).encode("ascii")
        now = time.time()
        invocation = _Invocation(
            request_id=str(uuid.uuid4()),
            payload=payload,
            deadline_ms=int((now + timeout) * 1000),
            trace_id=_trace_id(now),
        )
        outcome = self._state.run(invocation, timeout)
        if outcome is not None:
            return outcome
        return InvokeResult(
            error=FunctionError("Sandbox.Timedout", f"Task timed out after {timeout:.2f} seconds")
        )

    def close(self) -> None:
        """Stop serving; a runtime waiting for an event gets an error answer."""
        self._state.close()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> RuntimeApi:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _trace_id(now: float) -> str:
    """An X-Ray trace header like Lambda's (not sampled)."""
    return f"Root=1-{int(now):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0"


def _error_document(body: bytes, error_type: str | None) -> FunctionError:
    """The error a runtime posted: ``errorType``/``errorMessage``, else the header and text."""
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        doc = {"errorMessage": body.decode("utf-8", "replace")}
    kind, message = doc.get("errorType"), doc.get("errorMessage")
    return FunctionError(
        error_type=kind if isinstance(kind, str) else error_type or "Unhandled",
        message=message if isinstance(message, str) else json.dumps(doc),
    )


class _Server(ThreadingHTTPServer):
    # close() must not wait for a runtime that keeps its connection open.
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A runtime that goes away mid-request (killed, restarted) is no error of ours.
        _log.debug("runtime api: connection from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every answer has a Content-Length

    def __init__(self, *args: Any, state: _State, function_arn: str, **kwargs: Any) -> None:
        self.state = state
        self.function_arn = function_arn
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.path != _PREFIX + "/invocation/next":
            self._answer(HTTPStatus.NOT_FOUND, _problem("NotFound", self.path))
            return
        invocation = self.state.next()
        if invocation is None:
            self._answer(HTTPStatus.INTERNAL_SERVER_ERROR, _problem("Shutdown", "closed"))
            return
        self._answer(
            HTTPStatus.OK,
            invocation.payload,
            {
                "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": self.function_arn,
                "Lambda-Runtime-Trace-Id": invocation.trace_id,
            },
        )

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._answer(HTTPStatus.LENGTH_REQUIRED, _problem("LengthRequired", self.path))
            return
        body = self.rfile.read(int(length))
        error_type = self.headers.get(_ERROR_TYPE_HEADER)
        if self.path == _PREFIX + "/init/error":
            self.state.fail_init(_error_document(body, error_type))
            self._answer(HTTPStatus.ACCEPTED, b'{"status":"OK"}')
            return
        match = _INVOCATION_PATH.fullmatch(self.path)
        if match is None:
            self._answer(HTTPStatus.NOT_FOUND, _problem("NotFound", self.path))
            return
        request_id, kind = match.groups()
        outcome = (
            InvokeResult(payload=body)
            if kind == "response"
            else InvokeResult(error=_error_document(body, error_type))
        )
        if self.state.finish(request_id, outcome):
            self._answer(HTTPStatus.ACCEPTED, b'{"status":"OK"}')
        else:
            self._answer(HTTPStatus.BAD_REQUEST, _problem("InvalidRequestID", request_id))

    def _answer(
        self, status: HTTPStatus, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("runtime api: " + format, *args)


def _problem(error_type: str, message: str) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type}).encode()
