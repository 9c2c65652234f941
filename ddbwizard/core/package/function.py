"""Package the function the answers describe: your code (python, nodejs, go) or the Go echo.

`package_function(answers, base_dir, work_dir)` gives the Artifact to upload, or None when
the function's code is inline (the python and nodejs echoes). `base_dir` is the answers
file's folder: function.code is relative to it.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from ddbwizard.core.errors import UsageError
from ddbwizard.core.model import limits
from ddbwizard.core.model.answers import Answers, Function
from ddbwizard.core.package.archive import Artifact, collect, write_zip
from ddbwizard.core.package.pydeps import PIP, install_requirements
from ddbwizard.core.template.gobuild import BOOTSTRAP, build_bootstrap
from ddbwizard.core.template.handlers import templates_dir

REQUIREMENTS = "requirements.txt"
NODE_SUFFIXES = (".js", ".mjs", ".cjs")


def code_dir(function: Function, base_dir: Path) -> Path:
    """The folder function.code names (relative to `base_dir`); a UsageError if it is none."""
    assert function.code is not None
    folder = (base_dir / function.code).resolve()
    if not folder.is_dir():
        raise UsageError(
            f"function.code: {folder} is not a folder",
            "function.code is relative to the answers file's folder.",
        )
    return folder


def package_function(
    answers: Answers, base_dir: Path, work_dir: Path, *, pip: Sequence[str] = PIP
) -> Artifact | None:
    """The zip to deploy for `answers` (written under `work_dir`), or None for inline code."""
    function = answers.function
    if not function.packaged:
        return None
    out = work_dir / f"{answers.function_name}.zip"
    if function.handler == "go":
        source = templates_dir() / "go"
        if function.code is not None:
            source = code_dir(function, base_dir) / function.go_entry
        return package_go(source, work_dir / "go", out, function)
    folder = code_dir(function, base_dir)
    entries = collect(folder)
    if function.handler == "python" and (folder / REQUIREMENTS).is_file():
        deps = work_dir / "python-deps"
        shutil.rmtree(deps, ignore_errors=True)
        install_requirements(
            folder / REQUIREMENTS, deps, function.runtime, function.architecture, pip
        )
        entries = {**collect(deps), **entries}  # your own files win over a dependency's
    check_entry(function.handler, function.code_entry, entries)
    return write_zip(entries, out)


def package_go(source: Path, build_dir: Path, out: Path, function: Function) -> Artifact:
    """Build the Go main package in `source` for the function's architecture; zip `bootstrap`."""
    if not source.is_dir():
        raise UsageError(f"function.entry: {source} is not a folder (the Go main package)")
    bootstrap = build_bootstrap(source, build_dir, function.architecture)
    return write_zip({BOOTSTRAP: bootstrap}, out)


def check_entry(handler: str, entry: str, entries: Mapping[str, Path]) -> None:
    """A UsageError when the module `entry` names is not in the package."""
    module = entry.rsplit(".", 1)[0]
    if handler == "python":
        path = PurePosixPath(*module.split("."))
        candidates = [f"{path}.py", f"{path}/__init__.py"]
    else:
        candidates = [f"{module}{suffix}" for suffix in NODE_SUFFIXES]
    if not any(name in entries for name in candidates):
        raise UsageError(
            f"function.entry: {entry} needs {' or '.join(candidates)} in function.code, "
            "and there is none",
            "Check function.entry (module.function) against the files of function.code.",
        )


def describe_code(answers: Answers, base_dir: Path) -> str:
    """function.code checked as the packager will check it (no pip, no build): the folder,
    the entry's module, the size; one line for a wizard, or a UsageError saying what is wrong."""
    function = answers.function
    if function.code is None:
        return ""
    folder = code_dir(function, base_dir)
    entries = collect(folder)
    if function.handler == "go":
        main = folder / function.go_entry
        if not any(main.glob("*.go")):
            raise UsageError(f"function.entry: {main} holds no .go file (the Go main package)")
    else:
        check_entry(function.handler, function.code_entry, entries)
    size = sum(path.stat().st_size for path in entries.values())
    if size > limits.CODE_UNZIPPED_MAX_BYTES:
        raise UsageError(
            f"function.code: {size:,} bytes, over Lambda's {limits.CODE_UNZIPPED_MAX_BYTES:,} "
            "(250 MB unzipped)"
        )
    extra = ", plus requirements.txt to install" if (folder / REQUIREMENTS).is_file() else ""
    return f"{len(entries)} files, {size:,} bytes; entry {function.code_entry} found{extra}"
