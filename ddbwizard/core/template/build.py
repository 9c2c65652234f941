"""The echo stack's CloudFormation template, built from Answers (pure: no AWS calls)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import yaml
from troposphere import (
    AWSObject,
    GetAtt,
    Output,
    Parameter,
    Ref,
    Tags,
    Template,
    awslambda,
    cloudwatch,
    iam,
    logs,
    sqs,
)

import ddbwizard
from ddbwizard.core.errors import UsageError
from ddbwizard.core.model import limits
from ddbwizard.core.model.answers import Answers, Function, MappingSettings, OnFailure
from ddbwizard.core.template import handlers
from ddbwizard.core.template.artifacts import ArtifactRef
from ddbwizard.core.template.environment import function_environment

TEMPLATE_BODY_LIMIT = limits.TEMPLATE_BODY_MAX_BYTES
FAILURE_QUEUE_RETENTION_SECONDS = 1_209_600  # 14 days, the SQS maximum

# Logical ids.
LOG_GROUP, ROLE, FUNCTION = "EchoLogGroup", "EchoRole", "EchoFunction"
MAPPING, QUEUE = "EchoMapping", "FailureQueue"
ITERATOR_AGE_ALARM, ERRORS_ALARM = "IteratorAgeAlarm", "ErrorsAlarm"
# Parameters of a packaged function's template built before its zip is uploaded (--export).
CODE_BUCKET_PARAMETER, CODE_KEY_PARAMETER = "CodeS3Bucket", "CodeS3Key"

_TOP_LEVEL_ORDER = (
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Resources",
    "Outputs",
)
_RESOURCE_ORDER = (
    "Type",
    "DependsOn",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
    "Properties",
)
_OUTPUT_ORDER = ("Description", "Value")
_QUIET_APP_LEVELS = frozenset({"WARN", "ERROR", "FATAL"})  # the system log follows at WARN
_TRUST = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}
_LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [{**_TRUST, "Action": "sts:AssumeRole"}]}


# Checkov findings that do not apply to the echo stack, each with its reason. They are written
# into each resource's Metadata, where checkov reads them (and shows them as skipped).
CHECKOV_SKIPS: dict[str, tuple[tuple[str, str], ...]] = {
    LOG_GROUP: (
        (
            "CKV_AWS_158",
            "CloudWatch Logs encrypts log data at rest by default; a customer-managed KMS key "
            "needs a key policy this stack does not own",
        ),
    ),
    QUEUE: (
        (
            "CKV_AWS_27",
            "Encrypted at rest with SQS-managed SSE (SqsManagedSseEnabled: true); the check "
            "recognises only customer-managed KMS keys",
        ),
    ),
    FUNCTION: (
        (
            "CKV_AWS_115",
            "Concurrency is bounded by the stream: at most shards x parallelization factor "
            "batches run at once",
        ),
        (
            "CKV_AWS_116",
            "A function DLQ applies to asynchronous invocations only; stream invocations use "
            "the event source mapping's on-failure destination",
        ),
        (
            "CKV_AWS_117",
            "The echo function reaches only AWS APIs, no private resource, so it needs no VPC",
        ),
        (
            "CKV_AWS_173",
            "The one environment variable (REPORT_BATCH_ITEM_FAILURES) holds no secret, so no "
            "customer-managed KMS key",
        ),
    ),
}


def checkov_metadata(logical_id: str) -> dict[str, Any]:
    """The resource Metadata that tells checkov which checks are skipped, and why."""
    skips = CHECKOV_SKIPS[logical_id]
    return {"checkov": {"skip": [{"id": check, "comment": why} for check, why in skips]}}


class LoggingConfig(awslambda.LoggingConfig):  # type: ignore[misc]
    """troposphere 4.11's LoggingConfig lacks LogFormat."""

    props: ClassVar[dict[str, Any]] = {**awslambda.LoggingConfig.props, "LogFormat": (str, False)}


@dataclass(frozen=True)
class Grant:
    """One statement of the function role's policy, with the sentence that explains it."""

    sid: str
    actions: tuple[str, ...]
    resource: Any  # an ARN, "*" or a troposphere GetAtt
    sentence: str

    def statement(self) -> dict[str, Any]:
        actions = list(self.actions)
        return {"Sid": self.sid, "Effect": "Allow", "Action": actions, "Resource": self.resource}


@dataclass(frozen=True)
class Summary:
    """What a deploy creates and what its role may do, for the review step."""

    resources: tuple[tuple[str, str, str], ...]  # (logical id, type, one-line purpose)
    policy: tuple[str, ...]  # one plain-English sentence per policy statement


def grants(answers: Answers, stream_arn: str) -> tuple[Grant, ...]:
    """The role's permissions: the one source for the policy and for its summary."""
    read = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
    write = ("logs:CreateLogStream", "logs:PutLogEvents")
    own_log = GetAtt(LOG_GROUP, "Arn")  # arn:...:log-group:<name>:* (its streams, no other)
    return (
        Grant("ReadStream", read, stream_arn, f"Read records from the stream {stream_arn}"),
        Grant(
            "ListStreams",
            ("dynamodb:ListStreams",),
            "*",
            "List streams (this action cannot be scoped to one stream)",
        ),
        Grant(
            "WriteOwnLog",
            write,
            own_log,
            f"Write log events to {answers.log_group_name} only (it cannot create log groups)",
        ),
        *_failure_grants(answers.mapping.on_failure),
        *_filter_key_grants(answers.mapping.filter_kms_key_arn),
        *_user_grants(answers.function),
    )


def _filter_key_grants(key: str | None) -> tuple[Grant, ...]:
    """kms:Decrypt on the key that encrypts the mapping's filter criteria, that key only.
    https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filter-criteria-encryption
    """
    if key is None:
        return ()
    sentence = f"Decrypt with the KMS key {key} only (it encrypts the trigger's filter criteria)"
    return (Grant("DecryptFilterCriteria", ("kms:Decrypt",), key, sentence),)


def _user_grants(function: Function) -> tuple[Grant, ...]:
    """function.policy_statements, as written (the model refused wildcards and stray "*")."""
    return tuple(
        Grant(
            f"Yours{number}",
            statement.Action,
            list(statement.Resource),
            f"Your statement {number}: {', '.join(statement.Action)} on "
            f"{', '.join(statement.Resource)}",
        )
        for number, statement in enumerate(function.policy_statements or (), start=1)
    )


def _code(function: Function, artifact: ArtifactRef | None) -> tuple[str, awslambda.Code]:
    """The function's Handler and Code: inline echo, or a zip in S3 (the ref, or parameters)."""
    kind = function.handler
    if kind != "go" and function.code is None:
        source = handlers.handler_source(kind)
        return handlers.HANDLER_ENTRY[kind], awslambda.Code(ZipFile=source)
    entry = limits.GO_HANDLER_ENTRY if function.handler == "go" else function.code_entry
    if artifact is None:
        code = awslambda.Code(S3Bucket=Ref(CODE_BUCKET_PARAMETER), S3Key=Ref(CODE_KEY_PARAMETER))
    else:
        code = awslambda.Code(S3Bucket=artifact.bucket, S3Key=artifact.key)
    return str(entry), code


def _failure_grants(on_failure: OnFailure | None) -> tuple[Grant, ...]:
    if on_failure is None:
        return ()
    arn, sent = on_failure.arn, "failed-batch records"
    if arn is None:
        queue = GetAtt(QUEUE, "Arn")
        text = f"Send {sent} to the SQS queue {QUEUE} that this stack creates"
        return (Grant("SendFailures", ("sqs:SendMessage",), queue, text),)
    if on_failure.service == "sqs":
        text = f"Send {sent} to the SQS queue {arn}"
        return (Grant("SendFailures", ("sqs:SendMessage",), arn, text),)
    if on_failure.service == "sns":
        text = f"Publish {sent} to the SNS topic {arn}"
        return (Grant("PublishFailures", ("sns:Publish",), arn, text),)
    # An S3 bucket: Lambda writes one object per failed batch and must be able to list the bucket.
    write = f"Write {sent} as objects into the S3 bucket {arn}"
    listing = f"List the objects of the S3 bucket {arn} (Lambda needs it to write there)"
    return (
        Grant("WriteFailures", ("s3:PutObject",), f"{arn}/*", write),
        Grant("ListFailureBucket", ("s3:ListBucket",), arn, listing),
    )


def _resources(
    answers: Answers, stream_arn: str, artifact: ArtifactRef | None
) -> list[tuple[AWSObject, str]]:
    """Each resource of the stack with a one-line purpose, in template order."""
    table, function, mapping = answers.table.name, answers.function, answers.mapping
    on_failure = mapping.on_failure
    creates_queue = on_failure is not None and on_failure.create_queue
    found: list[tuple[AWSObject, str]] = []
    # Delete explicitly: a retained log group would make the next deploy's create fail.
    log_group = logs.LogGroup(
        LOG_GROUP,
        Metadata=checkov_metadata(LOG_GROUP),
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Delete",
        LogGroupName=answers.log_group_name,
        RetentionInDays=function.log_retention_days,
    )
    found.append(
        (log_group, f"log group {answers.log_group_name}, kept {function.log_retention_days} days")
    )
    if creates_queue:
        queue = sqs.Queue(
            QUEUE,
            Metadata=checkov_metadata(QUEUE),
            DeletionPolicy="Delete",
            UpdateReplacePolicy="Delete",
            SqsManagedSseEnabled=True,
            MessageRetentionPeriod=FAILURE_QUEUE_RETENTION_SECONDS,
        )
        found.append((queue, "queue for records that failed every retry, kept 14 days, encrypted"))
    policy = {
        "Version": "2012-10-17",
        "Statement": [g.statement() for g in grants(answers, stream_arn)],
    }
    role = iam.Role(
        ROLE,
        Description=f"Lets {answers.function_name} read the stream of {table} and write its log",
        AssumeRolePolicyDocument=_LAMBDA_TRUST,
        Policies=[iam.Policy(PolicyName="echo", PolicyDocument=policy)],
    )
    found.append(
        (role, "execution role of the function, allowed only what its inline policy lists")
    )
    level = function.log_level
    entry, code = _code(function, artifact)
    runs = "your handler" if function.code is not None else "echo"
    echo = awslambda.Function(
        FUNCTION,
        Metadata=checkov_metadata(FUNCTION),
        FunctionName=answers.function_name,
        Description=f"ddbwizard {runs} of DynamoDB table {table}"[:256],
        Runtime=function.runtime,
        Architectures=[function.architecture],
        Handler=entry,
        Code=code,
        MemorySize=function.memory_mb,
        Timeout=function.timeout_seconds,
        Role=GetAtt(ROLE, "Arn"),
        LoggingConfig=LoggingConfig(
            LogFormat="JSON",
            LogGroup=Ref(LOG_GROUP),  # also orders the log group before the function
            ApplicationLogLevel=level,
            SystemLogLevel="WARN" if level in _QUIET_APP_LEVELS else "INFO",
        ),
        Environment=awslambda.Environment(Variables=function_environment(answers)),
    )
    kind = f"{function.handler}, {function.runtime}, {function.architecture}"
    does = "logs each record as one JSON line" if function.code is None else f"runs {entry}"
    what = f"({kind}, {function.memory_mb} MB): {does}"
    found.append((echo, f"function {answers.function_name} {what}"))
    # Every setting is written, defaults included, so a re-deploy from the answers file
    # converges; list and object settings only when chosen (CloudFormation clears removed ones).
    options: dict[str, Any] = {}
    if mapping.report_batch_item_failures:
        options["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    if mapping.filter_patterns:
        options["FilterCriteria"] = awslambda.FilterCriteria(
            Filters=[awslambda.Filter(Pattern=pattern) for pattern in mapping.filter_patterns]
        )
    if on_failure is not None:
        destination = GetAtt(QUEUE, "Arn") if creates_queue else on_failure.arn
        options["DestinationConfig"] = awslambda.DestinationConfig(
            OnFailure=awslambda.OnFailure(Destination=destination)
        )
    if mapping.metrics:
        options["MetricsConfig"] = awslambda.MetricsConfig(Metrics=["EventCount"])
    if mapping.filter_kms_key_arn:
        options["KmsKeyArn"] = mapping.filter_kms_key_arn
    if mapping.tags:  # the mapping's own tags: it does not inherit the function's
        options["Tags"] = Tags(dict(mapping.tags))
    esm = awslambda.EventSourceMapping(
        MAPPING,
        EventSourceArn=stream_arn,
        FunctionName=Ref(FUNCTION),
        StartingPosition=mapping.starting_position,
        BatchSize=mapping.batch_size,
        Enabled=mapping.enabled,
        MaximumBatchingWindowInSeconds=mapping.batching_window_seconds,
        ParallelizationFactor=mapping.parallelization_factor,
        BisectBatchOnFunctionError=mapping.bisect_on_error,
        MaximumRetryAttempts=mapping.max_retry_attempts,
        MaximumRecordAgeInSeconds=mapping.max_record_age_seconds,
        TumblingWindowInSeconds=mapping.tumbling_window_seconds,
        **options,
    )
    found.append((esm, f"feeds the stream of {table} to the function, {mapping_summary(mapping)}"))
    found.extend(_alarms(answers))
    return found


def _alarms(answers: Answers) -> list[tuple[AWSObject, str]]:
    """The opt-in CloudWatch alarms on the function's IteratorAge (Maximum, in ms) and Errors
    (Sum), each notifying alarms.topic_arn when given (in alarm and back to OK)."""
    alarms = answers.alarms
    if alarms is None:
        return []
    actions = [alarms.topic_arn] if alarms.topic_arn else []
    common: dict[str, Any] = {
        "Namespace": "AWS/Lambda",
        "Dimensions": [cloudwatch.MetricDimension(Name="FunctionName", Value=Ref(FUNCTION))],
        "Period": alarms.period_seconds,
        "EvaluationPeriods": alarms.evaluation_periods,
        "TreatMissingData": "notBreaching",  # no batch, no data: nothing is behind or failing
        "ActionsEnabled": bool(actions),
    }
    if actions:
        common.update(AlarmActions=actions, OKActions=actions)
    window = f"{alarms.evaluation_periods} period(s) of {alarms.period_seconds} s in a row"
    found: list[tuple[AWSObject, str]] = []
    if alarms.iterator_age_seconds is not None:
        seconds = alarms.iterator_age_seconds
        alarm = cloudwatch.Alarm(
            ITERATOR_AGE_ALARM,
            AlarmName=f"{answers.function_name}-iterator-age",
            AlarmDescription=f"ddbwizard: the trigger of {answers.table.name} is more than "
            f"{seconds} s behind its stream (IteratorAge Maximum, {window})",
            MetricName="IteratorAge",
            Statistic="Maximum",
            Unit="Milliseconds",
            Threshold=seconds * 1000,
            ComparisonOperator="GreaterThanThreshold",
            **common,
        )
        found.append((alarm, f"alarm when the trigger is over {seconds} s behind, {window}"))
    if alarms.errors is not None:
        alarm = cloudwatch.Alarm(
            ERRORS_ALARM,
            AlarmName=f"{answers.function_name}-errors",
            AlarmDescription=f"ddbwizard: {answers.function_name} had {alarms.errors} or "
            f"more errors (Errors Sum, {window})",
            MetricName="Errors",
            Statistic="Sum",
            Threshold=alarms.errors,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            **common,
        )
        found.append((alarm, f"alarm on {alarms.errors} or more function errors, {window}"))
    return found


def build_template(
    answers: Answers,
    stream_arn: str,
    artifact: ArtifactRef | None = None,
    *,
    with_mapping: bool = True,
) -> Template:
    """The stack: log group, role, function, event source mapping and an optional queue.

    A packaged function (function.code, or the Go echo) runs the zip `artifact` names; without
    one (an export before packaging) the template takes its bucket and key as parameters.
    `with_mapping=False` leaves the mapping (and its output) out: the first of the two change
    sets that replace it (core.deploy.replacement).
    """
    table = answers.table.name
    template = Template(
        Description=f"ddbwizard: echo every change to DynamoDB table {table} "
        "into a Lambda function's log"
    )
    template.set_version("2010-09-09")
    # Where to connect (profile, region, endpoint) is not part of the stack: replaying the
    # answers with another profile or --endpoint-url must give the same template.
    used = {key: value for key, value in answers.to_data().items() if key != "aws"}
    template.set_metadata({"ddbwizard": {"version": ddbwizard.__version__, "answers": used}})
    if answers.function.packaged and artifact is None:
        for name, text in ((CODE_BUCKET_PARAMETER, "bucket"), (CODE_KEY_PARAMETER, "key")):
            template.add_parameter(
                Parameter(name, Type="String", Description=f"S3 {text} of the function's zip")
            )
    for resource, _ in _resources(answers, stream_arn, artifact):
        if with_mapping or resource.title != MAPPING:
            template.add_resource(resource)
    outputs = [
        ("FunctionName", Ref(FUNCTION), "Name of the echo Lambda function"),
        ("FunctionArn", GetAtt(FUNCTION, "Arn"), "ARN of the echo Lambda function"),
        ("LogGroupName", Ref(LOG_GROUP), "Log group holding one JSON line per stream record"),
        ("EventSourceMappingId", Ref(MAPPING), "UUID of the event source mapping"),
        ("StreamArn", stream_arn, f"The stream of DynamoDB table {table} that is read"),
    ]
    if not with_mapping:
        outputs = [output for output in outputs if output[0] != "EventSourceMappingId"]
    if QUEUE in template.resources:
        outputs += [
            ("FailureQueueUrl", Ref(QUEUE), "URL of the queue receiving failed batches"),
            ("FailureQueueArn", GetAtt(QUEUE, "Arn"), "ARN of the queue receiving failed batches"),
        ]
    template.add_output([Output(name, Value=value, Description=d) for name, value, d in outputs])
    return template


def mapping_properties(template: Template) -> dict[str, Any]:
    """The mapping's Properties as the rendered template holds them ({} without a mapping)."""
    resources: dict[str, Any] = document(template)["Resources"]
    return dict(resources.get(MAPPING, {}).get("Properties", {}))


def summarize(answers: Answers, stream_arn: str, artifact: ArtifactRef | None = None) -> Summary:
    """The resources the template holds and one sentence per statement of the role's policy."""
    resources = tuple(
        (resource.title, resource.resource_type, purpose)
        for resource, purpose in _resources(answers, stream_arn, artifact)
    )
    return Summary(resources, tuple(g.sentence for g in grants(answers, stream_arn)))


def document(template: Template) -> dict[str, Any]:
    """The template as plain data, sections and keys in reading order (Type before Properties)."""
    body: dict[str, Any] = template.to_dict()
    body["Resources"] = {
        name: _ordered(resource, _RESOURCE_ORDER) for name, resource in body["Resources"].items()
    }
    body["Outputs"] = {
        name: _ordered(output, _OUTPUT_ORDER) for name, output in body["Outputs"].items()
    }
    return _ordered(body, _TOP_LEVEL_ORDER)


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {key: data[key] for key in order if key in data}


class _YamlDumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, multi-line strings as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML falls back to a quoted scalar when a string cannot be a literal block.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_YamlDumper.add_representer(str, _represent_str)


def render(template: Template, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """The template as YAML or JSON (indent 2), keys in reading order.

    YAML keeps intrinsics in long form (`Ref: X`, `Fn::GetAtt: [X, Arn]`), so any YAML reader
    (yaml.safe_load, yq) loads it as plain data; the handler code is a literal block.
    """
    data = document(template)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(
        data,
        Dumper=_YamlDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1_000_000,  # never fold long lines (ARNs, filter patterns)
    )


def render_checked(template: Template, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """render(), refusing a body too large to send inline to CloudFormation."""
    text = render(template, fmt)
    size = len(text.encode())
    if size > TEMPLATE_BODY_LIMIT:
        raise UsageError(
            f"the {fmt.upper()} template is {size:,} bytes; CloudFormation takes at most "
            f"{TEMPLATE_BODY_LIMIT:,} bytes inline",
            "shorten or remove some of mapping.filter_patterns (each is written twice: "
            "in the mapping and in the answers kept in the template's Metadata)",
        )
    return text


def mapping_summary(mapping: MappingSettings) -> str:
    """Every trigger option that is not AWS's default, in plain words (the review's line)."""
    parts = [f"up to {mapping.batch_size} records a batch, from {mapping.starting_position}"]
    if mapping.batching_window_seconds:
        parts.append(f"batches gathered for up to {mapping.batching_window_seconds} s")
    if mapping.parallelization_factor > 1:
        parts.append(f"{mapping.parallelization_factor} batches at once per shard")
    if mapping.filter_patterns:
        count = len(mapping.filter_patterns)
        parts.append(f"only records matching {count} filter pattern{'s' if count > 1 else ''}")
    retries = mapping.max_retry_attempts
    parts.append(
        "a failing batch retried until its records expire"
        if retries == -1
        else f"a failing batch retried {retries} time{'' if retries == 1 else 's'}"
    )
    if mapping.max_record_age_seconds != -1:
        parts.append(f"records older than {mapping.max_record_age_seconds} s skipped")
    if mapping.bisect_on_error:
        parts.append("a failing batch split in two")
    if mapping.report_batch_item_failures:
        parts.append("partial batch responses")
    if mapping.on_failure is not None:
        where = (
            "a queue the stack creates"
            if mapping.on_failure.create_queue
            else (mapping.on_failure.arn or "")
        )
        parts.append(f"failed batches sent to {where}")
    if mapping.tumbling_window_seconds:
        parts.append(f"a {mapping.tumbling_window_seconds} s tumbling window")
    if mapping.metrics:
        parts.append("event count metrics")
    if not mapping.enabled:
        parts.append("created disabled")
    return "; ".join(parts)
