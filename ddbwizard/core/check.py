"""`--check`: the deployed trigger as it is, read only, against its answers file.

The stack (there, ddbwizard's, its status), the mapping (State, StateTransitionReason,
LastProcessingResult, its settings against the answers), drift (the mapping's stream against
the table's latest, a pinned stream.arn no longer the latest), health over a window
(CloudWatch: IteratorAge Maximum, Errors, Throttles, Invocations) and the on-failure
destination's backlog. Each problem (unhealthy: exit 1) and warning (shown, healthy) says what
to do in one line. No call here changes anything.
"""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ddbwizard.core.aws.errors import NotFound
from ddbwizard.core.deploy.state import owner
from ddbwizard.core.errors import DdbWizardError, UsageError
from ddbwizard.core.failed import Destination, FetchedFailures, fetch_failed, read_destination
from ddbwizard.core.text import redact

if TYPE_CHECKING:
    from ddbwizard.core.aws.facade import Aws
    from ddbwizard.core.aws.health import Series
    from ddbwizard.core.aws.values import MappingInfo
    from ddbwizard.core.model.answers import Answers

SPARK_BUCKETS = 60  # the window is read in at most this many periods
OK_RESULTS = frozenset({"", "OK", "No records processed"})


@dataclass(frozen=True)
class CheckProblem:
    """What is wrong (`kind`, `message`) and the one line that says what to do (`fix`)."""

    kind: str
    message: str
    fix: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message, "fix": self.fix}


@dataclass(frozen=True)
class Commands:
    """The commands a fix names, with the run's own connection flags."""

    answers_path: str
    flags: tuple[str, ...] = ()

    @classmethod
    def of_run(
        cls,
        answers_path: str,
        *,
        local: bool = False,
        endpoint_url: str | None = None,
        profile: str | None = None,
        region: str | None = None,
    ) -> Commands:
        """The commands of a run with these connection flags (every front end's)."""
        flags: list[str] = ["--local"] if local else []
        for flag, value in (
            ("--endpoint-url", endpoint_url),
            ("--profile", profile),
            ("--region", region),
        ):
            if value:
                flags += [flag, value]
        return cls(answers_path, tuple(flags))

    def _line(self, *extra: str) -> str:
        words = ["ddbwizard", "--answers", self.answers_path, *extra, *self.flags]
        return redact(" ".join(shlex.quote(word) for word in words))

    @property
    def deploy(self) -> str:
        return self._line("--yes")

    @property
    def repoint(self) -> str:
        """The deploy that re-points a trigger whose answers pin an older stream.arn."""
        return self._line("--yes", "--repoint")

    @property
    def logs(self) -> str:
        return self._line("--logs")

    @property
    def fetch_failed(self) -> str:
        return self._line("--fetch-failed", "--out", "failed.json")


@dataclass(frozen=True)
class StackView:
    name: str
    exists: bool = False
    ours: bool = False
    status: str | None = None
    made_for: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "exists": self.exists,
            "ours": self.ours,
            "status": self.status,
            "made_for": self.made_for,
        }


@dataclass(frozen=True)
class Mismatch:
    """One mapping setting that differs from the answers file."""

    setting: str
    deployed: object
    answers: object


@dataclass(frozen=True)
class MappingView:
    uuid: str
    state: str
    state_reason: str
    last_result: str
    event_source_arn: str
    destination_arn: str | None
    mismatches: tuple[Mismatch, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "uuid": self.uuid,
            "state": self.state,
            "state_transition_reason": self.state_reason,
            "last_processing_result": self.last_result,
            "event_source_arn": self.event_source_arn,
            "destination_arn": self.destination_arn,
            "settings_match": not self.mismatches,
            "mismatches": [
                {"setting": m.setting, "deployed": m.deployed, "answers": m.answers}
                for m in self.mismatches
            ],
        }


@dataclass(frozen=True)
class StreamView:
    table: str
    enabled: bool
    latest_arn: str | None
    latest_status: str | None
    mapping_arn: str | None = None
    mapping_stream_status: str | None = None  # GONE when the stream no longer exists
    pinned_arn: str | None = None

    @property
    def drifted(self) -> bool:
        return self.mapping_arn is not None and self.mapping_arn != self.latest_arn

    def as_json(self) -> dict[str, object]:
        return {
            "table": self.table,
            "enabled": self.enabled,
            "latest_arn": self.latest_arn,
            "latest_status": self.latest_status,
            "mapping_arn": self.mapping_arn,
            "mapping_stream_status": self.mapping_stream_status,
            "pinned_arn": self.pinned_arn,
            "drift": self.drifted,
        }


@dataclass(frozen=True)
class Metrics:
    """The window's figures; `series` holds each metric's points, oldest first."""

    start: datetime
    end: datetime
    period: int
    series: tuple[Series, ...] = ()
    unavailable: str = ""  # why CloudWatch could not be read

    def points(self, name: str) -> tuple[tuple[datetime, float], ...]:
        return next((s.points for s in self.series if s.name == name), ())

    @property
    def iterator_age_ms(self) -> float | None:
        values = [value for _, value in self.points("IteratorAge")]
        return max(values) if values else None

    def total(self, name: str) -> float | None:
        values = [value for _, value in self.points(name)]
        return sum(values) if values else None

    def buckets(self, name: str) -> list[float | None]:
        """The metric per period over the window (None: no data point), for a sparkline."""
        count = max(1, math.ceil((self.end - self.start).total_seconds() / self.period))
        found: list[float | None] = [None] * count
        for moment, value in self.points(name):
            index = int((moment - self.start).total_seconds() // self.period)
            if 0 <= index < count:
                kept = found[index]
                found[index] = value if kept is None else max(kept, value)
        return found

    def as_json(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "period_seconds": self.period,
            "iterator_age_max_ms": self.iterator_age_ms,
            "errors": self.total("Errors"),
            "throttles": self.total("Throttles"),
            "invocations": self.total("Invocations"),
            "iterator_age_ms": [
                [moment.isoformat(), value] for moment, value in self.points("IteratorAge")
            ],
            "unavailable": self.unavailable or None,
        }


@dataclass(frozen=True)
class CheckReport:
    """Everything `--check` found; `problems` make it unhealthy, `warnings` do not."""

    stack: StackView
    mapping: MappingView | None = None
    stream: StreamView | None = None
    metrics: Metrics | None = None
    destination: Destination | None = None
    problems: tuple[CheckProblem, ...] = ()
    warnings: tuple[CheckProblem, ...] = ()
    max_iterator_age: timedelta = timedelta(minutes=5)

    @property
    def healthy(self) -> bool:
        return not self.problems

    @property
    def verdict(self) -> str:
        """One word for a glance: OK, drift, failing, behind, not deployed or unhealthy."""
        kinds = {problem.kind for problem in self.problems}
        if not kinds:
            return "OK"
        for word, wanted in (
            ("not deployed", {"stack-missing"}),
            ("drift", {"stream-drift", "pinned-stale", "stream-disabled"}),
            ("failing", {"processing", "mapping-state", "mapping-missing", "stack-status"}),
            ("behind", {"iterator-age"}),
        ):
            if kinds & wanted:
                return word
        return "unhealthy"

    def as_json(self) -> dict[str, object]:
        return {
            "healthy": self.healthy,
            "verdict": self.verdict,
            "problems": [problem.as_json() for problem in self.problems],
            "warnings": [warning.as_json() for warning in self.warnings],
            "stack": self.stack.as_json(),
            "mapping": None if self.mapping is None else self.mapping.as_json(),
            "stream": None if self.stream is None else self.stream.as_json(),
            "metrics": None if self.metrics is None else self.metrics.as_json(),
            "destination": None if self.destination is None else self.destination.as_json(),
        }


@dataclass
class _Findings:
    problems: list[CheckProblem] = field(default_factory=list)
    warnings: list[CheckProblem] = field(default_factory=list)


def check_trigger(
    aws: Aws,
    answers: Answers,
    commands: Commands,
    *,
    since: timedelta = timedelta(hours=1),
    max_iterator_age: timedelta = timedelta(minutes=5),
    now: datetime | None = None,
) -> CheckReport:
    """Read the stack, its mapping, the stream, the metrics and the destination; judge them."""
    found = _Findings()
    stack, outputs = _read_stack(aws, answers, commands, found)

    def report(**parts: Any) -> CheckReport:
        return CheckReport(
            stack,
            problems=tuple(found.problems),
            warnings=tuple(found.warnings),
            max_iterator_age=max_iterator_age,
            **parts,
        )

    if not stack.ours:
        return report()
    info = _read_mapping(aws, answers, outputs, commands, found)
    mapping = None if info is None else _mapping_view(info, answers, commands, found)
    stream = _read_stream(aws, answers, mapping, commands, found)
    end = now or datetime.now(UTC)
    metrics = _read_metrics(aws, answers, end - since, end, max_iterator_age, commands, found)
    destination = None
    if mapping is not None and mapping.destination_arn:
        destination = _read_destination(aws, mapping, commands, found)
    return report(mapping=mapping, stream=stream, metrics=metrics, destination=destination)


def _read_stack(
    aws: Aws, answers: Answers, commands: Commands, found: _Findings
) -> tuple[StackView, dict[str, str]]:
    name, table = answers.stack.name, answers.table.name
    cfn = aws.cloudformation()
    stack = cfn.describe(name)
    if stack is None:
        found.problems.append(
            CheckProblem(
                "stack-missing",
                f"Stack {name} does not exist in {aws.region}: there is no trigger to check",
                f"Deploy it: {commands.deploy}",
            )
        )
        return StackView(name), {}
    status = stack["StackStatus"]
    made_for = owner(cfn, stack)
    if made_for != table:
        whose = f"made for table {made_for!r}" if made_for else "not made by ddbwizard"
        found.problems.append(
            CheckProblem(
                "stack-not-ours",
                f"Stack {name} is {whose}, not for table {table!r}: ddbwizard checks only its own",
                "Check stack.name in the answers file.",
            )
        )
        return StackView(name, True, False, status, made_for), {}
    if status.endswith("_FAILED") or status == "ROLLBACK_COMPLETE":
        found.problems.append(
            CheckProblem(
                "stack-status",
                f"Stack {name} is {status}",
                f"Deploy again (--replace-failed after a failed create): {commands.deploy}",
            )
        )
    elif status.endswith("_IN_PROGRESS"):
        found.warnings.append(
            CheckProblem(
                "stack-busy", f"Stack {name} is {status}", "Check again when it has finished."
            )
        )
    elif status == "UPDATE_ROLLBACK_COMPLETE":
        found.warnings.append(
            CheckProblem(
                "stack-rolled-back",
                f"The last update of stack {name} was rolled back: it runs the version before",
                f"Deploy again: {commands.deploy}",
            )
        )
    outputs = {
        str(o.get("OutputKey")): str(o.get("OutputValue"))
        for o in stack.get("Outputs", [])
        if o.get("OutputKey")
    }
    return StackView(name, True, True, status, made_for), outputs


def _read_mapping(
    aws: Aws, answers: Answers, outputs: Mapping[str, str], commands: Commands, found: _Findings
) -> MappingInfo | None:
    uuid = outputs.get("EventSourceMappingId")
    mapping: MappingInfo | None = None
    if uuid:
        try:
            mapping = aws.mapping(uuid)
        except NotFound:
            mapping = None
    else:
        mine = aws.health().function_mappings(answers.function_name)
        mapping = mine[0] if mine else None
    if mapping is None:
        found.problems.append(
            CheckProblem(
                "mapping-missing",
                f"The trigger (event source mapping) of function {answers.function_name} "
                "was not found",
                f"Deploy again: {commands.deploy}",
            )
        )
    return mapping


def expected_settings(answers: Answers) -> dict[str, object]:
    """The mapping settings the answers file asks for, in GetEventSourceMapping's names."""
    settings = answers.mapping
    return {
        "BatchSize": settings.batch_size,
        "StartingPosition": settings.starting_position,
        "MaximumBatchingWindowInSeconds": settings.batching_window_seconds,
        "ParallelizationFactor": settings.parallelization_factor,
        "BisectBatchOnFunctionError": settings.bisect_on_error,
        "MaximumRetryAttempts": settings.max_retry_attempts,
        "MaximumRecordAgeInSeconds": settings.max_record_age_seconds,
        "TumblingWindowInSeconds": settings.tumbling_window_seconds,
        "FunctionResponseTypes": ["ReportBatchItemFailures"]
        if settings.report_batch_item_failures
        else [],
        "FilterCriteria": sorted(_pattern(text) for text in settings.filter_patterns),
    }


def _pattern(text: object) -> str:
    try:
        return json.dumps(json.loads(str(text)), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return str(text)


def _deployed_settings(mapping: MappingInfo) -> dict[str, object]:
    """The same settings as AWS returned them; a setting it did not return is left out."""
    settings = mapping.settings
    found: dict[str, object] = {
        "BatchSize": mapping.batch_size,
        "StartingPosition": mapping.starting_position,
    }
    for key in (
        "MaximumBatchingWindowInSeconds",
        "ParallelizationFactor",
        "BisectBatchOnFunctionError",
        "MaximumRetryAttempts",
        "MaximumRecordAgeInSeconds",
        "TumblingWindowInSeconds",
    ):
        if key in settings:
            found[key] = settings[key]
    found["FunctionResponseTypes"] = list(settings.get("FunctionResponseTypes") or [])
    filters = (settings.get("FilterCriteria") or {}).get("Filters") or []
    found["FilterCriteria"] = sorted(_pattern(f.get("Pattern", "")) for f in filters)
    return found


def _destination_arn(mapping: MappingInfo) -> str | None:
    config = mapping.settings.get("DestinationConfig") or {}
    arn = (config.get("OnFailure") or {}).get("Destination")
    return str(arn) if arn else None


def _mapping_view(
    mapping: MappingInfo, answers: Answers, commands: Commands, found: _Findings
) -> MappingView:
    expected, deployed = expected_settings(answers), _deployed_settings(mapping)
    mismatches = [
        Mismatch(key, deployed[key], value)
        for key, value in expected.items()
        if key in deployed and deployed[key] != value
    ]
    destination = _destination_arn(mapping)
    wanted = answers.mapping.on_failure
    wanted_arn = None if wanted is None else wanted.arn or "a queue the stack creates"
    if (destination is None) != (wanted is None) or (
        wanted is not None and wanted.arn and destination != wanted.arn
    ):
        mismatches.append(Mismatch("DestinationConfig.OnFailure", destination, wanted_arn))
    state = mapping.state
    reason = str(mapping.settings.get("StateTransitionReason") or "")
    if answers.mapping.enabled and state != "Enabled":
        why = f" ({reason})" if reason else ""
        found.problems.append(
            CheckProblem(
                "mapping-state",
                f"The trigger {mapping.uuid} is {state}{why}, and the answers say enabled",
                f"Deploy again to enable it: {commands.deploy}"
                if state == "Disabled"
                else "Check again in a minute; if it stays so, deploy again.",
            )
        )
    elif not answers.mapping.enabled and state == "Enabled":
        mismatches.append(Mismatch("Enabled", True, False))
    if mapping.last_processing_result not in OK_RESULTS:
        found.problems.append(
            CheckProblem(
                "processing",
                f"The last batch failed: {mapping.last_processing_result}",
                f"Read the function's log: {commands.logs}",
            )
        )
    if mismatches:
        shown = ", ".join(f"{m.setting} is {m.deployed!r}, not {m.answers!r}" for m in mismatches)
        found.problems.append(
            CheckProblem(
                "settings",
                f"The trigger's settings differ from the answers file: {shown}",
                f"Deploy the answers file: {commands.deploy}",
            )
        )
    return MappingView(
        mapping.uuid,
        state,
        reason,
        mapping.last_processing_result,
        mapping.event_source_arn,
        destination,
        tuple(mismatches),
    )


def _read_stream(
    aws: Aws,
    answers: Answers,
    mapping: MappingView | None,
    commands: Commands,
    found: _Findings,
) -> StreamView:
    def status(arn: str) -> str:
        try:
            return aws.stream_status(arn)
        except NotFound:
            return "GONE"

    name = answers.table.name
    try:
        table = aws.describe_table(name)
    except NotFound:
        found.problems.append(
            CheckProblem(
                "table-missing",
                f"Table {name} was not found in {aws.region}: the trigger has nothing to read",
                "Check table.name and the region; destroy the stack if the table is gone for good.",
            )
        )
        return StreamView(name, False, None, None, mapping.event_source_arn if mapping else None)
    latest = table.latest_stream_arn if table.stream_enabled else None
    view = StreamView(
        name,
        table.stream_enabled,
        latest,
        status(latest) if latest else None,
        mapping.event_source_arn if mapping else None,
        None,
        answers.stream.arn,
    )
    if view.mapping_arn and view.mapping_arn != latest:
        view = replace(view, mapping_stream_status=status(view.mapping_arn))
    if not table.stream_enabled:
        found.problems.append(
            CheckProblem(
                "stream-disabled",
                f"Table {name} has no enabled stream: the trigger reads nothing",
                f"Deploy again (it enables the stream): {commands.deploy}",
            )
        )
    stale_pin = bool(latest and answers.stream.arn and answers.stream.arn != latest)
    repoint = commands.repoint if stale_pin else commands.deploy
    if table.stream_enabled and view.drifted:
        found.problems.append(
            CheckProblem(
                "stream-drift",
                f"The trigger reads stream {view.mapping_arn} "
                f"({view.mapping_stream_status}), but the stream of table {name} is now {latest}",
                f"Re-point the trigger: {repoint}",
            )
        )
    if stale_pin:
        found.problems.append(
            CheckProblem(
                "pinned-stale",
                f"The answers file pins stream.arn {answers.stream.arn}, which is no longer "
                f"the stream of table {name} ({latest})",
                f"Set stream.arn in {commands.answers_path} to the new ARN (or remove it), or "
                f"re-point now: {commands.repoint}",
            )
        )
    return view


def _read_metrics(
    aws: Aws,
    answers: Answers,
    start: datetime,
    end: datetime,
    max_age: timedelta,
    commands: Commands,
    found: _Findings,
) -> Metrics:
    seconds = (end - start).total_seconds()
    period = max(60, math.ceil(seconds / SPARK_BUCKETS / 60) * 60)
    try:
        series = aws.health().function_metrics(answers.function_name, start, end, period)
    except DdbWizardError as exc:
        found.warnings.append(
            CheckProblem(
                "metrics-unavailable",
                f"CloudWatch metrics could not be read: {exc}",
                "Allow cloudwatch:GetMetricData to see the trigger's health.",
            )
        )
        return Metrics(start, end, period, unavailable=str(exc))
    metrics = Metrics(start, end, period, tuple(series))
    age = metrics.iterator_age_ms
    if age is not None and age > max_age.total_seconds() * 1000:
        found.problems.append(
            CheckProblem(
                "iterator-age",
                f"The trigger is behind: IteratorAge reached {duration_text(age / 1000)} "
                f"(more than {duration_text(max_age.total_seconds())})",
                "Look for slow or failing batches in the log "
                f"({commands.logs}); raise mapping.parallelization_factor or batch_size "
                "and deploy.",
            )
        )
    for name, kind, advice in (
        ("Errors", "errors", f"Read the function's log: {commands.logs}"),
        ("Throttles", "throttles", "Raise the function's concurrency (or the account's limit)."),
    ):
        total = metrics.total(name)
        if total:
            found.warnings.append(
                CheckProblem(
                    kind, f"{name}: {total:g} over the last {duration_text(seconds)}", advice
                )
            )
    return metrics


def _read_destination(
    aws: Aws, mapping: MappingView, commands: Commands, found: _Findings
) -> Destination | None:
    arn = mapping.destination_arn or ""
    try:
        destination = read_destination(aws, arn, mapping.uuid)
    except DdbWizardError as exc:
        found.warnings.append(
            CheckProblem(
                "destination-unreadable",
                f"The on-failure destination {arn} could not be read: {exc}",
                "Allow this identity to read it (sqs:ReceiveMessage, s3:GetObject, ...).",
            )
        )
        return None
    if destination.backlog:
        found.warnings.append(
            CheckProblem(
                "failed-batches",
                f"{destination.backlog} failed batch(es) wait in {arn}",
                f"Read their records from the stream (within 24 hours): {commands.fetch_failed}",
            )
        )
    return destination


def duration_text(seconds: float) -> str:
    """90 -> '1 min 30 s', 7200 -> '2 h'."""
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:.1f} s" if seconds < 10 and whole != seconds else f"{whole} s"
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)):
        if whole >= size:
            parts.append(f"{whole // size} {unit}")
            whole %= size
    return " ".join(parts[:2])


def parse_duration(text: str) -> timedelta:
    """'90s', '30m', '1h', '2d' (or a plain number of seconds); ValueError otherwise."""
    cleaned = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3_600, "d": 86_400}
    unit = cleaned[-1:] if cleaned[-1:] in units else "s"
    number = cleaned[:-1] if cleaned[-1:] in units else cleaned
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 30m, 1h, 2d)") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"a duration must be more than 0, got {text!r}")
    return timedelta(seconds=value * units[unit])


def sparkline(values: Sequence[float | None]) -> str:
    """One block character per value, scaled from 0 to the largest; '·' where there is none."""
    blocks = "▁▂▃▄▅▆▇█"
    known = [v for v in values if v is not None]
    top = max(known, default=0.0)
    if top <= 0:
        return "".join("·" if v is None else blocks[0] for v in values)
    return "".join(
        "·" if v is None else blocks[min(len(blocks) - 1, int(v / top * (len(blocks) - 1)))]
        for v in values
    )


def fetch_trigger_failures(
    aws: Aws, answers: Answers, commands: Commands, now: datetime | None = None
) -> FetchedFailures:
    """--fetch-failed: the trigger's on-failure destination, its newest failed batches and
    their original records, read back from the stream. Reads only."""
    found = _Findings()
    stack, outputs = _read_stack(aws, answers, commands, found)
    info = _read_mapping(aws, answers, outputs, commands, found) if stack.ours else None
    if info is None:
        problem = found.problems[0]
        raise UsageError(problem.message, problem.fix)
    arn = _destination_arn(info)
    if arn is None:
        raise UsageError(
            f"The trigger {info.uuid} has no on-failure destination: failed batches are dropped",
            "Add mapping.on_failure to the answers file (create_queue: true) and deploy.",
        )
    return fetch_failed(aws, arn, info.uuid, now)
