"""`ddbwizard --answers FILE --sample-events [N]`: a Lambda DynamoDB Streams event from a table.

At most N items are read (one Scan page: Limit=N, eventually consistent), with DescribeTable
and DescribeTimeToLive; nothing else is called and nothing is changed. The records are built
from the items by core.model.samples, not read from the stream; stderr says so.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ddbwizard.core import (
    Answers,
    SampleTable,
    answers_for_run,
    inert,
    limits,
    make_session,
    placeholder_item,
    sample_event,
)

if TYPE_CHECKING:
    from ddbwizard.core import Aws

PLACEHOLDER_ACCOUNT = "000000000000"
PLACEHOLDER_LABEL = "2000-01-01T00:00:00.000"


def run_sample_events(args: argparse.Namespace) -> int:
    """Print the event on stdout (ASCII JSON), and on stderr where it came from."""
    answers = answers_for_run(
        Path(args.answers), profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
    )
    with _aws(args, answers) as aws:
        source = aws.sample_items(answers.table.name, args.sample_events)
        region = aws.region
    notes = [
        f"Built from {len(source.items)} item(s) of table {source.name} (one Scan of at most "
        f"{args.sample_events}, read only), not read from its stream."
    ]
    arn = source.stream_arn or answers.stream.arn
    if arn is None:
        partition = limits.region_partition(region)
        arn = (
            f"arn:{partition}:dynamodb:{region}:{PLACEHOLDER_ACCOUNT}:table/{source.name}"
            f"/stream/{PLACEHOLDER_LABEL}"
        )
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
    event = sample_event(table, items, time.time())
    sys.stdout.write(json.dumps(event, indent=2) + "\n")
    sys.stdout.flush()
    for note in notes:
        print(inert(note), file=sys.stderr)
    return 0


@contextlib.contextmanager
def _aws(args: argparse.Namespace, answers: Answers) -> Iterator[Aws]:
    """The facade, with no identity call (only the table's own reads are made); under
    --local, the embedded emulator with its demo tables."""
    if args.local:
        from ddbwizard.connecting import open_connection

        connection = open_connection(None, None, None, local=True)
        try:
            yield connection.aws
        finally:
            connection.close()
        return
    from ddbwizard.core import Aws

    settings = answers.aws
    session = make_session(settings.profile, settings.region, answers.stream.region)
    yield Aws(session, settings.endpoint_url, slow=lambda text: print(inert(text), file=sys.stderr))
