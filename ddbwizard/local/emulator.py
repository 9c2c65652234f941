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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

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


def _keep_stream_records() -> Callable[[], None]:
    """moto calls a mapping's function on every table write (through Docker, which is off)
    and then empties the shard's records, so a stream reader sees nothing. The emulator plays
    the poller itself (LocalPoller), so moto's delivery is turned off. Returns the undo."""
    from moto.awslambda.models import LambdaBackend

    original = LambdaBackend.send_dynamodb_items

    @functools.wraps(original)  # __wrapped__: moto's own, for tests of moto as it is
    def keep(self: Any, function_arn: str, items: list[Any], source: str) -> str:
        return ""  # falsy: moto keeps the records

    LambdaBackend.send_dynamodb_items = keep  # type: ignore[method-assign]

    def undo() -> None:
        LambdaBackend.send_dynamodb_items = original  # type: ignore[method-assign]

    return undo


def _outputs_after_execute() -> Callable[[], None]:
    """moto never fills in a stack's Outputs after ExecuteChangeSet (they are computed when
    the REVIEW_IN_PROGRESS stack is made, before any resource exists); they are recomputed
    from the change set's template once it is applied, as AWS does. Returns the undo."""
    from moto.cloudformation.models import ChangeSet

    original = ChangeSet.apply

    @functools.wraps(original)
    def apply_with_outputs(self: Any) -> None:
        original(self)
        stack = self.stack
        stack.template = self.template
        stack._parse_template()
        stack.output_map = stack._create_output_map()

    ChangeSet.apply = apply_with_outputs  # type: ignore[method-assign]

    def undo() -> None:
        ChangeSet.apply = original  # type: ignore[method-assign]

    return undo


def _forget_removed_resources() -> Callable[[], None]:
    """moto keeps a resource that a stack update removed in the stack's resource map, so a
    later update that adds the same logical id back (the second of the two change sets that
    replace a trigger) creates nothing. The removed ones are forgotten, as AWS does. Returns
    the undo."""
    from moto.cloudformation.parsing import ResourceMap

    original = ResourceMap.update

    @functools.wraps(original)
    def update(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
        removed = set(self._resource_json_map) - set(template.get("Resources") or {})
        original(self, template, parameters)
        for logical_id in removed:
            self._parsed_resources.pop(logical_id, None)

    ResourceMap.update = update  # type: ignore[method-assign]

    def undo() -> None:
        ResourceMap.update = original  # type: ignore[method-assign]

    return undo


Fix = Callable[[], Callable[[], None]]  # applies one fix, returns its undo
FIXES: tuple[Fix, ...] = (_keep_stream_records, _outputs_after_execute, _forget_removed_resources)
# moto's service name -> the fixes it needs before its first answer. A service's models are
# imported only when it is first used: moto's CloudFormation alone imports some 30 services'
# models (~0.9 s). A stack's event source mapping is made without Lambda's API, so
# CloudFormation needs Lambda's fix too.
FIXES_OF: dict[str, tuple[Fix, ...]] = {
    "awslambda": (_keep_stream_records,),
    "cloudformation": FIXES,
}


@contextmanager
def moto_behaves_like_aws() -> Iterator[None]:
    """Every fix at once, while the block runs (mock_aws, a moto server of the tests)."""
    undo = [fix() for fix in FIXES]
    try:
        yield
    finally:
        for step in reversed(undo):
            step()


class _Server:
    """moto's server (its WSGI dispatcher on werkzeug, threaded, as ThreadedMotoServer runs
    it) that applies a service's fixes (FIXES_OF) before the service answers its first
    request, so --local pays for moto's CloudFormation and Lambda models only once used.
    """

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        self._undo: dict[Fix, Callable[[], None]] = {}
        self._lock = threading.Lock()
        self._create_backend_app = create_backend_app
        app = DomainDispatcherApplication(self._create_app)
        self._server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _create_app(self, service: Any) -> Any:
        with self._lock:
            for fix in FIXES_OF.get(service, ()):
                if fix not in self._undo:
                    self._undo[fix] = fix()
        return self._create_backend_app(service)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        with self._lock:
            for step in reversed(self._undo.values()):
                step()
            self._undo.clear()


class LocalEmulator:
    """moto's server on 127.0.0.1 (free port), with dummy credentials in the env.

    Use as a context manager; the process environment is restored on exit. moto keeps its
    state in process-wide backends: two emulators in one process share it.
    """

    def __init__(self) -> None:
        self._server: _Server | None = None
        self._url: str | None = None
        self._saved_env: dict[str, str | None] = {}
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
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._saved_env = {key: os.environ.get(key) for key in _ENV}
        for key, value in _ENV.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        try:
            self._server = _Server()
            self._url = self._server.url
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

        Straight into moto's backends (the server runs in this process): no HTTP round trip,
        no client to make, and no request to parse (~0.3 s less than through the API).
        Idempotent: tables that exist are left alone.
        """
        from moto.dynamodb.models import dynamodb_backends
        from moto.sns.models import sns_backends
        from moto.sqs.models import sqs_backends

        with self._seed_lock:
            ddb = dynamodb_backends[LOCAL_ACCOUNT][LOCAL_REGION]
            for table, view_type in DEMO_TABLES.items():
                if table in ddb.tables:
                    continue
                spec: dict[str, Any] = {"StreamEnabled": False}
                if view_type:
                    spec = {"StreamEnabled": True, "StreamViewType": view_type}
                made = ddb.create_table(
                    table,
                    schema=[{"AttributeName": DEMO_KEY, "KeyType": "HASH"}],
                    throughput=None,
                    attr=[{"AttributeName": DEMO_KEY, "AttributeType": "S"}],
                    global_indexes=[],
                    indexes=[],
                    streams=spec,
                    billing_mode="PAY_PER_REQUEST",
                    sse_specification=None,
                    tags=[],
                    deletion_protection_enabled=False,
                    warm_throughput=None,
                )
                if view_type:
                    made.latest_stream_label = DEMO_STREAM_LABEL
                    arn = made.describe()["TableDescription"].get("LatestStreamArn")
                    if arn != demo_stream_arn(table):
                        raise RuntimeError(f"demo stream of {table} is {arn}, not the fixed ARN")
                # Written after the stream exists, so TRIM_HORIZON replays them.
                for item in DEMO_ITEMS[table]:
                    ddb.put_item(table, item)
                if table == "orders":  # one MODIFY and one REMOVE record, too
                    ddb.put_item(table, {**DEMO_ITEMS[table][1], "status": _s("paid")})
                    ddb.put_item(table, {DEMO_KEY: _s("order#0000"), "status": _s("draft")})
                    ddb.delete_item(table, {DEMO_KEY: _s("order#0000")})
            sqs_backends[LOCAL_ACCOUNT][LOCAL_REGION].create_queue(FAILURE_QUEUE)
            sns_backends[LOCAL_ACCOUNT][LOCAL_REGION].create_topic(ALERT_TOPIC)

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
