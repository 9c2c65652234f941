"""Template gates: checkov over every example template and the cfn-lint option matrix.

The matrix is the one tests/unit/test_template.py lints with cfn-lint (imported from there).
checkov lives in its own virtual environment (its dependencies conflict with ours): set
DDBWIZARD_CHECKOV to its executable, or create .venv-checkov as .ci/run does. Without it the
test is skipped locally; .ci/run exports DDBWIZARD_CHECKOV, so in CI it always runs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ddbwizard.core.model.answers import answers_from_data
from ddbwizard.core.template import artifacts, build as tpl

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "examples" / "templates"


def _matrix_module() -> ModuleType:
    """tests/unit/test_template.py, loaded under its own name (its folder is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "ddbwizard_template_matrix", ROOT / "tests" / "unit" / "test_template.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checkov_executable() -> str:
    configured = os.environ.get("DDBWIZARD_CHECKOV")
    if configured:
        if not Path(configured).is_file():
            pytest.fail(f"DDBWIZARD_CHECKOV={configured} does not exist")
        return configured
    beside = ROOT / ".venv-checkov" / "bin" / "checkov"
    if beside.is_file():
        return str(beside)
    pytest.skip(
        "checkov is not installed: python3 -m venv .venv-checkov && "
        ".venv-checkov/bin/pip install checkov (or set DDBWIZARD_CHECKOV)"
    )


def packaged_files(folder: Path) -> list[Path]:
    """The artifacts bucket stack, and a function deployed from it with a statement of yours."""
    ref = artifacts.ArtifactRef("ddbwizard-artifacts-b1", artifacts.artifact_key("t", "0" * 64))
    statement = {"Action": ["xray:PutTraceSegments"], "Resource": ["*"]}
    function = {"handler": "go", "policy_statements": [statement]}
    answers = answers_from_data({"table": {"name": "t01"}, "function": function})
    stream = "arn:aws:dynamodb:us-east-1:123456789012:table/t01/stream/2026-01-01T00:00:00.000"
    texts = {
        "artifacts.yaml": tpl.render(artifacts.build_artifacts_template()),
        "packaged.yaml": tpl.render(tpl.build_template(answers, stream, ref)),
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in texts]


def template_files(folder: Path) -> list[Path]:
    """The example goldens, the packaged-code templates and the whole cfn-lint matrix (a
    quarter of it as JSON)."""
    matrix = _matrix_module()
    answers = [matrix.matrix_answers(row) for row in matrix.matrix_rows()]
    files = list(matrix.matrix_files(answers, folder))
    for golden in sorted(GOLDEN.glob("*.yaml")):
        copy = folder / f"golden-{golden.name}"
        copy.write_text(golden.read_text(encoding="utf-8"), encoding="utf-8")
        files.append(copy)
    return files + packaged_files(folder)


def test_every_skip_has_a_reason() -> None:
    for logical_id, skips in {**tpl.CHECKOV_SKIPS, **artifacts.CHECKOV_SKIPS}.items():
        assert skips, logical_id
        for check, reason in skips:
            assert check.startswith("CKV_AWS_")
            assert len(reason) > 30, (check, reason)


def test_checkov_finds_nothing_but_the_documented_skips(tmp_path: Path) -> None:
    executable = checkov_executable()
    files = template_files(tmp_path)
    assert len(files) >= 70
    started = time.monotonic()
    result = subprocess.run(
        [executable, "--skip-download", "--framework", "cloudformation", "--output", "json",
         "--compact", "--directory", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": ""},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.stdout.strip(), result.stderr
    report: Any = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    failed = [c for r in reports for c in r["results"]["failed_checks"]]
    skipped = [c for r in reports for c in r["results"]["skipped_checks"]]
    summary = [r["summary"] for r in reports]
    assert sum(s["parsing_errors"] for s in summary) == 0, summary
    assert not failed, "\n".join(
        f"{c['check_id']} {c['resource']} {c['file_path']}: {c['check_name']}" for c in failed
    )
    assert result.returncode == 0, result.stderr
    every = (*tpl.CHECKOV_SKIPS.values(), *artifacts.CHECKOV_SKIPS.values())
    allowed = {check for skips in every for check, _ in skips}
    assert skipped
    for check in skipped:
        assert check["check_id"] in allowed, check["check_id"]
        comment = check.get("check_result", {}).get("suppress_comment", "")
        assert len(comment) > 30, check
    assert sum(s["passed"] for s in summary) > 0
    scanned = {c["file_abs_path"] for r in reports for c in r["results"]["passed_checks"]}
    assert len(scanned) == len(files)
    print(f"checkov: {len(files)} templates, {len(skipped)} documented skips, 0 failures")
    assert elapsed < 120, f"checkov took {elapsed:.0f} s for {len(files)} templates"
