"""The embedded emulator for `--local`: moto's server, in a process of its own, with demo tables.

Everything else is the same code path as real AWS: only the endpoint differs. moto does not
run Lambda functions, so local.poller.LocalPoller plays the stream poller (re-exported here).
The server (local.server) runs as a child process: its imports and moto's models load on the
other core while the front end starts, and none of it stays in the front end's memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
import urllib.request
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from ddbwizard.core.errors import UsageError
from ddbwizard.local.demo import LOCAL_REGION
from ddbwizard.local.process import ENV, moto_found, take
from ddbwizard.local.server import SEED_PATH, WARM_PATH

if TYPE_CHECKING:  # boto3 and the facade load with the first session, not with this module
    import boto3

    from ddbwizard.core.aws.facade import Aws

START_TIMEOUT = 60.0  # seconds for the server process to answer (a cold disk cache: ~5 s)
STOP_TIMEOUT = 5.0
MOTO_HINT = "pip install 'ddbwizard[local]'"


def require_moto() -> None:
    """Fail with the install command when the optional emulator dependency is missing."""
    if not moto_found():
        raise UsageError(f"--local needs the emulator: {MOTO_HINT}")


class LocalEmulator:
    """moto's server (local.server) in a child process on 127.0.0.1, a free port, with
    dummy credentials in this process's environment.

    Use as a context manager; the environment is restored and the process ended on exit.
    Each emulator is its own process, so its own account: two never share state.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._url: str | None = None
        self._warmed = False
        self._saved_env: dict[str, str | None] = {}

    @property
    def region(self) -> str:
        return LOCAL_REGION

    @property
    def endpoint_url(self) -> str:
        if self._url is None:
            raise RuntimeError("the emulator is not running: call start() or use `with`")
        return self._url

    def start(self) -> LocalEmulator:
        """launch(), then wait until the server answers."""
        self.launch()
        self.wait_ready()
        return self

    def launch(self) -> LocalEmulator:
        """Start the server process (or take start_early's) and set the environment; its URL
        is known at once, and a request waits until it answers. wait_ready() says whether
        it started."""
        require_moto()
        self._saved_env = {key: os.environ.get(key) for key in ENV}
        for key, value in ENV.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        try:
            server = take()
        except OSError as exc:  # no loopback socket, no process: said, not a traceback
            self.stop()
            raise UsageError(
                f"The embedded emulator (moto) did not start: {exc}", MOTO_HINT
            ) from None
        self._process, self._url = server.process, server.url
        return self

    def wait_ready(self) -> None:
        """Until the server answers; its error (or its silence) raised, and it stopped."""
        if self._process is None:
            raise RuntimeError("the emulator is not running: call launch() first")
        try:
            _ready(self._process)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            _end(process)
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
        import boto3

        return boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=LOCAL_REGION
        )

    def aws(self) -> Aws:
        """The facade pointed at this emulator."""
        from ddbwizard.core.aws.facade import Aws

        return Aws(self.session(), self.endpoint_url)

    def seed(self) -> None:
        """Create the demo tables (fixed stream ARNs), their items, a queue and a topic, in
        the server's own process (local.server.seed). Idempotent."""
        self._post(SEED_PATH)

    def warm(self) -> None:
        """Have the server load what a deploy needs (moto's CloudFormation) in the
        background, now: the first DescribeStacks then does not wait ~0.6 s for its imports.
        Once; only a head start: a server that does not answer it loads them when asked."""
        if self._warmed:
            return
        self._warmed = True
        with contextlib.suppress(OSError):  # urllib's errors are OSErrors
            self._post(WARM_PATH)

    def _post(self, path: str) -> None:
        request = urllib.request.Request(f"{self.endpoint_url}{path}", data=b"{}", method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()


def _ready(process: subprocess.Popen[bytes]) -> None:
    """The server's first line says it answers; its error (or its silence) raised as such."""
    assert process.stdout is not None
    line = _first_line(process.stdout)
    try:
        said: dict[str, Any] = json.loads(line) if line else {}
    except ValueError:
        said = {}
    if "url" in said:
        return
    why = said.get("error") or (
        f"it ended with exit code {process.poll()}"
        if process.poll() is not None
        else f"it did not answer within {START_TIMEOUT:g} s"
    )
    raise UsageError(f"The embedded emulator (moto) did not start: {why}", MOTO_HINT)


def _first_line(stream: IO[bytes]) -> str:
    """One line of `stream`, or "" after START_TIMEOUT (a reader thread: pipes do not time out)."""
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    return got[0].decode("utf-8", "replace").strip() if got else ""


def _end(process: subprocess.Popen[bytes]) -> None:
    """Close its stdin (the server's cue to stop), then wait; kill it if it does not end."""
    if process.stdin is not None:
        with contextlib.suppress(OSError):  # a server that ended already
            process.stdin.close()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
