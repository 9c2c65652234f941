"""One facade over boto3: identity, tables, streams, mappings, queues/topics, logs; domain errors."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Literal, cast, overload

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError, ProfileNotFound

from ddbwizard.core.aws.cloudformation import CloudFormation
from ddbwizard.core.aws.errors import (
    AwsConfigError,
    CredentialsError,
    EndpointUnreachable,
    NotFound,
    aws_errors,
    error_code,
    no_region_error,
    unknown_profile_error,
)
from ddbwizard.core.aws.health import Health
from ddbwizard.core.aws.s3 import S3
from ddbwizard.core.aws.sampling import SampleSource, read_sample
from ddbwizard.core.aws.slow import SlowCalls
from ddbwizard.core.aws.values import (
    Identity,
    LogLine,
    MappingInfo,
    TableInfo,
    mapping_info,
    table_info,
)
from ddbwizard.core.errors import DdbWizardError

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sts import STSClient

MAX_ATTEMPTS = 5  # botocore "standard" retries: every attempt counted, backoff with jitter
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
READ_TIMEOUTS = {"logs": 60}  # FilterLogEvents scans: the one call that may answer slowly

__all__ = [
    "Aws",
    "Identity",
    "LogLine",
    "MappingInfo",
    "TableInfo",
    "make_session",
]

ServiceName = Literal[
    "cloudformation", "cloudwatch", "dynamodb", "dynamodbstreams", "lambda", "logs", "s3", "sns",
    "sqs", "sts",
]  # fmt: skip


def make_session(
    profile: str | None = None, region: str | None = None, fallback_region: str | None = None
) -> boto3.Session:
    """A session resolved like the AWS CLI: flags first, then AWS_* variables and config files.

    AWS_REGION is honoured as the AWS CLI v2 and the other SDKs do (botocore itself reads only
    AWS_DEFAULT_REGION); `fallback_region` (e.g. the region of a pinned stream ARN) applies
    when nothing else names one.
    """
    region = region or os.environ.get("AWS_REGION") or None
    try:
        session = boto3.Session(profile_name=profile or None, region_name=region)
        if session.region_name or not fallback_region:
            return session
        return boto3.Session(profile_name=profile or None, region_name=fallback_region)
    except ProfileNotFound as exc:
        name = profile or os.environ.get("AWS_PROFILE") or str(exc.kwargs.get("profile"))
        try:
            known = list(botocore.session.Session().available_profiles)
        except Exception:  # a config file that does not parse: the listing is only a hint
            known = []
        raise unknown_profile_error(name, known) from None


class Aws:
    """The one way ddbwizard talks to AWS: cached clients, plain values back, domain errors out."""

    def __init__(
        self,
        session: boto3.Session,
        endpoint_url: str | None = None,
        *,
        max_attempts: int = MAX_ATTEMPTS,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        slow: Callable[[str], object] | None = None,
    ) -> None:
        """`slow` is told, within seconds, of a call that gets no answer (a hung endpoint)."""
        self._session = session
        self._endpoint_url = endpoint_url or None
        self._max_attempts = max_attempts
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._slow = None if slow is None else SlowCalls(slow, max_attempts)

    @property
    def region(self) -> str:
        region = self._session.region_name
        if not region:
            raise no_region_error()
        return region

    @property
    def endpoint_url(self) -> str | None:
        return self._endpoint_url

    @property
    def profile(self) -> str | None:
        name = self._session.profile_name
        return None if name == "default" and not os.environ.get("AWS_PROFILE") else name

    def client_config(self, name: str) -> Config:
        """The botocore Config every client gets: standard retries, short connect timeout."""
        options: dict[str, Any] = {
            "retries": {"mode": "standard", "total_max_attempts": self._max_attempts},
            "connect_timeout": self._connect_timeout,
            "read_timeout": max(self._read_timeout, READ_TIMEOUTS.get(name, 0)),
        }
        if self._endpoint_url:
            # Emulators answer on one host for every account: no account-based endpoints.
            options["account_id_endpoint_mode"] = "disabled"
        return Config(**options)

    @overload
    def client(self, name: Literal["cloudformation"]) -> CloudFormationClient: ...
    @overload
    def client(self, name: Literal["cloudwatch"]) -> CloudWatchClient: ...
    @overload
    def client(self, name: Literal["dynamodb"]) -> DynamoDBClient: ...
    @overload
    def client(self, name: Literal["dynamodbstreams"]) -> DynamoDBStreamsClient: ...
    @overload
    def client(self, name: Literal["lambda"]) -> LambdaClient: ...
    @overload
    def client(self, name: Literal["logs"]) -> CloudWatchLogsClient: ...
    @overload
    def client(self, name: Literal["s3"]) -> S3Client: ...
    @overload
    def client(self, name: Literal["sns"]) -> SNSClient: ...
    @overload
    def client(self, name: Literal["sqs"]) -> SQSClient: ...
    @overload
    def client(self, name: Literal["sts"]) -> STSClient: ...
    def client(self, name: ServiceName) -> Any:
        """The cached client for a service (created once, shared by threads)."""
        with self._lock:
            cached = self._clients.get(name)
            if cached is None:
                region = self.region
                make = cast(Any, self._session).client
                try:
                    with self.errors(f"{name}: create client"):
                        cached = make(
                            name,
                            region_name=region,
                            endpoint_url=self._endpoint_url,
                            config=self.client_config(name),
                        )
                except ValueError as exc:  # botocore: "Invalid endpoint: ..."
                    raise AwsConfigError(
                        f"Invalid endpoint URL {self._endpoint_url!r}: {exc}",
                        "Pass a full URL to --endpoint-url, for example http://localhost:4566",
                    ) from None
                if self._slow is not None:
                    self._slow.attach(cached)
                self._clients[name] = cached
            return cached

    def errors(self, action: str, resource: str = "") -> AbstractContextManager[None]:
        """Translate botocore failures of the block into domain errors naming `action`."""
        return aws_errors(
            action, resource=resource, profile=self.profile, max_attempts=self._max_attempts
        )

    def cloudformation(self) -> CloudFormation:
        """CloudFormation's calls, translated like every other call of this facade."""
        return CloudFormation(self.client("cloudformation"), self.errors)

    def health(self) -> Health:
        """The trigger's health: CloudWatch, the failure destination, a failed batch's records."""
        return Health(self)

    def s3(self) -> S3:
        """S3's calls (the artifacts bucket), each expecting the caller's account as the owner."""
        return S3(self.client("s3"), lambda: self.identity().account, self.errors)

    # -- identity ---------------------------------------------------------------
    def identity(self) -> Identity:
        sts = self.client("sts")
        with self.errors("sts:GetCallerIdentity"):
            who = sts.get_caller_identity()
        return Identity(account=who["Account"], arn=who["Arn"], region=self.region)

    # -- tables -----------------------------------------------------------------
    def prepare_table_list(self) -> None:
        """Create the DynamoDB client and read ListTables' paginator model now (botocore
        reads hundreds of folders to find it), so the table list's first page costs only its
        round trip. A thread doing that many small reads beside a busy UI thread waits for the
        GIL after each one: the first page took 0.2 to 0.6 s instead of 0.1."""
        self.client("dynamodb").get_paginator("list_tables")

    def iter_table_name_pages(self) -> Iterator[list[str]]:
        """Table names page by page (100 a page), so a UI can show the first page at once."""
        pages = self.client("dynamodb").get_paginator("list_tables").paginate()
        with self.errors("dynamodb:ListTables"):
            for page in pages:
                yield list(page.get("TableNames", []))

    def list_table_names(self) -> list[str]:
        """Every table name in the region (empty: the caller says there are none, and where)."""
        return [name for page in self.iter_table_name_pages() for name in page]

    def describe_table(self, name: str) -> TableInfo:
        ddb = self.client("dynamodb")
        try:
            with self.errors("dynamodb:DescribeTable", resource=f"table {name}"):
                return table_info(ddb.describe_table(TableName=name)["Table"])
        except NotFound:
            raise NotFound(
                f"Table {name!r} was not found in {self.region}",
                "Check the table name and the region (--region).",
                action="dynamodb:DescribeTable",
                code="ResourceNotFoundException",
            ) from None

    def describe_tables(self, names: Iterable[str], max_workers: int = 8) -> Iterator[TableInfo]:
        """DescribeTable for many tables at once, yielded as each answers.

        A table that cannot be read is yielded with status UNKNOWN and its error; failures
        that concern every table (credentials, network, configuration) are raised.
        """
        fatal = (CredentialsError, EndpointUnreachable, AwsConfigError)
        self.client("dynamodb")  # create the client once, before the threads share it
        pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="describe-table")
        try:
            futures = {pool.submit(self.describe_table, name): name for name in names}
            for future in as_completed(futures):
                try:
                    yield future.result()
                except fatal:
                    raise
                except DdbWizardError as exc:
                    yield TableInfo(name=futures[future], status="UNKNOWN", error=str(exc))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def sample_items(self, table: str, limit: int) -> SampleSource:
        """A table's keys, stream and TTL, and at most `limit` items: read only, one Scan page."""
        return read_sample(self.client("dynamodb"), self.errors, table, limit)

    def put_item(self, table: str, item: Mapping[str, Mapping[str, Any]]) -> None:
        """Write one item, given in DynamoDB JSON ({"pk": {"S": "..."}})."""
        ddb = self.client("dynamodb")
        with self.errors("dynamodb:PutItem", resource=f"table {table}"):
            ddb.put_item(TableName=table, Item=cast(Any, dict(item)))

    # -- streams ----------------------------------------------------------------
    def enable_stream(self, table: str, view_type: str) -> bool:
        """UpdateTable to enable a stream; False when the table already has one (re-read it)."""
        ddb = self.client("dynamodb")
        with self.errors("dynamodb:UpdateTable", resource=f"table {table}"):
            try:
                ddb.update_table(
                    TableName=table,
                    StreamSpecification={
                        "StreamEnabled": True,
                        "StreamViewType": cast(Any, view_type),
                    },
                )
            except ClientError as exc:
                message = str(exc.response.get("Error", {}).get("Message", ""))
                code = error_code(exc)
                if code == "ResourceInUseException" or (
                    code == "ValidationException" and "already has an enabled stream" in message
                ):
                    return False
                raise
        return True

    def stream_status(self, stream_arn: str) -> str:
        """ENABLING, ENABLED, DISABLING or DISABLED."""
        streams = self.client("dynamodbstreams")
        with self.errors("dynamodb:DescribeStream", resource=stream_arn):
            described = streams.describe_stream(StreamArn=stream_arn, Limit=1)
        return str(described["StreamDescription"].get("StreamStatus", "UNKNOWN"))

    # -- event source mappings --------------------------------------------------
    def mappings_on_stream(self, stream_arn: str) -> list[MappingInfo]:
        """Every event source mapping (any function) that reads this stream."""
        pages = self.client("lambda").get_paginator("list_event_source_mappings")
        with self.errors("lambda:ListEventSourceMappings", resource=stream_arn):
            return [
                mapping_info(cast(Mapping[str, Any], m))
                for page in pages.paginate(EventSourceArn=stream_arn)
                for m in page.get("EventSourceMappings", [])
            ]

    def mapping(self, uuid: str) -> MappingInfo:
        lam = self.client("lambda")
        with self.errors("lambda:GetEventSourceMapping", resource=f"event source mapping {uuid}"):
            data = lam.get_event_source_mapping(UUID=uuid)
        return mapping_info(cast(Mapping[str, Any], data))

    # -- on-failure destinations ------------------------------------------------
    def queues(self) -> list[str]:
        """ARNs of the standard (not FIFO) SQS queues in the region, sorted."""
        sqs = self.client("sqs")
        with self.errors("sqs:ListQueues"):
            urls = [
                url
                for page in sqs.get_paginator("list_queues").paginate()
                for url in page.get("QueueUrls", [])
                if not url.endswith(".fifo")
            ]

        def arn(url: str) -> str | None:
            try:
                with self.errors("sqs:GetQueueAttributes", resource=url):
                    attributes = sqs.get_queue_attributes(
                        QueueUrl=url, AttributeNames=["QueueArn"]
                    )["Attributes"]
            except NotFound:  # deleted since the listing
                return None
            return attributes.get("QueueArn")

        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="queue-arn") as pool:
            return sorted(a for a in pool.map(arn, urls) if a)

    def topics(self) -> list[str]:
        """ARNs of the standard (not FIFO) SNS topics in the region, sorted."""
        sns = self.client("sns")
        with self.errors("sns:ListTopics"):
            return sorted(
                topic["TopicArn"]
                for page in sns.get_paginator("list_topics").paginate()
                for topic in page.get("Topics", [])
                if "TopicArn" in topic and not topic["TopicArn"].endswith(".fifo")
            )

    # -- names the stack will take ------------------------------------------------
    def function_exists(self, name: str) -> bool:
        lam = self.client("lambda")
        with self.errors("lambda:GetFunction", resource=f"function {name}"):
            try:
                lam.get_function(FunctionName=name)
            except ClientError as exc:
                if error_code(exc) == "ResourceNotFoundException":
                    return False
                raise
        return True

    def log_group_exists(self, name: str) -> bool:
        pages = self.client("logs").get_paginator("describe_log_groups")
        with self.errors("logs:DescribeLogGroups", resource=f"log group {name}"):
            return any(
                group.get("logGroupName") == name
                for page in pages.paginate(logGroupNamePrefix=name)
                for group in page.get("logGroups", [])
            )

    # -- logs -------------------------------------------------------------------
    def log_events(
        self, group: str, start_ms: int, token: str | None = None
    ) -> tuple[list[LogLine], str | None]:
        """One page of events since start_ms; a missing log group is ([], None), not an error."""
        logs = self.client("logs")
        kwargs: dict[str, Any] = {"logGroupName": group, "startTime": start_ms}
        if token:
            kwargs["nextToken"] = token
        with self.errors("logs:FilterLogEvents", resource=f"log group {group}"):
            try:
                page = logs.filter_log_events(**kwargs)
            except ClientError as exc:
                if error_code(exc) == "ResourceNotFoundException":
                    return [], None
                raise
        lines = [
            LogLine(
                timestamp_ms=int(event.get("timestamp", 0)),
                stream=event.get("logStreamName", ""),
                message=event.get("message", "").rstrip("\n"),
                event_id=event.get("eventId", ""),
            )
            for event in page.get("events", [])
        ]
        return lines, page.get("nextToken")
