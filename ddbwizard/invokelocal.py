"""`ddbwizard --answers FILE --invoke-local EVENT.json`: the echo function, run here.

The mapping's filter patterns apply first (no record left: no invocation), then the handler
runs as Lambda would run it (core.invoke). A tumbling window's final invoke runs even with no
record, as Lambda sends it. No AWS call is made.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ddbwizard.core import echo_handler, inert, invoke, load_answers, passes
from ddbwizard.filtertest import read_event


def run_invoke_local(args: argparse.Namespace) -> int:
    """0 when the function ran (or no record passed the filters); 1 when it failed."""
    answers = load_answers(Path(args.answers))
    handler = echo_handler(answers)
    event = read_event(Path(args.invoke_local))
    patterns = [json.loads(text) for text in answers.mapping.filter_patterns]
    records = event["Records"]
    passing = [record for record in records if passes(patterns, record)]
    invocation = None
    if passing or event.get("isFinalInvokeForWindow") is True:  # a window's end, even empty
        invocation = invoke(answers, {**event, "Records": passing}, args.region)
    if args.json:
        summary = {
            "invoked": invocation is not None,
            "records": len(records),
            "passed": len(passing),
            "logged": invocation.logged if invocation else [],
            "returned": invocation.returned if invocation else None,
        }
        sys.stdout.write(json.dumps(summary) + "\n")
        sys.stdout.flush()
        return 0
    if invocation is None:
        print(
            f"No record of {len(records)} passes the {len(patterns)} filter pattern(s): Lambda "
            "would not invoke the function.",
            file=sys.stderr,
        )
        return 0
    sys.stdout.write("".join(f"{inert(line)}\n" for line in invocation.logged))
    sys.stdout.flush()
    print(
        f"{len(passing)} of {len(records)} records passed the filters; the {handler} echo "
        f"({answers.function.runtime}) logged {len(invocation.logged)} line(s) and returned "
        f"{inert(json.dumps(invocation.returned))}",
        file=sys.stderr,
    )
    return 0
