"""Starting a wizard from an answers file: the ones an interactive run saved here before.

The wizards save `ddbwizard-<stack>.yaml` in the working directory before they deploy;
`resumable(folder)` finds them (newest first) so a wizard can offer to start from one, and
`start_from(resume, table, aws)` gives the answers a wizard starts with once a table is
picked: the file's, when it is that table's, else the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddbwizard.core.errors import DdbWizardError
from ddbwizard.core.model.answers import Answers
from ddbwizard.core.model.questions import start_answers

PATTERN = "ddbwizard-*.yaml"
MAX_OFFERED = 20  # the newest ones; an older file can still be given with --answers


@dataclass(frozen=True)
class Resumable:
    """An answers file found in the folder: its answers, or why it cannot be used."""

    path: Path
    answers: Answers | None
    problem: str = ""

    @property
    def title(self) -> str:
        """One line for a chooser: the file, its table and stack (or its problem)."""
        if self.answers is None:
            return f"{self.path.name}: cannot be used ({self.problem.splitlines()[0]})"
        return f"{self.path.name}: table {self.answers.table.name}, stack {self.answers.stack.name}"


def resumable(folder: Path) -> list[Resumable]:
    """The answers files of earlier runs in `folder`, newest first."""
    from ddbwizard.core.model.answers import load_answers

    found: list[tuple[float, Resumable]] = []
    for path in folder.glob(PATTERN):
        try:
            if not path.is_file():
                continue
            found.append((path.stat().st_mtime, Resumable(path, load_answers(path))))
        except DdbWizardError as problem:
            found.append((path.stat().st_mtime, Resumable(path, None, str(problem))))
        except OSError as problem:
            found.append((0.0, Resumable(path, None, problem.strerror or str(problem))))
    found.sort(key=lambda pair: (-pair[0], pair[1].path.name))
    return [entry for _, entry in found[:MAX_OFFERED]]


def start_from(resume: Answers | None, table: str, aws: Any = None) -> Answers:
    """The answers a wizard starts with for `table`: the resumed file's when it is for that
    table (its connection section replaced by this run's), else the defaults."""
    if resume is None or resume.table.name != table:
        return start_answers(table, aws=aws)
    if not aws:
        return resume
    return resume.model_copy(update={"aws": start_answers(table, aws=aws).aws})
