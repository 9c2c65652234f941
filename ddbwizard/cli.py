"""Entry point: parse flags, choose the front end, map errors to exit codes.

Start-up stays fast: only argparse is imported here; the engine, boto3, troposphere
and the front ends are imported once a mode needs them.
"""

from __future__ import annotations

import sys

from ddbwizard import __version__

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `import typing` alone costs ~3 ms at start-up
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from datetime import timedelta
    from typing import Any

    from ddbwizard.core import Answers, ChangeLog

EPILOG = """\
modes:
  ddbwizard                         the full-screen wizard (Textual)
  ddbwizard --plain                 the same wizard as line prompts
  ddbwizard --answers FILE          no prompts: deploy what FILE describes
  ddbwizard --answers FILE --export t.yaml   write the template only
  ddbwizard --answers FILE --check  the deployed trigger's health, read only (exit 1: unhealthy)
  ddbwizard --local ...             any of the above against an embedded AWS emulator

exit codes: 0 success (also "No changes to deploy"), 1 AWS-side failure,
            2 bad usage or answers file, 130 interrupted
"""


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="ddbwizard",
        description="From a DynamoDB table to a Lambda function that echoes every change "
        "in it: stream, trigger, template, deploy.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ddbwizard {__version__}")
    mode = parser.add_argument_group("mode")
    mode.add_argument("--answers", metavar="FILE", help="answers file (YAML or JSON): no prompts")
    mode.add_argument(
        "--edit",
        metavar="FILE",
        help="open the wizard pre-filled from an answers file (every step still asks)",
    )
    mode.add_argument("--plain", action="store_true", help="line prompts instead of the TUI")
    mode.add_argument(
        "--local", action="store_true", help="run against an embedded AWS emulator (moto)"
    )
    mode.add_argument(
        "--schema", action="store_true", help="print the answers file's JSON Schema and exit"
    )
    aws = parser.add_argument_group("AWS (default: the AWS CLI's environment and config)")
    aws.add_argument("--profile", help="named profile from the AWS config files")
    aws.add_argument("--region", help="AWS region, e.g. eu-west-1")
    aws.add_argument("--endpoint-url", metavar="URL", help="send every AWS call to this endpoint")
    run = parser.add_argument_group("with --answers")
    run.add_argument(
        "--export",
        metavar="PATH",
        help="write the template to PATH ('-' for stdout), deploy nothing",
    )
    run.add_argument(
        "--format", choices=("yaml", "json"), default=None, help="template format for --export"
    )
    run.add_argument(
        "--dry-run", action="store_true", help="make the change set, show it, delete it"
    )
    run.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="answer yes to confirmations (enable a stream, ...)",
    )
    run.add_argument(
        "--replace-failed",
        action="store_true",
        help="delete and re-create a stack left in ROLLBACK_COMPLETE by a failed create",
    )
    run.add_argument(
        "--repoint",
        action="store_true",
        help="re-point the trigger to the table's latest stream when stream.arn pins an older one",
    )
    run.add_argument("--destroy", action="store_true", help="delete the stack (never the table)")
    run.add_argument("--logs", action="store_true", help="follow the function's log events")
    run.add_argument(
        "--test-filters",
        metavar="EVENT",
        help="apply mapping.filter_patterns to a Lambda DynamoDB Streams event file, offline",
    )
    run.add_argument(
        "--sample-events",
        metavar="N",
        nargs="?",
        const=5,
        type=_sample_count,
        help="print a Lambda DynamoDB Streams event built from at most N items of the table "
        "(default 5; read only)",
    )
    run.add_argument(
        "--invoke-local",
        metavar="EVENT",
        help="run the echo handler on a Lambda DynamoDB Streams event file, filters applied",
    )
    run.add_argument(
        "--json", action="store_true", help="print a machine-readable summary on stdout"
    )
    after = parser.add_argument_group("after the deploy (with --answers; read only)")
    after.add_argument(
        "--check",
        action="store_true",
        help="check the deployed trigger: stack, mapping, stream drift, metrics, failed batches "
        "(exit 0 healthy, 1 not; under --local it deploys into the emulator first)",
    )
    after.add_argument(
        "--since",
        metavar="DURATION",
        type=_duration,
        help="with --check: the metrics' window, e.g. 30m, 1h, 2d (default 1h)",
    )
    after.add_argument(
        "--max-iterator-age",
        metavar="DURATION",
        type=_duration,
        help="with --check: the IteratorAge above which the trigger is behind (default 5m)",
    )
    after.add_argument(
        "--fetch-failed",
        action="store_true",
        help="read the newest failed batches' records back from the stream (within 24 h) "
        "as an event file for --invoke-local",
    )
    after.add_argument(
        "--out", metavar="FILE", help="with --fetch-failed: write the event file here"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the full Python traceback of an error"
    )
    return parser


def _sample_count(text: str) -> int:
    import argparse

    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 1 <= count <= 100:
        raise argparse.ArgumentTypeError(f"must be 1 to 100, got {count}")
    return count


def _duration(text: str) -> timedelta:
    import argparse

    from ddbwizard.core import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _check_combinations(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    for name in ("answers", "edit", "export", "endpoint_url", "profile", "region", "out"):
        value = getattr(args, name)
        if value is not None and not value.strip():
            # An unset $OUT must not turn --export "" into a deploy, nor --endpoint-url ""
            # into real AWS.
            parser.error(f"--{name.replace('_', '-')} is empty")
    needs_answers = (
        "export",
        "dry_run",
        "destroy",
        "logs",
        "replace_failed",
        "json",
        "format",
        "test_filters",
        "sample_events",
        "invoke_local",
        "check",
        "fetch_failed",
    )
    used = [name for name in needs_answers if getattr(args, name)]
    if used and not args.answers:
        flag = "--" + used[0].replace("_", "-")
        parser.error(f"{flag} needs --answers FILE")
    if args.format and not args.export:
        parser.error("--format goes with --export")
    for flag, needs in (("since", "check"), ("max_iterator_age", "check"), ("out", "fetch_failed")):
        if getattr(args, flag) is not None and not getattr(args, needs):
            parser.error(f"--{flag.replace('_', '-')} goes with --{needs.replace('_', '-')}")
    if args.fetch_failed and args.local:
        parser.error(
            "--fetch-failed reads a deployed trigger's failed batches; --local starts an empty "
            "emulator that has none (use --endpoint-url for an emulator that keeps its state)"
        )
    exclusive = [
        f
        for f in (
            "export", "dry_run", "destroy", "test_filters", "sample_events", "invoke_local",
            "check", "fetch_failed",
        )
        if getattr(args, f)
    ]  # fmt: skip
    without_logs = ("test_filters", "sample_events", "invoke_local", "check", "fetch_failed")
    if any(getattr(args, f) for f in without_logs) and args.logs:
        exclusive.append("logs")
    if len(exclusive) > 1:
        parser.error(
            " and ".join("--" + f.replace("_", "-") for f in exclusive) + " exclude each other"
        )
    if args.plain and args.answers:
        parser.error("--plain and --answers exclude each other")
    if args.edit and args.answers:
        parser.error("--edit opens the wizard, --answers runs without it: choose one")
    if args.local and args.endpoint_url:
        parser.error("--local and --endpoint-url exclude each other")
    if args.export and args.export != "-" and _same_file(args.export, args.answers):
        parser.error("--export would overwrite the answers file itself; choose another path")


def _same_file(one: str, other: str) -> bool:
    from pathlib import Path

    try:
        return Path(one).samefile(other)
    except OSError:
        return Path(one).absolute() == Path(other).absolute()


def _interrupt_on_signals() -> None:
    """SIGTERM and SIGHUP behave like Ctrl-C, so every mode cleans up the same way."""
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)


def _run(args: argparse.Namespace, changes: ChangeLog) -> int:
    if args.schema:
        import json

        from ddbwizard.core import json_schema

        sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")
        sys.stdout.flush()
        return 0
    if args.local and not (args.export or args.test_filters or args.invoke_local):
        from ddbwizard.local.process import start_early

        # the emulator boots on the other core while the front end loads; an answers file
        # deploys at once, so its server loads what a deploy needs right away
        start_early(warm=bool(args.answers))
    if args.answers and args.test_filters:
        from ddbwizard.filtertest import run_test_filters

        return run_test_filters(args)
    if args.answers and args.sample_events:
        from ddbwizard.sampleevents import run_sample_events

        return run_sample_events(args)
    if args.answers and args.check and not args.local:
        from ddbwizard.checking import run_check

        return run_check(args)
    if args.answers and args.fetch_failed:
        from ddbwizard.checking import run_fetch_failed

        return run_fetch_failed(args)
    if args.answers and args.invoke_local:
        from ddbwizard.invokelocal import run_invoke_local

        return run_invoke_local(args)
    if args.answers:
        from ddbwizard.headless import run_headless

        return run_headless(args, changes)
    from ddbwizard.core import UsageError

    if not sys.stdin.isatty():
        raise UsageError(
            "standard input is not a terminal: the wizard needs one",
            "use --answers FILE to run without prompts",
        )
    if args.plain:
        from ddbwizard.prompts.wizard import run_plain

        return run_plain(args, changes, resume=edited(args))
    return _run_tui(args, changes)


def _run_tui(args: argparse.Namespace, changes: ChangeLog) -> int:
    """The full-screen wizard (Textual, imported only here); 80x24 at least."""
    import shutil

    size = shutil.get_terminal_size((0, 0))
    if 0 < size.columns < 80 or 0 < size.lines < 24:
        print(
            f"ddbwizard: the terminal is {size.columns}x{size.lines}; the wizard needs 80x24.\n"
            "Enlarge it, or use --plain for line prompts.",
            file=sys.stderr,
        )
        return 2
    from ddbwizard.tui.app import run_tui

    return run_tui(args, changes, resume=edited(args))


def edited(args: argparse.Namespace) -> Answers | None:
    """--edit FILE: the answers the wizard starts from (checked like --answers: exit 2)."""
    if not args.edit:
        return None
    from pathlib import Path

    from ddbwizard.core import answers_for_run

    return answers_for_run(
        Path(args.edit), profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
    )


def main(argv: Sequence[str] | None = None) -> int:
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:
        # The fast path (bench/: start-up): the same line argparse's version action prints,
        # without importing argparse (and re, gettext, ...) at all.
        print(f"ddbwizard {__version__}")
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_combinations(parser, args)
    _interrupt_on_signals()
    from ddbwizard.core import ChangeLog

    changes = ChangeLog()
    return guarded(lambda: _run(args, changes), changes, debug=args.debug)


def guarded(run: Callable[[], int], changes: ChangeLog, *, debug: bool = False) -> int:
    """The one safety net of every front end: no traceback reaches the user, and every way
    out (success, failure, Ctrl-C, SIGTERM) ends with the account of what changed."""
    try:
        code = run()
    except BaseException as exc:
        return _fail(exc, changes, debug=debug)
    if changes.changed:
        _say("", *changes.lines())
    return code


def _say(*lines: str) -> None:
    """Lines on stderr, made inert (AWS text may be in them) and with no credentials of a URL;
    a closed stderr is ignored."""
    from ddbwizard.core import inert, redact

    try:
        for line in lines:
            sys.stderr.write(inert(redact(line), multiline=True) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _fail(exc: BaseException, changes: ChangeLog, *, debug: bool) -> int:
    """Word any failure for a person, with the change log; --debug adds the traceback."""
    import errno

    from ddbwizard.core import EXIT_AWS, EXIT_INTERRUPTED, EXIT_USAGE, DdbWizardError

    if isinstance(exc, SystemExit):
        raise exc
    if debug:
        import traceback

        _say("".join(traceback.format_exception(exc)).rstrip())
    account = changes.lines()
    if isinstance(exc, KeyboardInterrupt):
        if changes.changed:
            _say("", "Interrupted.", *account)
        else:
            _say("", f"Interrupted. {account[0]}")
        return EXIT_INTERRUPTED
    if isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE):
        _quiet_stdout()
        if changes.changed:
            _say(*account)
        return 0
    if isinstance(exc, DdbWizardError):
        # Bad usage changes nothing and says so in its own words; the rest gets the account.
        quiet = exc.exit_code == EXIT_USAGE and not changes.changed
        _say(f"ddbwizard: {exc}", *([] if quiet else account))
        return exc.exit_code
    if isinstance(exc, OSError):
        _quiet_stdout()  # the interpreter's last flush must not fail again on a full stdout
        where = f" ({exc.filename})" if exc.filename else ""
        _say(f"ddbwizard: {exc.strerror or exc}{where}", *account)
        return EXIT_AWS
    _say(
        f"ddbwizard: unexpected error: {type(exc).__name__}: {exc}",
        "This is a bug in ddbwizard; run again with --debug to see where it happened.",
        *account,
    )
    return EXIT_AWS


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's flush is silent."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
