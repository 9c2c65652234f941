"""core.package: deterministic zips, exclusions, modes, size limits, pip's wheels, the Go echo."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from ddbwizard.core.errors import UsageError
from ddbwizard.core.model.answers import Answers, answers_from_data, load_answers
from ddbwizard.core.package.archive import ZIP_DATE, collect, write_zip
from ddbwizard.core.package.function import package_function
from ddbwizard.core.package.pydeps import install_requirements, missing_wheel, pip_command

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "own-handler.yaml"


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def own_answers(code: str, **function: object) -> Answers:
    data = {"handler": "python", "code": code, "entry": "app.handler", **function}
    return answers_from_data({"table": {"name": "orders"}, "function": data})


def test_the_same_folder_zips_to_the_same_bytes(tmp_path: Path) -> None:
    code = tree(tmp_path / "code", {"app.py": "x = 1\n", "lib/util.py": "y = 2\n"})
    first = write_zip(collect(code), tmp_path / "one.zip")
    os.utime(code / "app.py", (1_000_000_000, 1_000_000_000))  # mtimes never count
    second = write_zip(collect(code), tmp_path / "two.zip")
    assert first.sha256 == second.sha256
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    assert first.top_level == ("app.py", "lib")
    assert first.unzipped_size == 12
    assert first.size == (tmp_path / "one.zip").stat().st_size


def test_entries_are_sorted_dated_1980_and_moded(tmp_path: Path) -> None:
    code = tree(tmp_path / "code", {"b.py": "", "a/z.py": "", "run.sh": "", "bootstrap": ""})
    (code / "run.sh").chmod(0o700)
    (code / "bootstrap").chmod(0o600)
    artifact = write_zip(collect(code), tmp_path / "out.zip")
    with zipfile.ZipFile(artifact.path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a/z.py", "b.py", "bootstrap", "run.sh"]
    assert {i.date_time for i in infos} == {ZIP_DATE}
    modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in infos}
    assert modes == {"a/z.py": 0o644, "b.py": 0o644, "bootstrap": 0o755, "run.sh": 0o755}


def test_caches_vcs_and_bytecode_are_left_out(tmp_path: Path) -> None:
    code = tree(
        tmp_path / "code",
        {
            "app.py": "",
            ".git/config": "",
            "pkg/__pycache__/m.cpython-313.pyc": "",
            "pkg/m.pyc": "",
            ".venv/bin/python": "",
            "node_modules/.cache/x": "",
            "node_modules/left/index.js": "",
        },
    )
    assert sorted(collect(code)) == ["app.py", "node_modules/left/index.js"]


def test_code_past_the_size_limit_is_refused_before_zipping(tmp_path: Path) -> None:
    code = tree(tmp_path / "code", {"app.py": "x" * 100, "big.bin": "y" * 1000})
    with pytest.raises(UsageError, match=r"1,100 bytes unzipped.*at most 1,000") as caught:
        write_zip(collect(code), tmp_path / "out.zip", max_bytes=1000)
    assert "big.bin" in str(caught.value.hint)
    assert not (tmp_path / "out.zip").exists()
    with pytest.raises(UsageError, match="2 files; ddbwizard packages at most 1"):
        write_zip(collect(code), tmp_path / "out.zip", max_files=1)


def test_pip_is_asked_for_linux_wheels_of_the_runtime(tmp_path: Path) -> None:
    argv = pip_command(tmp_path / "requirements.txt", tmp_path / "t", "python3.12", "arm64")
    joined = " ".join(argv)
    assert "--platform manylinux2014_aarch64" in joined
    assert "--implementation cp --python-version 3.12 --only-binary=:all:" in joined
    assert f"--target {tmp_path / 't'}" in joined


@pytest.mark.parametrize(
    "stderr",
    [
        "ERROR: Could not find a version that satisfies the requirement lxml-nowheel==1.0 (from versions: none)\n"
        "ERROR: No matching distribution found for lxml-nowheel==1.0\n",
        "ERROR: No matching distribution found for lxml-nowheel\n",
    ],
)
def test_the_package_without_a_wheel_is_named(stderr: str) -> None:
    assert missing_wheel(stderr) in {"lxml-nowheel==1.0", "lxml-nowheel"}


def fake_pip(tmp_path: Path, stderr: str, status: int) -> list[str]:
    script = tmp_path / "fake_pip.py"
    script.write_text(f"import sys\nsys.stderr.write({stderr!r})\nsys.exit({status})\n")
    return [sys.executable, str(script)]


def test_a_missing_wheel_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    requirements = tree(tmp_path, {"requirements.txt": "psycopg2==2.9.9\n"}) / "requirements.txt"
    pip = fake_pip(
        tmp_path, "ERROR: No matching distribution found for psycopg2==2.9.9\n", status=1
    )
    with pytest.raises(UsageError, match=r"psycopg2==2.9.9 has no wheel for python3.13 on "):
        install_requirements(requirements, tmp_path / "t", "python3.13", "x86_64", pip)


def test_another_pip_failure_shows_its_output(tmp_path: Path) -> None:
    requirements = tree(tmp_path, {"requirements.txt": "x\n"}) / "requirements.txt"
    pip = fake_pip(tmp_path, "ERROR: network is down\n", status=2)
    with pytest.raises(UsageError, match="network is down"):
        install_requirements(requirements, tmp_path / "t", "python3.13", "x86_64", pip)


def test_the_entry_module_must_be_in_the_code(tmp_path: Path) -> None:
    tree(tmp_path / "code", {"main.py": ""})
    with pytest.raises(UsageError, match=r"app.handler needs app.py or app/__init__.py"):
        package_function(own_answers("code"), tmp_path, tmp_path / "work")


def test_a_missing_code_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a folder"):
        package_function(own_answers("nowhere"), tmp_path, tmp_path / "work")


def test_inline_echoes_need_no_package(tmp_path: Path) -> None:
    answers = answers_from_data({"table": {"name": "orders"}})
    assert package_function(answers, tmp_path, tmp_path / "work") is None


def test_a_nodejs_entry_may_be_an_es_module(tmp_path: Path) -> None:
    tree(tmp_path / "code", {"src/app.mjs": "export const handler = () => 1;\n"})
    answers = own_answers("code", handler="nodejs", runtime="nodejs22.x", entry="src/app.handler")
    artifact = package_function(answers, tmp_path, tmp_path / "work")
    assert artifact is not None
    assert artifact.top_level == ("src",)


@pytest.fixture(scope="session")
def example_packages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """examples/own-handler packaged twice, with its requirement from PyPI (one pip run each)."""
    answers = load_answers(EXAMPLE)
    work = tmp_path_factory.mktemp("example")
    zips = []
    for run in ("one", "two"):
        artifact = package_function(answers, EXAMPLE.parent, work / run)
        assert artifact is not None
        zips.append(artifact.path)
    return zips[0], zips[1]


def test_the_example_packages_with_its_dependency_the_same_twice(
    example_packages: tuple[Path, Path],
) -> None:
    first, second = example_packages
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
    assert "app.py" in names
    assert "attrs/__init__.py" in names
    assert not [n for n in names if n.endswith(".pyc")]


@pytest.mark.skipif(shutil.which("go") is None, reason="go is not on PATH")
def test_the_go_echo_is_one_executable_bootstrap(tmp_path: Path) -> None:
    answers = answers_from_data({"table": {"name": "orders"}, "function": {"handler": "go"}})
    artifact = package_function(answers, tmp_path, tmp_path / "work")
    assert artifact is not None
    assert artifact.top_level == ("bootstrap",)
    with zipfile.ZipFile(artifact.path) as archive:
        (info,) = archive.infolist()
    assert stat.S_IMODE(info.external_attr >> 16) == 0o755
    again = package_function(answers, tmp_path, tmp_path / "again")
    assert again is not None
    assert again.sha256 == artifact.sha256
