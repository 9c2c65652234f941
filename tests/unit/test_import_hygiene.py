"""The core stays UI-free, and start-up imports stay lazy."""

from __future__ import annotations

import subprocess
import sys

UI_MODULES = ("textual", "questionary", "prompt_toolkit", "rich")


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return {line.split(".")[0] for line in out.splitlines()}


def test_core_imports_no_ui_library() -> None:
    core = (
        "answers", "limits", "steps", "aws", "stream", "template", "handlers",
        "deploy", "local", "errors", "report", "files", "validation",
    )  # fmt: skip
    loaded = _modules_after("\n".join(f"import ddbwizard.core.{name}" for name in core))
    assert loaded.isdisjoint(UI_MODULES), loaded & set(UI_MODULES)


def test_cli_module_imports_nothing_heavy() -> None:
    loaded = _modules_after("import ddbwizard.cli")
    heavy = {"boto3", "botocore", "troposphere", "pydantic", "yaml", *UI_MODULES}
    assert loaded.isdisjoint(heavy), loaded & heavy
