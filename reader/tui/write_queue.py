"""Writes of the user's data, one at a time and in order, off the UI thread; flushed at exit.

The app queues each write (`submit`) and starts a thread worker that `drain`s the queue:
jobs run one at a time, in the order they were made, whichever worker thread gets to them.
When the app has closed, `flush` runs the jobs still queued on the caller's thread, after the
one in flight (a worker cut short by the exit leaves its queue to it): a change made just
before quitting is written, never abandoned half-way, and the process can then end without
waiting for the read-only work it abandons (`reader.tui.exiting`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

#: One write: it reports its outcome to the app itself (a message, a notification) and
#: returns a one-line problem when it failed (printed by `flush` once the app has closed).
Job = Callable[[], str | None]


class WriteQueue:
    """The writes of one kind of user data not yet made, and the lock that orders them."""

    def __init__(self, what: str) -> None:
        #: What the writes are, for a problem at exit ("bookmark changes").
        self.what = what
        self._jobs: deque[Job] = deque()
        self._order = threading.Lock()
        #: Set by `flush`: the app is gone, so a job skips what only updated the screen.
        self.closing = False

    def submit(self, job: Job) -> None:
        self._jobs.append(job)

    @property
    def pending(self) -> int:
        """Writes queued and not yet started."""
        return len(self._jobs)

    def drain(self) -> None:
        """Make every queued write, oldest first (in a worker thread)."""
        with self._order:
            while self._jobs:
                self._jobs.popleft()()

    def flush(self, deadline: float) -> list[str]:
        """At exit, on this thread: wait (until `deadline`, a `time.monotonic()` value) for the
        write in flight, then make the queued ones; the problems, one line each."""
        self.closing = True
        if not self._order.acquire(timeout=max(0.0, deadline - time.monotonic())):
            left = len(self._jobs) + 1
            return [f"{left} {self.what} not saved: a write was still waiting for the disk "
                    "or another paper-reader"]  # fmt: skip
        try:
            problems = []
            while self._jobs:
                problem = self._jobs.popleft()()
                if problem:
                    problems.append(problem)
            return problems
        finally:
            self._order.release()
