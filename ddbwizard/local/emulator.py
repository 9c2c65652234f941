"""The embedded emulator for `--local`: moto's server on 127.0.0.1 with demo tables.

Everything else is the same code path as real AWS: only the endpoint differs. moto does not
run Lambda functions, so core.poller.LocalPoller plays the stream poller (re-exported here).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, cast

import boto3

from ddbwizard.core.aws.facade import Aws
from ddbwizard.core.errors import UsageError
from ddbwizard.local.poller import LocalPoller

__all__ = [
    "DEMO_STREAM_LABEL",
    "LOCAL_ACCOUNT",
    "LOCAL_REGION",
    "LocalEmulator",
    "LocalPoller",
    "demo_item",
    "demo_stream_arn",
    "require_moto",
]

LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT = "123456789012"  # moto's default account for any access key
# The label of every demo stream, so examples/*.yaml can name the ARNs.
DEMO_STREAM_LABEL = "2026-01-01T00:00:00.000"
DEMO_KEY = "pk"  # every demo table has this string hash key, so demo_item() fits any of them
FAILURE_QUEUE = "orders-echo-failures"
ALERT_TOPIC = "orders-alerts"

_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": None,
    "AWS_SECURITY_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_DEFAULT_PROFILE": None,
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


def require_moto() -> None:
    """Fail with the install command when the optional emulator dependency is missing."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        raise UsageError("--local needs the emulator: pip install 'ddbwizard[local]'") from None


def demo_stream_arn(table: str) -> str:
    return (
        f"arn:aws:dynamodb:{LOCAL_REGION}:{LOCAL_ACCOUNT}:table/{table}/stream/{DEMO_STREAM_LABEL}"
    )


def _s(value: str) -> dict[str, Any]:
    return {"S": value}


def _n(value: str) -> dict[str, Any]:
    return {"N": value}


DEMO_TABLES: dict[str, str | None] = {
    "orders": "NEW_AND_OLD_IMAGES",
    "sessions": "KEYS_ONLY",
    "customers": None,
}
DEMO_ITEMS: dict[str, list[dict[str, Any]]] = {
    "orders": [
        {
            DEMO_KEY: _s("order#1001"),
            "customer": _s("Zoë Müller"),
            "total": _n("42.50"),
            "status": _s("shipped"),
            "note": _s("Lieferung nach Köln, bitte klingeln ✓"),
            "lines": {"L": [{"M": {"sku": _s("TEE-01"), "qty": _n("2")}}]},
        },
        {
            DEMO_KEY: _s("order#1002"),
            "customer": _s("李雷"),
            "total": _n("1999"),
            "status": _s("pending"),
            "tags": {"SS": ["express", "礼物"]},
        },
        {
            DEMO_KEY: _s("order#1003"),
            "customer": _s("José Núñez"),
            "total": _n("7.05"),
            "status": _s("cancelled"),
            "gift": {"BOOL": True},
            "coupon": {"NULL": True},
        },
    ],
    "sessions": [
        {DEMO_KEY: _s("session#a1b2"), "user": _s("zoë"), "expires": _n("1798761600")},
        {DEMO_KEY: _s("session#c3d4"), "user": _s("josé"), "expires": _n("1798765200")},
    ],
    "customers": [
        {DEMO_KEY: _s("customer#1"), "name": _s("Zoë Müller"), "city": _s("Köln")},
        {DEMO_KEY: _s("customer#2"), "name": _s("李雷"), "city": _s("北京")},
    ],
}


def demo_item(table: str = "orders") -> dict[str, Any]:
    """A fresh item (DynamoDB JSON) that fits every demo table: a new key each call."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        DEMO_KEY: _s(f"demo#{uuid.uuid4().hex[:8]}"),
        "message": _s(f"Hello from ddbwizard — {table}, ça marche ✓"),
        "written_at": _s(now),
    }


@contextmanager
def moto_behaves_like_aws() -> Iterator[None]:
    """Two moto 5.2.5 gaps the emulator closes while it runs.

    - moto calls a mapping's function on every table write (through Docker, which is off)
      and then empties the shard's records, so a stream reader sees nothing. The emulator
      plays the poller itself (LocalPoller), so moto's delivery is turned off.
    - moto never fills in a stack's Outputs after ExecuteChangeSet (they are computed when
      the REVIEW_IN_PROGRESS stack is made, before any resource exists); they are
      recomputed from the change set's template once it is applied, as AWS does.
    """
    from moto.awslambda.models import LambdaBackend
    from moto.cloudformation.models import ChangeSet

    original_send = LambdaBackend.send_dynamodb_items
    original_apply = ChangeSet.apply

    @functools.wraps(original_send)  # __wrapped__: moto's own, for tests of moto as it is
    def keep(self: Any, function_arn: str, items: list[Any], source: str) -> str:
        return ""  # falsy: moto keeps the records

    @functools.wraps(original_apply)
    def apply_with_outputs(self: Any) -> None:
        original_apply(self)
        stack = self.stack
        stack.template = self.template
        stack._parse_template()
        stack.output_map = stack._create_output_map()

    LambdaBackend.send_dynamodb_items = keep  # type: ignore[method-assign]
    ChangeSet.apply = apply_with_outputs  # type: ignore[method-assign]
    try:
        yield
    finally:
        LambdaBackend.send_dynamodb_items = original_send  # type: ignore[method-assign]
        ChangeSet.apply = original_apply  # type: ignore[method-assign]


class LocalEmulator:
    """moto's ThreadedMotoServer on 127.0.0.1 (free port), with dummy credentials in the env.

    Use as a context manager; the process environment is restored on exit. moto keeps its
    state in process-wide backends: two emulators in one process share it.
    """

    def __init__(self) -> None:
        self._server: Any = None
        self._url: str | None = None
        self._saved_env: dict[str, str | None] = {}
        self._patch: Any = None
        self._seed_lock = threading.Lock()

    @property
    def region(self) -> str:
        return LOCAL_REGION

    @property
    def endpoint_url(self) -> str:
        if self._url is None:
            raise RuntimeError("the emulator is not running: call start() or use `with`")
        return self._url

    def start(self) -> LocalEmulator:
        require_moto()
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._saved_env = {key: os.environ.get(key) for key in _ENV}
        for key, value in _ENV.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._patch = moto_behaves_like_aws()
        self._patch.__enter__()
        try:
            self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            self._server.start()
            host, port = self._server.get_host_and_port()
            self._url = f"http://{host}:{port}"
            configure_moto(self._url)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._url = None
        if self._patch is not None:
            self._patch.__exit__(None, None, None)
            self._patch = None
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = {}

    def __enter__(self) -> LocalEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def session(self) -> boto3.Session:
        return boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=LOCAL_REGION
        )

    def aws(self) -> Aws:
        """The facade pointed at this emulator."""
        return Aws(self.session(), self.endpoint_url)

    def seed(self) -> None:
        """Create the demo tables (fixed stream ARNs), their items, a queue and a topic.

        Idempotent: tables that exist are left alone.
        """
        with self._seed_lock:
            aws = self.aws()
            ddb = aws.client("dynamodb")
            existing = set(aws.list_table_names())
            for table, view_type in DEMO_TABLES.items():
                if table in existing:
                    continue
                spec: dict[str, Any] = {"StreamEnabled": False}
                if view_type:
                    spec = {"StreamEnabled": True, "StreamViewType": view_type}
                ddb.create_table(
                    TableName=table,
                    KeySchema=[{"AttributeName": DEMO_KEY, "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": DEMO_KEY, "AttributeType": "S"}],
                    BillingMode="PAY_PER_REQUEST",
                    StreamSpecification=cast(Any, spec),
                )
                if view_type:
                    _fix_stream_label(table)
                    arn = ddb.describe_table(TableName=table)["Table"].get("LatestStreamArn")
                    if arn != demo_stream_arn(table):
                        raise RuntimeError(f"demo stream of {table} is {arn}, not the fixed ARN")
                # Written after the stream exists, so TRIM_HORIZON replays them.
                for item in DEMO_ITEMS[table]:
                    ddb.put_item(TableName=table, Item=item)
                if table == "orders":  # one MODIFY and one REMOVE record, too
                    aws.put_item(table, {**DEMO_ITEMS[table][1], "status": _s("paid")})
                    aws.put_item(table, {DEMO_KEY: _s("order#0000"), "status": _s("draft")})
                    ddb.delete_item(TableName=table, Key={DEMO_KEY: _s("order#0000")})
            sqs, sns = aws.client("sqs"), aws.client("sns")
            sqs.create_queue(QueueName=FAILURE_QUEUE)
            sns.create_topic(Name=ALERT_TOPIC)

    def poller(self, interval: float = 1.0) -> LocalPoller:
        """A LocalPoller reading this emulator's streams (not started)."""
        return LocalPoller(self.aws(), interval=interval)


def configure_moto(endpoint_url: str, config: Mapping[str, Any] | None = None) -> None:
    """POST moto's config API: Lambda without Docker (moto never runs functions then)."""
    body = json.dumps(config or {"lambda": {"use_docker": False}}).encode()
    request = urllib.request.Request(
        f"{endpoint_url}/moto-api/config",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def _fix_stream_label(table: str) -> None:
    """Give a demo table's stream the fixed label (the server runs in this process)."""
    from moto.dynamodb.models import dynamodb_backends

    moto_table = dynamodb_backends[LOCAL_ACCOUNT][LOCAL_REGION].get_table(table)
    moto_table.latest_stream_label = DEMO_STREAM_LABEL
