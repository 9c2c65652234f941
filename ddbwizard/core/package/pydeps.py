"""Python dependencies for Lambda: pip installs requirements.txt as Linux wheels for the runtime.

`pip install --target` with the function's platform (manylinux2014 x86_64 or aarch64), CPython
and the runtime's Python version, wheels only: what is installed is what Lambda can import,
whatever machine packages it. A requirement with no such wheel is refused by name.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ddbwizard.core.errors import UsageError
from ddbwizard.core.model import limits

PIP: tuple[str, ...] = (sys.executable, "-m", "pip")
_NO_WHEEL = re.compile(
    r"(?:Could not find a version that satisfies the requirement|"
    r"No matching distribution found for)\s+(?P<name>[^\s(;]+)"
)


def python_version(runtime: str) -> str:
    """'python3.13' -> '3.13'."""
    return runtime.removeprefix("python")


def pip_command(
    requirements: Path, target: Path, runtime: str, architecture: limits.Architecture
) -> list[str]:
    """The pip arguments (after the pip executable) that install `requirements` for Lambda."""
    return [
        "install", "--quiet", "--disable-pip-version-check", "--no-input", "--no-compile",
        "--target", str(target),
        "--platform", limits.PYTHON_PLATFORM[architecture],
        "--implementation", "cp",
        "--python-version", python_version(runtime),
        "--only-binary=:all:",
        "-r", str(requirements),
    ]  # fmt: skip


def missing_wheel(stderr: str) -> str | None:
    """The requirement pip found no wheel for, from its error output, or None."""
    match = _NO_WHEEL.search(stderr)
    return None if match is None else match["name"]


def install_requirements(
    requirements: Path,
    target: Path,
    runtime: str,
    architecture: limits.Architecture,
    pip: Sequence[str] = PIP,
) -> None:
    """Install `requirements` into `target` as Lambda's `runtime` on `architecture` needs them."""
    target.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [*pip, *pip_command(requirements, target, runtime, architecture)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode == 0:
        return
    platform = limits.PYTHON_PLATFORM[architecture]
    name = missing_wheel(proc.stderr)
    if name is not None:
        raise UsageError(
            f"{requirements}: {name} has no wheel for {runtime} on {platform} "
            "(Lambda cannot build packages from source)",
            f"Pin a version of {name} that publishes a {platform} or py3-none-any wheel, "
            "or choose another package.",
        )
    output = (proc.stderr or proc.stdout).strip()
    raise UsageError(
        f"pip could not install {requirements} for {runtime} on {platform}:\n{output}",
        "Run the same pip command yourself to see the problem, fix requirements.txt, run again.",
    )
