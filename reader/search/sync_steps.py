"""The steps of `Library.sync()`: report an unchanged index, update it in place, or build
a new one beside it; and the errors of writing turned into the user's `IndexWriteFailed`.

`reader.search.sync_plan` says what changed (stats only); `reader.search.sync_apply` applies
that plan to one open index, re-reading changed dumps; `reader.search.parallel_build` builds
a large index in parts. These functions know nothing of `Library`: it holds the locks and
swaps what they build in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.locations import LocationError, ensure_dir
from reader.search.catalog import Catalog
from reader.search.merging import SmallMerges
from reader.search.storage import (
    CATALOG_FILE,
    IndexWriteFailed,
    clear_index_dir,
    create_whoosh,
    describe_write_error,
    remove_leftovers,
    remove_orphans,
)
from reader.search.sync_plan import Plan, Progress, plan_sync, source_infos
from reader.search.types import SyncReport


@contextmanager
def writing(index_dir: Path) -> Iterator[None]:
    """Make the index's parent folder, and turn a failed write (disk full, read-only, a
    file in the way) into `IndexWriteFailed` (or `LocationError` for the folder)."""
    try:
        ensure_dir(index_dir.parent)
    except LocationError as exc:
        raise LocationError(
            f"cannot use the index folder: {exc}; point PAPER_READER_CACHE_DIR "
            "(or XDG_CACHE_HOME) at a writable folder"
        ) from exc
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        raise IndexWriteFailed(
            f"cannot update the index in {index_dir.parent}: "
            f"{describe_write_error(exc)}; the previous index is kept"
        ) from exc


def unchanged(catalog: Catalog, plan: Plan) -> SyncReport:
    """The report of a sync that had nothing to do."""
    papers = catalog.paper_count()
    report = SyncReport(
        papers=papers,
        problems=plan.problems,
        duplicates_merged=catalog.record_count() - papers,
    )
    report.files = source_infos(catalog)
    return report


def update(
    ix: Any,
    catalog: Catalog,
    plan: Plan,
    index_dir: Path,
    progress: Progress | None,
    merges: SmallMerges | None = None,
) -> SyncReport:
    """Re-read the changed dumps into the open index (a failed write leaves no orphans),
    merging small segments by `merges` (`reader.search.merging`)."""
    from reader.search.sync_apply import Syncer

    try:
        return Syncer(ix, catalog, progress, merges).run(plan)
    except BaseException:
        remove_orphans(index_dir)
        raise


def build_beside(
    roots: list[Path], index_dir: Path, progress: Progress | None
) -> tuple[SyncReport, Path]:
    """Build a fresh index of the dumps in a folder beside `index_dir`; (its report, the
    folder), for the caller to swap in. A failed build leaves nothing behind."""
    from reader.search import parallel_build
    from reader.search.sync_apply import Syncer

    building = index_dir.with_name(index_dir.name + ".new")
    remove_leftovers(index_dir)
    clear_index_dir(building)
    building.mkdir(parents=True)
    try:
        catalog = Catalog(building / CATALOG_FILE)
        ix = create_whoosh(building)
        try:
            plan = plan_sync(catalog, roots)
            parts = parallel_build.split(plan)
            if parts:
                report = parallel_build.build(building, catalog, ix, plan, parts, progress)
            else:
                report = Syncer(ix, catalog, progress).run(plan)
            failed = _store_ranking(ix, catalog, progress)
            if failed is not None:
                report.problems.append(failed)
        finally:
            catalog.close()
            ix.close()
    except BaseException:
        clear_index_dir(building)
        raise
    return report, building


def _store_ranking(ix: Any, catalog: Catalog, progress: Progress | None) -> str | None:
    """Store the new index's ranking data (`reader.search.build_ranking`); None, or what
    to tell the user when it failed."""
    from reader.search import build_ranking
    from reader.search.catalog_sample import sample_texts, sample_titles
    from reader.search.warmup import SAMPLE_TITLES

    titles = sample_titles(catalog, SAMPLE_TITLES)
    texts = sample_texts(catalog, build_ranking.SAMPLE_TEXTS)
    return build_ranking.prepare(ix, titles, progress, texts)
