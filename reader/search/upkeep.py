"""The index's upkeep: what a sync would do, the sync itself, and the merge of small segments.

`Upkeep` writes the index folder of a `Library` under the cross-process sync lock
(`reader.search.storage.sync_lock`) while the library's searches go on: the writing itself
is in `reader.search.index_sync`, imported when a sync or a merge runs (it loads Whoosh).
A merge gives way to searches (typing) and to the syncs of this process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.search.activity import Activity
from reader.search.open_index import OpenIndex
from reader.search.storage import IndexBusy, sync_lock
from reader.search.sync_plan import Plan, Progress, plan_sync
from reader.search.sync_steps import writing
from reader.search.types import SyncReport

if TYPE_CHECKING:
    from reader.search.types import MergeReport

#: Seconds without a search before a merge goes on (`Upkeep.merge`): typing suspends it.
MERGE_QUIET = 0.3


class Upkeep:
    """Syncs and merges of one index folder.

    State: the syncs of this process waiting for the sync lock or holding it, and how long
    a sync waits for that lock (`lock_timeout`, seconds). `index` is the library's open
    index and `lock` the lock it is used under; `searches` counts the library's searches in
    flight, which a merge waits for.
    """

    def __init__(
        self,
        index: OpenIndex,
        lock: threading.RLock,
        roots: Sequence[Path],
        index_dir: Path,
        lock_timeout: float,
        searches: Activity,
    ) -> None:
        self.index = index
        self.lock = lock
        self.roots = roots
        self.index_dir = index_dir
        self.lock_timeout = lock_timeout
        self.searches = searches
        #: Syncs of this process waiting for the sync lock or holding it: a merge gives way.
        self._syncs = Activity()

    @property
    def lock_path(self) -> Path:
        """The sync lock's file, beside the index folder."""
        return self.index_dir.with_name(self.index_dir.name + ".lock")

    def plan(self, verify_index: bool = True) -> Plan | None:
        """The work a sync would do, or None when the index must be (re)built from scratch.

        `verify_index=False` checks the catalog alone, without opening (or importing) Whoosh:
        the app's quick start, which verifies the index once its first list is drawn.
        """
        with self.lock:
            if not self.index.open(verify_index):
                return None
            assert self.index.catalog is not None
            return plan_sync(self.index.catalog, self.roots)

    def needs_sync(self, verify_index: bool = True) -> bool:
        plan = self.plan(verify_index)
        return plan is None or not plan.empty

    def sync(
        self,
        progress: Progress | None = None,
        rebuild: bool = False,
        on_wait: Callable[[], None] | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the dumps (a no-op, opening no writer, if it is).

        Raises `IndexBusy` if another process holds the sync lock past the timeout,
        `LocationError` if the cache folder cannot be made, and `IndexWriteFailed` if the
        index cannot be written (disk full, read-only): the previous index still answers.
        """
        from reader.search.index_sync import sync_locked

        with (
            self._syncs.running(),
            writing(self.index_dir),
            sync_lock(self.lock_path, self.lock_timeout, on_wait),
        ):
            return sync_locked(self.index, self.lock, self.roots, self.index_dir, progress, rebuild)

    def merge(self, stop: Callable[[], bool] = lambda: False) -> MergeReport | None:
        """Merge the small segments that are due (`reader.search.merging`) in a commit of
        their own; what it merged, or None: none were due, another process holds the sync
        lock, or it was given up. Searches meanwhile answer from the previous commit, and
        between papers the merge waits until none has run for `MERGE_QUIET` seconds. A
        sync of this process gives it up, as `stop()` does (asked between papers): the
        index is then as it was. Raises as `sync` does."""
        from reader.search.index_sync import merge_locked
        from reader.search.merging import MergeStopped

        def stopped() -> bool:
            return self._syncs.busy or stop()

        def give_way() -> None:  # typing: a merge can wait, a search cannot
            self.searches.wait_quiet(MERGE_QUIET, stopped)

        try:
            with writing(self.index_dir), sync_lock(self.lock_path, 0.0):
                return merge_locked(self.index, self.lock, self.index_dir, stopped, give_way)
        except (IndexBusy, MergeStopped):
            return None
