"""`--check` and `--fetch-failed`: the deployed trigger's health and its failed batches, headless.

Both only read. The check prints the health panel, then each problem and warning with what to
do (or, with --json, one JSON object) on stdout, and exits 0 when healthy, 1 when not. Under
--local the emulator starts empty, so the headless runner deploys first and then calls
`check_connected` on the same emulator.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ddbwizard.core import (
    EXIT_AWS,
    EXIT_OK,
    Commands,
    answers_for_run,
    check_trigger,
    failed_batch_line,
    fetch_trigger_failures,
    health_panel,
    inert,
    write_atomic,
)
from ddbwizard.lines import LineReporter

if TYPE_CHECKING:
    from ddbwizard.core import Answers, CheckReport, Connection, FetchedFailures

SINCE = timedelta(hours=1)
MAX_ITERATOR_AGE = timedelta(minutes=5)


def commands_for(args: argparse.Namespace) -> Commands:
    """The fixes' commands: this answers file, with the connection flags this run was given."""
    return Commands.of_run(
        args.answers,
        local=args.local,
        endpoint_url=args.endpoint_url,
        profile=args.profile,
        region=args.region,
    )


def _answers(args: argparse.Namespace) -> Answers:
    answers = answers_for_run(
        Path(args.answers), profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
    )
    for warning in answers.warnings():
        LineReporter().warn(warning)
    return answers


def _connect(answers: Answers) -> Connection:
    from ddbwizard.connecting import open_connection

    aws = answers.aws
    return open_connection(
        aws.profile,
        aws.region,
        aws.endpoint_url,
        False,
        fallback_region=answers.stream.region,
        slow=LineReporter().warn,
    )


def run_check(args: argparse.Namespace) -> int:
    """--check against AWS or an endpoint (--local goes through the headless runner)."""
    answers = _answers(args)
    connection = _connect(answers)
    try:
        return check_connected(args, answers, connection)
    finally:
        connection.close()


def check_connected(args: argparse.Namespace, answers: Answers, connection: Connection) -> int:
    """Check on an open connection; print the report; 0 healthy, 1 not."""
    reporter = LineReporter()
    reporter.step(f"{connection.where()}: checking stack {answers.stack.name} (read only)")
    report = check_trigger(
        connection.aws,
        answers,
        commands_for(args),
        since=args.since or SINCE,
        max_iterator_age=args.max_iterator_age or MAX_ITERATOR_AGE,
    )
    if args.json:
        sys.stdout.write(json.dumps(report.as_json(), indent=2) + "\n")
    else:
        sys.stdout.write("".join(f"{line}\n" for line in report_lines(report)))
    sys.stdout.flush()
    return EXIT_OK if report.healthy else EXIT_AWS


def report_lines(report: CheckReport) -> list[str]:
    """The panel, then the problems and warnings, each with its one-line fix."""
    lines = health_panel(report).lines()
    for title, found in (("Problems", report.problems), ("Warnings", report.warnings)):
        if found:
            lines += ["", f"{title}:"]
            for item in found:
                lines += [f"  [{item.kind}] {inert(item.message)}", f"    fix: {inert(item.fix)}"]
    lines += ["", "Healthy." if report.healthy else "Not healthy."]
    return lines


def run_fetch_failed(args: argparse.Namespace) -> int:
    """--fetch-failed: the newest failed batches' records as an event file (stdout or --out)."""
    answers = _answers(args)
    connection = _connect(answers)
    try:
        fetched = fetch_trigger_failures(connection.aws, answers, commands_for(args))
    finally:
        connection.close()
    return _write_fetched(args, fetched)


def _write_fetched(args: argparse.Namespace, fetched: FetchedFailures) -> int:
    reporter = LineReporter()
    destination = fetched.destination
    reporter.step(f"On-failure destination {destination.arn} ({destination.note})")
    if not fetched.batches:
        reporter.info("No failed batch is waiting there: nothing to fetch.")
        return EXIT_OK
    for batch in fetched.batches:
        reporter.info(failed_batch_line(batch.batch))
        read = f"{len(batch.records)} of {batch.batch.batch_size} record(s) read from the stream"
        if batch.trimmed:
            reporter.warn(f"{read}: {batch.reason}")
        else:
            reporter.info(f"  {read}")
    text = json.dumps(fetched.event(), indent=2) + "\n"
    if args.out:
        write_atomic(Path(args.out), text)
        reporter.step(f"Wrote {len(fetched.event()['Records'])} record(s) to {args.out}")
        reporter.info(
            f"Replay them here: ddbwizard --answers {args.answers} --invoke-local {args.out}"
        )
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_OK
