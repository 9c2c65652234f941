"""The local Lambda poller: under `--local`, ddbwizard plays Lambda's DynamoDB stream poller.

moto stores functions and event source mappings but never runs them. LocalPoller reads each
enabled mapping's stream like Lambda does, builds the event in Lambda's format, runs the
function as Lambda would (local.child: a process of its runtime pulling the event from a
loopback Runtime API, its code from the artifacts bucket or the inline echo of its runtime),
and writes its output lines to the function's log group.

Emulated: StartingPosition (the first read of a shard; after that the poller resumes after
the last record it delivered, per mapping and shard, like Lambda's checkpoint, also across
stop() and start(), so a redeploy that keeps the mapping delivers nothing twice), BatchSize, State (Enabled only), FilterCriteria
(with core.model.filters, the matcher the answers file is checked with: records that do not
pass are not delivered, and a batch with none is not invoked), the function's environment
variables and Lambda's, its timeout (the process is killed: Sandbox.Timedout).
Not emulated: batching windows, parallelization, retries (a failing batch is logged and
skipped), bisecting, on-failure destinations, tumbling windows, record age.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import ClientError

from ddbwizard.core.aws.errors import error_code
from ddbwizard.core.errors import DdbWizardError
from ddbwizard.core.failed import lambda_record
from ddbwizard.core.model import filters
from ddbwizard.core.model.limits import LOCAL_POLL_INTERVAL
from ddbwizard.local.child import ChildRuntime, FunctionProcess
from ddbwizard.local.code import LocalCode
from ddbwizard.local.runtime_api import FunctionError

if TYPE_CHECKING:
    from ddbwizard.core.aws.facade import Aws

log = logging.getLogger(__name__)

BATCHES_PER_TICK = 10  # per shard and poll, so one busy stream cannot starve the others
MAX_PUT_EVENTS = 1_000
MAX_PUT_BYTES = 900_000  # PutLogEvents takes 1 MB, counting 26 bytes an event
# A mapping's LastProcessingResult, in Lambda's words, after a batch was invoked
OK, FAILED = "OK", "PROBLEM: Function call failed"


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


# -- the function ------------------------------------------------------------------------
def function_env(function: Mapping[str, Any], region: str, stream: str) -> dict[str, str]:
    """The environment Lambda gives the function: its own variables and Lambda's."""
    name = str(function["FunctionName"])
    logging_config = function.get("LoggingConfig") or {}
    env = {
        **(function.get("Environment") or {}).get("Variables", {}),
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.get("MemorySize") or 128),
        "AWS_LAMBDA_LOG_GROUP_NAME": logging_config.get("LogGroup") or f"/aws/lambda/{name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.get('Runtime', '')}",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }
    if logging_config.get("LogFormat"):
        env["AWS_LAMBDA_LOG_FORMAT"] = logging_config["LogFormat"]
    if logging_config.get("ApplicationLogLevel"):
        env["AWS_LAMBDA_LOG_LEVEL"] = logging_config["ApplicationLogLevel"]
    return env


def _error_line(error: FunctionError | None) -> str:
    """The log line of a failed invocation, in Lambda's JSON shape."""
    kind, message = (error.error_type, error.message) if error else ("Unknown", "")
    return json.dumps({"errorMessage": message, "errorType": kind})


# -- the poller --------------------------------------------------------------------------
def is_stream_arn(arn: str) -> bool:
    return ":dynamodb:" in arn and "/stream/" in arn


def _table_of(stream_arn: str) -> str:
    """arn:...:table/<table>/stream/<label> -> <table>."""
    return stream_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]


class LocalPoller:
    """A daemon thread that plays Lambda's DynamoDB stream poller against the emulator.

    `poll_once()` does one round synchronously (tests use it); `start()` runs rounds every
    `interval` seconds until `stop()`. Failures of a round are logged and kept in `errors`;
    the thread goes on.
    """

    def __init__(self, aws: Aws, *, interval: float = LOCAL_POLL_INTERVAL) -> None:
        self._aws = aws
        self._interval = interval
        self._positions: dict[str, dict[str, str]] = {}  # mapping uuid -> shard -> iterator
        # mapping uuid -> shard -> the last sequence number read (kept across stop/start)
        self._checkpoints: dict[str, dict[str, str]] = {}
        self._code: LocalCode | None = None
        self._scratch: Path | None = None
        self._runtimes: dict[str, tuple[FunctionProcess, ChildRuntime]] = {}  # by function ARN
        self._stop = threading.Event()
        self._delivery = threading.Event()  # a round delivered records (wait_delivery)
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []
        self.delivered = 0
        self.results: dict[str, str] = {}  # mapping uuid -> its last batch's result, as Lambda says

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
        """Stop polling, end every function's process and remove the scratch folder."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._positions.clear()  # iterators expire; the checkpoints say where to resume
        for _, runtime in self._runtimes.values():
            runtime.close()
        self._runtimes.clear()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch, self._code = None, None

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
        for gone in set(self._checkpoints) - live:
            del self._checkpoints[gone]
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
        if delivered:
            self._delivery.set()
        return delivered

    def wait_delivery(self, seconds: float) -> bool:
        """Wait up to `seconds` for a round that delivers records: a log tail's pause, which
        then reads at once (the function has run and its log events are written). True if
        one did."""
        delivered = self._delivery.wait(seconds)
        self._delivery.clear()
        return delivered

    def _poll_mapping(self, mapping: dict[str, Any]) -> int:
        streams = self._aws.client("dynamodbstreams")
        arn = mapping["EventSourceArn"]
        positions = self._positions.setdefault(mapping["UUID"], {})
        checkpoints = self._checkpoints.setdefault(mapping["UUID"], {})
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
            if iterator is None and shard_id in checkpoints:
                iterator = streams.get_shard_iterator(
                    StreamArn=arn,
                    ShardId=shard_id,
                    ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                    SequenceNumber=checkpoints[shard_id],
                )["ShardIterator"]
            elif iterator is None:
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
                checkpoints[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
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
        try:
            runtime = self._runtime(dict(function), region, stream, _table_of(arn))
        except DdbWizardError as exc:  # no node, a foreign bootstrap, a failed build
            self._note(f"{name} cannot run locally: {exc}")
            self._put_lines(group, stream, [_error_line(FunctionError("Runtime.Local", str(exc)))])
            self.results[mapping["UUID"]] = FAILED
            return len(event_records)
        invocation = runtime.invoke({"Records": event_records})
        lines = invocation.lines
        if invocation.result.error is not None:
            error = invocation.result.error
            lines = [*lines, _error_line(error)]
            self._note(f"{name} failed on a batch of {len(event_records)}: {error.message}")
        self.results[mapping["UUID"]] = OK if invocation.result.error is None else FAILED
        self._put_lines(group, stream, lines)
        return len(event_records)

    def _runtime(
        self, function: dict[str, Any], region: str, stream: str, table: str
    ) -> ChildRuntime:
        """The function's process, (re)made when its code or configuration changed."""
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="ddbwizard-local-"))
            self._code = LocalCode(self._aws, self._scratch)
        assert self._code is not None
        kind, folder, handler = self._code.resolve(function, table)
        spec = FunctionProcess(
            kind=kind,
            code_dir=folder,
            handler=handler,
            env=function_env(function, region, stream),
            function_arn=function["FunctionArn"],
            timeout=float(function.get("Timeout") or 3),
        )
        current = self._runtimes.get(spec.function_arn)
        if current is not None and current[0] == spec:
            return current[1]
        if current is not None:
            current[1].close()
        output = self._scratch / f"{function['FunctionName']}-{len(self._runtimes)}.log"
        runtime = ChildRuntime(spec, output)
        self._runtimes[spec.function_arn] = (spec, runtime)
        return runtime

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
