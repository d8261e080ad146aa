"""`Library.sync()` and `Library.merge()` under the cross-process sync lock.

A sync opens the index as it is on disk (another process may have synced), then builds a
new one beside it and swaps it in (a rebuild, or an index that cannot be used), or updates
it in place (`reader.search.sync_steps`), opens the new commit and carries the previous
commit's stored files to it (`reader.search.commit_carry`). A merge does the same for a
commit that merges small segments (`reader.search.merging`). The library lock is taken only
to close, swap and reopen, so searches answer from the previous commit while the work runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.search.commit_carry import Commit, carry
from reader.search.merging import SmallMerges, due
from reader.search.open_index import OpenIndex
from reader.search.storage import remove_orphans, swap_in
from reader.search.sync_plan import Progress, plan_sync
from reader.search.sync_steps import build_beside, unchanged, update
from reader.search.types import MergeReport, SyncReport


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


def merge_locked(
    index: OpenIndex,
    lock: threading.RLock,
    index_dir: Path,
    stop: Callable[[], bool],
    pause: Callable[[], None] | None,
) -> MergeReport | None:
    """Merge the small segments of `index` (the folder `index_dir`) that are due, a commit
    for each size class (a merge may make another class due), as `sync_apply.Syncer.merge`
    does (`stop` and `pause` as it says); None when none are, or the index cannot be
    opened. The caller holds the sync lock."""
    with lock:
        if index.gen is None or not index.gen.searcher.up_to_date():
            index.close()  # another process committed meanwhile
            if not index.open():
                return None
    total: MergeReport | None = None
    while (report := _merge_once(index, lock, index_dir, stop, pause)) is not None:
        total = MergeReport(
            report.segments + (total.segments if total else 0),
            report.papers + (total.papers if total else 0),
        )
    return total


def _merge_once(
    index: OpenIndex,
    lock: threading.RLock,
    index_dir: Path,
    stop: Callable[[], bool],
    pause: Callable[[], None] | None,
) -> MergeReport | None:
    """One merge commit of `merge_locked`, and the stored files carried to it."""
    from reader.search.sync_apply import Syncer

    with lock:
        assert index.gen is not None and index.catalog is not None
        ix, catalog = index.gen.ix, index.catalog
        before = Commit.of(ix, index.gen.searcher.reader())
    if not due([segment.whoosh for segment in before.segments]):
        return None
    merges = SmallMerges()
    try:
        report = Syncer(ix, catalog, None, merges).merge(stop, pause)
    except BaseException:
        remove_orphans(index_dir)
        raise
    if report is None:
        return None
    with lock:
        index.reopen_searcher()
        assert index.gen is not None
        after = Commit.of(ix, index.gen.searcher.reader())
    carry(ix, before, after, merges.merged_words)
    return report


__all__ = ["merge_locked", "sync_locked"]
