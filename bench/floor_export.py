"""The export floor: import troposphere, build the seed template by hand, print it as YAML.

Same resources, properties, metadata and outputs as `ddbwizard --answers examples/seed.yaml
--export -` (bench checks the two parse to the same document), with none of ddbwizard's
machinery: no answers model, no validation, no CLI. Run: python bench/floor_export.py
"""

import sys
from pathlib import Path

import yaml
from troposphere import GetAtt, Output, Ref, Template, awslambda, iam, logs

ROOT = Path(__file__).resolve().parents[1]
STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"


class LoggingConfig(awslambda.LoggingConfig):
    props = {**awslambda.LoggingConfig.props, "LogFormat": (str, False)}  # noqa: RUF012


ANSWERS = {
    "version": 1,
    "aws": {},
    "table": {"name": "orders"},
    "stream": {"view_type": "NEW_AND_OLD_IMAGES", "enable": True, "arn": STREAM},
    "mapping": {
        "batch_size": 10,
        "starting_position": "TRIM_HORIZON",
        "enabled": True,
        "batching_window_seconds": 0,
        "parallelization_factor": 1,
        "bisect_on_error": False,
        "max_retry_attempts": -1,
        "max_record_age_seconds": -1,
        "filter_patterns": [],
        "report_batch_item_failures": False,
        "tumbling_window_seconds": 0,
        "metrics": False,
    },
    "function": {
        "handler": "python",
        "runtime": "python3.13",
        "architecture": "arm64",
        "memory_mb": 128,
        "timeout_seconds": 30,
        "log_retention_days": 14,
        "log_level": "INFO",
    },
    "stack": {"name": "orders-echo", "tags": {"team": "data"}},
}


def checkov(*skips):
    return {"checkov": {"skip": [{"id": i, "comment": c} for i, c in skips]}}


LOG_GROUP_SKIPS = checkov(
    (
        "CKV_AWS_158",
        "CloudWatch Logs encrypts log data at rest by default; a customer-managed "
        "KMS key needs a key policy this stack does not own",
    ),
)
FUNCTION_SKIPS = checkov(
    (
        "CKV_AWS_115",
        "Concurrency is bounded by the stream: at most shards x parallelization "
        "factor batches run at once",
    ),
    (
        "CKV_AWS_116",
        "A function DLQ applies to asynchronous invocations only; stream invocations "
        "use the event source mapping's on-failure destination",
    ),
    (
        "CKV_AWS_117",
        "The echo function reaches only AWS APIs, no private resource, so it needs no VPC",
    ),
    (
        "CKV_AWS_173",
        "The one environment variable (REPORT_BATCH_ITEM_FAILURES) holds no secret, "
        "so no customer-managed KMS key",
    ),
)

t = Template(
    Description="ddbwizard: echo every change to DynamoDB table orders into a Lambda function's log"
)
t.set_version("2010-09-09")
t.set_metadata({"ddbwizard": {"version": "0.1.0", "answers": ANSWERS}})
t.add_resource(
    logs.LogGroup(
        "EchoLogGroup",
        Metadata=LOG_GROUP_SKIPS,
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Delete",
        LogGroupName="/aws/lambda/orders-echo",
        RetentionInDays=14,
    )
)
statements = [
    {
        "Sid": "ReadStream",
        "Effect": "Allow",
        "Resource": STREAM,
        "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
    },
    {"Sid": "ListStreams", "Effect": "Allow", "Action": ["dynamodb:ListStreams"], "Resource": "*"},
    {
        "Sid": "WriteOwnLog",
        "Effect": "Allow",
        "Resource": GetAtt("EchoLogGroup", "Arn"),
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
    },
]
t.add_resource(
    iam.Role(
        "EchoRole",
        Description="Lets orders-echo read the stream of orders and write its log",
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
                PolicyName="echo", PolicyDocument={"Version": "2012-10-17", "Statement": statements}
            )
        ],
    )
)
t.add_resource(
    awslambda.Function(
        "EchoFunction",
        Metadata=FUNCTION_SKIPS,
        FunctionName="orders-echo",
        Description="ddbwizard echo of DynamoDB table orders",
        Runtime="python3.13",
        Architectures=["arm64"],
        Handler="index.handler",
        Code=awslambda.Code(ZipFile=(ROOT / "handler_templates/python/echo.py").read_text("utf-8")),
        MemorySize=128,
        Timeout=30,
        Role=GetAtt("EchoRole", "Arn"),
        LoggingConfig=LoggingConfig(
            LogFormat="JSON",
            LogGroup=Ref("EchoLogGroup"),
            ApplicationLogLevel="INFO",
            SystemLogLevel="INFO",
        ),
        Environment=awslambda.Environment(Variables={"REPORT_BATCH_ITEM_FAILURES": "false"}),
    )
)
t.add_resource(
    awslambda.EventSourceMapping(
        "EchoMapping",
        EventSourceArn=STREAM,
        FunctionName=Ref("EchoFunction"),
        StartingPosition="TRIM_HORIZON",
        BatchSize=10,
        Enabled=True,
        MaximumBatchingWindowInSeconds=0,
        ParallelizationFactor=1,
        BisectBatchOnFunctionError=False,
        MaximumRetryAttempts=-1,
        MaximumRecordAgeInSeconds=-1,
        TumblingWindowInSeconds=0,
    )
)
t.add_output(
    [
        Output(
            "FunctionName",
            Value=Ref("EchoFunction"),
            Description="Name of the echo Lambda function",
        ),
        Output(
            "FunctionArn",
            Value=GetAtt("EchoFunction", "Arn"),
            Description="ARN of the echo Lambda function",
        ),
        Output(
            "LogGroupName",
            Value=Ref("EchoLogGroup"),
            Description="Log group holding one JSON line per stream record",
        ),
        Output(
            "EventSourceMappingId",
            Value=Ref("EchoMapping"),
            Description="UUID of the event source mapping",
        ),
        Output(
            "StreamArn",
            Value=STREAM,
            Description="The stream of DynamoDB table orders that is read",
        ),
    ]
)


class Dumper(yaml.SafeDumper):
    pass


Dumper.add_representer(
    str,
    lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|" if "\n" in v else None),
)
sys.stdout.write(
    yaml.dump(t.to_dict(), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)
)
