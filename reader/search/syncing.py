"""`Library.sync()` and the plan behind it: bring the index up to date with the dumps.

A mixin for `Library`: an unchanged dump set opens no writer; changed dumps are re-read
(`reader.search.sync`); a missing, damaged or outdated index is built beside the old one
and swapped in (`reader.search.parallel` for large builds).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.locations import LocationError, ensure_dir
from reader.search.catalog import Catalog
from reader.search.plan import Plan, Progress, plan_sync, source_infos
from reader.search.storage import (
    CATALOG_FILE,
    IndexWriteFailed,
    clear_index_dir,
    create_whoosh,
    describe_write_error,
    remove_leftovers,
    remove_orphans,
    swap_in,
    sync_lock,
)
from reader.search.types import SyncReport


class SyncingMixin:
    """`plan()`, `needs_sync()` and `sync()` for `Library`."""

    if TYPE_CHECKING:  # provided by Library
        roots: list[Path]
        index_dir: Path
        lock_timeout: float
        _lock: threading.RLock
        _catalog: Catalog | None
        _ix: Any
        _damage: str | None

        @property
        def lock_path(self) -> Path: ...
        def _open(self, index: bool = True) -> bool: ...
        def _close_handles(self) -> None: ...
        def _reopen_searcher(self) -> None: ...

    def plan(self, verify_index: bool = True) -> Plan | None:
        """The work a sync would do, or None when the index must be (re)built from scratch.

        `verify_index=False` checks the catalog alone, without opening (or importing) Whoosh:
        the app's quick start, which verifies the index once its first list is drawn.
        """
        with self._lock:
            if not self._open(index=verify_index):
                return None
            assert self._catalog is not None
            return plan_sync(self._catalog, self.roots)

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
        try:
            ensure_dir(self.index_dir.parent)
        except LocationError as exc:
            raise LocationError(
                f"cannot use the index folder: {exc}; point PAPER_READER_CACHE_DIR "
                "(or XDG_CACHE_HOME) at a writable folder"
            ) from exc
        try:
            return self._sync_locked(progress, rebuild, on_wait)
        except (OSError, sqlite3.Error) as exc:
            raise IndexWriteFailed(
                f"cannot update the index in {self.index_dir.parent}: "
                f"{describe_write_error(exc)}; the previous index is kept"
            ) from exc

    def _sync_locked(
        self, progress: Progress | None, rebuild: bool, on_wait: Callable[[], None] | None
    ) -> SyncReport:
        with sync_lock(self.lock_path, self.lock_timeout, on_wait):
            with self._lock:
                self._close_handles()  # another process may have synced meanwhile
                usable = self._open()
                reason = None if usable else self._damage
            if rebuild or not usable:
                return self._rebuild(progress, "requested" if rebuild else reason)
            assert self._catalog is not None
            plan = plan_sync(self._catalog, self.roots)
            if plan.empty:
                papers = self._catalog.paper_count()
                report = SyncReport(
                    papers=papers,
                    problems=plan.problems,
                    duplicates_merged=self._catalog.record_count() - papers,
                )
                report.files = source_infos(self._catalog)
                return report
            from reader.search.sync import Syncer

            try:
                report = Syncer(self._ix, self._catalog, progress).run(plan)
            except BaseException:
                remove_orphans(self.index_dir)
                raise
            with self._lock:
                self._reopen_searcher()
            return report

    def _rebuild(self, progress: Progress | None, reason: str | None) -> SyncReport:
        """Build a fresh index beside the old one, then swap it in."""
        from reader.search import parallel
        from reader.search.sync import Syncer

        building = self.index_dir.with_name(self.index_dir.name + ".new")
        remove_leftovers(self.index_dir)
        clear_index_dir(building)
        building.mkdir(parents=True)
        try:
            catalog = Catalog(building / CATALOG_FILE)
            ix = create_whoosh(building)
            try:
                plan = plan_sync(catalog, self.roots)
                parts = parallel.split(plan)
                if parts:
                    report = parallel.build(building, catalog, ix, plan, parts, progress)
                else:
                    report = Syncer(ix, catalog, progress).run(plan)
            finally:
                catalog.close()
                ix.close()
        except BaseException:
            clear_index_dir(building)
            raise
        with self._lock:
            self._close_handles()
            swap_in(building, self.index_dir)
            self._open()
        report.rebuilt = True
        report.rebuild_reason = reason
        return report
