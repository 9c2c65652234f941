"""Building a Go handler into ``bootstrap``, the static binary Lambda's provided runtimes run.

Pure subprocess (no AWS). The build is reproducible: the same source and Go toolchain give
the same bytes (no paths, VCS stamp or build id in the binary, no cgo, the module's own
requirements only). The build cache is ddbwizard's own, under the user's cache directory;
nothing is written into the source directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Literal

from ddbwizard.core.errors import UsageError

Architecture = Literal["x86_64", "arm64"]

GOARCH: dict[Architecture, str] = {"x86_64": "amd64", "arm64": "arm64"}
BOOTSTRAP = "bootstrap"
INSTALL_HINT = (
    "Install Go 1.19 or newer (https://go.dev/doc/install; Debian/Ubuntu: "
    "`sudo apt-get install golang-go`, macOS: `brew install go`), make sure `go` is on PATH, "
    "and run again."
)


def find_go() -> str:
    """The ``go`` command on PATH; a :class:`UsageError` saying how to install Go if none."""
    go = shutil.which("go")
    if go is None:
        raise UsageError("the Go handler needs Go to build it: `go` is not on PATH", INSTALL_HINT)
    return go


def go_cache_dir() -> Path:
    """ddbwizard's Go build cache (``$XDG_CACHE_HOME`` or ``~/.cache``, then ddbwizard/go-build)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).absolute() / "ddbwizard" / "go-build"


def build_env(architecture: Architecture) -> dict[str, str]:
    """The environment of ``go build``: the user's, with every setting the output depends on."""
    return {
        **os.environ,
        "CGO_ENABLED": "0",
        "GOOS": "linux",
        "GOARCH": GOARCH[architecture],
        "GOAMD64": "v1",
        "GOARM64": "v8.0",
        "GOFLAGS": "-mod=readonly",
        "GO111MODULE": "on",
        "GOWORK": "off",
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOCACHE": str(go_cache_dir()),
    }


def build_bootstrap(source_dir: Path, out_dir: Path, architecture: Architecture) -> Path:
    """Build the Go main package in ``source_dir`` into ``out_dir/bootstrap`` for Linux.

    Raises :class:`UsageError` when Go is missing or the build fails (with Go's output).
    """
    go = find_go()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / BOOTSTRAP
    command = [go, "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="]
    proc = subprocess.run(
        [*command, "-o", str(out.resolve()), "."],
        cwd=source_dir,
        env=build_env(architecture),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        output = (proc.stderr or proc.stdout).strip()
        raise UsageError(
            f"go build failed in {source_dir} ({architecture}):\n{output}",
            "Fix the Go source (or run `go build` there to see the error), then run again.",
        )
    return out
