"""The bookmarks' cross-process lock: `reader.locking` with the bookmark store's error messages."""

from __future__ import annotations

from pathlib import Path

from reader.bookmarks.model import BookmarkError
from reader.locking import CrossProcessLock, LockBusy

DEFAULT_TIMEOUT = 10.0


class BookmarkLock(CrossProcessLock):
    """`with BookmarkLock(path):` holds the bookmarks lock `path` or raises `BookmarkError`."""

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(path, timeout, poll=0.01)

    def acquire(self) -> None:
        try:
            super().acquire()
        except LockBusy:
            raise BookmarkError(
                f"bookmarks are locked by another paper-reader process (waited "
                f"{self.timeout:g} s for {self.path}); try again"
            ) from None
        except OSError as exc:
            raise BookmarkError(
                f"cannot open the bookmarks lock {self.path}: {exc.strerror or exc}"
            ) from exc
