"""The line wizard's last steps: review (template, policy, export, save), deploy and done."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ddbwizard.core import Answers, inert, labelled, write_atomic
from ddbwizard.lines import follow
from ddbwizard.prompts.output import pair, wrapped
from ddbwizard.prompts.prompter import Option

if TYPE_CHECKING:
    from ddbwizard.core import Connection, Deployment, Outcome, Review, StepId
    from ddbwizard.prompts.wizard import PlainWizard

NEXT = (
    Option("deploy", "Save the answers file and deploy"),
    Option("yaml", "Show the full template (YAML)"),
    Option("json", "Show the full template (JSON)"),
    Option("export", "Export the template to a file"),
    Option("save", "Save the answers file and stop (deploy later)"),
    Option("back", "Change something (go back to a step)"),
)
BACK_TO: dict[StepId, str] = {  # the steps Review can go back to, and what each changes
    "table": "another table: every step again, from the defaults",
    "stream": "what each stream record carries",
    "mapping": "the trigger's settings",
    "function": "the function's handler, runtime and sizes",
}


def _path_problem(text: str) -> str | None:
    if not text.strip():
        return "type a file name"
    folder = Path(text.strip()).expanduser().parent
    return None if folder.is_dir() else f"no folder {folder}"


@dataclass
class Finish:
    """Review, deploy and done for one set of answers on one stream."""

    wizard: PlainWizard
    connection: Connection
    answers: Answers
    stream_arn: str | None  # None: the table has no stream yet (it is enabled at deploy)

    def say(self, *lines: str) -> None:
        for line in lines:
            self.wizard.prompter.say(line)

    def run(self) -> StepId | None:
        """Review, then save and deploy (or only save); the step to go back to, if asked."""
        from ddbwizard.core import placeholder_note, placeholder_stream_arn, review

        self.wizard.title("review")
        arn = self.stream_arn
        if arn is None:
            account = self.connection.identity.account
            arn = placeholder_stream_arn(self.connection.aws, self.answers, account)
            self.say(*wrapped(placeholder_note(self.answers), ""))
        shown = review(self.answers, arn)
        self.summary(shown)
        self.code()
        self.try_it()
        choice = self.next_step(shown)
        if choice == "back":
            return self.back_to()
        self.save()
        if choice == "deploy":
            self.wizard.title("deploy")
            outcome = self.deploy()
            if outcome is not None:
                self.done(outcome)
        self.closing()
        return None

    def summary(self, shown: Review) -> None:
        self.say(f"Stack {self.answers.stack.name} will hold:")
        for logical_id, resource_type, purpose in shown.summary.resources:
            self.say(f"  {logical_id} ({resource_type})", *wrapped(purpose, "      "))
        self.say("The function's role may:")
        for sentence in shown.summary.policy:
            self.say(*wrapped(sentence, "    ", "  - "))
        for warning in self.answers.warnings():
            self.say(*wrapped(labelled(warning), "  ", "warning: "))

    def code(self) -> None:
        """Your own code or the Go echo: the zip a deploy would upload (packaged here)."""
        from ddbwizard.core import review_code

        if self.answers.function.packaged:
            self.wizard.reporter.step("Packaging the function (nothing is uploaded yet)")
            self.say(*wrapped(f"Code: {review_code(self.answers, Path.cwd())}", "    ", "  "))

    def try_it(self) -> None:
        """Sample records from the table, which pass the filters, and what the echo logs."""
        from ddbwizard.core import DdbWizardError, try_it

        self.say("Try it (records built from the table's items; read only, nothing deployed):")
        try:
            trial = try_it(self.connection.aws, self.answers)
        except DdbWizardError as exc:
            self.say(*wrapped(f"Try it: {exc.message}", "    ", "  "))
            return
        for event_name, keys, verdict in trial.rows():
            self.say(*wrapped(f"{event_name:<7} {keys}: {verdict}", "      ", "  "))
        if trial.invocation is None:
            self.say("  No record passes the filters: Lambda would not invoke the function.")
            return
        self.say("  The echo logs:")
        for line in trial.invocation.logged:
            self.say("    " + inert(line))

    def next_step(self, shown: Review) -> str:
        prompter = self.wizard.prompter
        while True:
            choice: str = prompter.select("What next?", NEXT, "deploy")
            if choice in ("deploy", "save", "back"):
                return choice
            if choice in ("yaml", "json"):
                prompter.show(shown.text("yaml" if choice == "yaml" else "json"))
            else:
                self.export(shown)

    def back_to(self) -> StepId:
        """The step to go back to; the stream's only while the table has none (an existing
        stream is reused as it is)."""
        from ddbwizard.core import STEP_TITLES

        steps = [s for s in BACK_TO if s != "stream" or self.stream_arn is None]
        options = [Option(s, STEP_TITLES[s], BACK_TO[s]) for s in steps]
        step: StepId = self.wizard.prompter.select("Go back to which step?", options, "mapping")
        return step

    def export(self, shown: Review) -> None:
        target = self.wizard.prompter.text(
            "Export the template to",
            f"{self.answers.stack.name}.yaml",
            _path_problem,
            instruction="(.json for JSON)",
        ).strip()
        fmt: Literal["yaml", "json"] = "json" if target.lower().endswith(".json") else "yaml"
        write_atomic(Path(target).expanduser(), shown.text(fmt))
        self.say(f"Wrote the {fmt.upper()} template to {target}")

    def save(self) -> None:
        """Ask where, and never replace a file that holds other answers without asking."""
        from ddbwizard.core import answers_path, holds_other_answers, save_answers

        default = answers_path(self.answers).name
        prompter = self.wizard.prompter
        while True:
            target = prompter.text(
                "Save the answers file as",
                default,
                _path_problem,
                help="Saved before anything is deployed, so nothing you chose is lost.",
            ).strip()
            path = Path(target).expanduser().resolve()
            if path == self.wizard.saved or not holds_other_answers(path, self.answers):
                break
            if prompter.confirm(f"{target} holds other answers. Replace it?", False):
                break
            default = target  # another name, then
        self.wizard.saved = save_answers(self.answers, path, local=self.wizard.local)
        self.say(f"Saved the answers to {target}")

    def deploy(self) -> Outcome | None:
        from ddbwizard.core import Declined, execute_deploy, prepare_deploy, unchanged

        aws, wizard = self.connection.aws, self.wizard
        try:
            prepared = prepare_deploy(
                aws,
                self.answers,
                wizard.reporter,
                self.connection.identity.account,
                wizard.confirm_engine,
                changes=wizard.changes,
                confirm_replace=wizard.confirm_engine,
            )
        except Declined as exc:
            self.say(str(exc), "Nothing was deployed.")
            return None
        deployment, arn = prepared.deployment, prepared.stream.arn
        if deployment.plan.empty:
            wizard.reporter.step("No changes to deploy")
            return unchanged(aws, self.answers, deployment, arn)
        if not self.approve(deployment):
            deployment.deployer.discard(deployment.plan)
            self.say("Nothing was deployed: the change set was deleted.")
            return None
        return execute_deploy(aws, self.answers, deployment, arn)

    def approve(self, deployment: Deployment) -> bool:
        """Show the change set and ask; Ctrl-C here deletes it before the edge handles it."""
        plan = deployment.plan
        self.say(f"Change set for stack {plan.stack_name}:")
        for change in plan.changes:
            replacement = f", replacement: {change.replacement}" if change.replacement else ""
            self.say(
                f"  {change.action:<7} {change.logical_id} ({change.resource_type}){replacement}"
            )
        try:
            return self.wizard.prompter.confirm(f"Deploy these changes to {plan.stack_name}?", True)
        except BaseException:
            deployment.deployer.discard(plan)
            raise

    def done(self, outcome: Outcome) -> None:
        self.wizard.title("done")
        self.say(f"Stack {outcome.stack}: {outcome.status}")
        for key, value in outcome.outputs.items():
            self.say(*pair(key, value))
        if outcome.mapping is not None:
            mapping = outcome.mapping
            result = mapping.last_processing_result
            self.say(f"Trigger {mapping.state}" + (f", last result: {result}" if result else ""))
        if self.wizard.prompter.confirm(
            "Follow the function's logs now? (Ctrl-C stops)",
            self.wizard.local,
            help="Under --local a demo item is written, so an echo line appears."
            if self.wizard.local
            else "",
        ):
            follow(
                self.connection,
                self.answers.log_group_name,
                self.wizard.reporter,
                self.wizard.prompter.say,
                demo_table=self.answers.table.name if self.wizard.local else None,
            )

    def closing(self) -> None:
        from ddbwizard.core import repeat_command

        if self.wizard.saved is None:
            return
        self.say("", "Repeat this deploy without prompts:")
        self.say("  " + repeat_command(self.wizard.saved, self.wizard.local))
