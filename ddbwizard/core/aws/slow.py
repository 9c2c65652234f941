"""Progress on a hung endpoint: an AWS call that gets no answer is said within seconds.

botocore waits up to its read timeout for each attempt and retries several times, so an
endpoint that accepts connections and never answers would mean minutes of silence. `SlowCalls`
watches every HTTP attempt of the facade's clients (botocore's `before-send` and
`response-received` events) from one daemon thread and, for an attempt without an answer
after `after` seconds, calls `notice` once, then again every `every` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SLOW_AFTER = 3.0
SAY_AGAIN_EVERY = 10.0


@dataclass
class _Attempt:
    action: str
    host: str
    number: int
    started: float
    said: float | None = None


class SlowCalls:
    """Says which call waits, on which endpoint, for how long, and which attempt it is."""

    def __init__(
        self,
        notice: Callable[[str], object],
        max_attempts: int,
        *,
        after: float = SLOW_AFTER,
        every: float = SAY_AGAIN_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._notice, self._max_attempts = notice, max_attempts
        self._after, self._every, self._clock = after, every, clock
        self._attempts: dict[int, _Attempt] = {}  # by thread: one HTTP attempt at a time
        self._tries: dict[int, tuple[str, int]] = {}  # the thread's last action and its tries
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def attach(self, client: Any) -> None:
        events = client.meta.events
        events.register("before-send", self._started)
        events.register("response-received", self._answered)
        events.register("after-call", self._done)
        events.register("after-call-error", self._done)

    def _started(self, request: Any, event_name: str = "", **_: Any) -> None:
        _event, service, operation = [*event_name.split("."), "", ""][:3]
        action, thread = f"{service}:{operation}", threading.get_ident()
        with self._lock:
            last, tries = self._tries.get(thread, ("", 0))
            number = tries + 1 if last == action else 1
            self._tries[thread] = (action, number)
            # The host and port only: an endpoint URL's credentials are never shown.
            host = urlsplit(getattr(request, "url", "") or "").netloc.rpartition("@")[2]
            self._attempts[thread] = _Attempt(action, host, number, self._clock())
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, name="slow-calls", daemon=True)
                self._watcher.start()

    def _answered(self, **_: Any) -> None:
        with self._lock:
            self._attempts.pop(threading.get_ident(), None)

    def _done(self, **_: Any) -> None:
        with self._lock:
            self._attempts.pop(threading.get_ident(), None)
            self._tries.pop(threading.get_ident(), None)

    def check(self) -> None:
        """Say every attempt that waited too long (the watcher calls this twice a second)."""
        now, due = self._clock(), []
        with self._lock:
            for attempt in self._attempts.values():
                waited = now - attempt.started
                if waited >= self._after and (
                    attempt.said is None or now - attempt.said >= self._every
                ):
                    attempt.said = now
                    due.append((attempt, waited))
        for attempt, waited in due:
            self._notice(
                f"No answer from {attempt.host} to {attempt.action} for {waited:.0f} s "
                f"(attempt {attempt.number} of {self._max_attempts}); still waiting, "
                "Ctrl-C stops"
            )

    def _watch(self) -> None:
        tick = threading.Event()  # never set: its wait() is a sleep no test's patch reaches
        while True:
            tick.wait(0.5)
            self.check()
