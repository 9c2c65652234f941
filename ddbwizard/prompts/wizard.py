"""The line wizard: connect, table, stream, trigger, function, then review and deploy (finish.py)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ddbwizard.core import (
    STEP_TITLES,
    STEPS,
    Answers,
    ChangeLog,
    DdbWizardError,
    StepId,
    deployed_triggers,
    labelled,
    no_tables_error,
    questions_for,
    start_from,
)
from ddbwizard.prompts.output import PromptReporter, wrapped
from ddbwizard.prompts.prompter import Option, Prompter
from ddbwizard.prompts.questions import ask

if TYPE_CHECKING:
    from ddbwizard.core import Connection, DeployedTrigger, TableInfo

MAX_LISTED = 30  # more tables than this: type a name (with completion) instead of a list


@dataclass
class PlainWizard:
    """One run of the line wizard; `changes` is the run's change log (the cli prints it)."""

    prompter: Prompter
    args: argparse.Namespace
    changes: ChangeLog = field(default_factory=ChangeLog)
    reporter: PromptReporter = field(default_factory=PromptReporter)
    saved: Path | None = None
    connection: Connection | None = None
    resume: Answers | None = None  # the answers file (--edit, or chosen) the steps start from
    triggers: dict[str, list[DeployedTrigger]] = field(default_factory=dict)  # by table

    def run(self) -> int:
        """Every prompt and wait below raises KeyboardInterrupt on Ctrl-C; the cli's safety
        net prints what changed; this adds where the answers were saved."""
        try:
            return self.flow()
        except BaseException:
            self.reporter.end_line()
            if self.saved is not None:
                from ddbwizard.core import repeat_command

                print(
                    f"Your answers are saved: {repeat_command(self.saved, self.local)}",
                    file=sys.stderr,
                )
            raise
        finally:
            self.reporter.end_line()
            if self.connection is not None:
                self.connection.close()

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
        from ddbwizard.prompts.existing import choose_resume
        from ddbwizard.prompts.finish import Finish

        connection = self.connect()
        if self.resume is None:
            self.resume = choose_resume(self, Path.cwd())
        table, answers, arn = self.table_and_stream(connection)
        answers = self.function(self.mapping(connection, answers))
        while True:  # Review, until it deploys or saves; it may go back to a step first
            back = Finish(self, connection, answers, arn).run()
            if back is None:
                return 0
            if back == "table":  # another table: every step again, from the defaults
                table, answers, arn = self.table_and_stream(connection)
                answers = self.function(self.mapping(connection, answers))
            elif back == "stream":
                answers = self.stream_answers(table, answers)
            elif back == "mapping":
                answers = self.mapping(connection, answers)
            else:
                answers = self.function(answers)

    def table_and_stream(self, connection: Connection) -> tuple[TableInfo, Answers, str | None]:
        """The table, its answers and its stream's ARN (None: enabled at the deploy step,
        once every check has passed)."""
        from ddbwizard.core import Declined, resolve_stream

        while True:
            table = self.pick_table(connection)
            resume = self.resume
            for trigger in self.triggers.get(table.name, [])[:1]:  # ours: offer what to do
                from ddbwizard.prompts.existing import existing_trigger

                resume = existing_trigger(self, trigger)
            # the resumed (or deployed) answers when they are this table's; else the defaults
            answers = start_from(resume, table.name, aws=connection.answers_aws())
            answers = self.stream_answers(table, answers)
            if not table.stream_enabled:
                return table, answers, None
            try:  # only reads: the table has its stream (the reporter prints its ARN)
                stream = resolve_stream(
                    connection.aws, answers, self.reporter, self.confirm_engine,
                    changes=self.changes,
                )  # fmt: skip
            except Declined as exc:  # nothing changed: pick another table, or Ctrl-C
                self.prompter.say(str(exc))
                continue
            return table, answers, stream.arn

    def function(self, answers: Answers) -> Answers:
        self.title("function")
        for question in questions_for("function"):
            answers = ask(self.prompter, question, answers)
            if question.id == "function.entry":
                answers = self.check_code(answers)
        return answers

    def check_code(self, answers: Answers) -> Answers:
        """Your own code, checked as the packager will; asked again until it would package."""
        from ddbwizard.core import BY_ID, describe_code

        while True:
            try:
                found = describe_code(answers, Path.cwd())
            except DdbWizardError as exc:
                self.prompter.say(f"  {exc.message}")
                answers = ask(self.prompter, BY_ID["function.code"], answers)
                answers = ask(self.prompter, BY_ID["function.entry"], answers)
                continue
            if found:
                self.prompter.say(f"  {found}")
            return answers

    def connect(self) -> Connection:
        from ddbwizard.connecting import open_connection

        self.title("connect")
        if self.local:
            self.reporter.step("Starting the embedded AWS emulator (moto) with demo tables")
        args = self.args
        self.connection = open_connection(
            args.profile, args.region, args.endpoint_url, self.local, slow=self.reporter.warn
        )
        self.reporter.step(self.connection.where())
        return self.connection

    def pick_table(self, connection: Connection) -> TableInfo:
        self.title("table")
        aws = connection.aws
        names = aws.list_table_names()
        if not names:
            raise no_tables_error(connection.identity.region, connection.identity.account)
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
        connection.warm()  # while the user chooses
        try:  # the existing triggers are a help, not a need: a refusal is said and passed
            self.triggers = deployed_triggers(aws)
        except DdbWizardError as exc:
            self.reporter.warn(f"Existing triggers not read: {exc.message}")
        options = [  # ListTables' order, as the TUI
            _table_option(tables[n], self.triggers.get(n, [])) for n in names
        ]
        return tables[self.prompter.select("Which table?", options)]

    def stream_answers(self, table: TableInfo, answers: Answers) -> Answers:
        from ddbwizard.core import BY_ID

        self.title("stream")
        if table.stream_enabled and table.view_type:
            self.prompter.say(f"Table {table.name} has a {table.view_type} stream: it is reused.")
            return answers.with_values({"stream.view_type": table.view_type})
        for line in wrapped(
            f"Table {table.name} has no stream yet. Choose what each record carries; the "
            "stream is enabled at the deploy step, after every check has passed and you agree.",
            "",
        ):
            self.prompter.say(line)
        return ask(self.prompter, BY_ID["stream.view_type"], answers)

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
            for line in wrapped(labelled(warning), "  ", "warning: "):
                self.prompter.say(line)
        if answers.mapping.filter_patterns:
            self.count_passing(connection, answers)
        return answers

    def count_passing(self, connection: Connection, answers: Answers) -> None:
        """How many records built from the table's items the filter patterns let through."""
        from ddbwizard.core import TRY_ITEMS, DdbWizardError, passing_summary, sample_records

        try:
            sample = sample_records(connection.aws, answers, TRY_ITEMS)
        except DdbWizardError as exc:  # a hint: the wizard goes on without it
            self.prompter.say(f"  (the filters could not be tried on the table: {exc.message})")
            return
        for line in wrapped(passing_summary(answers, sample.event["Records"]), "  "):
            self.prompter.say(line)


def _table_option(table: TableInfo, triggers: list[DeployedTrigger]) -> Option:
    if table.error:
        state = "cannot be read"
    elif table.stream_enabled:
        state = f"{table.view_type} stream"
    else:
        state = "no stream"
    if table.status not in ("ACTIVE", "UNKNOWN"):
        state += f", {table.status}"
    if triggers:
        state += f", trigger {triggers[0].stack}"
    items = "" if table.item_count is None else f"{table.item_count} items, "
    detail = table.error or f"{items}{table.latest_stream_arn or 'no stream ARN'}"
    return Option(table.name, table.name, detail, note=state)


def run_plain(args: argparse.Namespace, changes: ChangeLog, resume: Answers | None = None) -> int:
    """`ddbwizard --plain`: the wizard as questionary prompts (stdin is a terminal);
    `resume`: the answers file (--edit) its steps start from."""
    from ddbwizard.prompts.questionary_prompter import QuestionaryPrompter

    return PlainWizard(QuestionaryPrompter(), args, changes, resume=resume).run()
