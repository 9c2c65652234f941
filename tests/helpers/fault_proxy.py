"""A loopback HTTP proxy in front of a moto server that answers chosen AWS calls with real errors.

`FaultProxy(upstream)` listens on 127.0.0.1 (a free port) and forwards every request to the
moto server unchanged (path, headers, body), except the ones a `Fault` rule matches. A request's
AWS action is found the way AWS finds it:

- JSON protocols (DynamoDB, DynamoDB Streams, CloudWatch Logs, SQS): the `X-Amz-Target` header,
  e.g. `DynamoDB_20120810.UpdateTable` -> `dynamodb:UpdateTable`;
- query protocols (CloudFormation, STS, SNS): the form-encoded `Action=` of the body, the
  service from the SigV4 credential scope of the `Authorization` header;
- REST-JSON (Lambda): method + path, matched against the `requestUri` of every operation in
  botocore's service model, e.g. `GET /2015-03-31/functions/NAME` -> `lambda:GetFunction`.

Actions are named `<botocore service>:<Operation>` (`dynamodbstreams:DescribeStream`, not the
IAM spelling); a `Fault` with an unknown service or operation is refused at once.

A matching rule answers with an error in the service's wire format (XML for query services,
`__type` JSON for JSON services, `x-amzn-ErrorType` + JSON for REST-JSON), closes the
connection without an answer (`reset`), or holds it past any client read timeout (`hang`).
With `after_forward=True` the request is first forwarded, so it takes effect in moto, and only
its answer is replaced: `Fault(..., kind="reset", after_forward=True)` is an answer lost on the
network, which botocore retries. Each rule applies `times` times, then passes requests through.

The second half of the module reads moto's state (`read_state`, `state_diff`) and checks a CLI
run against it (`run_problems`): exit code, no traceback, and a final account of what changed
that is true.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import json
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, cast, get_args
from xml.sax.saxutils import escape

import boto3
import botocore.session
from botocore.model import ServiceModel

ACCOUNT = "123456789012"  # moto's default account
DEFAULT_REGION = "us-east-1"
# Longer than any read timeout of ddbwizard's clients (core/aws/facade.py: 30 s, logs 60 s).
HANG_SECONDS = 65.0
SERVICES = (
    "cloudformation",
    "dynamodb",
    "dynamodbstreams",
    "lambda",
    "logs",
    "sns",
    "sqs",
    "sts",
)

Kind = Literal[
    "access_denied",  # AccessDenied(Exception), 403 (400 on JSON services, as AWS answers)
    "throttling",  # Throttling / ThrottlingException / TooManyRequestsException (Lambda, 429)
    "internal_error",  # InternalFailure / InternalServerError / ServiceException, 500
    "service_unavailable",  # ServiceUnavailable(Exception), 503
    "insufficient_capabilities",  # CloudFormation only, 400
    "expired_token",  # ExpiredToken(Exception), 403 (400 on JSON services)
    "resource_conflict",  # Lambda only: ResourceConflictException, 409
    "reset",  # close the socket (TCP RST) without an answer
    "hang",  # hold the connection for `hang_seconds`, then close it
]
KINDS: tuple[str, ...] = get_args(Kind)
ONLY_FOR: dict[str, str] = {
    "insufficient_capabilities": "cloudformation",
    "resource_conflict": "lambda",
}
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)
_SCOPE_RE = re.compile(r"Credential=[^/,]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")


# -- botocore's service models: how each service names its actions ---------------------------
@functools.cache
def service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


@functools.cache
def _by_target_prefix() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in SERVICES:
        prefix = service_model(name).metadata.get("targetPrefix")
        if prefix:
            found[str(prefix)] = name
    return found


@functools.cache
def _by_signing_name() -> dict[str, str]:
    """Signing name -> service, for the services found by the credential scope (no target)."""
    found: dict[str, str] = {}
    for name in SERVICES:
        model = service_model(name)
        if not model.metadata.get("targetPrefix"):
            found[model.signing_name] = name
    return found


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    query_keys: tuple[str, ...]
    literal: int
    operation: str


@functools.cache
def _routes(service: str) -> tuple[_Route, ...]:
    """Every REST operation of the service as (method, path regex), most specific first."""
    model = service_model(service)
    routes = []
    for operation in model.operation_names:
        http_spec = model.operation_model(operation).http
        uri = str(http_spec.get("requestUri", "/"))
        path, _, query = uri.partition("?")
        regex, literal = "", 0
        for piece in re.split(r"(\{[^}]+\})", path.rstrip("/")):
            if piece.startswith("{"):
                regex += ".+" if piece.endswith("+}") else "[^/]+"
            else:
                regex += re.escape(piece)
                literal += len(piece)
        keys = tuple(kv.split("=", 1)[0] for kv in query.split("&") if kv)
        routes.append(
            _Route(
                str(http_spec.get("method", "POST")).upper(),
                re.compile(f"^{regex}/?$"),
                keys,
                literal + len(keys),
                operation,
            )
        )
    return tuple(sorted(routes, key=lambda r: -r.literal))


def check_action(action: str) -> tuple[str, str]:
    """`service:Operation` split, refusing a service or operation botocore does not know."""
    service, sep, operation = action.partition(":")
    if not sep or service not in SERVICES:
        raise ValueError(f"{action!r}: expected '<service>:<Operation>', service one of {SERVICES}")
    if operation not in service_model(service).operation_names:
        raise ValueError(f"{action!r}: {service} has no operation {operation!r}")
    return service, operation


@dataclass(frozen=True)
class Request:
    """What the proxy understood of one request."""

    service: str  # botocore service name ("" when unknown)
    operation: str  # "" when unknown
    signing_name: str  # the IAM prefix: dynamodbstreams signs as "dynamodb"
    region: str
    method: str
    path: str
    body: bytes

    @property
    def action(self) -> str:
        if self.service and self.operation:
            return f"{self.service}:{self.operation}"
        return f"{self.service or '?'}:{self.method} {self.path}"

    @property
    def protocol(self) -> str:
        return service_model(self.service).protocol if self.service else ""


def identify(method: str, path: str, headers: Mapping[str, str], body: bytes) -> Request:
    """The AWS action of an HTTP request, as AWS routes it (see the module docstring)."""
    lower = {k.lower(): v for k, v in headers.items()}
    scope = _SCOPE_RE.search(lower.get("authorization", ""))
    signing = scope["service"] if scope else ""
    region = scope["region"] if scope else DEFAULT_REGION
    target = lower.get("x-amz-target", "")
    service = operation = ""
    if target:
        prefix, _, operation = target.rpartition(".")
        service = _by_target_prefix().get(prefix, "")
    else:
        service = _by_signing_name().get(signing, "")
        protocol = service_model(service).protocol if service else ""
        url = urllib.parse.urlsplit(path)
        if protocol in ("query", "ec2"):
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace")) if body else {}
            form = form or urllib.parse.parse_qs(url.query)
            operation = form.get("Action", [""])[0]
        elif service:
            query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            for route in _routes(service):
                if (
                    route.method == method.upper()
                    and route.pattern.match(url.path)
                    and all(key in query for key in route.query_keys)
                ):
                    operation = route.operation
                    break
    return Request(service, operation, signing or service, region, method, path, body)


# -- the rules --------------------------------------------------------------------------------
@dataclass
class Fault:
    """Answer `action` with `kind`, `times` times (then pass it through).

    `after_forward`: forward the request first (it takes effect in moto), then replace its
    answer. `after_action`: the rule is armed only once the proxy has forwarded that action
    (e.g. DescribeTable after dynamodb:UpdateTable, DescribeStackEvents after ExecuteChangeSet).
    """

    action: str
    kind: Kind
    times: int = 1
    after_forward: bool = False
    after_action: str | None = None
    message: str | None = None
    hang_seconds: float = HANG_SECONDS
    used: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        service, _ = check_action(self.action)
        if self.after_action is not None:
            check_action(self.after_action)
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {KINDS}")
        only = ONLY_FOR.get(self.kind)
        if only and service != only:
            raise ValueError(f"{self.kind} is a {only} error, not one of {service}")
        if self.times < 1:
            raise ValueError("times must be at least 1")

    @property
    def operation(self) -> str:
        return self.action.partition(":")[2]

    def describe(self) -> str:
        lost = " after forwarding" if self.after_forward else ""
        armed = f" once {self.after_action} was seen" if self.after_action else ""
        return f"{self.action} -> {self.kind}{lost} x{self.times}{armed}"


@dataclass(frozen=True)
class Seen:
    """One request the proxy received: its action and the fault it got (None: passed through)."""

    action: str
    fault: str | None = None
    forwarded: bool = True


# -- AWS error answers ------------------------------------------------------------------------
@dataclass(frozen=True)
class AwsErrorAnswer:
    code: str
    status: int
    message: str
    sender: bool = True  # query <Type>: Sender (the caller's fault) or Receiver (AWS's)


_JSON_TYPE_PREFIX = {
    "dynamodb": "com.amazonaws.dynamodb.v20120810#",
    "dynamodbstreams": "com.amazonaws.dynamodb.v20120810#",
}
_CORAL = "com.amazon.coral.service#"  # authentication/authorization errors of JSON services
_INTERNAL = "The request processing has failed because of an unknown error, exception or failure."
_EXPIRED = "The security token included in the request is expired"


def _resource(request: Request) -> str:
    """The resource ARN an IAM denial names, read from the request when it says."""
    base = f"arn:aws:{request.signing_name}:{request.region}:{ACCOUNT}"
    try:
        if request.service == "cloudformation":
            form = urllib.parse.parse_qs(request.body.decode("utf-8", "replace"))
            stack = form.get("StackName", ["*"])[0]
            if stack.startswith("arn:"):
                return stack
            return f"{base}:stack/{stack}/*"
        if request.protocol == "json" and request.body:
            params = json.loads(request.body)
            if "TableName" in params:
                return f"{base}:table/{params['TableName']}"
            if "StreamArn" in params:
                return str(params["StreamArn"])
            if "logGroupNamePrefix" in params:
                return f"{base}:log-group:{params['logGroupNamePrefix']}*"
        if request.service == "lambda":
            match = re.search(r"/functions/([^/?]+)", request.path)
            if match:
                return f"{base}:function:{urllib.parse.unquote(match[1])}"
            match = re.search(r"/event-source-mappings/([^/?]+)", request.path)
            if match:
                return f"{base}:event-source-mapping:{match[1]}"
    except (ValueError, TypeError):
        pass
    return f"{base}:*"


def error_answer(kind: str, request: Request, message: str | None = None) -> AwsErrorAnswer:
    """The error AWS itself answers for `kind`, per the request's service and protocol."""
    protocol, service = request.protocol, request.service
    iam = f"{request.signing_name}:{request.operation}"
    answer: AwsErrorAnswer
    if kind == "access_denied":
        text = (
            f"User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: {iam} on "
            f"resource: {_resource(request)} because no identity-based policy allows the "
            f"{iam} action"
        )
        if protocol == "query":
            answer = AwsErrorAnswer("AccessDenied", 403, text)
        else:
            answer = AwsErrorAnswer(
                "AccessDeniedException", 400 if protocol == "json" else 403, text
            )
    elif kind == "throttling":
        if protocol == "query":
            answer = AwsErrorAnswer("Throttling", 400, "Rate exceeded")
        elif protocol == "rest-json":
            answer = AwsErrorAnswer("TooManyRequestsException", 429, "Rate exceeded")
        elif service in ("dynamodb", "dynamodbstreams"):
            answer = AwsErrorAnswer(
                "ThrottlingException", 400, "Rate of requests exceeds the allowed throughput."
            )
        else:
            answer = AwsErrorAnswer("ThrottlingException", 400, "Rate exceeded")
    elif kind == "internal_error":
        if protocol == "rest-json":
            answer = AwsErrorAnswer("ServiceException", 500, "An internal error occurred", False)
        elif service in ("dynamodb", "dynamodbstreams"):
            answer = AwsErrorAnswer("InternalServerError", 500, "Internal server error", False)
        else:
            answer = AwsErrorAnswer("InternalFailure", 500, _INTERNAL, False)
    elif kind == "service_unavailable":
        if protocol == "rest-json":
            answer = AwsErrorAnswer("ServiceException", 503, "Service unavailable", False)
        elif protocol == "json":
            answer = AwsErrorAnswer(
                "ServiceUnavailableException", 503, "Service unavailable", False
            )
        else:
            answer = AwsErrorAnswer(
                "ServiceUnavailable", 503, "Service is unavailable. Please retry later.", False
            )
    elif kind == "insufficient_capabilities":
        answer = AwsErrorAnswer(
            "InsufficientCapabilitiesException", 400, "Requires capabilities : [CAPABILITY_IAM]"
        )
    elif kind == "expired_token":
        if protocol == "query":
            answer = AwsErrorAnswer("ExpiredToken", 403, _EXPIRED)
        else:
            answer = AwsErrorAnswer(
                "ExpiredTokenException", 400 if protocol == "json" else 403, _EXPIRED
            )
    elif kind == "resource_conflict":
        answer = AwsErrorAnswer(
            "ResourceConflictException",
            409,
            "The operation cannot be performed at this time. An update is in progress for "
            f"resource: {_resource(request)}",
        )
    else:
        raise ValueError(f"{kind} is not an error answer")
    if message is not None:
        answer = AwsErrorAnswer(answer.code, answer.status, message, answer.sender)
    return answer


def render_error(answer: AwsErrorAnswer, request: Request) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of an error in the service's wire format."""
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id}
    protocol = request.protocol
    if protocol in ("query", "ec2"):
        namespace = service_model(request.service).metadata.get("xmlNamespace", "")
        kind = "Sender" if answer.sender else "Receiver"
        body = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type>'
            f"<Code>{escape(answer.code)}</Code><Message>{escape(answer.message)}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers["Content-Type"] = "text/xml"
        return answer.status, headers, body.encode()
    if protocol == "json":
        version = service_model(request.service).metadata.get("jsonVersion", "1.0")
        coral = answer.code in ("AccessDeniedException", "ExpiredTokenException")
        prefix = _CORAL if coral and request.service in _JSON_TYPE_PREFIX else ""
        prefix = prefix or _JSON_TYPE_PREFIX.get(request.service, "")
        headers["Content-Type"] = f"application/x-amz-json-{version}"
        payload = {"__type": prefix + answer.code, "message": answer.message}
        return answer.status, headers, json.dumps(payload).encode()
    if protocol == "rest-json":
        headers["Content-Type"] = "application/json"
        headers["x-amzn-ErrorType"] = answer.code
        payload = {"Type": "User" if answer.sender else "Service", "message": answer.message}
        if answer.code == "TooManyRequestsException":
            payload["Reason"] = "CallerRateLimitExceeded"
        return answer.status, headers, json.dumps(payload).encode()
    raise ValueError(f"no error format for {request.action} (protocol {protocol!r})")


# -- the proxy --------------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    proxy: FaultProxy

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a client that went away is no news
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        proxy = cast(_Server, self.server).proxy
        body = self._read_body()
        headers = list(self.headers.items())
        request = identify(self.command, self.path, dict(headers), body)
        fault = proxy._take(request.action)
        upstream: tuple[int, str, list[tuple[str, str]], bytes] | None = None
        if fault is None or fault.after_forward:
            try:
                upstream = proxy._forward(self.command, self.path, headers, body)
            except OSError:
                self._drop()
                return
        proxy._record(Seen(request.action, fault.kind if fault else None, upstream is not None))
        if fault is None:
            assert upstream is not None
            status, reason, answer_headers, payload = upstream
            self._answer(status, answer_headers, payload, reason)
        elif fault.kind == "hang":
            proxy._stopping.wait(fault.hang_seconds)
            self._drop()
        elif fault.kind == "reset":
            self._drop()
        else:
            status, error_headers, payload = render_error(
                error_answer(fault.kind, request, fault.message), request
            )
            self._answer(status, list(error_headers.items()), payload)

    def _answer(
        self, status: int, headers: Sequence[tuple[str, str]], body: bytes, reason: str = ""
    ) -> None:
        self.send_response(status, reason or None)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP and name.lower() not in ("date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _drop(self) -> None:
        """Close the connection with a TCP reset, without answering."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class FaultProxy:
    """The proxy: `url` for --endpoint-url; `add(Fault(...))`; `seen` lists every request."""

    def __init__(self, upstream: str, faults: Iterable[Fault] = ()) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        if parsed.scheme != "http" or not parsed.hostname:
            raise ValueError(f"upstream must be an http:// URL, got {upstream!r}")
        self._upstream = (parsed.hostname, parsed.port or 80)
        self._faults: list[Fault] = list(faults)
        self._seen: list[Seen] = []
        self._forwarded: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FaultProxy:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.proxy = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the proxy is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # rules and records
    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    @property
    def faults(self) -> tuple[Fault, ...]:
        with self._lock:
            return tuple(self._faults)

    @property
    def seen(self) -> tuple[Seen, ...]:
        with self._lock:
            return tuple(self._seen)

    def actions(self) -> list[str]:
        return [s.action for s in self.seen]

    def _take(self, action: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                armed = fault.after_action is None or fault.after_action in self._forwarded
                if fault.action == action and armed and fault.used < fault.times:
                    fault.used += 1
                    return fault
        return None

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self._seen.append(seen)
            if seen.forwarded:
                self._forwarded.add(seen.action)

    def _forward(
        self, method: str, path: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self._upstream, timeout=60)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() not in _HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            answer = connection.getresponse()
            payload = answer.read()
            return answer.status, answer.reason, answer.getheaders(), payload
        finally:
            connection.close()


# -- moto's state, read directly (not through the proxy) --------------------------------------
def aws_client(endpoint: str, service: str) -> Any:
    make: Any = boto3.client  # any service by name (the stubs type each name apart)
    return make(service, endpoint_url=endpoint, region_name=DEFAULT_REGION)


@dataclass(frozen=True)
class StackState:
    stack_id: str
    status: str
    template: str  # a digest of its current template


@dataclass(frozen=True)
class AwsState:
    """What a run could have changed: the table's stream, the live stacks, their change sets."""

    table: str
    stream_arn: str | None  # the table's enabled stream, None without one
    stacks: Mapping[str, StackState]
    change_sets: frozenset[str]  # "stack/change-set-name"


def read_state(endpoint: str, table: str) -> AwsState:
    described = aws_client(endpoint, "dynamodb").describe_table(TableName=table)["Table"]
    enabled = described.get("StreamSpecification", {}).get("StreamEnabled", False)
    stream_arn = described.get("LatestStreamArn") if enabled else None
    cfn = aws_client(endpoint, "cloudformation")
    stacks: dict[str, StackState] = {}
    change_sets: set[str] = set()
    for page in cfn.get_paginator("list_stacks").paginate():
        for summary in page.get("StackSummaries", []):
            if summary["StackStatus"] == "DELETE_COMPLETE":
                continue
            name, stack_id = summary["StackName"], summary["StackId"]
            body = cfn.get_template(StackName=stack_id).get("TemplateBody", "")
            text = body if isinstance(body, str) else json.dumps(body, sort_keys=True)
            digest = hashlib.sha256(text.encode()).hexdigest()[:12]
            stacks[name] = StackState(stack_id, summary["StackStatus"], digest)
            for cs in cfn.list_change_sets(StackName=stack_id).get("Summaries", []):
                change_sets.add(f"{name}/{cs['ChangeSetName']}")
    return AwsState(table, stream_arn, stacks, frozenset(change_sets))


@dataclass(frozen=True)
class StateDiff:
    """What changed between two reads of moto's state."""

    stream_enabled: bool
    new_stacks: tuple[str, ...]
    gone_stacks: tuple[str, ...]
    changed_stacks: tuple[str, ...]  # same name: another id, status or template
    new_change_sets: tuple[str, ...]

    @property
    def nothing(self) -> bool:
        return not (
            self.stream_enabled
            or self.new_stacks
            or self.gone_stacks
            or self.changed_stacks
            or self.new_change_sets
        )

    def describe(self) -> str:
        if self.nothing:
            return "nothing changed"
        parts = ["stream enabled"] if self.stream_enabled else []
        parts += [f"new stack {s}" for s in self.new_stacks]
        parts += [f"stack {s} gone" for s in self.gone_stacks]
        parts += [f"stack {s} changed" for s in self.changed_stacks]
        parts += [f"new change set {c}" for c in self.new_change_sets]
        return "; ".join(parts)


def state_diff(before: AwsState, after: AwsState) -> StateDiff:
    return StateDiff(
        stream_enabled=after.stream_arn is not None and after.stream_arn != before.stream_arn,
        new_stacks=tuple(sorted(set(after.stacks) - set(before.stacks))),
        gone_stacks=tuple(sorted(set(before.stacks) - set(after.stacks))),
        changed_stacks=tuple(
            sorted(
                n
                for n in set(before.stacks) & set(after.stacks)
                if before.stacks[n] != after.stacks[n]
            )
        ),
        new_change_sets=tuple(sorted(after.change_sets - before.change_sets)),
    )


# -- the CLI as a subprocess --------------------------------------------------------------------
@dataclass(frozen=True)
class CliRun:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.stderr.rstrip().splitlines()[-lines:])


def run_ddbwizard(
    *args: str | Path, env: Mapping[str, str], cwd: Path, timeout: float = 120
) -> CliRun:
    """`python -m ddbwizard ARGS` with `env` (the tests' AWS isolation); a timeout is a failure."""
    argv = [sys.executable, "-m", "ddbwizard", *map(str, args)]
    start = time.monotonic()
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            env=dict(env),
            cwd=cwd,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        raise AssertionError(
            f"ddbwizard did not end within {timeout:g} s; stderr so far:\n{err[-3000:]}"
        ) from None
    return CliRun(
        tuple(argv[1:]), done.returncode, done.stdout, done.stderr, time.monotonic() - start
    )


# -- what a run must say ------------------------------------------------------------------------
EXIT_CODES = frozenset({0, 1, 130})
NOTHING_CHANGED = "nothing was changed"
# Plain words a failure message may use for each operation, besides the operation's own name.
ACTION_WORDS: dict[str, tuple[str, ...]] = {
    "GetCallerIdentity": ("caller identity",),
    "UpdateTable": ("enabl",),
    "DescribeStream": ("stream",),
    "ListEventSourceMappings": ("event source mapping", "trigger"),
    "GetEventSourceMapping": ("event source mapping", "trigger"),
    "GetFunction": ("function",),
    "DescribeLogGroups": ("log group",),
    "DescribeStacks": ("describe-stacks",),
    "CreateChangeSet": ("change set",),
    "DescribeChangeSet": ("change set",),
    "ExecuteChangeSet": ("change set",),
    "DescribeStackEvents": ("stack events", "describe-stack-events"),
    "DeleteStack": ("delete-stack", "deleting stack", "delete stack", "deleting the stack"),
}
KIND_WORDS: dict[str, str] = {
    "access_denied": "access denied",
    "expired_token": "expired",
}


def final_account(stderr: str) -> list[str]:
    """The lines after the run's last progress step (`==> ...`): the outcome and its account.

    When the run ended on a step line, that line itself is the account.
    """
    lines = [line.rstrip() for line in stderr.splitlines() if line.strip()]
    steps = [i for i, line in enumerate(lines) if line.startswith("==> ")]
    if not steps:
        return lines
    after = lines[steps[-1] + 1 :]
    return after or [lines[steps[-1]]]


def error_text(stderr: str) -> str:
    """From the first `ddbwizard:` error line to the end ("" when there is none)."""
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("ddbwizard:"):
            return "\n".join(lines[i:])
    return ""


def mentions_stream(account: Sequence[str], table: str) -> bool:
    """A line with "stream" and the table name as a word of its own (not inside an ARN)."""
    name = re.compile(rf"(?<![\w/:.-]){re.escape(table)}(?![\w/-])")
    return any("stream" in line.lower() and name.search(line) for line in account)


def mentions_stack(account: Sequence[str], stack: str, *, change_set: bool = False) -> bool:
    """`stack NAME`, a `--stack-name NAME` command, or (with `change_set`) "change set"."""
    words = rf"(\bstack\s+{re.escape(stack)}\b|--stack-name\s+{re.escape(stack)}\b"
    words += r"|\bchange[ -]set\b)" if change_set else ")"
    pattern = re.compile(words, re.IGNORECASE)
    return any(pattern.search(line) for line in account)


def run_problems(
    run: CliRun,
    diff: StateDiff,
    *,
    table: str,
    stack: str,
    fault: Fault | None = None,
    seen: Sequence[Seen] = (),
) -> list[str]:
    """Every rule the run breaks (empty: it behaved). See the test module for the rules."""
    problems: list[str] = []
    account = final_account(run.stderr)
    said = "\n".join(account).lower()
    if run.returncode not in EXIT_CODES:
        problems.append(f"exit code {run.returncode}, not one of {sorted(EXIT_CODES)}")
    if "Traceback" in run.stderr:
        problems.append("a Python traceback on stderr")
    if not account:
        problems.append("no message on stderr")
    if fault is not None and not any(s.fault for s in seen if s.action == fault.action):
        problems.append(f"the fault never applied: {fault.action} was not called")
    if diff.stream_enabled and not mentions_stream(account, table):
        problems.append(f"the stream of {table} was enabled, and the final account does not say so")
    if (diff.new_stacks or diff.new_change_sets) and not mentions_stack(
        account, stack, change_set=True
    ):
        left = ", ".join([*diff.new_stacks, *diff.new_change_sets])
        problems.append(f"left in CloudFormation ({left}), and the final account does not say so")
    if (diff.gone_stacks or diff.changed_stacks) and not mentions_stack(account, stack):
        what = ", ".join([*(f"{s} deleted" for s in diff.gone_stacks),
                          *(f"{s} changed" for s in diff.changed_stacks)])  # fmt: skip
        problems.append(f"stack {what}, and the final account does not say so")
    if NOTHING_CHANGED in said and not diff.nothing:
        problems.append(f"says 'Nothing was changed' but: {diff.describe()}")
    if run.returncode != 0 and diff.nothing and NOTHING_CHANGED not in said:
        problems.append("a failure that changed nothing, and the final account does not say so")
    if run.returncode != 0 and fault is not None:
        text = (error_text(run.stderr) or "\n".join(account)).lower()
        words = (fault.operation, *ACTION_WORDS.get(fault.operation, ()))
        if not any(w.lower() in text for w in words):
            problems.append(f"the error does not name the failing action ({' / '.join(words)})")
        kind_word = KIND_WORDS.get(fault.kind)
        if kind_word and kind_word not in text:
            problems.append(f"the error does not say {kind_word!r}")
    return problems


def problem_report(run: CliRun, diff: StateDiff, problems: Sequence[str]) -> str:
    lines = [f"exit {run.returncode} in {run.seconds:.1f} s; in moto: {diff.describe()}"]
    lines += [f"  - {p}" for p in problems]
    lines += ["stderr (last 15 lines):", run.tail(15)]
    return "\n".join(lines)


@contextmanager
def started(upstream: str, *faults: Fault) -> Iterator[FaultProxy]:
    """A started FaultProxy in front of `upstream`, stopped on exit."""
    with FaultProxy(upstream, faults) as proxy:
        yield proxy
