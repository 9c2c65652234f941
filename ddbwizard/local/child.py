"""A function run as Lambda runs it: a child process pulling invocations from a loopback Runtime API.

Python and Node.js run through ddbwizard's own small bootstraps (local/bootstraps/), Go as
its ``bootstrap``. The process gets Lambda's environment (LAMBDA_TASK_ROOT, _HANDLER,
AWS_LAMBDA_RUNTIME_API...) plus the function's; its stdout and stderr go to a file, read
after each invocation (the runtimes write their lines before posting the result). A timeout
is Lambda's Sandbox.Timedout: the process is killed and the next invocation starts a new
one, as it does after the process exits (an init error, a crash).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from ddbwizard.core.errors import UsageError
from ddbwizard.local.runtime_api import FunctionError, InvokeResult, RuntimeApi

RuntimeKind = Literal["python", "nodejs", "go"]
BOOTSTRAPS = Path(__file__).resolve().parent / "bootstraps"
STOP_GRACE_SECONDS = 2.0
NODE_HINT = "Install Node.js 18 or newer (https://nodejs.org) and make sure `node` is on PATH."


@dataclass(frozen=True)
class FunctionProcess:
    """What to run: the runtime, the code folder, the handler and the function's environment."""

    kind: RuntimeKind
    code_dir: Path
    handler: str  # module.function; "bootstrap" for go
    env: Mapping[str, str]
    function_arn: str
    timeout: float  # seconds


@dataclass(frozen=True)
class Invocation:
    """One invocation: the lines the process wrote meanwhile, and its result."""

    lines: list[str]
    result: InvokeResult


def command(spec: FunctionProcess) -> list[str]:
    """The command line that starts the runtime for `spec`."""
    if spec.kind == "python":
        return [sys.executable, str(BOOTSTRAPS / "python_runtime.py")]
    if spec.kind == "nodejs":
        node = shutil.which("node")
        if node is None:
            raise UsageError(
                "a Node.js function needs `node` to run locally: it is not on PATH", NODE_HINT
            )
        return [node, str(BOOTSTRAPS / "node_runtime.mjs")]
    return [str(spec.code_dir / spec.handler)]


class ChildRuntime:
    """One function's execution environment: started on the first invoke, restarted as needed."""

    def __init__(self, spec: FunctionProcess, output: Path) -> None:
        self.spec = spec
        self._output_path = output
        self._read = 0
        self._lock = threading.Lock()
        self._api: RuntimeApi | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def invoke(self, event: object) -> Invocation:
        """Run the function on `event`; its lines and result (errors included, never raised)."""
        with self._lock:
            if self._process is None:
                self._start()
            assert self._api is not None
            assert self._process is not None
            result = self._api.invoke(event, self.spec.timeout)
            timed_out = result.error is not None and result.error.error_type == "Sandbox.Timedout"
            if timed_out or self._process.poll() is not None or self._api.init_error:
                self._stop()
            return Invocation(self._new_lines(), result)

    def _start(self) -> None:
        argv = command(self.spec)
        api = RuntimeApi(self.spec.function_arn)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",  # as Lambda's Python runtime: a killed process loses no line
            **self.spec.env,
            "LAMBDA_TASK_ROOT": str(self.spec.code_dir),
            "_HANDLER": self.spec.handler,
            "AWS_LAMBDA_RUNTIME_API": api.address,
        }
        with self._output_path.open("ab") as output:
            try:
                process = subprocess.Popen(
                    argv,
                    cwd=self.spec.code_dir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            except OSError as exc:
                api.close()
                raise UsageError(f"cannot start {argv[0]}: {exc.strerror or exc}") from None
        self._api, self._process = api, process
        threading.Thread(
            target=_watch, args=(process, api), name="local-runtime-exit", daemon=True
        ).start()

    def _stop(self) -> None:
        process, api = self._process, self._api
        self._process = self._api = None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if api is not None:
            api.close()

    def _new_lines(self) -> list[str]:
        with self._output_path.open("rb") as output:
            output.seek(self._read)
            data = output.read()
        self._read += len(data)
        lines = data.decode("utf-8", "replace").split("\n")
        if lines[-1] == "":
            lines.pop()
        return lines

    def close(self) -> None:
        with self._lock:
            self._stop()

    def __enter__(self) -> ChildRuntime:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _watch(process: subprocess.Popen[bytes], api: RuntimeApi) -> None:
    """When the runtime exits, its waiting invocation fails as Lambda reports it."""
    status = process.wait()
    api.runtime_exited(
        FunctionError("Runtime.ExitError", f"Runtime exited with error: exit status {status}")
    )
