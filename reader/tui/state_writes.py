"""UI state saves, off the UI thread and in order.

The app hands each state to `submit` and starts a thread worker that runs `write_latest`:
a write takes the newest state submitted and writes it (atomically, `reader.tui.state`)
while holding a lock, so two workers never race and an older state never lands after a
newer one. `write_now` is for quit: it writes on the caller's thread, after any write in
flight, because the file must be complete before the process exits; `flush` (at exit)
writes a state still submitted and not written.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from reader.tui import state as state_file
from reader.tui.state import UiState


class StateWrites:
    """The newest UI state not yet written, and the lock that orders the writes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pending: UiState | None = None
        self._order = threading.Lock()

    def submit(self, state: UiState) -> None:
        self._pending = state

    def write_latest(self) -> str | None:
        """Write the newest submitted state, if a write before this one has not already
        written it; a one-line problem when the write fails."""
        with self._order:
            state, self._pending = self._pending, None
            if state is None:
                return None
            return self._write(state)

    def write_now(self, state: UiState) -> str | None:
        """Write `state` on this thread (after any write in flight); a problem or None."""
        with self._order:
            self._pending = None
            return self._write(state)

    def flush(self, deadline: float) -> list[str]:
        """At exit: write a state still pending (waiting for a write in flight until
        `deadline`, a `time.monotonic()` value); the problems."""
        if not self._order.acquire(timeout=max(0.0, deadline - time.monotonic())):
            return ["the UI state was not saved: a write was still waiting for the disk"]
        try:
            state, self._pending = self._pending, None
            problem = None if state is None else self._write(state)
            return [problem] if problem else []
        finally:
            self._order.release()

    def _write(self, state: UiState) -> str | None:
        try:
            state_file.save_state(self.path, state)
        except OSError as exc:
            return f"cannot save the UI state: {exc}"
        return None
