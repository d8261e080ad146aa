"""Searches in flight, so that background work (the warm-up) gives them the CPU.

Python runs one thread at a time: a warm-up step running beside a search takes about half
of every second from it, and a key typed in the first seconds after start would wait twice
as long. The warm-up calls `Activity.pause` between its steps (and every few thousand rows
of the longest ones); it returns at once when no search runs, else when they have all
finished, or after `PAUSE_LIMIT` seconds, so a stream of searches slows the warm-up but
never stops it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

#: The longest one pause waits, in seconds.
PAUSE_LIMIT = 1.0
#: How often a wait for another thread's long work asks whether it is still wanted.
STALE_CHECK = 0.05


def acquire_unless(lock: threading.Lock, stale: Callable[[], bool] | None) -> bool:
    """Acquire `lock` (held by another thread's long work: the rows' reading, the facet
    table's build), giving up when `stale()` turns true: False then, and the lock is not
    held. A worker that waits for nothing more useful than a stale answer gives its thread
    back: the app's thread workers share a small pool (six threads on two cores), and a
    wait per key typed while the rows load would take every thread, the next key's search
    then waiting for a free one."""
    if stale is None:
        lock.acquire()
        return True
    while not lock.acquire(timeout=STALE_CHECK):
        if stale():
            return False
    return True


def paused(values: Iterable[T], size: int, pause: Callable[[], None] | None) -> Iterator[list[T]]:
    """`values` in lists of `size`, `pause()` called after each is used (long loops over a
    million papers give the CPU to searches so: see `Activity.pause`)."""
    source = iter(values)
    while chunk := list(islice(source, size)):
        yield chunk
        if pause is not None:
            pause()


class Activity:
    """A count of the searches running, and a wait for none to run."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._running = 0
        #: When the last search ended (`time.monotonic()`; 0: none yet).
        self._ended = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        """Count a search while it runs."""
        with self._changed:
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                if not self._running:
                    self._ended = time.monotonic()
                    self._changed.notify_all()

    def wait_quiet(self, quiet: float, cancelled: Callable[[], bool]) -> bool:
        """Wait until no search runs and none has for `quiet` seconds (typing has paused);
        False as soon as `cancelled()` is true (asked every `STALE_CHECK` seconds)."""
        with self._changed:
            while not cancelled():
                left = quiet if self._running else quiet - (time.monotonic() - self._ended)
                if left <= 0:
                    return True
                self._changed.wait(timeout=min(left, STALE_CHECK))
        return False

    @property
    def busy(self) -> bool:
        return self._running > 0

    def pause(self) -> None:
        """Wait while a search runs, at most `PAUSE_LIMIT` seconds."""
        if not self._running:
            return
        with self._changed:
            self._changed.wait_for(lambda: not self._running, timeout=PAUSE_LIMIT)
