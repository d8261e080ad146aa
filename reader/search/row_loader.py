"""Every paper row of the current catalog view, and the ids of its news papers, read
without holding the library lock.

At a million papers the rows (the sort and filter columns of every paper) and the news ids
take seconds to read; searches and the list's drawing must not wait for them.
`RowLoader.load` reads the rows outside the lock, one loader at a time, and installs them
in the view they were read from if it is still the current one, as `news_ids` does the
news ids; `titles` samples the rows for the warm-up's common words.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from reader.search.activity import acquire_unless
from reader.search.open_index import OpenIndex


class RowLoader:
    """Loads the rows of `index`'s current catalog view; `lock` is the library's."""

    def __init__(self, lock: threading.RLock, index: OpenIndex) -> None:
        self.lock = lock
        self.index = index
        #: One loader of every paper row at a time, without the library lock.
        self._loading = threading.Lock()

    def load(
        self, pause: Callable[[], None] | None = None, stale: Callable[[], bool] | None = None
    ) -> bool:
        """Load every paper row (a read of the whole catalog) without holding the library
        lock; then install it. `pause` is called every few thousand rows (the warm-up's
        gives the CPU to searches). While another thread loads them, this waits for it,
        unless `stale()` turns true meanwhile: then it returns False at once (see
        `activity.acquire_unless`); else True."""
        if not acquire_unless(self._loading, stale):
            return False
        try:
            with self.lock:
                view = self.index.fresh(index=False)
                if view is None or view.rows_loaded is not None:
                    return True
            rows = view.read_rows(pause)
            news = view.news_read
            if news is not None:  # one copy of each id string for both (a million: 60 MB)
                rows.take_strings(news, pause)
            with self.lock:
                current = self.index.view
                if current is not None and current.generation == view.generation:
                    current.install_rows(rows)
            return True
        finally:
            self._loading.release()

    def news_ids(self, archive_papers: int, pause: Callable[[], None] | None = None) -> list[str]:
        """Every paper of the news dumps once, in inbox order (`Library.news_ids`): kept by
        the view per threshold, read outside the lock the first time, calling `pause`
        every few thousand ids."""
        with self.lock:
            view = self.index.fresh(index=False)
            if view is None:
                return []
            if view.news_loaded(archive_papers):
                return view.news_ids(archive_papers)
        ids = view.read_news_ids(archive_papers, pause)
        rows = view.rows_loaded
        if rows is not None:  # the same strings as the rows (else the rows take these)
            ids = rows.shared_ids(ids, pause)
        with self.lock:
            if self.index.view is view:
                view.install_news(archive_papers, ids)
        return ids

    def titles(self, limit: int) -> list[str]:
        """At most `limit` papers' titles, every n-th of the rows `load` loaded (none if it
        has not), read from the catalog outside the lock."""
        with self.lock:
            view = self.index.view
            rows = None if view is None else view.rows_loaded
        if view is None or rows is None:
            return []
        step = max(1, len(rows) // limit)
        sample = rows.ids[::step][:limit]
        titles = view.catalog.titles_of(sample)
        return [titles[i] for i in sample if i in titles]


__all__ = ["RowLoader"]
