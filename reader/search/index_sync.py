"""`Library.sync()` under the cross-process sync lock: open the index as it is on disk
(another process may have synced), then build a new one beside it and swap it in (a
rebuild, or an index that cannot be used), or update it in place (`reader.search.sync_steps`),
open the new commit and carry the previous commit's stored files to it
(`reader.search.commit_carry`). The library lock is taken only to close, swap and reopen, so
searches answer from the previous index while the work runs.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from reader.search.commit_carry import Commit, carry
from reader.search.merging import SmallMerges
from reader.search.open_index import OpenIndex
from reader.search.storage import swap_in
from reader.search.sync_plan import Progress, plan_sync
from reader.search.sync_steps import build_beside, unchanged, update
from reader.search.types import SyncReport


def sync_locked(
    index: OpenIndex,
    lock: threading.RLock,
    roots: Sequence[Path],
    index_dir: Path,
    progress: Progress | None,
    rebuild: bool,
) -> SyncReport:
    """Bring `index` (the folder `index_dir`) up to date with the dumps under `roots`; the
    caller holds the sync lock. `rebuild`: build it anew whatever it holds."""
    with lock:
        index.close()  # another process may have synced meanwhile
        usable = index.open()
        reason = None if usable else index.damage
    if rebuild or not usable:
        report, building = build_beside(list(roots), index_dir, progress)
        with lock:
            index.close()
            swap_in(building, index_dir)
            index.open()
        report.rebuilt = True
        report.rebuild_reason = "requested" if rebuild else reason
        return report
    assert index.catalog is not None and index.gen is not None
    plan = plan_sync(index.catalog, list(roots))
    if plan.empty:
        return unchanged(index.catalog, plan)
    ix = index.gen.ix
    with lock:
        before = Commit.of(ix, index.gen.searcher.reader())
    merges = SmallMerges()
    report = update(ix, index.catalog, plan, index_dir, progress, merges)
    with lock:
        index.reopen_searcher()
        assert index.gen is not None
        after = Commit.of(ix, index.gen.searcher.reader())
    # The new commit's stored ids and words, outside the lock.
    carry(ix, before, after, merges.merged_words)
    return report


__all__ = ["sync_locked"]
