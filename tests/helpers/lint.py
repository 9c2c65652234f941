"""cfn-lint as the tests run it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest


def cfn_lint_command() -> list[str]:
    """cfn-lint from the running interpreter's environment, informational checks included."""
    beside = Path(sys.executable).with_name("cfn-lint")
    found = str(beside) if beside.exists() else shutil.which("cfn-lint")
    if found is None:
        pytest.fail("cfn-lint is not installed (pip install -e '.[dev]')")
    return [found, "--format", "parseable", "--include-checks", "I", "--"]
