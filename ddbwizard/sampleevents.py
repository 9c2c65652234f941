"""`ddbwizard --answers FILE --sample-events [N]`: a Lambda DynamoDB Streams event from a table.

At most N items are read (one Scan page: Limit=N, eventually consistent), with DescribeTable
and DescribeTimeToLive; nothing else is called and nothing is changed. The records are built
from the items by core.trial, not read from the stream; stderr says so.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ddbwizard.core import Answers, answers_for_run, inert, make_session, sample_records

if TYPE_CHECKING:
    from ddbwizard.core import Aws


def run_sample_events(args: argparse.Namespace) -> int:
    """Print the event on stdout (ASCII JSON), and on stderr where it came from."""
    answers = answers_for_run(
        Path(args.answers), profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
    )
    with _aws(args, answers) as aws:
        sample = sample_records(aws, answers, args.sample_events)
    event, notes = sample.event, sample.notes
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
