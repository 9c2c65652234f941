"""The local Lambda poller: under `--local`, ddbwizard plays Lambda's DynamoDB stream poller.

moto stores functions and event source mappings but never runs them. LocalPoller reads each
enabled mapping's stream like Lambda does, builds the event in Lambda's format, runs the
python echo handler in this process, and writes its output lines to the function's log group.

Emulated: StartingPosition (first read), BatchSize, State (Enabled only), FilterCriteria
(with core.model.filters, the matcher the answers file is checked with: records that do not
pass are not delivered, and a batch with none is not invoked), the function's environment
variables.
Not emulated: batching windows, parallelization, retries (a failing batch is logged and
skipped), bisecting, on-failure destinations, tumbling windows, record age.
A function deployed with the nodejs handler also runs the python echo handler: both
handlers write the same lines by design.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import logging
import os
import sys
import threading
import time
import traceback
import types
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from ddbwizard.core.aws.errors import error_code
from ddbwizard.core.model import filters
from ddbwizard.core.template.handlers import template_path

if TYPE_CHECKING:
    from ddbwizard.core.aws.facade import Aws

log = logging.getLogger(__name__)

BATCHES_PER_TICK = 10  # per shard and poll, so one busy stream cannot starve the others
MAX_PUT_EVENTS = 1_000
MAX_PUT_BYTES = 900_000  # PutLogEvents takes 1 MB, counting 26 bytes an event
_MISSING = object()


# -- the event -------------------------------------------------------------------------
def _lambda_value(value: Any) -> Any:
    """DynamoDB JSON as boto3 parses it -> as Lambda sends it (binary as base64 text)."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: _lambda_value(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [_lambda_value(v) for v in value]
    return value


def lambda_record(record: Mapping[str, Any], region: str, source_arn: str) -> dict[str, Any]:
    """A GetRecords record in the shape Lambda passes to a function."""
    stream = record.get("dynamodb", {})
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        created = int(created.timestamp())  # epoch seconds, rounded down, as Lambda sends
    dynamodb: dict[str, Any] = {"ApproximateCreationDateTime": created}
    for key in ("Keys", "NewImage", "OldImage"):
        if key in stream:
            dynamodb[key] = _lambda_value(stream[key])
    for key in ("SequenceNumber", "SizeBytes", "StreamViewType"):
        if key in stream:
            dynamodb[key] = stream[key]
    out: dict[str, Any] = {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": source_arn,
    }
    if record.get("userIdentity"):
        out["userIdentity"] = record["userIdentity"]
    return out


# -- filter criteria ---------------------------------------------------------------------
def passes_filters(criteria: Mapping[str, Any] | None, record: Mapping[str, Any]) -> bool:
    """Whether Lambda delivers `record` under a mapping's FilterCriteria, by the matcher the
    answers file is checked with (core.model.filters). No filters: every record passes; a
    pattern Lambda would have refused (not JSON, or invalid) matches nothing."""
    entries = (criteria or {}).get("Filters") or []
    patterns = [pattern for pattern in map(_pattern, entries) if pattern is not None]
    return not entries or any(filters.matches(pattern, record) for pattern in patterns)


def _pattern(entry: Any) -> dict[str, Any] | None:
    try:
        pattern = json.loads(entry.get("Pattern", ""))
    except (AttributeError, TypeError, ValueError):
        return None
    if not isinstance(pattern, dict) or filters.pattern_problem(pattern):
        return None
    return pattern


# -- the handler -------------------------------------------------------------------------
def echo_handler_source() -> tuple[str, str]:
    """(source text, file name) of the python echo handler, as core.handlers finds it."""
    path = template_path("python")
    return path.read_text(encoding="utf-8"), str(path)


class _Proxy:
    """A stand-in for a module (sys, os) with some attributes replaced."""

    def __init__(self, real: types.ModuleType, **replaced: Any) -> None:
        self._real = real
        self.__dict__.update(replaced)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@dataclass
class _Context:
    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    log_group_name: str
    log_stream_name: str
    timeout_ms: int
    function_version: str = "$LATEST"

    def __post_init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + self.timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class EchoHandler:
    """The python echo handler, loaded once, run in this process with its output captured.

    Its module-level `sys` and `os` are replaced during a call (under a lock) by stand-ins
    whose `stdout` is a buffer and whose `environ` is the function's environment, so the
    process's real stdout (a TUI, a terminal) and os.environ are never touched.
    """

    def __init__(self) -> None:
        source, filename = echo_handler_source()
        self.module = types.ModuleType("ddbwizard_local_echo")
        self.module.__file__ = filename
        exec(compile(source, filename, "exec"), self.module.__dict__)
        self._lock = threading.Lock()

    def __call__(
        self, event: dict[str, Any], context: _Context, env: Mapping[str, str], name: str
    ) -> tuple[list[str], Any]:
        """Run the handler; (its output lines, its return value). Raises what it raises."""
        buffer = io.BytesIO()
        out = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n", write_through=True)
        namespace = self.module.__dict__
        function = namespace.get(name) or namespace["handler"]
        with self._lock:
            saved = {k: namespace.get(k, _MISSING) for k in ("sys", "os", "print")}
            namespace["sys"] = _Proxy(sys, stdout=out)
            namespace["os"] = _Proxy(os, environ=dict(env))
            namespace["print"] = functools.partial(print, file=out)
            try:
                result = function(event, context)
            finally:
                for key, value in saved.items():
                    if value is _MISSING:
                        namespace.pop(key, None)
                    else:
                        namespace[key] = value
                out.flush()
        text = buffer.getvalue().decode("utf-8", "replace")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines, result


# -- the poller --------------------------------------------------------------------------
def is_stream_arn(arn: str) -> bool:
    return ":dynamodb:" in arn and "/stream/" in arn


class LocalPoller:
    """A daemon thread that plays Lambda's DynamoDB stream poller against the emulator.

    `poll_once()` does one round synchronously (tests use it); `start()` runs rounds every
    `interval` seconds until `stop()`. Failures of a round are logged and kept in `errors`;
    the thread goes on.
    """

    def __init__(self, aws: Aws, *, interval: float = 1.0) -> None:
        self._aws = aws
        self._interval = interval
        self._positions: dict[str, dict[str, str]] = {}  # mapping uuid -> shard -> iterator
        self._handler: EchoHandler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []
        self.delivered = 0

    # lifecycle
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name="ddbwizard-local-poller", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> LocalPoller:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception as exc:  # keep polling; the failure is visible in `errors`
                self._note(f"poll failed: {exc}")
            self._stop.wait(self._interval)

    def _note(self, message: str) -> None:
        log.warning("local poller: %s", message)
        self.errors = [*self.errors[-49:], message]

    # one round
    def poll_once(self) -> int:
        """Deliver every new record of every enabled stream mapping; the number delivered."""
        lam = self._aws.client("lambda")
        mappings = [
            m
            for page in lam.get_paginator("list_event_source_mappings").paginate()
            for m in page.get("EventSourceMappings", [])
        ]
        live = {m.get("UUID", "") for m in mappings}
        for gone in set(self._positions) - live:
            del self._positions[gone]
        delivered = 0
        for mapping in mappings:
            arn = mapping.get("EventSourceArn", "")
            if is_stream_arn(arn) and mapping.get("State") == "Enabled":
                try:
                    delivered += self._poll_mapping(dict(mapping))
                except ClientError as exc:  # one broken mapping must not stop the others
                    self._note(f"mapping {mapping.get('UUID')}: {exc}")
        self.delivered += delivered
        return delivered

    def _poll_mapping(self, mapping: dict[str, Any]) -> int:
        streams = self._aws.client("dynamodbstreams")
        arn = mapping["EventSourceArn"]
        positions = self._positions.setdefault(mapping["UUID"], {})
        start: Literal["TRIM_HORIZON", "LATEST"] = (
            "LATEST" if mapping.get("StartingPosition") == "LATEST" else "TRIM_HORIZON"
        )
        batch_size = int(mapping.get("BatchSize") or 100)
        delivered = 0
        try:
            shards = streams.describe_stream(StreamArn=arn)["StreamDescription"].get("Shards", [])
        except ClientError as exc:
            self._note(f"cannot read {arn}: {error_code(exc)}")
            return 0
        for shard in shards:
            shard_id = shard["ShardId"]
            iterator = positions.get(shard_id)
            if iterator is None:
                iterator = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType=start
                )["ShardIterator"]
            for _ in range(BATCHES_PER_TICK):
                if not iterator:  # a closed shard, read to its end
                    break
                page = streams.get_records(ShardIterator=iterator, Limit=batch_size)
                iterator = page.get("NextShardIterator", "")
                positions[shard_id] = iterator
                records = page.get("Records", [])
                if not records:
                    break
                delivered += self._deliver(mapping, records)
                if len(records) < batch_size:
                    break
        return delivered

    def _deliver(self, mapping: dict[str, Any], records: list[Any]) -> int:
        arn = mapping["EventSourceArn"]
        region = self._aws.region
        event_records = [lambda_record(r, region, arn) for r in records]
        event_records = [
            r for r in event_records if passes_filters(mapping.get("FilterCriteria"), r)
        ]
        if not event_records:
            return 0
        function = self._aws.client("lambda").get_function_configuration(
            FunctionName=mapping["FunctionArn"]
        )
        name = function["FunctionName"]
        group = f"/aws/lambda/{name}"
        stream = time.strftime("%Y/%m/%d/[$LATEST]local", time.gmtime())
        context = _Context(
            function_name=name,
            invoked_function_arn=function["FunctionArn"],
            memory_limit_in_mb=int(function.get("MemorySize") or 128),
            log_group_name=group,
            log_stream_name=stream,
            timeout_ms=int(function.get("Timeout") or 3) * 1000,
        )
        env = {
            **(function.get("Environment") or {}).get("Variables", {}),
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_REGION": region,
            "AWS_LAMBDA_LOG_GROUP_NAME": group,
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        }
        level = (function.get("LoggingConfig") or {}).get("ApplicationLogLevel")
        if level:
            env["AWS_LAMBDA_LOG_LEVEL"] = level
        entry = str(function.get("Handler") or "index.handler").rsplit(".", 1)[-1]
        if self._handler is None:
            self._handler = EchoHandler()
        try:
            lines, _ = self._handler({"Records": event_records}, context, env, entry)
        except Exception as exc:
            lines = [
                json.dumps(
                    {
                        "errorMessage": str(exc),
                        "errorType": type(exc).__name__,
                        "requestId": context.aws_request_id,
                        "stackTrace": traceback.format_exception(exc)[-3:],
                    }
                )
            ]
            self._note(f"{name} failed on a batch of {len(event_records)}: {exc}")
        self._put_lines(group, stream, lines)
        return len(event_records)

    def _put_lines(self, group: str, stream: str, lines: list[str]) -> None:
        logs = self._aws.client("logs")
        now = int(time.time() * 1000)
        chunks: list[list[dict[str, Any]]] = [[]]
        size = 0
        for line in lines:
            cost = len(line.encode("utf-8")) + 26
            if len(chunks[-1]) >= MAX_PUT_EVENTS or size + cost > MAX_PUT_BYTES:
                chunks.append([])
                size = 0
            chunks[-1].append({"timestamp": now, "message": line or " "})
            size += cost
        for chunk in chunks:
            if not chunk:
                continue
            try:
                logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=chunk)  # type: ignore[arg-type]
            except ClientError as exc:
                if error_code(exc) != "ResourceNotFoundException":
                    raise
                try:
                    logs.create_log_stream(logGroupName=group, logStreamName=stream)
                except ClientError as again:
                    if error_code(again) == "ResourceNotFoundException":
                        self._note(f"log group {group} does not exist; {len(chunk)} lines dropped")
                        return
                    if error_code(again) != "ResourceAlreadyExistsException":
                        raise
                logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=chunk)  # type: ignore[arg-type]
