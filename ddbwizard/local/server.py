"""The emulator's own process: moto's server on 127.0.0.1 with the fixes and the demo seed.

`python -m ddbwizard.local.server` prints one JSON line when it answers (`{"url": ...}`, or
`{"error": ...}` if it could not start), then serves until its stdin closes: the parent
(local.emulator.LocalEmulator) closes it to stop it, and a parent that dies closes it too.
Out of the front end's process, moto's ~30 service models (which its CloudFormation loads)
cost the wizard neither memory nor its interpreter's time, and they load on the second core.

Besides moto's API, two paths of ddbwizard's own (POST): SEED_PATH seeds the demo account
(idempotent), and WARM_PATH loads CloudFormation and its fixes in a background thread before
a deploy asks for them (~0.9 s of imports the first change set would otherwise wait for).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import threading
import urllib.request
import warnings
from collections.abc import Callable, Iterable, Mapping
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

SEED_PATH = "/_ddbwizard/seed"
WARM_PATH = "/_ddbwizard/warm"
WARMED = ("cloudformation",)  # what a deploy needs first; its models import every other one
Environ = dict[str, Any]
StartResponse = Callable[..., Any]


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

    def __init__(self) -> None:
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
            "127.0.0.1", 0, self._app, threaded=True, request_handler=MotoRequestHandler
        )
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _app(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if method == "POST" and path == SEED_PATH:
            with self._seed_lock:
                seed()
        elif method == "POST" and path == WARM_PATH:
            threading.Thread(target=self.warm, args=(WARMED,), daemon=True).start()
        else:
            return self._moto(environ, start_response)  # type: ignore[no-any-return]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    def warm(self, services: Iterable[str]) -> None:
        """Load these services' models, urls and fixes now, outside moto's dispatcher lock
        (which would hold every other request while a service's app is made)."""
        for service in services:
            self._fix(service)
            importlib.import_module(f"moto.{service}.urls")

    def _fix(self, service: str) -> None:
        with self._fix_lock:
            for fix in FIXES_OF.get(service, ()):
                if fix not in self._applied:
                    fix()  # for the life of this process: no undo needed
                    self._applied.add(fix)

    def _create_app(self, service: Any) -> Any:
        self._fix(service)
        return self._create_backend_app(service)


def main() -> int:
    """Start, say where (one JSON line on stdout), serve until stdin closes."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")  # moto's "Tried to parse ..." notes: stderr is not read
    try:
        server = Server()
        configure_moto(server.url)
    except Exception as exc:  # the parent words it; this process has no terminal of its own
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        return 1
    print(json.dumps({"url": server.url}), flush=True)
    sys.stdin.buffer.read()  # EOF: the parent stopped us, or ended
    os._exit(0)  # nothing to save: moto's state ends with the emulator, as --local says


if __name__ == "__main__":
    sys.exit(main())
