"""The emulator's own process: moto's server on 127.0.0.1 with the fixes and the demo seed.

`python -m ddbwizard.local.server [--fd N] [--seed [--warm]]` serves on the listening socket
N its parent bound (local.process; without it, a free port), prints one JSON line when it
answers (`{"url": ...}`, or `{"error": ...}` if it could not start), then serves until its
stdin closes: the parent (local.emulator.LocalEmulator) closes it to stop it, and a parent
that dies closes it too. `--seed`: seed the demo account and answer the first calls at once
(Server.prepare); `--warm`: then load a deploy's services too.
Out of the front end's process, moto's ~30 service models (which its CloudFormation loads)
cost the wizard neither memory nor its interpreter's time, and they load on the second core.

Besides moto's API, two paths of ddbwizard's own (POST): SEED_PATH seeds the demo account
(idempotent), and WARM_PATH loads CloudFormation and its fixes in a background thread before
a deploy asks for them (~0.2 s of imports the first change set would otherwise wait for,
after local.trims; 0.8 s without).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from ddbwizard.local.demo import (
    ALERT_TOPIC,
    DEMO_ITEMS,
    DEMO_KEY,
    DEMO_STREAM_LABEL,
    DEMO_TABLES,
    FAILURE_QUEUE,
    LOCAL_ACCOUNT,
    LOCAL_REGION,
    demo_stream_arn,
)
from ddbwizard.local.fixes import FIXES_OF, Fix
from ddbwizard.local.process import FD_FLAG, HOST, SEED_FLAG, WARM_FLAG
from ddbwizard.local.trims import trim_moto

SEED_PATH = "/_ddbwizard/seed"
WARM_PATH = "/_ddbwizard/warm"
WARMED = ("cloudformation",)  # a deploy's first asks (its models import every other one)
# The first calls of every run, each as a signed request names its service (moto reads it).
FIRST_CALLS = (
    (
        {"Content-Type": "application/x-www-form-urlencoded"},
        "sts",
        "Action=GetCallerIdentity&Version=2011-06-15",
    ),
    (
        {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
        },
        "dynamodb",
        "{}",
    ),
)
Environ = dict[str, Any]
StartResponse = Callable[..., Any]


def lambda_without_docker() -> None:
    """moto's config: Lambda without Docker (moto never runs functions then: LocalPoller
    plays Lambda's poller and runs them)."""
    from moto.core.config import default_user_config

    default_user_config["lambda"] = {"use_docker": False}


def seed() -> None:
    """Create the demo tables (fixed stream ARNs), their items, a queue and a topic.

    Straight into moto's backends (this process holds them): no HTTP round trip, no client,
    no request to parse. Idempotent: tables that exist are left alone.
    """
    from moto.dynamodb.models import dynamodb_backends
    from moto.sns.models import sns_backends
    from moto.sqs.models import sqs_backends

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
            ddb.put_item(table, {**DEMO_ITEMS[table][1], "status": {"S": "paid"}})
            ddb.put_item(table, {DEMO_KEY: {"S": "order#0000"}, "status": {"S": "draft"}})
            ddb.delete_item(table, {DEMO_KEY: {"S": "order#0000"}})
    sqs_backends[LOCAL_ACCOUNT][LOCAL_REGION].create_queue(FAILURE_QUEUE)
    sns_backends[LOCAL_ACCOUNT][LOCAL_REGION].create_topic(ALERT_TOPIC)


class Server:
    """moto's server (its WSGI dispatcher on werkzeug, threaded, as ThreadedMotoServer runs
    it) that applies a service's fixes (FIXES_OF) before the service answers its first
    request, so moto's CloudFormation and Lambda models load only once used (or warmed).
    """

    def __init__(self, fd: int | None = None) -> None:
        """`fd`: a listening socket to serve on (local.process binds it); None: a free port."""
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        self._applied: set[Fix] = set()
        self._fix_lock = threading.Lock()
        self._seed_lock = threading.Lock()
        self._create_backend_app = create_backend_app
        self._moto = DomainDispatcherApplication(self._create_app)
        self._server = make_server(
            HOST, 0, self._app, threaded=True, request_handler=MotoRequestHandler, fd=fd
        )
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _app(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if method == "POST" and path == SEED_PATH:
            self.seed()
        elif method == "POST" and path == WARM_PATH:
            threading.Thread(target=self.warm, args=(WARMED,), daemon=True).start()
        else:
            return self._moto(environ, start_response)  # type: ignore[no-any-return]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    def seed(self) -> None:
        with self._seed_lock:
            seed()

    def prepare(self, warm: bool) -> None:
        """What the parent asks first, done before it asks: the demo account, then the first
        calls (FIRST_CALLS) answered to ourselves, then (`warm`) a deploy's services."""
        self.seed()
        from werkzeug.test import Client

        client = Client(self._moto)
        for headers, service, body in FIRST_CALLS:
            scope = f"testing/20260101/{LOCAL_REGION}/{service}/aws4_request"
            auth = f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=0"
            client.post("/", headers={**headers, "Authorization": auth}, data=body).close()
        if warm:
            self.warm(WARMED)

    def warm(self, services: Iterable[str]) -> None:
        """Load these services' models, urls and fixes now, outside moto's dispatcher lock
        (which would hold every other request while a service's app is made)."""
        for service in services:
            self._fix(service)
            importlib.import_module(f"moto.{service}.urls")

    def _fix(self, service: str) -> None:
        fixes = FIXES_OF.get(service, ())
        if not fixes:  # not behind a warm-up that holds the lock for another service
            return
        with self._fix_lock:
            for fix in fixes:
                if fix not in self._applied:
                    fix()  # for the life of this process: no undo needed
                    self._applied.add(fix)

    def _create_app(self, service: Any) -> Any:
        self._fix(service)
        return self._create_backend_app(service)


def main(argv: list[str]) -> int:
    """Start, say where (one JSON line on stdout), serve until stdin closes."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")  # moto's "Tried to parse ..." notes: stderr is not read
    try:
        trim_moto()
        lambda_without_docker()
        server = Server(int(argv[argv.index(FD_FLAG) + 1]) if FD_FLAG in argv else None)
    except Exception as exc:  # the parent words it; this process has no terminal of its own
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        return 1
    print(json.dumps({"url": server.url}), flush=True)
    if SEED_FLAG in argv:  # the parent's seed then finds it made (or waits for it)
        threading.Thread(target=server.prepare, args=(WARM_FLAG in argv,), daemon=True).start()
    sys.stdin.buffer.read()  # EOF: the parent stopped us, or ended
    os._exit(0)  # nothing to save: moto's state ends with the emulator, as --local says


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
