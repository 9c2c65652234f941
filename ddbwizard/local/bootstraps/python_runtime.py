"""ddbwizard's local Python runtime: Lambda's Runtime API loop around a handler (stdlib only).

Run as ``python python_runtime.py`` with AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT (the code
folder) and _HANDLER (module.function) set, as Lambda sets them. It imports the handler once
(an import failure goes to /runtime/init/error), then for each event calls it with a context
like Lambda's and posts the result (JSON) or the error. stdout is flushed before each post,
so whoever reads it sees an invocation's lines once its result is in.

Not AWS's awslambdaric: it builds a C extension at install time (a compiler, cmake and
libcurl's headers) to do what these 80 lines of stdlib do against the same Runtime API.
"""

from __future__ import annotations

import http.client
import importlib
import json
import os
import sys
import time
import traceback
from typing import Any

PREFIX = "/2018-06-01/runtime"


class Context:
    """The handler's second argument, as Lambda's Python runtime gives it."""

    def __init__(self, headers: Any) -> None:
        env = os.environ
        self.aws_request_id = headers["Lambda-Runtime-Aws-Request-Id"]
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def error_document(exc: BaseException) -> bytes:
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    document = {"errorMessage": str(exc), "errorType": type(exc).__name__, "stackTrace": lines}
    return json.dumps(document).encode()


def post(conn: http.client.HTTPConnection, path: str, body: bytes, error: str = "") -> None:
    headers = {"Content-Type": "application/json"}
    if error:
        headers["Lambda-Runtime-Function-Error-Type"] = error
    conn.request("POST", PREFIX + path, body=body, headers=headers)
    conn.getresponse().read()


def load_handler() -> Any:
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    module_name, _, function_name = os.environ["_HANDLER"].rpartition(".")
    module = importlib.import_module(module_name)
    return getattr(module, function_name)


def main() -> int:
    conn = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler()
    except Exception as exc:
        post(conn, "/init/error", error_document(exc), "Runtime.ImportModuleError")
        return 1
    while True:
        conn.request("GET", PREFIX + "/invocation/next")
        answer = conn.getresponse()
        body = answer.read()
        if answer.status != 200:  # the API is closing
            return 0
        context = Context(answer.headers)
        request_id = context.aws_request_id
        try:
            result = json.dumps(handler(json.loads(body), context)).encode()
        except Exception as exc:
            sys.stdout.flush()
            post(conn, f"/invocation/{request_id}/error", error_document(exc), "Unhandled")
            continue
        sys.stdout.flush()
        post(conn, f"/invocation/{request_id}/response", result)


if __name__ == "__main__":
    sys.exit(main())
