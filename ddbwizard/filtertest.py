"""`ddbwizard --answers FILE --test-filters EVENT.json`: which records Lambda would deliver.

The answers file's mapping.filter_patterns are applied to a Lambda DynamoDB Streams event
with the matcher that validates them and that `--local` uses (core.model.filters). No AWS
call is made, and nothing here imports boto3.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddbwizard.core import (
    UsageError,
    inert,
    load_answers,
    matching_patterns,
    passes,
    read_json_file,
    shown,
)

EVENT_SHAPE = 'a Lambda DynamoDB Streams event ({"Records": [{"eventID": ..., "dynamodb": ...}]})'


@dataclass(frozen=True)
class Verdict:
    """What Lambda's filtering does with one record: the patterns it matched, and whether it
    is delivered."""

    event_id: Any
    event_name: Any
    matched: list[int]
    passes: bool


def run_test_filters(args: argparse.Namespace) -> int:
    """Print every record's verdict, in event order; 0 whatever the verdicts are."""
    answers = load_answers(Path(args.answers))
    patterns = [json.loads(text) for text in answers.mapping.filter_patterns]
    verdicts = [judge(patterns, record) for record in read_records(Path(args.test_filters))]
    sys.stdout.write(json_report(verdicts) if args.json else text_report(verdicts))
    sys.stdout.flush()
    if not args.json:
        passing = sum(verdict.passes for verdict in verdicts)
        print(
            f"{passing} of {len(verdicts)} records pass {len(patterns)} filter pattern(s)",
            file=sys.stderr,
        )
    return 0


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of an event file; a UsageError (exit 2) when it is not such an event."""
    records: list[dict[str, Any]] = read_event(path)["Records"]
    return records


def read_event(path: Path) -> dict[str, Any]:
    """An event file's event, its Records checked; a UsageError (exit 2) when it is not one."""
    event = read_json_file(path, "an event file")
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        raise UsageError(f"{inert(str(path))}: not {EVENT_SHAPE}")
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise UsageError(
                f"{inert(str(path))}: Records[{index}] must be an object, got {shown(record)}"
            )
    checked: dict[str, Any] = event
    return checked


def judge(patterns: Sequence[Mapping[str, Any]], record: Mapping[str, Any]) -> Verdict:
    return Verdict(
        event_id=record.get("eventID"),
        event_name=record.get("eventName"),
        matched=matching_patterns(patterns, record),
        passes=passes(patterns, record),
    )


def json_report(verdicts: Sequence[Verdict]) -> str:
    """One JSON object: {"records": [{"eventID", "passes", "matched"}, ...]}, ASCII-escaped."""
    records = [
        {"eventID": verdict.event_id, "passes": verdict.passes, "matched": verdict.matched}
        for verdict in verdicts
    ]
    return json.dumps({"records": records}) + "\n"


def text_report(verdicts: Sequence[Verdict]) -> str:
    """One line a record: eventID, eventName, PASS or skip, and the patterns it matched."""
    return "".join(f"{_text_line(verdict)}\n" for verdict in verdicts)


def _text_line(verdict: Verdict) -> str:
    event_id, event_name = (
        "-" if value is None else inert(value) for value in (verdict.event_id, verdict.event_name)
    )
    if not verdict.passes:
        outcome = "skip"
    elif verdict.matched:
        outcome = f"PASS  matched {', '.join(map(str, verdict.matched))}"
    else:
        outcome = "PASS  (no filter patterns: every record passes)"
    return f"{event_id}  {event_name:<6}  {outcome}"
