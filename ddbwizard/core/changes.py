"""The one change log: every mutation ddbwizard makes in an account, as AWS confirmed it.

Each mutating call is made inside `ChangeLog.attempt(...)`: the entry is written before the
call as "may have" (its outcome unknown), then either confirmed (AWS answered yes), dropped
(AWS answered no: nothing changed) or left unknown (an interrupt, a timeout, a 5xx). Every
exit path of every front end prints `lines()`, so what the user reads is always true.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ddbwizard.core.errors import DdbWizardError


@dataclass(frozen=True)
class Change:
    """One mutation: `certain` once AWS confirmed it; else `what` says what may have happened."""

    what: str
    certain: bool = True
    check: str = ""  # a read-only command that tells the truth when `certain` is False

    def line(self) -> str:
        if self.certain:
            return self.what
        return f"{self.what}; check with: {self.check}" if self.check else self.what


class Attempt:
    """A mutating call in flight: `confirm(what)` once AWS answered yes, `undone()` if reverted."""

    def __init__(self, log: ChangeLog, index: int) -> None:
        self._log, self._index = log, index

    def confirm(self, what: str) -> None:
        self._log._set(self._index, Change(what))

    def undone(self) -> None:
        """AWS answered no, or ddbwizard reverted it (a change set deleted): nothing is left."""
        self._log._set(self._index, None)


def definitely_refused(error: BaseException) -> bool:
    """AWS answered the call with a refusal (4xx), so it changed nothing.

    Timeouts, connection errors, 5xx answers and interrupts leave the outcome unknown.
    """
    return isinstance(error, DdbWizardError) and getattr(error, "refused", False)


class ChangeLog:
    """What this run changed in AWS, in order; shared by the engine and every front end."""

    def __init__(self) -> None:
        self._entries: list[Change | None] = []
        self._lock = threading.Lock()

    def record(self, what: str) -> None:
        """A change AWS already confirmed."""
        with self._lock:
            self._entries.append(Change(what))

    @contextmanager
    def attempt(self, unknown: str, check: str = "") -> Iterator[Attempt]:
        """Around one mutating call; `unknown` is what stays said if its outcome is unknown.

        An exception that proves AWS refused the call drops the entry; any other one (Ctrl-C,
        a timeout, a 5xx) keeps it as "may have", with `check`.
        """
        with self._lock:
            self._entries.append(Change(unknown, certain=False, check=check))
            index = len(self._entries) - 1
        attempt = Attempt(self, index)
        try:
            yield attempt
        except BaseException as error:
            if definitely_refused(error):
                self._set(index, None, only_if_unknown=True)
            raise

    def _set(self, index: int, change: Change | None, *, only_if_unknown: bool = False) -> None:
        with self._lock:
            current = self._entries[index]
            if only_if_unknown and (current is None or current.certain):
                return
            self._entries[index] = change

    @property
    def entries(self) -> tuple[Change, ...]:
        with self._lock:
            return tuple(entry for entry in self._entries if entry is not None)

    @property
    def changed(self) -> bool:
        return bool(self.entries)

    def lines(self) -> list[str]:
        """The account of this run: "Nothing was changed in AWS." or one line per change."""
        entries = self.entries
        if not entries:
            return ["Nothing was changed in AWS."]
        head = (
            "Changed in AWS:"
            if all(e.certain for e in entries)
            else "Changed in AWS (or may have):"
        )
        return [head, *(f"  - {entry.line()}" for entry in entries)]

    def text(self) -> str:
        return "\n".join(self.lines())
