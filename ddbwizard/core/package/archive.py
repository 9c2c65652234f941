"""A deterministic zip of a folder: the same files give the same bytes, whoever zips them, whenever.

Entries are sorted, dated 1980-01-01 00:00:00, with mode 0644 (0755 for ``bootstrap`` and
any executable file) and no directory entries; VCS folders, caches, virtual environments and
bytecode are left out. Lambda's size limit is checked as the zip is written.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ddbwizard.core.errors import UsageError
from ddbwizard.core.model import limits

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE, EXEC_MODE = 0o644, 0o755
EXECUTABLE_NAMES = frozenset({"bootstrap"})
# Folders never packaged, wherever they are, and node_modules/.cache (a bundler's cache).
EXCLUDED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", ".mypy_cache"})
EXCLUDED_PATHS = frozenset({("node_modules", ".cache")})
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Artifact:
    """A packaged function: the zip, its SHA-256 (hex), sizes, and its top-level names."""

    path: Path
    sha256: str
    size: int
    unzipped_size: int
    top_level: tuple[str, ...]


def _excluded(parts: tuple[str, ...]) -> bool:
    name = parts[-1]
    if name in EXCLUDED_DIRS or name.endswith(EXCLUDED_SUFFIXES):
        return True
    return any(parts[i : i + 2] == pair for pair in EXCLUDED_PATHS for i in range(len(parts) - 1))


def collect(root: Path) -> dict[str, Path]:
    """Every file under `root` to package, by its name in the zip (POSIX, relative)."""
    return dict(_walk(root, ()))


def _walk(folder: Path, parts: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    for child in sorted(folder.iterdir()):
        here = (*parts, child.name)
        if _excluded(here):
            continue
        if child.is_dir() and not child.is_symlink():
            yield from _walk(child, here)
        elif child.is_file():
            yield str(PurePosixPath(*here)), child


def _mode(name: str, path: Path) -> int:
    executable = path.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return EXEC_MODE if executable or PurePosixPath(name).name in EXECUTABLE_NAMES else FILE_MODE


def check_size(entries: Mapping[str, Path], max_bytes: int, max_files: int) -> int:
    """The unzipped size of `entries`; a UsageError past Lambda's limit or the file bound."""
    if len(entries) > max_files:
        raise UsageError(
            f"the function's code has {len(entries):,} files; ddbwizard packages at most "
            f"{max_files:,}",
            "Point function.code at the handler's own folder, not a parent of it.",
        )
    total = sum(path.stat().st_size for path in entries.values())
    if total > max_bytes:
        biggest = sorted(entries, key=lambda n: entries[n].stat().st_size, reverse=True)[:3]
        raise UsageError(
            f"the function's code is {total:,} bytes unzipped; Lambda takes at most "
            f"{max_bytes:,} (250 MB) for code deployed from S3",
            f"The largest files: {', '.join(biggest)}. Leave out what the function does not "
            "import, or move large dependencies into a container image.",
        )
    return total


def write_zip(
    entries: Mapping[str, Path],
    out: Path,
    *,
    max_bytes: int = limits.CODE_UNZIPPED_MAX_BYTES,
    max_files: int = limits.CODE_MAX_FILES,
) -> Artifact:
    """Zip `entries` (name in the zip -> file) into `out`, deterministically."""
    if not entries:
        raise UsageError("the function's code folder holds no file to package")
    unzipped = check_size(entries, max_bytes, max_files)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            path = entries[name]
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is read
            info.external_attr = (stat.S_IFREG | _mode(name, path)) << 16
            with path.open("rb") as source, archive.open(info, "w") as target:
                while chunk := source.read(_CHUNK):
                    target.write(chunk)
    top = sorted({name.split("/", 1)[0] for name in entries})
    return Artifact(out, sha256_of(out), out.stat().st_size, unzipped, tuple(top))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
