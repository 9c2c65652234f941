"""Where a deployed function's code is, for the --local poller to run it.

A function deployed from the artifacts bucket (your code, the Go echo) is found by its
CodeSha256 at its content-addressed key and unpacked; a function with inline code runs the
echo of its runtime. A Go ``bootstrap`` runs on this machine only when built for its
architecture: the Go echo is rebuilt for it; your own Go code must be deployed with
function.architecture set to this machine's.
"""

from __future__ import annotations

import base64
import io
import platform
import stat
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ddbwizard.core.aws.errors import error_code
from ddbwizard.core.errors import UsageError
from ddbwizard.core.model.documents import write_atomic
from ddbwizard.core.template.artifacts import ARTIFACTS_STACK, BUCKET_NAME_OUTPUT, artifact_key
from ddbwizard.core.template.gobuild import BOOTSTRAP, Architecture, build_bootstrap
from ddbwizard.core.template.handlers import handler_source, templates_dir
from ddbwizard.local.child import RuntimeKind

if TYPE_CHECKING:
    from ddbwizard.core.aws.facade import Aws

HOST_ARCHITECTURES: dict[str, Architecture] = {
    "x86_64": "x86_64",
    "amd64": "x86_64",
    "aarch64": "arm64",
    "arm64": "arm64",
}
# ELF e_machine (bytes 18-19, little-endian) of each architecture's binaries.
ELF_MACHINES: dict[int, Architecture] = {0x3E: "x86_64", 0xB7: "arm64"}
_RUNTIME_KINDS: tuple[tuple[str, RuntimeKind], ...] = (
    ("python", "python"),
    ("nodejs", "nodejs"),
    ("provided", "go"),
)
_INLINE_FILES: dict[str, str] = {"python": "index.py", "nodejs": "index.js"}


def host_architecture() -> Architecture:
    machine = platform.machine().lower()
    if machine not in HOST_ARCHITECTURES:
        raise UsageError(f"--local runs Go functions on x86_64 or arm64, not {machine}")
    return HOST_ARCHITECTURES[machine]


def runtime_kind(runtime: str) -> RuntimeKind:
    for prefix, kind in _RUNTIME_KINDS:
        if runtime.startswith(prefix):
            return kind
    raise UsageError(f"--local cannot run the {runtime} runtime")


def elf_architecture(path: Path) -> Architecture | None:
    header = path.read_bytes()[:20]
    if len(header) < 20 or header[:4] != b"\x7fELF":
        return None
    return ELF_MACHINES.get(int.from_bytes(header[18:20], "little"))


def unpack(data: bytes, folder: Path) -> Path:
    """Extract a zip, keeping its files' modes (zipfile drops them), once per folder."""
    if folder.is_dir():
        return folder
    partial = folder.with_name(folder.name + ".partial")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            target = Path(archive.extract(info, partial))
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                target.chmod(mode | stat.S_IRUSR)
    partial.rename(folder)
    return folder


class LocalCode:
    """Finds and prepares each function's code under `root` (a scratch folder)."""

    def __init__(self, aws: Aws, root: Path) -> None:
        self._aws = aws
        self._root = root
        self._bucket: str | None = None

    def resolve(self, function: Mapping[str, Any], table: str) -> tuple[RuntimeKind, Path, str]:
        """(runtime kind, code folder, handler) for a GetFunctionConfiguration answer."""
        kind = runtime_kind(str(function.get("Runtime", "")))
        handler = str(function.get("Handler") or "index.handler")
        zipped = self._artifact(str(function.get("CodeSha256") or ""), table)
        if zipped is None:
            return kind, self._inline_echo(kind), handler if kind != "go" else BOOTSTRAP
        folder = unpack(
            zipped, self._root / "code" / base64.b64decode(function["CodeSha256"]).hex()
        )
        if kind == "go":
            return kind, self._runnable_go(folder, function), BOOTSTRAP
        return kind, folder, handler

    def _artifact(self, code_sha256: str, table: str) -> bytes | None:
        """The function's zip from the artifacts bucket, or None (inline code)."""
        bucket = self._artifacts_bucket()
        if not code_sha256 or bucket is None:
            return None
        key = artifact_key(table, base64.b64decode(code_sha256).hex())
        try:
            return self._aws.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if error_code(exc) in {"NoSuchKey", "404", "NoSuchBucket"}:
                return None
            raise

    def _artifacts_bucket(self) -> str | None:
        if self._bucket is None:
            stack = self._aws.cloudformation().describe(ARTIFACTS_STACK)
            found = [] if stack is None else stack.get("Outputs", [])
            outputs = {o.get("OutputKey"): o.get("OutputValue") for o in found}
            self._bucket = outputs.get(BUCKET_NAME_OUTPUT)
        return self._bucket

    def _inline_echo(self, kind: RuntimeKind) -> Path:
        if kind == "go":
            return self._go_echo(host_architecture())
        folder = self._root / f"echo-{kind}"
        if not folder.is_dir():
            folder.mkdir(parents=True)
            write_atomic(folder / _INLINE_FILES[kind], handler_source(kind))
        return folder

    def _go_echo(self, architecture: Architecture) -> Path:
        folder = self._root / f"go-echo-{architecture}"
        if not (folder / BOOTSTRAP).is_file():
            build_bootstrap(templates_dir() / "go", folder, architecture)
        return folder

    def _runnable_go(self, folder: Path, function: Mapping[str, Any]) -> Path:
        """`folder` if its bootstrap runs here; the host's Go echo if it is the Go echo."""
        host = host_architecture()
        built_for = elf_architecture(folder / BOOTSTRAP)
        if built_for in (None, host):
            return folder
        echo = self._go_echo(built_for) / BOOTSTRAP
        if echo.read_bytes() == (folder / BOOTSTRAP).read_bytes():
            return self._go_echo(host)
        name = function.get("FunctionName", "the function")
        raise UsageError(
            f"{name}'s bootstrap is built for {built_for}; this machine is {host}",
            f"To run it with --local, set function.architecture: {host} in the answers file.",
        )
