"""The echo function run here, as Lambda would run it (no AWS call).

The inline code CloudFormation gets (core.template.handlers) runs in a child process (Python:
this interpreter; Node.js: `node`) with the function's environment (the template's variables
and Lambda's own) and a context object. `--invoke-local` and the wizards' "Try it" use it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ddbwizard.core.errors import DdbWizardError, UsageError
from ddbwizard.core.model import limits
from ddbwizard.core.model.answers import Answers
from ddbwizard.core.model.documents import write_atomic
from ddbwizard.core.template.environment import function_environment, lambda_environment
from ddbwizard.core.template.handlers import handler_source
from ddbwizard.core.text import inert

EchoHandler = Literal["python", "nodejs"]
STARTUP_SECONDS = 10  # a child process's own start-up, on top of the function's timeout
NODE_MISSING = (
    "Install Node.js 22 or newer (https://nodejs.org, or your package manager: "
    "apt install nodejs, brew install node) and make sure `node` is on PATH."
)

PYTHON_RUNNER = """\
import json, sys, time, traceback
folder, event_path, context_path, result_path = sys.argv[1:5]
sys.path.insert(0, folder)
with open(event_path, encoding="utf-8") as f:
    event = json.load(f)
with open(context_path, encoding="utf-8") as f:
    names = json.load(f)
deadline = time.time() * 1000 + names.pop("timeout_ms")


class Context:
    def __init__(self):
        self.__dict__.update(names)
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self):
        return max(0, int(deadline - time.time() * 1000))


try:
    import index
    outcome = {"returned": index.handler(event, Context())}
except Exception as exc:
    traceback.print_exc()
    outcome = {"error": {"errorType": type(exc).__name__, "errorMessage": str(exc)}}
sys.stdout.flush()
with open(result_path, "w", encoding="utf-8") as f:
    json.dump(outcome, f)
"""

NODE_RUNNER = """\
"use strict";
const fs = require("fs");
const path = require("path");
const [folder, eventPath, contextPath, resultPath] = process.argv.slice(2);
const event = JSON.parse(fs.readFileSync(eventPath, "utf8"));
const names = JSON.parse(fs.readFileSync(contextPath, "utf8"));
const deadline = Date.now() + names.timeoutMs;
const context = {
  ...names,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
delete context.timeoutMs;
const finish = (outcome) => fs.writeFileSync(resultPath, JSON.stringify(outcome));
new Promise((resolve, reject) => {
  const { handler } = require(path.join(folder, "index.js"));
  const answer = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
  if (answer && typeof answer.then === "function") answer.then(resolve, reject);
}).then(
  (value) => finish({ returned: value === undefined ? null : value }),
  (error) => {
    console.error(error);
    finish({ error: { errorType: (error && error.name) || "Error", errorMessage: String((error && error.message) || error) } });
  },
);
"""


@dataclass(frozen=True)
class Invocation:
    """What the function logged (its stdout lines) and returned."""

    logged: list[str]
    returned: Any


def echo_handler(answers: Answers) -> EchoHandler:
    handler, code = answers.function.handler, answers.function.code
    if handler in ("python", "nodejs") and code is None:
        return handler
    what = "your function.code" if code is not None else f"the {handler} one"
    raise UsageError(
        f"--invoke-local runs the python and nodejs echo handlers, not {what}",
        "Set function.handler to python or nodejs (without function.code) to try the echo.",
    )


def invoke(answers: Answers, event: dict[str, Any], region: str | None) -> Invocation:
    """Run the echo handler on `event` in a child process, as the deployed code would run
    (the same inline code, environment and context); a DdbWizardError when it fails."""
    handler = echo_handler(answers)
    command = _interpreter(handler)
    where = function_region(answers, region)
    names = _context(answers, where)
    with tempfile.TemporaryDirectory(prefix="ddbwizard-invoke-") as folder:
        root = Path(folder)
        entry, runner = (
            ("index.py", "runner.py") if handler == "python" else ("index.js", "runner.cjs")
        )
        write_atomic(root / entry, handler_source(handler))
        write_atomic(root / runner, PYTHON_RUNNER if handler == "python" else NODE_RUNNER)
        write_atomic(root / "event.json", json.dumps(event))
        write_atomic(root / "context.json", json.dumps(names))
        files = [str(root / name) for name in (runner, "event.json", "context.json", "result.json")]
        paths = [files[0], str(root), *files[1:]]
        environment = _environment(answers, where, names, str(root))
        timeout = answers.function.timeout_seconds + STARTUP_SECONDS
        try:
            done = subprocess.run(
                [*command, *paths],
                capture_output=True,
                env=environment,
                cwd=root,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DdbWizardError(
                f"the {handler} echo did not finish within {answers.function.timeout_seconds} s "
                "(function.timeout_seconds): Lambda would have stopped it"
            ) from None
        outcome = _outcome(root / "result.json", done)
    logged = done.stdout.decode("utf-8", "replace").splitlines()
    return Invocation(logged=logged, returned=outcome["returned"])


def _interpreter(handler: EchoHandler) -> list[str]:
    if handler == "python":
        return [sys.executable, "-I", "-X", "utf8"]
    node = shutil.which("node")
    if node is None:
        raise UsageError(
            "`node` was not found on PATH: the nodejs echo needs Node.js", NODE_MISSING
        )
    return [node]


def _outcome(path: Path, done: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    try:
        outcome: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        outcome = {}
    error = outcome.get("error")
    if "returned" in outcome and done.returncode == 0:
        return outcome
    detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
    what = (
        f"{error['errorType']}: {error['errorMessage']}"
        if isinstance(error, dict)
        else (detail[-1] if detail else f"exit status {done.returncode}")
    )
    raise DdbWizardError(f"the function failed: {inert(what)}")


def function_region(answers: Answers, region: str | None) -> str:
    """Where the deployed function would run: --region, aws.region, the pinned stream's
    region, AWS_REGION or AWS_DEFAULT_REGION, else us-east-1 (the handler makes no AWS call)."""
    return (
        region
        or answers.aws.region
        or answers.stream.region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or "us-east-1"
    )


def _context(answers: Answers, region: str) -> dict[str, Any]:
    """The context object's values, named as the runtime names them."""
    pinned = limits.STREAM_ARN_RE.fullmatch(answers.stream.arn or "")
    account = pinned["account"] if pinned else limits.PLACEHOLDER_ACCOUNT
    name = answers.function_name
    arn = f"arn:{limits.region_partition(region)}:lambda:{region}:{account}:function:{name}"
    stream = f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
    request, memory = str(uuid.uuid4()), answers.function.memory_mb
    timeout_ms = answers.function.timeout_seconds * 1000
    if answers.function.handler == "python":
        return {
            "function_name": name,
            "function_version": "$LATEST",
            "invoked_function_arn": arn,
            "memory_limit_in_mb": memory,
            "aws_request_id": request,
            "log_group_name": answers.log_group_name,
            "log_stream_name": stream,
            "timeout_ms": timeout_ms,
        }
    return {
        "functionName": name,
        "functionVersion": "$LATEST",
        "invokedFunctionArn": arn,
        "memoryLimitInMB": str(memory),
        "awsRequestId": request,
        "logGroupName": answers.log_group_name,
        "logStreamName": stream,
        "timeoutMs": timeout_ms,
    }


def _environment(
    answers: Answers, region: str, names: dict[str, Any], folder: str
) -> dict[str, str]:
    """The deployed function's variables and no others (no credentials: the echo needs none)."""
    environment = {"PATH": os.environ.get("PATH", ""), "LANG": "en_US.UTF-8"}
    if "SYSTEMROOT" in os.environ:  # Windows needs it to start a process
        environment["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    stream = names.get("log_stream_name") or names.get("logStreamName") or ""
    return {
        **environment,
        **lambda_environment(answers, region),
        "AWS_LAMBDA_LOG_STREAM_NAME": str(stream),
        "LAMBDA_TASK_ROOT": folder,
        **function_environment(answers),
    }
