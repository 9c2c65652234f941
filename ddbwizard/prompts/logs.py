"""Follow the echo function's log group until Ctrl-C; under --local, play the stream poller.

A log event is whatever the function (or the table's data it echoes) wrote: it is printed
inert, its control characters shown as escapes, its tabs and line breaks kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ddbwizard.core.model.answers import Answers
from ddbwizard.core.report import Reporter
from ddbwizard.core.text import inert

if TYPE_CHECKING:
    from ddbwizard.core.aws.facade import Aws

LOOK_BACK_MS = 3_600_000  # show the last hour's lines first


def follow_logs(
    aws: Aws,
    answers: Answers,
    reporter: Reporter,
    out: Callable[[str], None],
    *,
    local: bool,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Print each log line as it arrives; Ctrl-C ends the tail (it is how the user stops it)."""
    group, table = answers.log_group_name, answers.table.name
    poller = None
    if local:
        from ddbwizard.local.emulator import LocalPoller, demo_item

        poller = LocalPoller(aws)
        poller.start()
        aws.put_item(table, demo_item(table))
        reporter.info(f"Wrote a demo item to {table}: its echo line follows")
    reporter.step(f"Following {group} (Ctrl-C to stop)")
    from ddbwizard.core.engine import LogTail

    tail, said_waiting = LogTail(aws, group, int(time.time() * 1000) - LOOK_BACK_MS), False
    try:
        while True:
            lines = tail.poll()
            for line in lines:
                out(inert(line.message, multiline=True))
            if not lines and not said_waiting:
                reporter.info("No log events yet; waiting for the function to run")
                said_waiting = True
            sleep(1.0)
    except KeyboardInterrupt:
        out("")  # the terminal echoed ^C on the current line
        reporter.info("Stopped following the logs.")
    finally:
        if poller is not None:
            poller.stop()
