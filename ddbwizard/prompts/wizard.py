"""The line wizard: connect, table, stream, trigger, function, then review and deploy (finish.py)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ddbwizard.core.answers import Answers
from ddbwizard.core.errors import EXIT_INTERRUPTED, DdbWizardError, Interrupted, UsageError
from ddbwizard.core.steps import STEP_TITLES, STEPS, StepId, questions_for, start_answers
from ddbwizard.prompts.output import PromptReporter, copy_to_clipboard, wrapped
from ddbwizard.prompts.prompter import Option, Prompter
from ddbwizard.prompts.questions import ask

if TYPE_CHECKING:
    from ddbwizard.core.aws import TableInfo
    from ddbwizard.core.flow import Connection

MAX_LISTED = 30  # more tables than this: type a name (with completion) instead of a list


@dataclass
class PlainWizard:
    """One run of the line wizard; `changed` says what it did that stays done."""

    prompter: Prompter
    args: argparse.Namespace
    reporter: PromptReporter = field(default_factory=PromptReporter)
    changed: list[str] = field(default_factory=list)
    saved: Path | None = None
    connection: Connection | None = None

    def run(self) -> int:
        """The one Ctrl-C handler: every prompt and wait below it raises KeyboardInterrupt."""
        try:
            return self.flow()
        except KeyboardInterrupt:
            return self.interrupted(None)
        except Interrupted as exc:
            return self.interrupted(exc)
        except DdbWizardError as exc:
            self.reporter.end_line()
            exc.hint = "\n".join(filter(None, [exc.hint, *self.so_far()]))
            raise
        finally:
            self.reporter.end_line()
            if self.connection is not None:
                self.connection.close()

    def so_far(self) -> list[str]:
        lines = ["Changed so far: " + "; ".join(self.changed) + "."] if self.changed else []
        if self.saved is not None:
            from ddbwizard.core.flow import repeat_command

            lines.append(f"Your answers are saved: {repeat_command(self.saved, self.local)}")
        return lines

    def interrupted(self, exc: Interrupted | None) -> int:
        self.reporter.end_line()
        head = str(exc) if exc else "Interrupted."
        if exc is None and not self.changed:
            head += " Nothing was changed."
        print("\n" + "\n".join([head, *self.so_far()]), file=sys.stderr)
        return EXIT_INTERRUPTED

    @property
    def local(self) -> bool:
        return bool(self.args.local)

    def title(self, step: StepId) -> None:
        self.prompter.say("")
        self.prompter.say(f"[{STEPS.index(step) + 1}/{len(STEPS)}] {STEP_TITLES[step]}")

    def confirm_engine(self, message: str) -> bool:
        """A confirmation the engine asks (UpdateTable, replace a failed stack)."""
        question, _, detail = message.partition("? ")
        if not detail:
            return self.prompter.confirm(message, True)
        return self.prompter.confirm(question + "?", True, help=detail)

    # -- the steps ---------------------------------------------------------------------
    def flow(self) -> int:
        from ddbwizard.core.stream import Declined, StreamResolution, resolve_stream
        from ddbwizard.prompts.finish import Finish

        connection = self.connect()
        stream: StreamResolution | None = None
        while stream is None:
            table = self.pick_table(connection)
            answers = self.stream_answers(connection, table)
            try:
                stream = resolve_stream(connection.aws, answers, self.reporter, self.confirm_engine)
            except Declined as exc:  # nothing changed: pick another table, or Ctrl-C
                self.prompter.say(str(exc))
        if stream.enabled_now:
            self.changed.append(f"a {stream.view_type} stream was enabled on {table.name}")
        self.show_arn(stream.arn)
        answers = self.mapping(connection, answers)
        self.title("function")
        for question in questions_for("function"):
            answers = ask(self.prompter, question, answers)
        return Finish(self, connection, answers, stream.arn).run()

    def connect(self) -> Connection:
        from ddbwizard.core.flow import connect

        self.title("connect")
        if self.local:
            self.reporter.step("Starting the embedded AWS emulator (moto) with demo tables")
        args = self.args
        self.connection = connect(args.profile, args.region, args.endpoint_url, self.local)
        who = self.connection.identity
        where = f" via {args.endpoint_url}" if args.endpoint_url else ""
        self.reporter.step(f"Account {who.account}, region {who.region}{where}")
        return self.connection

    def aws_answers(self, connection: Connection) -> dict[str, Any]:
        """What the answers file records about where to deploy (nothing under --local)."""
        if self.local:
            return {}
        found = {
            "profile": self.args.profile,
            "region": connection.identity.region,
            "endpoint_url": self.args.endpoint_url,
        }
        return {key: value for key, value in found.items() if value}

    def pick_table(self, connection: Connection) -> TableInfo:
        self.title("table")
        aws = connection.aws
        names = aws.list_table_names()
        if not names:
            raise UsageError(
                f"There are no DynamoDB tables in {aws.region}.",
                "Check the region (--region or AWS_REGION), or create a table first.",
            )
        if len(names) > MAX_LISTED:
            known = set(names)
            name = self.prompter.autocomplete(
                "Which table? (type to complete)",
                names,
                validate=lambda t: None if t in known else f"no table {t!r} in {aws.region}",
                help=f"{len(names)} tables in {aws.region}.",
            )
            return aws.describe_table(name)
        self.reporter.info(f"Reading {len(names)} table(s) in {aws.region}")
        tables = {t.name: t for t in aws.describe_tables(names)}
        width = min(max(len(n) for n in tables), 40)
        options = [_table_option(tables[n], width) for n in sorted(tables)]
        return tables[self.prompter.select("Which table?", options)]

    def stream_answers(self, connection: Connection, table: TableInfo) -> Answers:
        from ddbwizard.core.steps import BY_ID

        self.title("stream")
        answers = start_answers(table.name, aws=self.aws_answers(connection))
        if table.stream_enabled and table.view_type:
            self.prompter.say(f"Table {table.name} has a {table.view_type} stream: it is reused.")
            return answers.with_values({"stream.view_type": table.view_type})
        self.prompter.say(f"Table {table.name} has no stream yet.")
        return ask(self.prompter, BY_ID["stream.view_type"], answers)

    def show_arn(self, arn: str) -> None:
        copied = copy_to_clipboard(arn, sys.stdout)
        self.prompter.say("Stream ARN" + (" (copied to the clipboard):" if copied else ":"))
        self.prompter.say(arn)

    def mapping(self, connection: Connection, answers: Answers) -> Answers:
        self.title("mapping")
        for question in questions_for("mapping", advanced=False):
            answers = ask(self.prompter, question, answers)
        if not self.prompter.confirm(
            "Change the advanced trigger settings?",
            False,
            help="Batching window, parallelization, retries, record age, on-failure "
            "destination, filters, batch item failures, tumbling window, metrics.",
        ):
            return answers
        aws = connection.aws
        for question in questions_for("mapping", advanced=True):
            answers = ask(self.prompter, question, answers, lambda: aws.queues() + aws.topics())
        for warning in answers.warnings():
            for line in wrapped(warning, "  ", "warning: "):
                self.prompter.say(line)
        return answers


def _table_option(table: TableInfo, width: int) -> Option:
    if table.error:
        state = "cannot be read"
    elif table.stream_enabled:
        state = f"{table.view_type} stream"
    else:
        state = "no stream"
    if table.status not in ("ACTIVE", "UNKNOWN"):
        state += f", {table.status}"
    items = "" if table.item_count is None else f"{table.item_count} items, "
    detail = table.error or f"{items}{table.latest_stream_arn or 'no stream ARN'}"
    return Option(table.name, f"{table.name:<{width}}  {state}", detail)


def run_plain(args: argparse.Namespace) -> int:
    """`ddbwizard --plain`: the wizard as questionary prompts (stdin is a terminal)."""
    from ddbwizard.prompts.questionary_prompter import QuestionaryPrompter

    return PlainWizard(QuestionaryPrompter(), args).run()
