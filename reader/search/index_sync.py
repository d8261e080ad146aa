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
from typing import Any, TypeVar

from reader.search.commit_carry import Commit, carry
from reader.search.merging import SmallMerges, due
from reader.search.open_index import OpenIndex
from reader.search.storage import remove_orphans, swap_in
from reader.search.sync_plan import Progress, plan_sync
from reader.search.sync_steps import build_beside, unchanged, update
from reader.search.types import MergeReport, SyncReport

T = TypeVar("T")


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
    catalog = index.catalog
    synced = _commit(
        index, lock, lambda ix, merges: update(ix, catalog, plan, index_dir, progress, merges)
    )
    assert synced is not None  # a sync always commits
    return synced


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
    from reader.search.sync_apply import Syncer

    with lock:
        if index.gen is None or not index.gen.searcher.up_to_date():
            index.close()  # another process committed meanwhile
            if not index.open():
                return None
        assert index.catalog is not None
        catalog = index.catalog

    def merge(ix: Any, merges: SmallMerges) -> MergeReport | None:
        try:
            return Syncer(ix, catalog, None, merges).merge(stop, pause)
        except BaseException:
            remove_orphans(index_dir)
            raise

    total: MergeReport | None = None
    while _due(index, lock) and (report := _commit(index, lock, merge)) is not None:
        total = MergeReport(
            report.segments + (total.segments if total else 0),
            report.papers + (total.papers if total else 0),
        )
    return total


def _due(index: OpenIndex, lock: threading.RLock) -> bool:
    """Whether the open index has small segments due to be merged (`merging.due`)."""
    with lock:
        assert index.gen is not None
        commit = Commit.of(index.gen.ix, index.gen.searcher.reader())
    return due([segment.whoosh for segment in commit.segments])


def _commit(
    index: OpenIndex,
    lock: threading.RLock,
    write: Callable[[Any, SmallMerges], T | None],
) -> T | None:
    """`write(ix, merges)`: a commit of the open index under the merge policy `merges` (or
    None: nothing committed); then searches move to the new commit, and the previous
    commit's stored files are carried to it, outside the lock."""
    with lock:
        assert index.gen is not None
        ix = index.gen.ix
        before = Commit.of(ix, index.gen.searcher.reader())
    merges = SmallMerges()
    result = write(ix, merges)
    if result is None:
        return None
    with lock:
        index.reopen_searcher()
        assert index.gen is not None
        after = Commit.of(ix, index.gen.searcher.reader())
    carry(ix, before, after, merges.merged_words)
    return result


__all__ = ["merge_locked", "sync_locked"]
