"""The emulator server's process (local.server): spawned on a socket this process binds.

Binding here means the URL is known the moment the process starts, so a front end can make
its clients while the server boots (~0.5 s of moto's imports), and nothing races for a port:
the server inherits the listening socket, and a request sent before it accepts waits in the
socket's backlog. This module is light on purpose (no json, urllib or moto): the CLI imports
it before the front end's own imports, and the server starts booting only once it has.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
from dataclasses import dataclass

from ddbwizard.local.demo import LOCAL_REGION

FD_FLAG = "--fd"  # the inherited listening socket's descriptor
SEED_FLAG = "--seed"  # seed the demo account, and answer the first calls once, at once
WARM_FLAG = "--warm"  # then warm a deploy's services too (a run that deploys at once)
HOST = "127.0.0.1"
ENV = {
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


@dataclass(frozen=True)
class ServerProcess:
    """A started server process and the URL it serves on (it may still be booting)."""

    process: subprocess.Popen[bytes]
    url: str


_early: list[ServerProcess] = []  # start_early's process, until take() takes it


def moto_found() -> bool:
    try:
        return importlib.util.find_spec("moto") is not None  # "moto.server" would import moto
    except (ImportError, ValueError):
        return False


def start_early(warm: bool = False) -> None:
    """Start the server process now, before the front end's own imports: it boots on the
    other core meanwhile, and the next take() gets it. One not taken ends with this process
    (its stdin closes). Without moto, nothing: LocalEmulator.start() says so.

    Every --local run seeds the demo account, so the server seeds it as soon as it answers,
    and answers one GetCallerIdentity and one ListTables to itself (moto builds a service's
    app and templates on its first request), while this process is still starting.
    `warm`: a run that deploys at once (an answers file): then a deploy's services too.
    """
    if not _early and moto_found():
        with contextlib.suppress(OSError):  # a head start only: take() tries again and says why
            _early.append(spawn(seed=True, warm=warm))


def take() -> ServerProcess:
    """start_early's process if there is one (once), else a new one."""
    return _early.pop() if _early else spawn()


def spawn(seed: bool = False, warm: bool = False) -> ServerProcess:
    listener = socket.create_server((HOST, 0))
    try:
        fd = listener.fileno()
        env = {key: value for key, value in os.environ.items() if key not in ENV}
        env.update({key: value for key, value in ENV.items() if value is not None})
        process = subprocess.Popen(
            # -P: the installed modules, never the current folder's
            [
                sys.executable,
                "-P",
                "-m",
                "ddbwizard.local.server",
                FD_FLAG,
                str(fd),
                *([SEED_FLAG] if seed else []),
                *([WARM_FLAG] if warm else []),
            ],
            pass_fds=(fd,),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # never onto the wizard's screen
            env=env,
            start_new_session=True,  # the terminal's Ctrl-C is the wizard's, not the server's
        )
        return ServerProcess(process, f"http://{HOST}:{listener.getsockname()[1]}")
    finally:
        listener.close()  # the server's copy is the one that accepts
