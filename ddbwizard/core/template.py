"""The echo stack's CloudFormation template, built from Answers (pure: no AWS calls)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import cfn_flip  # type: ignore[import-untyped]  # troposphere's own YAML writer
from troposphere import GetAtt, Output, Ref, Template, awslambda, iam, logs, sqs

import ddbwizard
from ddbwizard.core import handlers
from ddbwizard.core.answers import Answers
from ddbwizard.core.errors import UsageError

# CreateChangeSet takes a TemplateBody of at most 51,200 bytes; larger needs an S3 upload.
TEMPLATE_BODY_LIMIT = 51_200
FAILURE_QUEUE_RETENTION_SECONDS = 1_209_600  # 14 days, the SQS maximum

LOG_GROUP = "EchoLogGroup"
ROLE = "EchoRole"
FUNCTION = "EchoFunction"
MAPPING = "EchoMapping"
QUEUE = "FailureQueue"

_TOP_LEVEL_ORDER = ("AWSTemplateFormatVersion", "Description", "Metadata", "Resources", "Outputs")
_RESOURCE_ORDER = ("Type", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Properties")
_OUTPUT_ORDER = ("Description", "Value")
_QUIET_APP_LEVELS = frozenset({"WARN", "ERROR", "FATAL"})


class LoggingConfig(awslambda.LoggingConfig):  # type: ignore[misc]
    """troposphere 4.11's LoggingConfig lacks LogFormat."""

    props = {**awslambda.LoggingConfig.props, "LogFormat": (str, False)}


@dataclass(frozen=True)
class Grant:
    """One statement of the function role's policy, with the sentence that explains it."""

    sid: str
    actions: tuple[str, ...]
    resource: Any  # an ARN, "*" or a troposphere GetAtt
    sentence: str

    def statement(self) -> dict[str, Any]:
        return {
            "Sid": self.sid,
            "Effect": "Allow",
            "Action": list(self.actions),
            "Resource": self.resource,
        }


@dataclass(frozen=True)
class Summary:
    """What a deploy creates and what its role may do, for the review step."""

    resources: tuple[tuple[str, str, str], ...]  # (logical id, type, one-line purpose)
    policy: tuple[str, ...]  # one plain-English sentence per policy statement


def grants(answers: Answers, stream_arn: str) -> tuple[Grant, ...]:
    """The role's permissions: the one source for the policy and its summary."""
    found = [
        Grant(
            "ReadStream",
            ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
            stream_arn,
            f"Read records from the stream {stream_arn}",
        ),
        Grant(
            "ListStreams",
            ("dynamodb:ListStreams",),
            "*",
            "List streams (this action cannot be scoped to one stream)",
        ),
        Grant(
            "WriteOwnLog",
            ("logs:CreateLogStream", "logs:PutLogEvents"),
            GetAtt(LOG_GROUP, "Arn"),  # arn:...:log-group:<name>:*
            f"Write log events to {answers.log_group_name} only (it cannot create log groups)",
        ),
    ]
    on_failure = answers.mapping.on_failure
    if on_failure is None:
        return tuple(found)
    arn = on_failure.arn
    if arn is None:
        found.append(
            Grant(
                "SendFailures",
                ("sqs:SendMessage",),
                GetAtt(QUEUE, "Arn"),
                f"Send failed-batch records to the SQS queue {QUEUE} that this stack creates",
            )
        )
    elif on_failure.service == "sqs":
        found.append(
            Grant(
                "SendFailures",
                ("sqs:SendMessage",),
                arn,
                f"Send failed-batch records to the SQS queue {arn}",
            )
        )
    elif on_failure.service == "sns":
        found.append(
            Grant(
                "PublishFailures",
                ("sns:Publish",),
                arn,
                f"Publish failed-batch records to the SNS topic {arn}",
            )
        )
    else:  # an S3 bucket: Lambda writes one object per failed batch and needs to list the bucket
        found += [
            Grant(
                "WriteFailures",
                ("s3:PutObject",),
                f"{arn}/*",
                f"Write failed-batch records as objects into the S3 bucket {arn}",
            ),
            Grant(
                "ListFailureBucket",
                ("s3:ListBucket",),
                arn,
                f"List the objects of the S3 bucket {arn} (Lambda needs it to write there)",
            ),
        ]
    return tuple(found)


def build_template(answers: Answers, stream_arn: str) -> Template:
    """The stack: log group, role, function, event source mapping and an optional queue."""
    table, function, mapping = answers.table.name, answers.function, answers.mapping
    template = Template(
        Description=f"ddbwizard: echo every change to DynamoDB table {table} "
        "into a Lambda function's log"
    )
    template.set_version("2010-09-09")
    template.set_metadata(
        {"ddbwizard": {"version": ddbwizard.__version__, "answers": answers.to_data()}}
    )
    on_failure = mapping.on_failure
    creates_queue = on_failure is not None and on_failure.create_queue

    template.add_resource(
        logs.LogGroup(
            LOG_GROUP,
            # Explicit: a retained log group would make the next deploy's create fail.
            DeletionPolicy="Delete",
            UpdateReplacePolicy="Delete",
            LogGroupName=answers.log_group_name,
            RetentionInDays=function.log_retention_days,
        )
    )
    if creates_queue:
        template.add_resource(
            sqs.Queue(
                QUEUE,
                DeletionPolicy="Delete",
                UpdateReplacePolicy="Delete",
                SqsManagedSseEnabled=True,
                MessageRetentionPeriod=FAILURE_QUEUE_RETENTION_SECONDS,
            )
        )
    template.add_resource(
        iam.Role(
            ROLE,
            Description=f"Lets {answers.function_name} read the stream of {table} "
            "and write its own log",
            AssumeRolePolicyDocument={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            Policies=[
                iam.Policy(
                    PolicyName="echo",
                    PolicyDocument={
                        "Version": "2012-10-17",
                        "Statement": [g.statement() for g in grants(answers, stream_arn)],
                    },
                )
            ],
        )
    )
    app_level = function.log_level
    template.add_resource(
        awslambda.Function(
            FUNCTION,
            FunctionName=answers.function_name,
            Description=f"ddbwizard echo of DynamoDB table {table}"[:256],
            Runtime=function.runtime,
            Architectures=[function.architecture],
            Handler="index.handler",
            Code=awslambda.Code(ZipFile=handlers.inline_source(function.handler)),
            MemorySize=function.memory_mb,
            Timeout=function.timeout_seconds,
            Role=GetAtt(ROLE, "Arn"),
            LoggingConfig=LoggingConfig(
                LogFormat="JSON",
                LogGroup=Ref(LOG_GROUP),
                ApplicationLogLevel=app_level,
                SystemLogLevel="WARN" if app_level in _QUIET_APP_LEVELS else "INFO",
            ),
            Environment=awslambda.Environment(
                Variables={
                    "REPORT_BATCH_ITEM_FAILURES": str(mapping.report_batch_item_failures).lower()
                }
            ),
        )
    )
    options: dict[str, Any] = {}
    if mapping.report_batch_item_failures:
        options["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    if mapping.filter_patterns:
        options["FilterCriteria"] = awslambda.FilterCriteria(
            Filters=[awslambda.Filter(Pattern=p) for p in mapping.filter_patterns]
        )
    if on_failure is not None:
        destination = GetAtt(QUEUE, "Arn") if creates_queue else on_failure.arn
        options["DestinationConfig"] = awslambda.DestinationConfig(
            OnFailure=awslambda.OnFailure(Destination=destination)
        )
    if mapping.metrics:
        options["MetricsConfig"] = awslambda.MetricsConfig(Metrics=["EventCount"])
    template.add_resource(
        awslambda.EventSourceMapping(
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
    )

    outputs = [
        ("FunctionName", Ref(FUNCTION), "Name of the echo Lambda function"),
        ("FunctionArn", GetAtt(FUNCTION, "Arn"), "ARN of the echo Lambda function"),
        ("LogGroupName", Ref(LOG_GROUP), "Log group holding one JSON line per stream record"),
        ("EventSourceMappingId", Ref(MAPPING), "UUID of the event source mapping"),
        ("StreamArn", stream_arn, f"The stream of DynamoDB table {table} that is read"),
    ]
    if creates_queue:
        outputs += [
            ("FailureQueueUrl", Ref(QUEUE), "URL of the queue receiving failed batches"),
            ("FailureQueueArn", GetAtt(QUEUE, "Arn"), "ARN of the queue receiving failed batches"),
        ]
    template.add_output([Output(name, Value=value, Description=d) for name, value, d in outputs])
    return template


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


def render(template: Template, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """The template as YAML (short-form intrinsics, code as a literal block) or JSON."""
    text = json.dumps(document(template), indent=2, ensure_ascii=False)
    if fmt == "json":
        return text + "\n"
    rendered: str = cfn_flip.to_yaml(text)  # keeps key order; multi-line strings as blocks
    return rendered if rendered.endswith("\n") else rendered + "\n"


def render_checked(template: Template, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """render(), refusing a body too large to send inline to CloudFormation."""
    text = render(template, fmt)
    size = len(text.encode())
    if size > TEMPLATE_BODY_LIMIT:
        raise UsageError(
            f"the {fmt.upper()} template is {size:,} bytes; CloudFormation takes at most "
            f"{TEMPLATE_BODY_LIMIT:,} bytes inline",
            "shorten or remove some mapping.filter_patterns, or export the template in the "
            "other format (YAML is usually smaller)",
        )
    return text


_PURPOSES: dict[str, str] = {
    LOG_GROUP: "log group {log_group} (kept {retention} days)",
    ROLE: "execution role: read the stream, write the log group (see the policy)",
    FUNCTION: "function {function} ({runtime}, {arch}, {memory} MB): one JSON log line per record",
    MAPPING: "feeds the stream of {table} to the function, {batch} records per batch from {start}",
    QUEUE: "SQS queue for records that failed every retry (kept 14 days, SSE-SQS encrypted)",
}


def summarize(answers: Answers, stream_arn: str) -> Summary:
    """The resources the template holds and the sentences describing the role's policy."""
    template = build_template(answers, stream_arn)
    function, mapping = answers.function, answers.mapping
    values = {
        "log_group": answers.log_group_name,
        "retention": function.log_retention_days,
        "function": answers.function_name,
        "runtime": function.runtime,
        "arch": function.architecture,
        "memory": function.memory_mb,
        "table": answers.table.name,
        "batch": mapping.batch_size,
        "start": mapping.starting_position,
    }
    resources = tuple(
        (name, resource.resource_type, _PURPOSES[name].format(**values))
        for name, resource in template.resources.items()
    )
    return Summary(resources, tuple(g.sentence for g in grants(answers, stream_arn)))
