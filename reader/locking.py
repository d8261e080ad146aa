"""The one cross-process lock: the index sync and the user's stores (bookmarks...) all use it.

`CrossProcessLock` wraps the `filelock` package: `fcntl.flock` on Linux and macOS,
`msvcrt.locking` on Windows. The operating system drops the lock when its holder dies (even by
SIGKILL), so a crashed paper-reader never leaves anything locked. The lock file stays in place
on release (deleting it would let two processes hold "the" lock on different inodes) and is
private to the user (0o600). Threads of one process exclude each other too: each thread opens
the lock file itself.

`filelock` is imported on the first acquire, not at import: most app starts take no lock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from filelock import BaseFileLock


class LockBusy(Exception):
    """Another process (or thread) held the lock for longer than the timeout."""

    def __init__(self, path: Path, waited: float) -> None:
        super().__init__(f"{path} is locked by another process (waited {waited:g} s)")
        self.path = path
        self.waited = waited


class CrossProcessLock:
    """`with CrossProcessLock(path, timeout):` holds an exclusive lock on the file `path`.

    `acquire` raises `LockBusy` when the lock is still taken after `timeout` seconds and
    `OSError` when the lock file cannot be opened (its folder is missing, it is a folder...).
    `on_wait` is called once, the first time the lock is found taken (to say "waiting...").
    The lock is reentrant within one thread.
    """

    def __init__(
        self,
        path: Path,
        timeout: float,
        *,
        poll: float = 0.02,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        self.timeout = timeout
        self.poll = poll
        self.on_wait = on_wait
        self._lock: BaseFileLock | None = None

    def _file_lock(self) -> BaseFileLock:
        if self._lock is None:
            from filelock import FileLock

            self._lock = FileLock(
                self.path,
                timeout=self.timeout,
                mode=0o600,
                poll_interval=self.poll,
                # Never swap the lock for a marker file a killed holder would leave behind, and
                # never delete the lock file (Windows would, by default).
                fallback_to_soft=False,
                preserve_lock_file=True,
                on_acquired=_make_private,
            )
        return self._lock

    def acquire(self) -> None:
        from filelock import Timeout

        lock = self._file_lock()
        start = time.monotonic()
        try:
            lock.acquire(blocking=False)
            return
        except Timeout:
            pass
        if self.on_wait is not None:
            self.on_wait()
        remaining = max(0.0, self.timeout - (time.monotonic() - start))
        try:
            lock.acquire(timeout=remaining)
        except Timeout:
            raise LockBusy(self.path, self.timeout) from None

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release()

    @property
    def is_locked(self) -> bool:
        """Whether this thread holds the lock."""
        return self._lock is not None and self._lock.is_locked

    def __enter__(self) -> CrossProcessLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _make_private(fd: int) -> None:
    """Tighten a lock file another tool created readable by others (locking works regardless)."""
    if not hasattr(os, "fchmod"):
        return  # Windows before 3.13: no POSIX modes to tighten
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    except OSError:
        pass  # someone else's lock file: locking still works
