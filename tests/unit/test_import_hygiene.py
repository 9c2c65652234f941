"""The core stays UI-free, and start-up imports stay lazy."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

UI_MODULES = ("textual", "questionary", "prompt_toolkit", "rich")


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return {line.split(".")[0] for line in out.splitlines()}


def _package_modules(package: str) -> list[str]:
    """Every module of a package, listed by pkgutil (a new module is checked without edits)."""
    root = importlib.import_module(package)
    return [package] + [
        info.name for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}.")
    ]


def test_core_imports_no_ui_library_nor_the_emulator() -> None:
    core = _package_modules("ddbwizard.core")
    assert "ddbwizard.core.aws.facade" in core  # the walk does reach subpackages
    script = f"{chr(10).join(f'import {name}' for name in core)}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(out.splitlines())
    top = {name.split(".")[0] for name in loaded}
    assert top.isdisjoint(UI_MODULES), top & set(UI_MODULES)
    assert "moto" not in top
    assert not {name for name in loaded if name.startswith("ddbwizard.local")}


def test_model_and_template_import_no_boto3() -> None:
    modules = _package_modules("ddbwizard.core.model") + _package_modules("ddbwizard.core.template")
    loaded = _modules_after("\n".join(f"import {name}" for name in modules))
    assert loaded.isdisjoint({"boto3", "botocore"}), loaded & {"boto3", "botocore"}


def test_cli_module_imports_nothing_heavy() -> None:
    loaded = _modules_after("import ddbwizard.cli")
    heavy = {"boto3", "botocore", "troposphere", "pydantic", "yaml", *UI_MODULES}
    assert loaded.isdisjoint(heavy), loaded & heavy


def test_every_name_of_the_public_api_resolves() -> None:
    from ddbwizard import core

    missing = []
    for name in core.__all__:
        try:
            getattr(core, name)
        except (AttributeError, ImportError):
            missing.append(name)
    assert missing == []
