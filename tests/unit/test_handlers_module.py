"""ddbwizard.core.template.handlers: finding the handler templates and inlining them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ddbwizard.core.template import handlers
from ddbwizard.core.template.handlers import (
    CJS_EXPORT_LINE,
    ESM_EXPORT_LINE,
    HANDLER_ENTRY,
    HandlerTemplateError,
    handler_source,
    template_path,
    template_source,
    templates_dir,
    to_commonjs,
)

REPO = Path(__file__).resolve().parents[2]
MAX_INLINE_BYTES = 20_000


def test_templates_found_in_source_checkout() -> None:
    assert templates_dir() == REPO / "handler_templates"
    assert template_path("python") == REPO / "handler_templates" / "python" / "echo.py"
    assert template_path("nodejs") == REPO / "handler_templates" / "nodejs" / "echo.mjs"


def test_handler_entry() -> None:
    assert HANDLER_ENTRY == {"python": "index.handler", "nodejs": "index.handler"}


@pytest.mark.parametrize("kind", ["python", "nodejs"])
def test_sources_are_small_enough_to_inline(kind: handlers.HandlerKind) -> None:
    assert len(template_source(kind).encode("utf-8")) < MAX_INLINE_BYTES
    assert len(handler_source(kind).encode("utf-8")) < MAX_INLINE_BYTES


def test_python_source_is_the_file_and_compiles() -> None:
    source = handler_source("python")
    assert source == (REPO / "handler_templates" / "python" / "echo.py").read_text("utf-8")
    namespace: dict[str, object] = {}
    exec(compile(source, "index.py", "exec"), namespace)
    assert callable(namespace["handler"])


def test_python_source_uses_only_the_standard_library() -> None:
    source = handler_source("python")
    imports = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imports <= {"json", "math", "numbers", "os", "re", "sys"}


def test_nodejs_source_is_commonjs() -> None:
    esm = template_source("nodejs")
    cjs = handler_source("nodejs")
    esm_lines, cjs_lines = esm.splitlines(), cjs.splitlines()
    assert esm_lines.count(ESM_EXPORT_LINE) == 1
    assert ESM_EXPORT_LINE not in cjs_lines
    assert cjs_lines[-1] == CJS_EXPORT_LINE
    i = esm_lines.index(ESM_EXPORT_LINE)
    assert cjs_lines == [*esm_lines[:i], CJS_EXPORT_LINE, *esm_lines[i + 1 :]]
    assert not any(line.startswith("export ") for line in cjs_lines)
    assert "\nimport " not in esm
    assert "require(" not in esm


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")
def test_nodejs_inline_source_loads_as_commonjs(tmp_path: Path) -> None:
    index = tmp_path / "index.js"  # what CloudFormation writes for inline Node.js code
    index.write_text(handler_source("nodejs"), encoding="utf-8")
    script = (
        "const m = require(process.argv[1]);"
        "process.stdout.write(typeof m.handler + ' ' + m.handler.constructor.name);"
    )
    node = shutil.which("node")
    assert node is not None
    proc = subprocess.run(
        [node, "-e", script, str(index)], capture_output=True, text=True, check=True
    )
    assert proc.stdout == "function AsyncFunction"


def test_to_commonjs_rewrites_only_the_marked_line() -> None:
    src = "const a = 1;\r\n  export { handler };  \r\n// export { handler }; in a comment\r\n"
    assert to_commonjs(src) == (
        "const a = 1;\r\nexports.handler = handler;\r\n// export { handler }; in a comment\r\n"
    )
    assert to_commonjs("export { handler };") == "exports.handler = handler;"


@pytest.mark.parametrize(
    "src", ["function handler() {}\n", "export { handler };\nexport { handler };\n"]
)
def test_to_commonjs_needs_exactly_one_export_line(src: str) -> None:
    with pytest.raises(HandlerTemplateError, match="exactly one"):
        to_commonjs(src)


def _fake_install(root: Path, *, wheel: bool, source: bool) -> Path:
    """A fake ddbwizard/core/template/handlers.py under root, with templates where asked."""
    module = root / "ddbwizard" / "core" / "template" / "handlers.py"
    module.parent.mkdir(parents=True)
    module.touch()
    if wheel:
        (root / "ddbwizard" / "handler_templates" / "python").mkdir(parents=True)
        (root / "ddbwizard" / "handler_templates" / "python" / "echo.py").write_text("# wheel\n")
    if source:
        (root / "handler_templates" / "python").mkdir(parents=True)
        (root / "handler_templates" / "python" / "echo.py").write_text("# source\n")
    return module


def test_wheel_layout_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _fake_install(tmp_path, wheel=True, source=True)
    monkeypatch.setattr(handlers, "__file__", str(module))
    assert templates_dir() == tmp_path / "ddbwizard" / "handler_templates"
    assert handler_source("python") == "# wheel\n"


def test_source_layout_is_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _fake_install(tmp_path, wheel=False, source=True)
    monkeypatch.setattr(handlers, "__file__", str(module))
    assert templates_dir() == tmp_path / "handler_templates"
    assert handler_source("python") == "# source\n"


def test_missing_templates_raise_clear_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _fake_install(tmp_path, wheel=False, source=False)
    monkeypatch.setattr(handlers, "__file__", str(module))
    with pytest.raises(HandlerTemplateError, match="handler_templates folder not found"):
        handler_source("python")


def test_missing_template_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _fake_install(tmp_path, wheel=False, source=True)
    monkeypatch.setattr(handlers, "__file__", str(module))
    with pytest.raises(HandlerTemplateError, match="handler template missing"):
        handler_source("nodejs")


def test_unknown_kind() -> None:
    with pytest.raises(HandlerTemplateError, match="unknown handler kind"):
        template_path("ruby")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["python", "nodejs"])
def test_sources_are_ascii(kind: handlers.HandlerKind) -> None:
    """Inline code goes into a template body: keep it plain ASCII."""
    assert handler_source(kind).isascii()
