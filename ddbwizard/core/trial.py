"""Before the deploy: stream records built from the table's own items, and the echo tried on them.

`sample_records` reads at most N items (one Scan page, with DescribeTable and
DescribeTimeToLive: read only) and builds a Lambda DynamoDB Streams event shaped by the
stream's view type (core.model.samples). `try_it` applies the mapping's filter patterns to
those records, as Lambda does, and runs the echo on the records that pass (core.invoke): what
`--sample-events` prints, and what the wizards' review shows as "Try it".
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from ddbwizard.core.aws.facade import Aws
from ddbwizard.core.errors import UsageError
from ddbwizard.core.model import limits
from ddbwizard.core.model.answers import Answers
from ddbwizard.core.model.filters import matching_patterns
from ddbwizard.core.model.samples import SampleTable, placeholder_item, sample_event
from ddbwizard.core.runner import Invocation, invoke

TRY_ITEMS = 2  # the review's "Try it": two items, so three records each


@dataclass(frozen=True)
class SampleRecords:
    """A Lambda DynamoDB Streams event built from items, and where it came from (notes)."""

    event: dict[str, Any]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Trial:
    """The sample records, the patterns each one matched, and what the echo logged for
    the records that pass (None: no record passed, so Lambda would not invoke it)."""

    sample: SampleRecords
    matched: tuple[tuple[int, ...], ...]
    invocation: Invocation | None
    patterns: int = 0  # how many filter patterns were applied

    @property
    def records(self) -> list[dict[str, Any]]:
        return list(self.sample.event["Records"])

    def rows(self) -> list[tuple[str, str, str]]:
        """One row per record, for every front end: event name, keys, and the verdict."""
        return [
            (str(record.get("eventName", "?")), keys_text(record), verdict(hits, self.filtered))
            for record, hits in zip(self.records, self.matched, strict=True)
        ]

    @property
    def filtered(self) -> bool:
        return self.patterns > 0


def keys_text(record: dict[str, Any]) -> str:
    """A record's keys as `name=value` pairs (DynamoDB JSON unwrapped)."""
    keys = record.get("dynamodb", {}).get("Keys", {})
    return ", ".join(f"{name}={next(iter(value.values()), '')}" for name, value in keys.items())


def verdict(hits: tuple[int, ...], filtered: bool) -> str:
    if not filtered:
        return "passes (no filter patterns)"
    if not hits:
        return "filtered out: Lambda would not deliver it"
    return "passes: pattern " + ", ".join(str(index) for index in hits)


def sample_records(
    aws: Aws, answers: Answers, limit: int, now: float | None = None
) -> SampleRecords:
    """At most `limit` items of the table as INSERT, MODIFY and REMOVE records (read only),
    dated `now` (seconds since the epoch; the clock when None)."""
    source = aws.sample_items(answers.table.name, limit)
    region = aws.region
    notes = [
        f"Built from {len(source.items)} item(s) of table {source.name} (one Scan of at most "
        f"{limit}, read only), not read from its stream."
    ]
    arn = source.stream_arn or answers.stream.arn
    if arn is None:
        arn = limits.placeholder_stream_arn(region, limits.PLACEHOLDER_ACCOUNT, source.name)
        notes.append(
            f"Table {source.name} has no stream yet: eventSourceARN is a placeholder and the "
            f"records are shaped by stream.view_type ({answers.stream.view_type})."
        )
    view_type = source.view_type if source.view_type in limits.VIEW_TYPES else None
    table = SampleTable(
        name=source.name,
        key_schema=source.key_schema,
        key_types=source.key_types,
        view_type=view_type or answers.stream.view_type,
        stream_arn=arn,
        region=region,
        ttl_attribute=source.ttl_attribute,
    )
    items = source.items
    if not items:
        items = [placeholder_item(table)]
        notes.append(
            f"Table {source.name} is empty: the records hold placeholder values built from "
            "its key schema."
        )
    if source.ttl_attribute:
        notes.append(
            f"TTL is on ({source.ttl_attribute}): the first item's REMOVE is a TTL deletion."
        )
    stamp = time.time() if now is None else now
    return SampleRecords(sample_event(table, items, stamp), tuple(notes))


def judge(answers: Answers, records: list[dict[str, Any]]) -> tuple[tuple[int, ...], ...]:
    """For each record, the indexes of the mapping's patterns it matches."""
    patterns = [json.loads(text) for text in answers.mapping.filter_patterns]
    return tuple(tuple(matching_patterns(patterns, record)) for record in records)


def passing_summary(answers: Answers, records: list[dict[str, Any]]) -> str:
    """How many of `records` the mapping's filter patterns let through, in one line."""
    patterns = len(answers.mapping.filter_patterns)
    if not patterns:
        return f"No filter patterns: all {len(records)} sample records reach the function."
    passing = sum(1 for hits in judge(answers, records) if hits)
    return (
        f"{passing} of {len(records)} sample records from the table pass "
        f"{'this pattern' if patterns == 1 else f'these {patterns} patterns'}."
    )


def try_it(aws: Aws, answers: Answers, limit: int = TRY_ITEMS, now: float | None = None) -> Trial:
    """Sample records from the table, the filters applied, and the echo run on those that
    pass, exactly as the deployed code would run (read only; no function is deployed)."""
    if answers.function.packaged:
        raise UsageError(
            "it runs the python and nodejs echoes here; your own code and the Go echo run as "
            "deployed under --local"
        )
    sample = sample_records(aws, answers, limit, now)
    records = list(sample.event["Records"])
    matched = judge(answers, records)
    patterns = len(answers.mapping.filter_patterns)
    passing = [r for r, hits in zip(records, matched, strict=True) if patterns == 0 or hits]
    invocation = invoke(answers, {"Records": passing}, aws.region) if passing else None
    return Trial(sample, matched, invocation, patterns)
