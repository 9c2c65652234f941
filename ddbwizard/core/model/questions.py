"""The wizard's steps and questions as data, rendered by the TUI and by the line prompts.

A question's id is the dotted path of its value in the answers file. Parsing turns the
text a user typed into a typed value; validation is the Answers model's own (one set of
rules for files, prompts and the TUI), so a question only knows how to read text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ddbwizard.core.errors import AnswersError
from ddbwizard.core.model import alarms, limits
from ddbwizard.core.model.answers import Answers, answers_from_data, default_stack_name
from ddbwizard.core.model.documents import JsonProblem, strict_json

StepId = Literal["connect", "table", "stream", "mapping", "function", "review", "deploy", "done"]
STEPS: tuple[StepId, ...] = (
    "connect",
    "table",
    "stream",
    "mapping",
    "function",
    "review",
    "deploy",
    "done",
)
STEP_TITLES: dict[StepId, str] = {
    "connect": "Connect",
    "table": "Table",
    "stream": "Stream",
    "mapping": "Trigger",
    "function": "Function",
    "review": "Review",
    "deploy": "Deploy",
    "done": "Done",
}
NO_DESTINATION, CREATE_QUEUE = "none", "create"  # on-failure: the words that are not an ARN
Kind = Literal["int", "bool", "choice", "text", "patterns", "destination", "tags", "arn", "path"]


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str
    help: str = ""


class AnswerProblem(ValueError):
    """A typed answer that cannot be used; the message is shown next to the field."""


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    help: str
    kind: Kind
    step: StepId
    choices: Callable[[Answers], tuple[Choice, ...]] | None = None
    advanced: bool = False
    hint: str = ""
    resets: tuple[str, ...] = ()  # answers that fall back to their default when they no longer fit
    optional: bool = False  # an "int" that may be left empty (no value)

    @property
    def section(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.id.split(".", 1)[1]

    def current(self, answers: Answers) -> Any:
        """The value this question has in `answers` (the default when never asked)."""
        value: Any = answers
        for part in self.id.split("."):
            value = None if value is None else getattr(value, part)  # an absent section
        return value

    def options(self, answers: Answers) -> tuple[Choice, ...]:
        return self.choices(answers) if self.choices else ()

    def as_text(self, value: Any) -> str:
        """How a value is shown in a text field, the inverse of `parse`."""
        if self.kind == "patterns":
            return json.dumps([json.loads(p) for p in value], ensure_ascii=False) if value else ""
        if self.kind == "destination":
            return "" if value is None else (value.arn or CREATE_QUEUE)
        if self.kind == "bool":
            return "true" if value else "false"
        if self.kind == "tags":
            return ", ".join(f"{key}={text}" for key, text in value or ())
        return "" if value is None else str(value)

    def parse(self, raw: str) -> Any:
        """Text as typed -> the value the answers file holds; raises AnswerProblem."""
        text = raw.strip()
        if self.kind == "int":
            if self.optional and (not text or text.lower() == "none"):
                return None
            try:
                return int(text)
            except ValueError:
                raise AnswerProblem(f"must be a whole number{_range(self.hint)}") from None
        if self.kind == "bool":
            if text.lower() in {"y", "yes", "true"}:
                return True
            if text.lower() in {"n", "no", "false"}:
                return False
            raise AnswerProblem("answer yes or no")
        if self.kind == "patterns":
            return _parse_patterns(text)
        if self.kind == "tags":
            return _parse_tags(text)
        if self.kind in ("arn", "path"):  # optional: empty (or "none") is no value
            return None if not text or text.lower() == "none" else text
        if self.kind == "destination":
            if not text or text.lower() == NO_DESTINATION:
                return None
            return {"create_queue": True} if text.lower() == CREATE_QUEUE else {"arn": text}
        return text

    def apply(self, answers: Answers, value: Any) -> Answers:
        """A new Answers with this question's value; raises AnswerProblem with the model's reason."""
        try:
            try:
                return answers.with_values({self.id: value})
            except AnswersError:
                if not self.resets:
                    raise
                return answers.with_values({self.id: value, **dict.fromkeys(self.resets)})
        except AnswersError as exc:
            mine = [p for p in exc.problems if _field_of(_path_of(p)) == self.id]
            raise AnswerProblem(labelled((mine or exc.problems)[0], self)) from None


def _range(hint: str) -> str:
    return f" ({hint})" if hint else ""


def _parse_patterns(text: str) -> Any:
    if not text:
        return []
    try:
        value = strict_json(text)
    except JsonProblem as exc:
        raise AnswerProblem(f"not valid JSON: {exc}") from None
    return value if isinstance(value, list) else [value]


def _parse_tags(text: str) -> dict[str, str] | None:
    """'team=data, cost center=42' -> {'team': 'data', 'cost center': '42'}; empty -> None
    (tags cannot hold a comma, so it separates them)."""
    if not text:
        return None
    tags = {}
    for part in text.split(","):
        key, equals, value = part.partition("=")
        if not equals:
            raise AnswerProblem("write tags as name=value, separated by commas")
        tags[key.strip()] = value.strip()
    return tags


def _fixed(*choices: Choice) -> Callable[[Answers], tuple[Choice, ...]]:
    return lambda _answers: choices


def _runtimes(answers: Answers) -> tuple[Choice, ...]:
    handler = answers.function.handler
    today = date.today()
    return tuple(
        Choice(r, r)
        for r in limits.runtimes_for(handler)
        if not limits.runtime_deprecated(r, today)
    )


def _int(
    id_: str, prompt: str, help_: str, step: StepId, limit: limits.IntLimit, advanced: bool
) -> Question:
    return Question(id_, prompt, help_, "int", step, advanced=advanced, hint=limit.hint)


# The opt-in alarms (core.model.alarms): empty asks for none. Their period and evaluation
# periods are kept at their defaults here (one minute, once); the answers file sets them.
ALARM_QUESTIONS: tuple[Question, ...] = (
    Question(
        "alarms.iterator_age_seconds",
        "Alarm when the trigger is behind by more than (seconds)",
        "A CloudWatch alarm on IteratorAge (Maximum, per minute): how old the newest record "
        "the function got was. 1 to 86,400 s; empty: no such alarm.",
        "int",
        "mapping",
        advanced=True,
        hint=alarms.ITERATOR_AGE_SECONDS.hint,
        optional=True,
    ),
    Question(
        "alarms.errors",
        "Alarm when the function fails this many times in a minute",
        "A CloudWatch alarm on the function's Errors (Sum, per minute). Empty: no such alarm.",
        "int",
        "mapping",
        advanced=True,
        hint=alarms.ERRORS.hint,
        optional=True,
    ),
    Question(
        "alarms.topic_arn",
        "SNS topic the alarms notify",
        "A standard SNS topic in this region (arn:aws:sns:<region>:<account>:<topic>), told "
        "when an alarm fires and when it is back to OK. Empty: the alarms only show in "
        "CloudWatch.",
        "arn",
        "mapping",
        advanced=True,
    ),
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        "stream.view_type",
        "What should each stream record carry?",
        "Chosen once: changing the view type of an enabled stream makes a new stream with a "
        "new ARN and breaks every reader of the old one.",
        "choice",
        "stream",
        choices=_fixed(*(Choice(v, v, limits.VIEW_TYPE_HELP[v]) for v in limits.VIEW_TYPES)),
    ),
    _int(
        "mapping.batch_size",
        "Batch size (records per invocation)",
        "Up to 10,000 records per invocation for DynamoDB streams (older SAM and CDK docs "
        "still say 1,000). Larger batches mean fewer invocations, but one failure retries "
        "the whole batch.",
        "mapping",
        limits.BATCH_SIZE,
        False,
    ),
    Question(
        "mapping.starting_position",
        "Where should the function start reading?",
        "AT_TIMESTAMP is for Kinesis and Kafka only (a DynamoDB stream cannot be read from "
        "a point in time): DynamoDB streams take these two.",
        "choice",
        "mapping",
        choices=_fixed(
            *(Choice(p, p, limits.STARTING_POSITION_HELP[p]) for p in limits.STARTING_POSITIONS)
        ),
    ),
    Question(
        "mapping.enabled",
        "Start the trigger enabled?",
        "A disabled trigger is created but reads nothing until you enable it.",
        "bool",
        "mapping",
    ),
    _int(
        "mapping.batching_window_seconds",
        "Batching window (seconds)",
        "How long Lambda gathers records before invoking, 0 to 300 s. Longer windows mean "
        "fuller batches and fewer invocations, at the cost of latency.",
        "mapping",
        limits.BATCHING_WINDOW_SECONDS,
        True,
    ),
    _int(
        "mapping.parallelization_factor",
        "Parallelization factor",
        "Concurrent batches per shard, 1 to 10. Records with the same key stay in order. A "
        "stream's concurrency is its shards times this factor: provisioned pollers "
        "(ProvisionedPollerConfig) are for SQS and Kafka sources, and ScalingConfig's maximum "
        "concurrency for SQS only, so neither is offered.",
        "mapping",
        limits.PARALLELIZATION_FACTOR,
        True,
    ),
    Question(
        "mapping.bisect_on_error",
        "Split a failing batch in two and retry?",
        "Narrows a failure down to the bad record instead of retrying the whole batch.",
        "bool",
        "mapping",
        advanced=True,
    ),
    _int(
        "mapping.max_retry_attempts",
        "Maximum retry attempts",
        "-1 retries until the record expires: one bad record can block its shard for up "
        "to 24 hours. 0 to 10,000 bounds it.",
        "mapping",
        limits.MAX_RETRY_ATTEMPTS,
        True,
    ),
    _int(
        "mapping.max_record_age_seconds",
        "Maximum record age (seconds)",
        "-1 for no limit, or 60 to 604,800 s; above 86,400 it has no effect, because stream "
        "records live 24 hours.",
        "mapping",
        limits.MAX_RECORD_AGE_SECONDS,
        True,
    ),
    Question(
        "mapping.on_failure",
        "On-failure destination",
        "Where records that exhausted their retries are described: a standard SQS queue or "
        "SNS topic in this region, an S3 bucket (each may be in another account), or a new "
        "queue made by the stack. The function's role may send to it and nothing else.",
        "destination",
        "mapping",
        advanced=True,
    ),
    Question(
        "mapping.filter_patterns",
        "Filter patterns (JSON)",
        'EventBridge-style patterns over the record, e.g. [{"eventName": ["INSERT"]}]. At '
        "most 5 patterns of 4,096 characters; records matching none are dropped unbilled.",
        "patterns",
        "mapping",
        advanced=True,
    ),
    Question(
        "mapping.report_batch_item_failures",
        "Report batch item failures?",
        "Lets the function name the records that failed, so only those are retried.",
        "bool",
        "mapping",
        advanced=True,
    ),
    _int(
        "mapping.tumbling_window_seconds",
        "Tumbling window (seconds)",
        "0 to 900 s; with a window, the function keeps a running count per window and logs a "
        "summary at its end.",
        "mapping",
        limits.TUMBLING_WINDOW_SECONDS,
        True,
    ),
    Question(
        "mapping.metrics",
        "Publish event-count metrics for the trigger?",
        "Adds the EventCount metric (polled, filtered, failed records) to CloudWatch. The "
        "trigger's own LoggingConfig (its poller's system logs) is for Kafka sources only; "
        "the function's log level is on the Function step.",
        "bool",
        "mapping",
        advanced=True,
    ),
    Question(
        "mapping.tags",
        "Tags on the trigger (name=value, ...)",
        "Tags on the event source mapping itself, beside the stack's tags (which "
        "CloudFormation copies onto it). Same rules as stack tags; 50 in all.",
        "tags",
        "mapping",
        advanced=True,
    ),
    Question(
        "mapping.filter_kms_key_arn",
        "KMS key for the filter criteria",
        "A customer managed key (arn:aws:kms:<region>:<account>:key/<id>) that encrypts the "
        "filter patterns at rest instead of an AWS owned key; the function's role may decrypt "
        "with it (the key policy must allow that too). Empty: none.",
        "arn",
        "mapping",
        advanced=True,
    ),
    *ALARM_QUESTIONS,
    Question(
        "stack.name",
        "Stack name",
        "The CloudFormation stack, and the function's name. Letters, digits and '-', "
        "starting with a letter.",
        "text",
        "function",
    ),
    Question(
        "function.handler",
        "Echo handler",
        "All three log the same JSON line per record, numbers exact, binary as base64. "
        "python and nodejs deploy as inline code; go is built here with your Go toolchain "
        "(1.19 or newer) into bootstrap (provided.al2023) and deployed through the artifacts "
        "bucket (a stack of its own, made once, after you agree).",
        "choice",
        "function",
        choices=_fixed(Choice("python", "python"), Choice("nodejs", "nodejs"), Choice("go", "go")),
        resets=("function.runtime",),
    ),
    Question(
        "function.code",
        "Your own code (a folder; empty: the echo)",
        "A folder with your handler, relative to where ddbwizard runs (to the answers file's "
        "folder once saved). It is zipped (requirements.txt installed for Lambda's platform), "
        "uploaded once to the artifacts bucket and deployed on this trigger, with the same role.",
        "path",
        "function",
        resets=("function.entry",),
    ),
    Question(
        "function.entry",
        "Entry (module.function; go: the main package folder)",
        "Empty: lambda_function.lambda_handler (python), index.handler (nodejs), the code "
        "folder itself (go), as the Lambda console names them.",
        "path",
        "function",
    ),
    Question(
        "function.runtime",
        "Runtime",
        "Lambda's supported runtimes: one past its deprecation date is refused, and one "
        f"within {limits.RUNTIME_WARN_DAYS} days of it is warned about ({limits.RUNTIMES_PAGE}).",
        "choice",
        "function",
        _runtimes,
    ),
    Question(
        "function.architecture",
        "Architecture",
        "arm64 (Graviton) costs about 20% less per GB-second than x86_64.",
        "choice",
        "function",
        choices=_fixed(*(Choice(a, a) for a in limits.ARCHITECTURES)),
    ),
    _int(
        "function.memory_mb",
        "Memory (MB)",
        "128 to 10,240 MB; CPU grows with memory. 128 MB echoes a 10,000-record batch.",
        "function",
        limits.MEMORY_MB,
        False,
    ),
    _int(
        "function.timeout_seconds",
        "Timeout (seconds)",
        "1 to 900 s for one batch.",
        "function",
        limits.TIMEOUT_SECONDS,
        False,
    ),
    Question(
        "function.log_retention_days",
        "Log retention (days)",
        "How long CloudWatch Logs keeps the echo lines.",
        "choice",
        "function",
        choices=_fixed(*(Choice(d, str(d)) for d in limits.LOG_RETENTION_DAYS)),
    ),
    Question(
        "function.log_level",
        "Log level",
        "Record lines are INFO: WARN and above silences them.",
        "choice",
        "function",
        choices=_fixed(*(Choice(level, level) for level in limits.LOG_LEVELS)),
    ),
)
BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


def questions_for(step: StepId, advanced: bool | None = None) -> tuple[Question, ...]:
    """The questions of one step, in order; `advanced` filters on the Advanced section."""
    return tuple(
        q for q in QUESTIONS if q.step == step and (advanced is None or q.advanced == advanced)
    )


def start_answers(table: str, **sections: Any) -> Answers:
    """The answers a wizard starts from once a table is picked: defaults everywhere."""
    data: dict[str, Any] = {"table": {"name": table}, "stack": {"name": default_stack_name(table)}}
    data.update({k: v for k, v in sections.items() if v})
    return answers_from_data(data)


# -- a model problem as a wizard shows it: the field's label, not its path ----------------
# Fields of the answers file that no wizard question asks (a file, a flag or the table sets them).
_OTHER_LABELS = {
    "version": "Answers version",
    "aws.profile": "Profile",
    "aws.region": "Region",
    "aws.endpoint_url": "Endpoint URL",
    "table.name": "Table",
    "stream.enable": "Enable the stream",
    "stream.arn": "Stream ARN",
    "stack.tags": "Stack tags",
    "function.policy_statements": "Extra policy statements",
}
_ITEM = {"mapping.filter_patterns": "pattern", "function.policy_statements": "statement"}
_PROBLEM_PATH = re.compile(
    r"(?P<path>[a-z_]+(?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*): (?P<text>.*)", re.DOTALL
)
_INDEX = re.compile(r"\[(?P<index>[0-9]+)\]")


def _path_of(problem: str) -> str:
    match = _PROBLEM_PATH.fullmatch(problem)
    return "" if match is None else match["path"]


def _field_of(path: str) -> str | None:
    """The question id (or other field) a problem's path lies in: the longest that prefixes it."""
    fields = [
        f for f in (*BY_ID, *_OTHER_LABELS) if path == f or path.startswith((f + ".", f + "["))
    ]
    return max(fields, key=len, default=None)


def _label(field: str) -> str:
    """What the wizards call a field: its question's prompt (without the '?')."""
    question = BY_ID.get(field)
    return question.prompt.rstrip("?") if question else _OTHER_LABELS.get(field, field)


def labelled(problem: str, own: Question | None = None) -> str:
    """A problem of the model ('mapping.filter_patterns[0]: ...') as the wizards show it: the
    field's label instead of its path ('Filter patterns (JSON), pattern 1: ...'), and next to
    its own field (`own`) no label at all. The answers file's messages keep the path, since
    that is what its reader edits."""
    match = _PROBLEM_PATH.fullmatch(problem)
    field = None if match is None else _field_of(match["path"])
    if match is None or field is None:
        return problem
    index = _INDEX.match(match["path"][len(field) :])  # which pattern, statement...
    part = "" if index is None else f"{_ITEM.get(field, 'item')} {int(index['index']) + 1}"
    head = [part] if own is not None and own.id == field else [_label(field), part]
    shown = ", ".join(h for h in head if h)
    return f"{shown}: {match['text']}" if shown else match["text"]
