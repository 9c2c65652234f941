"""A hung endpoint (it accepts connections and never answers): progress within seconds.

botocore would wait its read timeout on each of its attempts in silence; the facade's
watcher (core.aws.slow) says which call waits, where and for how long, and Ctrl-C or
SIGTERM ends the run with the change log as always.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from ddbwizard.core.aws.slow import SlowCalls


@pytest.fixture
def hung_endpoint() -> Iterator[str]:
    """A TCP server that accepts every connection and never writes a byte."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://key:secret@127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    for connection in held:
        connection.close()
    server.close()


def test_a_hung_endpoint_is_said_within_seconds_and_sigterm_ends_the_run(
    hung_endpoint: str, tmp_path: Path
) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("version: 1\ntable:\n  name: orders\n", encoding="utf-8")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}
    env["AWS_DEFAULT_REGION"] = "eu-west-1"
    started = time.monotonic()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "ddbwizard", "--answers", str(answers)),
            *("--endpoint-url", hung_endpoint, "--yes"),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert process.stderr is not None
    first = process.stderr.readline()
    waited = time.monotonic() - started
    process.send_signal(signal.SIGTERM)
    rest = process.communicate(timeout=30)[1]

    assert "warning: No answer from 127.0.0.1:" in first
    assert "to sts:GetCallerIdentity for 3 s (attempt 1 of 5); still waiting" in first
    assert waited < 15  # the import, then 3 s: not botocore's 5 x 30 s of silence
    assert "secret" not in first + rest
    assert process.returncode == 130
    assert "Interrupted. Nothing was changed in AWS." in rest
    assert "Traceback" not in rest


def test_each_waiting_attempt_is_said_once_then_every_ten_seconds() -> None:
    now = [0.0]
    said: list[str] = []
    slow = SlowCalls(said.append, 5, clock=lambda: now[0])
    request: Any = SimpleNamespace(url="https://dynamodb.eu-west-1.amazonaws.com/")
    event = "before-send.dynamodb.DescribeTable"

    slow._started(request, event_name=event)
    for moment in (2.0, 3.0, 5.0, 12.9, 13.0):
        now[0] = moment
        slow.check()
    slow._answered()  # a read timeout: botocore tries again
    slow._started(request, event_name=event)
    now[0] = 16.0
    slow.check()
    slow._done()
    now[0] = 60.0
    slow.check()

    assert said == [
        "No answer from dynamodb.eu-west-1.amazonaws.com to dynamodb:DescribeTable for 3 s "
        "(attempt 1 of 5); still waiting, Ctrl-C stops",
        "No answer from dynamodb.eu-west-1.amazonaws.com to dynamodb:DescribeTable for 13 s "
        "(attempt 1 of 5); still waiting, Ctrl-C stops",
        "No answer from dynamodb.eu-west-1.amazonaws.com to dynamodb:DescribeTable for 3 s "
        "(attempt 2 of 5); still waiting, Ctrl-C stops",
    ]
