"""Bookmark changes, written in order and off the UI thread.

The app queues each change (`submit`) and starts a thread worker that `drain`s the queue.
Changes run one at a time, in the order they were made, whichever worker thread gets to
them; each posts a `BookmarksWritten` back. A write takes the bookmarks' cross-process lock
and syncs the file to disk, so it may wait seconds while another paper-reader writes: the
app keeps answering keys meanwhile.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from reader.bookmarks import BookmarkError
from reader.diagnostics import unexpected
from reader.errors import error_message
from reader.tui.messages import BookmarksWritten

#: A change to the store, and what to tell the user once it is saved (from its result).
Change = Callable[[], Any]
Describe = Callable[[Any], str | None]


class BookmarkWrites:
    """The queue of bookmark changes not yet written."""

    def __init__(self) -> None:
        self._queue: deque[tuple[Change, Describe]] = deque()
        self._order = threading.Lock()

    def submit(self, change: Change, describe: Describe) -> None:
        self._queue.append((change, describe))

    @property
    def pending(self) -> int:
        """Changes queued and not yet started."""
        return len(self._queue)

    def drain(self, post: Callable[[BookmarksWritten], object]) -> None:
        """Write every queued change, oldest first (run in a worker thread)."""
        with self._order:
            while self._queue:
                change, describe = self._queue.popleft()
                post(_write(change, describe))


def _write(change: Change, describe: Describe) -> BookmarksWritten:
    try:
        result = change()
    except BookmarkError as exc:
        return BookmarksWritten(error=str(exc))
    except OSError as exc:
        return BookmarksWritten(error=f"cannot save bookmarks: {exc}")
    except Exception as exc:
        unexpected("writing a bookmark change", exc)
        return BookmarksWritten(error=f"cannot save bookmarks: {error_message(exc)}")
    return BookmarksWritten(note=describe(result))
