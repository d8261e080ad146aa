"""Bookmark changes, written in order and off the UI thread (a `WriteQueue`).

The app queues each change (`submit`) and starts a thread worker that `drain`s the queue;
each change posts a `BookmarksWritten` back. A write takes the bookmarks' cross-process lock
and syncs the file to disk, so it may wait seconds while another paper-reader writes: the
app keeps answering keys meanwhile. At exit, `flush` writes the changes still queued.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reader.bookmarks import BookmarkError
from reader.diagnostics import unexpected
from reader.errors import error_message
from reader.tui.messages import BookmarksWritten
from reader.tui.write_queue import WriteQueue

#: A change to the store, and what to tell the user once it is saved (from its result).
Change = Callable[[], Any]
Describe = Callable[[Any], str | None]


class BookmarkWrites(WriteQueue):
    """The queue of bookmark changes not yet written."""

    def __init__(self, post: Callable[[BookmarksWritten], object]) -> None:
        super().__init__("bookmark changes")
        self._post = post

    def submit_change(self, change: Change, describe: Describe) -> None:
        def job() -> str | None:
            written = _write(change, describe)
            self._post(written)
            return written.error

        self.submit(job)


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
