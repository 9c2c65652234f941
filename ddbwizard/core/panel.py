"""The health panel: one renderer-neutral view of a check, shared by `--check`, `--plain` and the TUI.

`health_panel(report)` gives the verdict, labelled rows (State, LastProcessingResult,
IteratorAge with its sparkline over the window, errors, throttles, invocations, the
destination's backlog), the newest failed batches, and `lines()`: the same as plain text.
Every value from AWS is made inert here, so any front end may print it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ddbwizard.core.check import CheckReport, duration_text, sparkline
from ddbwizard.core.failed import FailedBatch
from ddbwizard.core.text import inert


@dataclass(frozen=True)
class HealthPanel:
    """What a screen shows of a trigger's health; `sparkline` is IteratorAge over the window."""

    verdict: str
    rows: tuple[tuple[str, str], ...]
    sparkline: str
    failed: tuple[str, ...] = ()  # one line per newest failed batch
    note: str = ""  # how the destination was read (a peek that deletes nothing)

    def lines(self) -> list[str]:
        width = max((len(label) for label, _ in self.rows), default=0)
        shown = [f"Health: {self.verdict}"]
        shown += [f"  {label:<{width}}  {value}" for label, value in self.rows]
        if self.failed:
            shown.append("  Newest failed batches:")
            shown += [f"    {line}" for line in self.failed]
        if self.note:
            shown.append(f"  ({self.note})")
        return shown


def _moment(moment: datetime | None) -> str:
    return "?" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def failed_batch_line(batch: FailedBatch) -> str:
    """Which shard, which sequence-number range, when, why: one line."""
    numbers = (
        batch.first_sequence
        if batch.first_sequence == batch.last_sequence
        else f"{batch.first_sequence}..{batch.last_sequence}"
    )
    return inert(
        f"{_moment(batch.failed_at)}  {batch.shard_id}  #{numbers} "
        f"({batch.batch_size} record(s)): {batch.why()}"
    )


def _count(value: float | None) -> str:
    return "no data" if value is None else f"{value:g}"


def health_panel(report: CheckReport) -> HealthPanel:
    """The panel of a check report (a stack that is missing or not ours has few rows)."""
    rows: list[tuple[str, str]] = [
        ("Stack", inert(f"{report.stack.name}: {report.stack.status or 'not deployed'}"))
    ]
    mapping, metrics, destination = report.mapping, report.metrics, report.destination
    if mapping is not None:
        reason = f" ({mapping.state_reason})" if mapping.state_reason else ""
        rows.append(("State", inert(f"{mapping.state}{reason}")))
        rows.append(("LastProcessingResult", inert(mapping.last_result or "(none yet)")))
    if report.stream is not None:
        stream = report.stream
        reads = "the table's latest stream" if not stream.drifted else "an old stream (drift)"
        rows.append(
            ("Stream", inert(f"{stream.latest_status or 'none'}; the trigger reads {reads}"))
        )
    spark = ""
    if metrics is not None:
        window = duration_text((metrics.end - metrics.start).total_seconds())
        if metrics.unavailable:
            rows.append(("Metrics", "unavailable (see the warnings)"))
        else:
            spark = sparkline(metrics.buckets("IteratorAge"))
            age = metrics.iterator_age_ms
            most = "no data" if age is None else duration_text(age / 1000)
            limit = duration_text(report.max_iterator_age.total_seconds())
            rows.append((f"IteratorAge (max, {window})", f"{most} (limit {limit})"))
            if age is not None:
                rows.append(("", spark))
            for name in ("Errors", "Throttles", "Invocations"):
                rows.append((name, _count(metrics.total(name))))
    failed: tuple[str, ...] = ()
    note = ""
    if destination is not None:
        if destination.backlog is None:
            backlog = "cannot be read back"
        else:
            flight = f", {destination.in_flight} in flight" if destination.in_flight else ""
            backlog = f"{destination.backlog} waiting{flight}"
        rows.append(("Failed batches", inert(f"{backlog} ({destination.kind} {destination.arn})")))
        failed = tuple(failed_batch_line(batch) for batch in destination.batches)
        if destination.unreadable:
            failed += (f"{destination.unreadable} message(s) that are not invocation records",)
        note = inert(destination.note)
    return HealthPanel(report.verdict, tuple(rows), spark, failed, note)
