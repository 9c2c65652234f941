"""The wizard's steps as engine calls, shared by the headless runner, the prompts and the TUI.

Each function is plain synchronous code: the interactive front ends call them from
workers or between prompts; none of them knows about a screen.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ddbwizard.core.changes import ChangeLog
from ddbwizard.core.errors import AnswersError, DdbWizardError, UsageError
from ddbwizard.core.model.answers import Answers, dump_answers, load_answers
from ddbwizard.core.model.documents import write_atomic
from ddbwizard.core.model.limits import LOCAL_POLL_INTERVAL, LOG_POLL_INTERVAL
from ddbwizard.core.report import Reporter
from ddbwizard.core.text import redact

if TYPE_CHECKING:
    from ddbwizard.core.aws.facade import Aws, Identity, MappingInfo
    from ddbwizard.core.deploy.execute import Deployer, DeployResult, Plan, StackState
    from ddbwizard.core.deploy.replacement import Replacement
    from ddbwizard.core.deploy.twostep import TwoStep
    from ddbwizard.core.package.archive import Artifact
    from ddbwizard.core.stream import StreamFinding, StreamResolution
    from ddbwizard.core.template.artifacts import ArtifactRef
    from ddbwizard.core.template.build import Summary


class Emulator(Protocol):
    """What the engine needs of an embedded emulator (ddbwizard.local): where it answers, a
    warm-up ahead of a deploy, and stop."""

    @property
    def endpoint_url(self) -> str: ...

    def warm(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class Connection:
    """A connected facade, who we are, and the emulator behind it under --local."""

    aws: Aws
    identity: Identity
    emulator: Emulator | None = None
    profile: str | None = None

    @property
    def local(self) -> bool:
        return self.emulator is not None

    @property
    def poll_interval(self) -> float:
        """Seconds between the reads of a log tail (and --local's stream poller): AWS limits
        FilterLogEvents per account and region; the emulator has no such quota."""
        return LOCAL_POLL_INTERVAL if self.local else LOG_POLL_INTERVAL

    def warm(self) -> None:
        """Once the user is choosing (the table list is read): have the emulator load what
        a deploy needs, in its own process, so the checks and the deploy do not wait for it.
        Nothing on AWS."""
        if self.emulator is not None:
            self.emulator.warm()

    def where(self) -> str:
        """Which account and region, and through what (an endpoint's credentials redacted)."""
        where = f"Account {self.identity.account}, region {self.identity.region}"
        if self.local:
            return f"{where}, on the local emulator"
        endpoint = self.aws.endpoint_url
        return f"{where} via {redact(endpoint)}" if endpoint else where

    def answers_aws(self) -> dict[str, str]:
        """What an answers file records about where to deploy: the profile, the region and an
        endpoint; nothing under --local (the emulator's port changes with every run)."""
        if self.local:
            return {}
        found = {
            "profile": self.profile,
            "region": self.identity.region,
            "endpoint_url": self.aws.endpoint_url,
        }
        return {key: value for key, value in found.items() if value}

    def close(self) -> None:
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None


def connect(
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    *,
    fallback_region: str | None = None,
    emulator: Emulator | None = None,
    slow: Callable[[str], object] | None = None,
) -> Connection:
    """Open a session and confirm the identity (`emulator`: the --local server behind the
    endpoint; `slow`: told within seconds of a call that gets no answer)."""
    aws = open_facade(profile, region, endpoint_url, fallback_region=fallback_region, slow=slow)
    return Connection(aws, aws.identity(), emulator, profile)


def open_facade(
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    *,
    fallback_region: str | None = None,
    slow: Callable[[str], object] | None = None,
) -> Aws:
    """The facade for a session, no call made yet (connect() then confirms who we are)."""
    from ddbwizard.core.aws.facade import Aws, make_session

    return Aws(make_session(profile, region, fallback_region), endpoint_url, slow=slow)


@dataclass(frozen=True)
class Review:
    """What the review step shows: the template both ways and its plain-words summary."""

    yaml: str
    json: str
    summary: Summary

    def text(self, fmt: Literal["yaml", "json"]) -> str:
        return self.yaml if fmt == "yaml" else self.json


def review(answers: Answers, stream_arn: str) -> Review:
    from ddbwizard.core.template.build import build_template, render_checked, summarize

    template = build_template(answers, stream_arn)
    return Review(
        render_checked(template, "yaml"),
        render_checked(template, "json"),
        summarize(answers, stream_arn),
    )


def answers_path(answers: Answers, folder: Path | None = None) -> Path:
    """Where an interactive run saves its answers: ./ddbwizard-<stack>.yaml."""
    return (folder or Path.cwd()) / f"ddbwizard-{answers.stack.name}.yaml"


def save_answers(answers: Answers, path: Path, local: bool = False) -> Path:
    """Write the answers file atomically, with a header saying how to replay it (the same
    command the screen shows: with --local when the run was local)."""
    header = (
        "# ddbwizard answers file: replay with the command below, or edit and replay.\n"
        f"# {repeat_command(path, local=local)}\n"
    )
    write_atomic(path, header + dump_answers(answers))
    return path


def holds_other_answers(path: Path, answers: Answers) -> bool:
    """Whether saving `answers` to `path` would replace a file that says something else (a
    tuned answers file, a file that is not one): the wizards ask before they do."""
    if not path.exists():
        return False
    try:
        return load_answers(path) != answers
    except (DdbWizardError, OSError):
        return True


def repeat_command(path: Path, local: bool) -> str:
    """The one command that repeats this deploy without prompts."""
    shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    return f"ddbwizard{' --local' if local else ''} --answers {shlex.quote(str(shown))} --yes"


def refuse_name_clash(aws: Aws, answers: Answers) -> None:
    """A function or log group of the same name outside the stack would fail the create late."""
    clashes = []
    if aws.function_exists(answers.function_name):
        clashes.append(f"a Lambda function named {answers.function_name}")
    if aws.log_group_exists(answers.log_group_name):
        clashes.append(f"a log group named {answers.log_group_name}")
    if clashes:
        raise UsageError(
            f"{' and '.join(clashes)} already exist(s) outside stack {answers.stack.name}",
            "Choose another stack name, or delete them first.",
        )


@dataclass
class Deployment:
    """A planned deploy: the deployer that made the plan, and the plan.

    `replacement`: the change set replaces the trigger (core.deploy.replacement); `split`: the
    plan is then the first of two change sets (the trigger removed), and executing it deploys
    the second (`steps.full`) too. `steps` is set for every UPDATE, so a 409 from Lambda can
    still be finished in two steps after `confirm`.
    """

    deployer: Deployer
    plan: Plan
    replacement: Replacement | None = None
    steps: TwoStep | None = None
    split: bool = False
    confirm: Callable[[str], bool] | None = field(default=None, compare=False)


def placeholder_stream_arn(aws: Aws, answers: Answers, account: str) -> str:
    """The ARN a stream not yet enabled will have, in length and shape (for the size check)."""
    from ddbwizard.core.model.limits import placeholder_stream_arn as placeholder

    return placeholder(aws.region, account, answers.table.name)


def answers_for_run(
    path: Path,
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
) -> Answers:
    """An answers file, with the command line's --profile, --region and --endpoint-url over
    its `aws` section (the flags win, as in the AWS CLI)."""
    from ddbwizard.core.model.answers import load_answers

    answers = load_answers(path)
    flags = {"profile": profile, "region": region, "endpoint_url": endpoint_url}
    overrides = {f"aws.{key}": value for key, value in flags.items() if value}
    return answers.with_values(overrides) if overrides else answers


def placeholder_note(answers: Answers) -> str:
    """What a review says while the table has no stream yet (one wording, every wizard)."""
    return (
        f"Table {answers.table.name} has no stream yet, so the stream ARN shown is a "
        "placeholder: the deploy step enables the stream, once every check has passed and "
        "you agree, and uses its real ARN."
    )


@dataclass(frozen=True)
class Preflight:
    """Every check a deploy can fail, made with reads only, and the mutations it will make."""

    stream: StreamFinding
    stack: StackState
    mutations: tuple[str, ...]
    code: Code | None = None  # a packaged function's zip, and where it goes
    repointed_from: str | None = None  # the pinned stream.arn a confirmed re-point leaves


@dataclass(frozen=True)
class Code:
    """A packaged function (own code, or the Go echo) and the artifacts bucket it goes to:
    None while the `ddbwizard-artifacts` stack is not there yet; `uploaded` when the bucket
    already holds this exact zip (its key is the zip's SHA-256)."""

    artifact: Artifact
    key: str
    bucket: str | None
    uploaded: bool


def package_code(aws: Aws, answers: Answers, reporter: Reporter, base_dir: Path) -> Code | None:
    """Package the function when it is not inline code (reads only, in AWS): the zip, its
    key, and whether the artifacts bucket already has it. None for the inline echo."""
    import atexit
    import shutil
    import tempfile

    from ddbwizard.core.deploy.artifacts import artifacts_bucket
    from ddbwizard.core.deploy.execute import Deployer
    from ddbwizard.core.package.function import package_function
    from ddbwizard.core.template.artifacts import artifact_key

    if not answers.function.packaged:
        return None
    reporter.step(f"Packaging the function ({answers.function.handler})")
    work = Path(tempfile.mkdtemp(prefix="ddbwizard-package-"))
    atexit.register(shutil.rmtree, work, True)
    artifact = package_function(answers, base_dir, work)
    assert artifact is not None
    reporter.info(artifact_line(artifact))
    key = artifact_key(answers.table.name, artifact.sha256)
    bucket = artifacts_bucket(Deployer(aws.cloudformation(), reporter))
    uploaded = bucket is not None and aws.s3().object_exists(bucket, key)
    return Code(artifact, key, bucket, uploaded)


def export_code(answers: Answers, base_dir: Path, folder: Path) -> tuple[Path, str] | None:
    """For --export of a packaged function: its zip, written into `folder` (offline: no AWS
    call), and the key a deploy would upload it to in the artifacts bucket. None for inline
    code."""
    import shutil
    import tempfile

    from ddbwizard.core.package.function import package_function
    from ddbwizard.core.template.artifacts import artifact_key

    if not answers.function.packaged:
        return None
    with tempfile.TemporaryDirectory(prefix="ddbwizard-package-") as work:
        artifact = package_function(answers, base_dir, Path(work))
        assert artifact is not None
        target = folder / artifact.path.name
        shutil.copyfile(artifact.path, target)
    return target, artifact_key(answers.table.name, artifact.sha256)


def artifact_line(artifact: Artifact) -> str:
    """One line about a packaged function, for the review and the deploy."""
    names = artifact.top_level
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    return (
        f"{artifact.path.name}: {artifact.size:,} bytes ({artifact.unzipped_size:,} unzipped), "
        f"SHA-256 {artifact.sha256}, holds {shown}"
    )


def review_code(answers: Answers, base_dir: Path) -> str | None:
    """The review's line about the function's zip (packaged here, nothing uploaded), or None
    for inline code."""
    import tempfile

    from ddbwizard.core.package.function import package_function

    if not answers.function.packaged:
        return None
    with tempfile.TemporaryDirectory(prefix="ddbwizard-package-") as work:
        artifact = package_function(answers, base_dir, Path(work))
        assert artifact is not None
        return artifact_line(artifact)


def code_mutations(code: Code | None) -> list[str]:
    if code is None:
        return []
    found: list[str] = []
    if code.bucket is None:
        found.append(
            "create stack ddbwizard-artifacts: one S3 bucket for function code in this account "
            "and region (encrypted, versioned, all public access blocked)"
        )
    if not code.uploaded:
        where = code.bucket or "that bucket"
        found.append(f"upload the function's zip ({code.artifact.size:,} bytes) to {where}")
    return found


def stage_code(
    aws: Aws,
    answers: Answers,
    code: Code | None,
    reporter: Reporter,
    confirm: Callable[[str], bool],
    changes: ChangeLog | None = None,
) -> ArtifactRef | None:
    """Make the artifacts bucket (after `confirm`: a new bucket in the account) and upload
    the zip unless the bucket has it; where the template finds the code."""
    from ddbwizard.core.deploy.artifacts import ensure_artifacts_bucket, upload_artifact
    from ddbwizard.core.deploy.execute import Deployer
    from ddbwizard.core.stream import Declined
    from ddbwizard.core.template.artifacts import ArtifactRef

    if code is None:
        return None
    bucket = code.bucket
    if bucket is None:
        question = (
            "Create stack ddbwizard-artifacts? It holds one S3 bucket for function code in "
            "this account and region (encrypted, versioned, all public access blocked)."
        )
        if not confirm(question):
            raise Declined("Nothing was deployed: the function's code needs the artifacts bucket.")
        bucket = ensure_artifacts_bucket(Deployer(aws.cloudformation(), reporter, changes=changes))
    if code.uploaded and code.bucket is not None:
        reporter.info(f"s3://{bucket}/{code.key} is there already: nothing to upload")
        return ArtifactRef(bucket, code.key)
    log = changes if changes is not None else ChangeLog()
    total = code.artifact.size
    reporter.step(f"Uploading the function's zip to s3://{bucket}/{code.key}")
    with log.attempt(f"the function's zip may have been uploaded to bucket {bucket}") as attempt:
        ref, uploaded = upload_artifact(
            aws.s3(),
            bucket,
            answers.table.name,
            code.artifact.path,
            code.artifact.sha256,
            lambda sent, _total: reporter.progress(sent, total),
        )
        if uploaded:
            attempt.confirm(f"the function's zip was uploaded to s3://{bucket}/{code.key}")
        else:
            attempt.undone()
    return ref


def owned_tags(answers: Answers) -> dict[str, str]:
    """The stack's tags: the user's, and the one that says which table ddbwizard made it for."""
    from ddbwizard.core.deploy.state import OWNER_TAG

    return {**dict(answers.stack.tags), OWNER_TAG: answers.table.name}


def check_pinned_stream(
    answers: Answers,
    finding: StreamFinding,
    reporter: Reporter,
    repoint: Callable[[str], bool] | None,
) -> str | None:
    """A pinned stream.arn that is no longer the table's latest stops the deploy (UsageError,
    both ARNs named) unless `repoint(question)` agrees; then the deploy re-points the trigger
    to the latest stream. Returns the pinned ARN left behind, or None."""
    pinned, latest, table = answers.stream.arn, finding.arn, answers.table.name
    if pinned is None or pinned == latest:
        return None
    if latest is None:
        raise UsageError(
            f"stream.arn {pinned} is given, but table {table} has no enabled stream",
            "Remove stream.arn from the answers to let ddbwizard enable a new stream.",
        )
    question = (
        f"Re-point the trigger to the latest stream? stream.arn pins {pinned}, which is no "
        f"longer the latest stream of table {table}; the latest is {latest}."
    )
    if repoint is None or not repoint(question):
        raise UsageError(
            f"stream.arn {pinned} is no longer the latest stream of table {table} (which is "
            f"{latest}): a trigger on it reads a stream that gets no new records",
            f"Re-run with --repoint to re-point the trigger to {latest}, or set stream.arn to it "
            "(or remove stream.arn) in the answers file.",
        )
    reporter.warn(
        f"Re-pointing the trigger from {pinned} to {latest}; stream.arn in the answers file "
        "still names the old stream, so update it (or remove it) before the next deploy."
    )
    return pinned


def repointed(answers: Answers, checked: Preflight) -> Answers:
    """The answers a deploy uses after the preflight: a re-pointed pin names the latest stream
    (the template's Metadata then tells the truth)."""
    if checked.repointed_from is None or checked.stream.arn is None:
        return answers
    return answers.with_values({"stream.arn": checked.stream.arn})


def preflight(
    aws: Aws,
    answers: Answers,
    reporter: Reporter,
    account: str,
    base_dir: Path | None = None,
    *,
    repoint: Callable[[str], bool] | None = None,
    **stream_wait: Any,
) -> Preflight:
    """Read only: refuse everything that can be refused before the first mutating call.

    The answers against the session's region, the table and its stream (a pinned stream.arn
    that is no longer the latest: see check_pinned_stream), the template's size, the stack's
    ownership and state, and names that would clash; then the list of mutations.
    """
    from ddbwizard.core.deploy.execute import Deployer
    from ddbwizard.core.model.alarms import topic_region_problem
    from ddbwizard.core.model.answers import destination_region_problem
    from ddbwizard.core.stream import find_stream
    from ddbwizard.core.template.build import build_template, render_checked

    problems = [
        found
        for found in (
            destination_region_problem(answers, aws.region),
            topic_region_problem(answers.alarms, aws.region),
        )
        if found
    ]
    if problems:
        raise AnswersError(problems)
    unpinned = answers.with_values({"stream.arn": None}) if answers.stream.arn else answers
    finding = find_stream(aws, unpinned, reporter, **stream_wait)
    repointed_from = check_pinned_stream(answers, finding, reporter, repoint)
    arn = finding.arn or placeholder_stream_arn(aws, answers, account)
    render_checked(build_template(answers, arn), "yaml")  # too large: refused here
    deployer = Deployer(aws.cloudformation(), reporter)
    state = deployer.state(answers.stack.name, answers.table.name)
    if state.new_stack:
        refuse_name_clash(aws, answers)
    code = package_code(aws, answers, reporter, base_dir or Path.cwd())
    mutations: list[str] = []
    if finding.arn is None:
        mutations.append(
            f"enable a {answers.stream.view_type} stream on table {answers.table.name} (UpdateTable)"
        )
    mutations.extend(code_mutations(code))
    mutations.extend(state.mutations())
    mutations.append(f"create a change set ({state.kind}) for stack {answers.stack.name}")
    mutations.append(f"execute it (the {state.kind.lower()} of stack {answers.stack.name})")
    return Preflight(finding, state, tuple(mutations), code, repointed_from)


def plan_deploy(
    aws: Aws,
    answers: Answers,
    stream_arn: str,
    reporter: Reporter,
    *,
    changes: ChangeLog | None = None,
    state: StackState | None = None,
    replace_failed: bool = False,
    confirm_replace: Callable[[str], bool] | None = None,
    artifact: ArtifactRef | None = None,
    confirm: Callable[[str], bool] | None = None,
) -> Deployment:
    """Check names, build the template and make the change set (CREATE or UPDATE).

    `state` is the preflight's decision when there was one; otherwise it is read here
    (ownership included) and names are checked before the change set. An UPDATE that
    replaces the trigger is said and, with `confirm`, asked: yes makes the first of two
    change sets instead (the trigger removed; execute_deploy adds it back), no deletes the
    change set (Declined). Without `confirm` (a dry run) the Deployment only notes it.
    """
    from ddbwizard.core.deploy.execute import Deployer
    from ddbwizard.core.deploy.replacement import deployed_mapping, mapping_replacement
    from ddbwizard.core.deploy.twostep import TwoStep, first_step, question
    from ddbwizard.core.stream import Declined
    from ddbwizard.core.template.build import (
        MAPPING,
        build_template,
        mapping_properties,
        render_checked,
    )

    template = build_template(answers, stream_arn, artifact)
    body = render_checked(template, "yaml")  # no AWS call
    deployer = Deployer(aws.cloudformation(), reporter, changes=changes)
    if state is None:
        state = deployer.state(answers.stack.name, answers.table.name)
        if state.new_stack:
            refuse_name_clash(aws, answers)
    tags = owned_tags(answers)
    plan = deployer.plan(
        answers.stack.name,
        body,
        tags,
        state=state,
        replace_failed=replace_failed,
        confirm_replace=confirm_replace,
    )
    if plan.kind != "UPDATE" or plan.empty:
        return Deployment(deployer, plan, confirm=confirm)
    without = build_template(answers, stream_arn, artifact, with_mapping=False)
    steps = TwoStep(
        answers.stack.name, answers.table.name, tags, body, render_checked(without, "yaml")
    )
    deployed = deployed_mapping(deployer.deployed_template(plan.stack_id), MAPPING)
    replacement = mapping_replacement(plan.changes, deployed, mapping_properties(template))
    if replacement is None or confirm is None:
        return Deployment(deployer, plan, replacement, steps, confirm=confirm)
    try:
        agreed = confirm(question(replacement))
    except BaseException:
        deployer.discard(plan)
        raise
    if not agreed:
        deployer.discard(plan)
        raise Declined("Nothing was deployed: the trigger is unchanged.")
    first = first_step(deployer, steps, replaced=plan)
    return Deployment(deployer, first, replacement, steps, split=True, confirm=confirm)


@dataclass(frozen=True)
class Prepared:
    """A deploy ready to execute: the checks passed, the stream is there, the change set made."""

    checked: Preflight
    stream: StreamResolution
    deployment: Deployment


def announce_plan(reporter: Reporter, checked: Preflight) -> None:
    """Say the mutations a deploy is about to make, in their order, before the first one."""
    reporter.step("Plan (every check passed; nothing is changed until the first line runs):")
    for number, mutation in enumerate(checked.mutations, start=1):
        reporter.info(f"{number}. {mutation}")


def prepare_deploy(
    aws: Aws,
    answers: Answers,
    reporter: Reporter,
    account: str,
    confirm: Callable[[str], bool],
    *,
    changes: ChangeLog | None = None,
    replace_failed: bool = False,
    confirm_replace: Callable[[str], bool] | None = None,
    on_plan: Callable[[Preflight], object] | None = None,
    base_dir: Path | None = None,
) -> Prepared:
    """The wizards' deploy up to the change set: read-only checks first (everything that can
    refuse), the plan announced (to the reporter, and to `on_plan` for a screen that lists
    it), then the mutations in that order: the stream (after `confirm`), the failed stack's
    deletion (after `confirm_replace`), the change set."""
    from ddbwizard.core.stream import resolve_stream

    checked = preflight(aws, answers, reporter, account, base_dir, repoint=confirm)
    answers = repointed(answers, checked)
    announce_plan(reporter, checked)
    if on_plan is not None:
        on_plan(checked)
    stream = resolve_stream(
        aws, answers, reporter, confirm, changes=changes, finding=checked.stream
    )
    artifact = stage_code(aws, answers, checked.code, reporter, confirm, changes)
    deployment = plan_deploy(
        aws,
        answers,
        stream.arn,
        reporter,
        changes=changes,
        state=checked.stack,
        replace_failed=replace_failed,
        confirm_replace=confirm_replace,
        artifact=artifact,
        confirm=confirm,
    )
    return Prepared(checked, stream, deployment)


def destroy(
    aws: Aws, answers: Answers, reporter: Reporter, changes: ChangeLog | None = None
) -> bool:
    """Delete the stack ddbwizard made for this table (never the table): False when absent."""
    from ddbwizard.core.deploy.execute import Deployer

    deployer = Deployer(aws.cloudformation(), reporter, changes=changes)
    return deployer.destroy(answers.stack.name, answers.table.name)


@dataclass(frozen=True)
class Outcome:
    """What the done step shows: status, outputs and the trigger's state."""

    stack: str
    status: str
    outputs: dict[str, str]
    stream_arn: str
    mapping: MappingInfo | None = None
    elapsed: float = 0.0
    events: tuple[object, ...] = field(default=(), compare=False)

    def as_json(self) -> dict[str, object]:
        mapping = self.mapping
        return {
            "stack": self.stack,
            "status": self.status,
            "outputs": self.outputs,
            "stream_arn": self.stream_arn,
            "mapping": None
            if mapping is None
            else {
                "uuid": mapping.uuid,
                "state": mapping.state,
                "last_processing_result": mapping.last_processing_result,
            },
        }


def outcome(
    aws: Aws, answers: Answers, status: str, outputs: dict[str, str], stream_arn: str
) -> Outcome:
    """The trigger's state after a deploy; found on the stream when the outputs lack its id."""
    mapping_id = outputs.get("EventSourceMappingId")
    mapping: MappingInfo | None
    if mapping_id:
        mapping = aws.mapping(mapping_id)
    else:
        mine = [
            m
            for m in aws.mappings_on_stream(stream_arn)
            if m.function_name == answers.function_name
        ]
        mapping = mine[0] if mine else None
    return Outcome(answers.stack.name, status, outputs, stream_arn, mapping)


def execute_deploy(aws: Aws, answers: Answers, deployment: Deployment, stream_arn: str) -> Outcome:
    """Execute the change set, watch it to the end, and read the trigger's state; a trigger
    replacement goes through both of its change sets (core.deploy.twostep)."""
    from ddbwizard.core.deploy.twostep import execute_update

    result: DeployResult = execute_update(
        deployment.deployer,
        deployment.plan,
        deployment.steps,
        split=deployment.split,
        confirm=deployment.confirm,
    )
    done = outcome(aws, answers, result.status, result.outputs, stream_arn)
    return Outcome(
        done.stack,
        done.status,
        done.outputs,
        stream_arn,
        done.mapping,
        result.elapsed,
        result.events,
    )


def unchanged(aws: Aws, answers: Answers, deployment: Deployment, stream_arn: str) -> Outcome:
    """The outcome of an empty change set: the stack as it is."""
    outputs = deployment.deployer.outputs(answers.stack.name)
    return outcome(aws, answers, "UNCHANGED", outputs, stream_arn)
