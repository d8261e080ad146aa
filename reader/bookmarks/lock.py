"""A cross-process lock on a separate lock file (`fcntl.flock`), with a timeout.

The kernel drops an flock when its holder dies (even by SIGKILL), so a crashed
instance never leaves the bookmarks locked. The lock file itself is never deleted:
deleting it would let two processes hold "the" lock on different inodes.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from pathlib import Path
from types import TracebackType

from reader.bookmarks.model import BookmarkError

DEFAULT_TIMEOUT = 10.0
_POLL = 0.01


class FileLock:
    """`with FileLock(path):` holds an exclusive lock on `path` or raises `BookmarkError`."""

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        # flock is per open file description, so threads of one process must queue here first.
        self._thread_lock = threading.Lock()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        if not self._thread_lock.acquire(timeout=max(self.timeout, 0.0)):
            raise self._timeout_error()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            self._thread_lock.release()
            raise BookmarkError(
                f"cannot open the bookmarks lock {self.path}: {exc.strerror or exc}"
            ) from exc
        try:
            self._chmod_private(fd)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EINTR):
                        raise BookmarkError(
                            f"cannot lock {self.path}: {exc.strerror or exc}"
                        ) from exc
                if time.monotonic() >= deadline:
                    raise self._timeout_error()
                time.sleep(_POLL)
        except BaseException:
            os.close(fd)
            self._thread_lock.release()
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
            self._thread_lock.release()

    def _timeout_error(self) -> BookmarkError:
        return BookmarkError(
            f"bookmarks are locked by another paper-reader process (waited {self.timeout:g} s "
            f"for {self.path}); try again"
        )

    @staticmethod
    def _chmod_private(fd: int) -> None:
        try:
            if os.fstat(fd).st_mode & 0o077:
                os.fchmod(fd, 0o600)
        except OSError:
            pass  # someone else's lock file: locking still works

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
