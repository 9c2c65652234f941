"""The UI-free engine's public API: what the front ends (headless, prompts, TUI) may use.

Names are loaded on first use (PEP 562), so `import ddbwizard.core` stays cheap on the
start-up path; mypy sees them through the TYPE_CHECKING imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ddbwizard.core.aws.errors import (
        AwsConfigError as AwsConfigError,
        CredentialsError as CredentialsError,
        EndpointUnreachable as EndpointUnreachable,
        no_tables_error as no_tables_error,
    )
    from ddbwizard.core.aws.facade import (
        Aws as Aws,
        make_session as make_session,
    )
    from ddbwizard.core.aws.values import (
        LogLine as LogLine,
        MappingInfo as MappingInfo,
        TableInfo as TableInfo,
    )
    from ddbwizard.core.changes import (
        Change as Change,
        ChangeLog as ChangeLog,
    )
    from ddbwizard.core.check import (
        CheckProblem as CheckProblem,
        CheckReport as CheckReport,
        Commands as Commands,
        check_trigger as check_trigger,
        fetch_trigger_failures as fetch_trigger_failures,
        parse_duration as parse_duration,
        sparkline as sparkline,
    )
    from ddbwizard.core.deploy.execute import (
        DeployFailed as DeployFailed,
    )
    from ddbwizard.core.deployed import (
        DeployedTrigger as DeployedTrigger,
        deployed_answers as deployed_answers,
        deployed_outcome as deployed_outcome,
        deployed_triggers as deployed_triggers,
        trigger_verdict as trigger_verdict,
    )
    from ddbwizard.core.engine import (
        Code as Code,
        Connection as Connection,
        Deployment as Deployment,
        Emulator as Emulator,
        Outcome as Outcome,
        Preflight as Preflight,
        Prepared as Prepared,
        Review as Review,
        announce_plan as announce_plan,
        answers_for_run as answers_for_run,
        answers_path as answers_path,
        connect as connect,
        destroy as destroy,
        execute_deploy as execute_deploy,
        export_code as export_code,
        holds_other_answers as holds_other_answers,
        open_facade as open_facade,
        placeholder_note as placeholder_note,
        placeholder_stream_arn as placeholder_stream_arn,
        plan_deploy as plan_deploy,
        preflight as preflight,
        prepare_deploy as prepare_deploy,
        repeat_command as repeat_command,
        repointed as repointed,
        review as review,
        review_code as review_code,
        save_answers as save_answers,
        stage_code as stage_code,
        unchanged as unchanged,
    )
    from ddbwizard.core.errors import (
        EXIT_AWS as EXIT_AWS,
        EXIT_INTERRUPTED as EXIT_INTERRUPTED,
        EXIT_OK as EXIT_OK,
        EXIT_USAGE as EXIT_USAGE,
        AnswersError as AnswersError,
        ConfirmationRequired as ConfirmationRequired,
        DdbWizardError as DdbWizardError,
        Interrupted as Interrupted,
        UsageError as UsageError,
    )
    from ddbwizard.core.failed import (
        FailedBatch as FailedBatch,
        FetchedFailures as FetchedFailures,
    )
    from ddbwizard.core.logs import (
        LOGS_WAITING as LOGS_WAITING,
        LOOK_BACK_MS as LOOK_BACK_MS,
        Follow as Follow,
        LogTail as LogTail,
        follow_logs as follow_logs,
    )
    from ddbwizard.core.model import (
        limits as limits,
    )
    from ddbwizard.core.model.answers import (
        Answers as Answers,
        json_schema as json_schema,
        load_answers as load_answers,
    )
    from ddbwizard.core.model.destinations import (
        DESTINATION_ARN_SHAPE as DESTINATION_ARN_SHAPE,
        TYPE_AN_ARN as TYPE_AN_ARN,
        destination_choice as destination_choice,
        destination_choices as destination_choices,
        typed_destination as typed_destination,
    )
    from ddbwizard.core.model.documents import (
        read_json_file as read_json_file,
        write_atomic as write_atomic,
    )
    from ddbwizard.core.model.filters import (
        matching_patterns as matching_patterns,
        passes as passes,
    )
    from ddbwizard.core.model.logview import (
        LogView as LogView,
        log_view as log_view,
    )
    from ddbwizard.core.model.questions import (
        BY_ID as BY_ID,
        STEP_TITLES as STEP_TITLES,
        STEPS as STEPS,
        AnswerProblem as AnswerProblem,
        Choice as Choice,
        Question as Question,
        StepId as StepId,
        labelled as labelled,
        questions_for as questions_for,
        start_answers as start_answers,
    )
    from ddbwizard.core.model.resume import (
        Resumable as Resumable,
        resumable as resumable,
        start_from as start_from,
    )
    from ddbwizard.core.model.samples import (
        SampleTable as SampleTable,
        placeholder_item as placeholder_item,
        sample_event as sample_event,
    )
    from ddbwizard.core.model.validation import (
        shown as shown,
    )
    from ddbwizard.core.package.function import (
        describe_code as describe_code,
    )
    from ddbwizard.core.panel import (
        HealthPanel as HealthPanel,
        failed_batch_line as failed_batch_line,
        health_panel as health_panel,
    )
    from ddbwizard.core.report import (
        Reporter as Reporter,
        StackEvent as StackEvent,
    )
    from ddbwizard.core.runner import (
        Invocation as Invocation,
        echo_handler as echo_handler,
        invoke as invoke,
    )
    from ddbwizard.core.stream import (
        Declined as Declined,
        StreamResolution as StreamResolution,
        resolve_stream as resolve_stream,
    )
    from ddbwizard.core.template.build import (
        build_template as build_template,
        render_checked as render_checked,
    )
    from ddbwizard.core.template.environment import (
        function_environment as function_environment,
        lambda_environment as lambda_environment,
    )
    from ddbwizard.core.template.handlers import (
        handler_source as handler_source,
    )
    from ddbwizard.core.text import (
        inert as inert,
        redact as redact,
    )
    from ddbwizard.core.trial import (
        TRY_ITEMS as TRY_ITEMS,
        SampleRecords as SampleRecords,
        Trial as Trial,
        passing_summary as passing_summary,
        sample_records as sample_records,
        try_it as try_it,
    )

_HOME = {
    "ddbwizard.core.aws.errors": (
        "AwsConfigError", "CredentialsError", "EndpointUnreachable", "no_tables_error",
    ),
    "ddbwizard.core.aws.facade": ("Aws", "make_session"),
    "ddbwizard.core.aws.values": ("LogLine", "MappingInfo", "TableInfo"),
    "ddbwizard.core.changes": ("Change", "ChangeLog"),
    "ddbwizard.core.check": (
        "CheckProblem", "CheckReport", "Commands", "check_trigger", "fetch_trigger_failures",
        "parse_duration", "sparkline",
    ),
    "ddbwizard.core.failed": ("FailedBatch", "FetchedFailures"),
    "ddbwizard.core.panel": ("HealthPanel", "failed_batch_line", "health_panel"),
    "ddbwizard.core.deploy.execute": ("DeployFailed",),
    "ddbwizard.core.deployed": (
        "DeployedTrigger", "deployed_answers", "deployed_outcome", "deployed_triggers",
        "trigger_verdict",
    ),
    "ddbwizard.core.engine": (
        "Connection", "Deployment", "Emulator", "Outcome", "Preflight", "Prepared", "Review",
        "Code", "export_code", "review_code", "announce_plan", "answers_for_run", "prepare_deploy", "stage_code",
        "answers_path", "holds_other_answers", "connect", "open_facade", "destroy", "execute_deploy", "placeholder_note", "placeholder_stream_arn",
        "plan_deploy", "preflight", "repeat_command", "review", "save_answers", "unchanged",
        "repointed",
    ),
    "ddbwizard.core.errors": (
        "EXIT_AWS", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "AnswersError",
        "ConfirmationRequired", "DdbWizardError", "Interrupted", "UsageError",
    ),
    "ddbwizard.core.logs": ("LOGS_WAITING", "LOOK_BACK_MS", "Follow", "LogTail", "follow_logs"),
    "ddbwizard.core.model.answers": ("Answers", "json_schema", "load_answers"),
    "ddbwizard.core.model.documents": ("read_json_file", "write_atomic"),
    "ddbwizard.core.model.logview": ("LogView", "log_view"),
    "ddbwizard.core.model.resume": ("Resumable", "resumable", "start_from"),
    "ddbwizard.core.model.filters": ("matching_patterns", "passes"),
    "ddbwizard.core.model.questions": (
        "BY_ID", "STEP_TITLES", "STEPS", "AnswerProblem", "Choice", "Question", "StepId",
        "questions_for", "start_answers", "labelled",
    ),
    "ddbwizard.core.model.destinations": (
        "DESTINATION_ARN_SHAPE", "TYPE_AN_ARN", "destination_choice", "destination_choices",
        "typed_destination",
    ),
    "ddbwizard.core.model.validation": ("shown",),
    "ddbwizard.core.report": ("Reporter", "StackEvent"),
    "ddbwizard.core.stream": ("Declined", "StreamResolution", "resolve_stream"),
    "ddbwizard.core.template.build": ("build_template", "render_checked"),
    "ddbwizard.core.package.function": ("describe_code",),
    "ddbwizard.core.runner": ("Invocation", "echo_handler", "invoke"),
    "ddbwizard.core.trial": (
        "TRY_ITEMS", "SampleRecords", "Trial", "passing_summary", "sample_records", "try_it",
    ),
    "ddbwizard.core.text": ("inert", "redact"),
}  # fmt: skip
_MODULES = {"limits": "ddbwizard.core.model.limits"}  # names that are modules themselves
_WHERE = {name: module for module, names in _HOME.items() for name in names}
__all__ = sorted([*_WHERE, *_MODULES])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value: Any = importlib.import_module(_MODULES[name])
    elif name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
    else:
        raise AttributeError(f"module 'ddbwizard.core' has no attribute {name!r}")
    globals()[name] = value
    return value
