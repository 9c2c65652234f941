"""ddbwizard.core.template.gobuild: finding Go and building a reproducible bootstrap."""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
from pathlib import Path

import pytest

from ddbwizard.core.errors import EXIT_USAGE, UsageError
from ddbwizard.core.template.gobuild import (
    Architecture,
    build_bootstrap,
    build_env,
    find_go,
    go_cache_dir,
)
from ddbwizard.core.template.handlers import templates_dir

ELF_MACHINE: dict[Architecture, int] = {"x86_64": 62, "arm64": 183}  # EM_X86_64, EM_AARCH64


@pytest.fixture
def no_go(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))


@pytest.fixture
def go() -> str:
    if shutil.which("go") is None:
        if os.environ.get("DDBWIZARD_REQUIRE_GO") == "1":
            pytest.fail("DDBWIZARD_REQUIRE_GO=1, but go is not on PATH")
        pytest.skip("go is not on PATH: nothing to build with")
    return find_go()


@pytest.mark.usefixtures("no_go")
def test_missing_go_is_a_usage_error_saying_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        find_go()
    assert caught.value.exit_code == EXIT_USAGE
    assert "`go` is not on PATH" in caught.value.message
    assert caught.value.hint is not None
    assert "https://go.dev/doc/install" in caught.value.hint
    assert "golang-go" in caught.value.hint
    with pytest.raises(UsageError, match="not on PATH"):
        build_bootstrap(templates_dir() / "go", tmp_path / "out", "x86_64")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("arch", "goarch"), [("x86_64", "amd64"), ("arm64", "arm64")])
def test_build_env_pins_what_the_output_depends_on(arch: Architecture, goarch: str) -> None:
    env = build_env(arch)
    assert env["GOARCH"] == goarch
    assert (env["GOOS"], env["CGO_ENABLED"], env["GOFLAGS"]) == ("linux", "0", "-mod=readonly")
    assert (env["GOPROXY"], env["GOWORK"], env["GOTOOLCHAIN"]) == ("off", "off", "local")
    assert env["GOCACHE"] == str(go_cache_dir())


def test_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert go_cache_dir() == tmp_path / "ddbwizard" / "go-build"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert go_cache_dir() == Path.home() / ".cache" / "ddbwizard" / "go-build"


def _tree(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.usefixtures("go")
def test_reproducible_cross_build(tmp_path: Path) -> None:
    """Built twice, from two source folders, for the architecture this machine is not."""
    arch: Architecture = "arm64" if platform.machine().lower() in ("x86_64", "amd64") else "x86_64"
    source = templates_dir() / "go"
    copy = tmp_path / "elsewhere" / "go"
    shutil.copytree(source, copy)
    before = _tree(source)
    first = build_bootstrap(source, tmp_path / "one", arch)
    second = build_bootstrap(copy, tmp_path / "two" / "nested", arch)
    assert _tree(source) == before  # nothing written into the source folder
    assert first == tmp_path / "one" / "bootstrap"
    assert second.name == "bootstrap"
    data = first.read_bytes()
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()
    assert data[:4] == b"\x7fELF"
    assert int.from_bytes(data[18:20], "little") == ELF_MACHINE[arch]
    assert os.access(first, os.X_OK)
    assert str(source).encode() not in data
    assert str(tmp_path).encode() not in data


@pytest.mark.usefixtures("go")
def test_build_failure_is_a_usage_error_with_gos_output(tmp_path: Path) -> None:
    source = tmp_path / "broken"
    source.mkdir()
    (source / "go.mod").write_text("module broken\n\ngo 1.19\n", encoding="utf-8")
    (source / "main.go").write_text("package main\n\nfunc main() { undefined() }\n", "utf-8")
    with pytest.raises(UsageError, match="go build failed") as caught:
        build_bootstrap(source, tmp_path / "out", "x86_64")
    assert "undefined" in caught.value.message
