"""What `--plain` offers before a fresh start: an answers file saved here earlier, and, for a
table that already has a ddbwizard trigger, check / update / logs / destroy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ddbwizard.core import (
    Answers,
    Commands,
    DeployedTrigger,
    answers_path,
    check_trigger,
    deployed_answers,
    health_panel,
    resumable,
)
from ddbwizard.prompts.prompter import Option

if TYPE_CHECKING:
    from ddbwizard.prompts.wizard import PlainWizard

Choice = Literal["update", "check", "logs", "destroy", "fresh"]


def choose_resume(wizard: PlainWizard, folder: Path) -> Answers | None:
    """Offer the answers files earlier runs saved in `folder`; None: start fresh."""
    found = resumable(folder)
    usable = [entry for entry in found if entry.answers is not None]
    for entry in found:
        if entry.answers is None:
            wizard.prompter.say(f"  {entry.title}")
    if not usable:
        return None
    options = [Option(n, entry.title) for n, entry in enumerate(usable)]
    options.append(Option(None, "Start fresh (the defaults)"))
    chosen = wizard.prompter.select(
        "Start from an answers file saved here?",
        options,
        default=None,
        help="Every step still asks, with the file's answers as the defaults; saving over "
        "the file asks first.",
    )
    return None if chosen is None else usable[chosen].answers


def health_lines(wizard: PlainWizard, answers: Answers) -> list[str]:
    """The health panel of `--check` as text, with every problem and its fix."""
    connection = wizard.connection
    assert connection is not None
    commands = Commands.of_run(
        str(answers_path(answers).name),
        local=wizard.local,
        endpoint_url=wizard.args.endpoint_url,
        profile=wizard.args.profile,
        region=wizard.args.region,
    )
    report = check_trigger(connection.aws, answers, commands)
    lines = health_panel(report).lines()
    for title, found in (("Problems", report.problems), ("Warnings", report.warnings)):
        if found:
            lines.append(f"  {title}:")
            for problem in found:
                lines += [f"    - {problem.message}", f"      {problem.fix}"]
    return lines


def existing_trigger(wizard: PlainWizard, trigger: DeployedTrigger) -> Answers | None:
    """A table with a ddbwizard stack: what to do with it. Returns the answers to start the
    wizard from (the deployed stack's for an update), or None for the defaults."""
    from ddbwizard.core import destroy
    from ddbwizard.lines import follow

    connection = wizard.connection
    assert connection is not None
    aws = connection.aws
    while True:
        choice: Choice = wizard.prompter.select(
            f"Table {trigger.table} already has trigger stack {trigger.stack} "
            f"({trigger.status}). What now?",
            [
                Option("update", "Update it", "the wizard, pre-filled from the deployed stack"),
                Option("check", "Check its health", "read only: what --check reports"),
                Option("logs", "Follow its logs", "until Ctrl-C"),
                Option("destroy", "Destroy it", "delete the stack (never the table)"),
                Option("fresh", "Start fresh", "the wizard from the defaults"),
            ],
            default="update",
        )
        if choice == "fresh":
            return None
        deployed = deployed_answers(aws, trigger.stack)
        if choice == "update":
            return deployed
        if choice == "check":
            for line in health_lines(wizard, deployed):
                wizard.prompter.say(line)
        elif choice == "logs":
            follow(connection, deployed.log_group_name, wizard.reporter, wizard.prompter.say)
        elif wizard.prompter.confirm(
            f"Delete stack {trigger.stack}? The table and its stream stay.", False
        ):
            destroy(aws, deployed, wizard.reporter, wizard.changes)
            return None
