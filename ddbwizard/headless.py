"""The `--answers` runner: the same engine as the wizards, progress as plain lines on stderr."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ddbwizard.core import (
    Answers,
    ChangeLog,
    ConfirmationRequired,
    UsageError,
    answers_for_run,
    limits,
    write_atomic,
)
from ddbwizard.lines import LineReporter

if TYPE_CHECKING:
    from ddbwizard.core import Aws, Connection, Outcome


@dataclass
class Run:
    """One headless run: its answers, its flags, and the run's change log."""

    args: argparse.Namespace
    answers: Answers
    changes: ChangeLog
    reporter: LineReporter = field(default_factory=LineReporter)

    def confirm(self, message: str) -> bool:
        if self.args.yes:
            self.reporter.info(f"{message} yes (--yes)")
            return True
        raise ConfirmationRequired(message, "Nothing was changed. Re-run with --yes to confirm.")


def run_headless(args: argparse.Namespace, changes: ChangeLog) -> int:
    """The run; the caller (cli) prints the change log on every way out."""
    answers = answers_for_run(
        Path(args.answers), profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
    )
    run = Run(args, answers, changes)
    for warning in run.answers.warnings():
        run.reporter.warn(warning)
    if args.export and run.answers.stream.arn:
        return _export(run, run.answers.stream.arn)
    with _connect(run) as connection:
        return _dispatch(run, connection)


@contextlib.contextmanager
def _connect(run: Run) -> Iterator[Connection]:
    from ddbwizard.connecting import open_connection

    aws = run.answers.aws
    if run.args.local:
        run.reporter.step("Starting the embedded AWS emulator (moto) with demo tables")
    pinned = limits.STREAM_ARN_RE.fullmatch(run.answers.stream.arn or "")
    connection = open_connection(
        aws.profile,
        aws.region,
        aws.endpoint_url,
        run.args.local,
        fallback_region=pinned["region"] if pinned else None,
        slow=run.reporter.warn,
    )
    try:
        yield connection
    finally:
        connection.close()


def _dispatch(run: Run, connection: Connection) -> int:
    aws = connection.aws
    run.reporter.step(connection.where())
    if run.args.destroy:
        return _destroy(run, aws)
    if run.args.logs and not run.args.local:
        return _follow_logs(run, connection, write_demo_item=False)
    if run.args.export:
        table = aws.describe_table(run.answers.table.name)
        if not table.latest_stream_arn or not table.stream_enabled:
            raise UsageError(
                f"table {table.name} has no enabled stream, so there is no ARN to export with",
                "Deploy once (it enables the stream), or add stream.arn to the answers file.",
            )
        return _export(run, table.latest_stream_arn)
    code = _deploy(run, connection)
    if getattr(run.args, "check", False) and code == 0:  # --local --check: deploy, then check
        from ddbwizard.checking import check_connected

        return check_connected(run.args, run.answers, connection)
    if run.args.logs and code == 0:
        return _follow_logs(run, connection, write_demo_item=True)
    return code


def _export(run: Run, stream_arn: str) -> int:
    from ddbwizard.core import build_template, export_code, render_checked

    target: str = run.args.export
    fmt: Literal["yaml", "json"] = run.args.format or (
        "json" if target.lower().endswith(".json") else "yaml"
    )
    text = render_checked(build_template(run.answers, stream_arn), fmt)
    folder = Path.cwd() if target == "-" else Path(target).resolve().parent
    code = export_code(run.answers, Path(run.args.answers).resolve().parent, folder)
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()  # a full or closed stdout fails here, inside the safety net
    else:
        write_atomic(Path(target), text)
        run.reporter.info(f"Wrote {fmt.upper()} template to {target}")
    if code is not None:
        zip_path, key = code
        run.reporter.info(
            f"Wrote the function's zip to {zip_path}. A deploy uploads it to the artifacts "
            f"bucket as {key}; to deploy this template yourself, upload it and pass the "
            "parameters CodeS3Bucket and CodeS3Key."
        )
    return 0


def _deploy(run: Run, connection: Connection) -> int:
    from ddbwizard import core
    from ddbwizard.core import resolve_stream

    aws, answers, reporter = connection.aws, run.answers, run.reporter
    base_dir = Path(run.args.answers).resolve().parent  # function.code is relative to it
    checked = core.preflight(
        aws,
        answers,
        reporter,
        connection.identity.account,
        base_dir,
        repoint=lambda _question: bool(run.args.repoint),  # --yes alone never re-points
    )
    answers = core.repointed(answers, checked)
    if checked.stack.delete_failed and not (run.args.replace_failed or run.args.dry_run):
        raise ConfirmationRequired(
            f"Stack {answers.stack.name} is in {checked.stack.status} from an earlier failed "
            "create; it can only be deleted. Re-run with --replace-failed to delete and "
            "re-create it.",
            "Nothing was changed.",
        )
    core.announce_plan(reporter, checked)
    if run.args.dry_run and checked.stream.arn is None:
        if checked.stack.kind == "CREATE":
            arn = core.placeholder_stream_arn(aws, answers, connection.identity.account)
            return _dry_create(run, arn)
        reporter.step(
            "Dry run: the change set needs the stream, which is not enabled yet; "
            "nothing was changed"
        )
        return 0
    # With a stream in place this only reads (and asks before reusing another view type).
    stream = resolve_stream(
        aws, answers, reporter, run.confirm, changes=run.changes, finding=checked.stream
    )
    if run.args.dry_run and checked.stack.kind == "CREATE":
        return _dry_create(run, stream.arn)
    code = checked.code
    if run.args.dry_run and code is not None and not (code.uploaded and code.bucket):
        reporter.step(
            "Dry run: the change set needs the function's zip in the artifacts bucket, which "
            "it is not yet; nothing was changed"
        )
        return 0
    artifact = core.stage_code(aws, answers, code, reporter, run.confirm, run.changes)
    deployment = core.plan_deploy(
        aws,
        answers,
        stream.arn,
        reporter,
        changes=run.changes,
        state=checked.stack,
        replace_failed=run.args.replace_failed,
        artifact=artifact,
        confirm=None if run.args.dry_run else run.confirm,
    )
    plan = deployment.plan
    if plan.empty:
        reporter.step("No changes to deploy")
        _summary(run, core.unchanged(aws, answers, deployment, stream.arn))
        return 0
    step = " (step 1 of 2: the old trigger removed)" if deployment.split else ""
    reporter.step(f"Change set {plan.change_set_name} ({plan.kind}){step}:")
    for change in plan.changes:
        replace = f" (replacement: {change.replacement})" if change.replacement else ""
        reporter.info(f"{change.action:<7} {change.logical_id} ({change.resource_type}){replace}")
    if run.args.dry_run:
        if deployment.replacement is not None:
            reporter.warn(deployment.replacement.explanation())
        deployment.deployer.discard(plan)
        reporter.step("Dry run: the change set was deleted; nothing was deployed")
        return 0
    done = core.execute_deploy(aws, answers, deployment, stream.arn)
    reporter.step(f"Stack {done.stack}: {done.status} in {done.elapsed:.0f} s")
    _summary(run, done)
    return 0


def _dry_create(run: Run, stream_arn: str) -> int:
    """A new stack's dry run: a change set would itself create a stack (REVIEW_IN_PROGRESS),
    so the template's resources are listed instead, and nothing at all is changed."""
    from ddbwizard import core

    run.reporter.step(f"Stack {run.answers.stack.name} would be created with:")
    for logical_id, resource_type, _ in core.review(run.answers, stream_arn).summary.resources:
        run.reporter.info(f"{'Add':<7} {logical_id} ({resource_type})")
    run.reporter.step("Dry run: nothing was changed")
    return 0


def _summary(run: Run, done: Outcome) -> None:
    for key, value in done.outputs.items():
        run.reporter.info(f"{key:<22} {value}")
    if done.mapping is not None:
        run.reporter.info(
            f"Trigger {done.mapping.uuid}: {done.mapping.state}, "
            f"last result {done.mapping.last_processing_result or '(none yet)'}"
        )
    if run.args.json and not getattr(run.args, "check", False):  # --check prints its own
        print(json.dumps(done.as_json(), indent=2))


def _destroy(run: Run, aws: Aws) -> int:
    from ddbwizard.core import destroy

    name = run.answers.stack.name
    run.confirm(f"Delete stack {name}? The table and its stream are kept.")
    deleted = destroy(aws, run.answers, run.reporter, run.changes)
    run.reporter.step(f"Stack {name} deleted" if deleted else f"Stack {name} does not exist")
    if run.args.json:
        print(json.dumps({"stack": name, "status": "DELETED" if deleted else "ABSENT"}))
    return 0


def _follow_logs(run: Run, connection: Connection, write_demo_item: bool) -> int:
    """Follow the log group until Ctrl-C (exit 0); a missing group is waited for."""
    from ddbwizard.lines import follow

    demo = run.answers.table.name if run.args.local and write_demo_item else None
    follow(connection, run.answers.log_group_name, run.reporter, _print_line, demo_table=demo)
    return 0


def _print_line(line: str) -> None:
    print(line, flush=True)
