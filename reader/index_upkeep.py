"""The command line's index upkeep: sync before a command reads (or read the last committed
index when another process is syncing), and merge the small segments a sync left after a
command's report (`Library.merge`)."""

from __future__ import annotations

import sqlite3
import sys
from typing import Any, TextIO

from reader.errors import UserError
from reader.locations import LocationError
from reader.search import IndexBusy, IndexWriteFailed, Library


def _progress(stream: TextIO) -> Any:
    if not stream.isatty():
        return None

    def show(done: int, total: int, label: str) -> None:
        pct = 100 * done // max(total, 1)
        stream.write(f"\r\x1b[2K[{pct:3d}%] {label[:60]}")
        if done >= total:
            stream.write("\r\x1b[2K")
        stream.flush()

    return show


def ensure_synced(lib: Library, rebuild: bool = False, required: bool = False) -> Any:
    """Sync before reading; if another process is syncing, or the index cannot be written
    (disk full, read-only cache), read the last committed index. `required`: raise instead."""

    def waiting() -> None:
        print("paper-reader: waiting for another paper-reader to finish indexing…", file=sys.stderr)

    try:
        report = lib.sync(progress=_progress(sys.stderr), rebuild=rebuild, on_wait=waiting)
    except IndexBusy as exc:
        if rebuild or required:
            raise
        print(f"paper-reader: {exc}; using the last committed index", file=sys.stderr)
        return None
    except (IndexWriteFailed, LocationError) as exc:
        if rebuild or required or not lib.available:
            raise
        print(f"paper-reader: warning: {exc}; using the last built index", file=sys.stderr)
        return None
    if not report.files and report.problems:
        raise UserError(f"no dumps to read: {'; '.join(report.problems)}")
    if report.rebuilt and report.rebuild_reason and report.rebuild_reason != "requested":
        print(f"paper-reader: index rebuilt ({report.rebuild_reason})", file=sys.stderr)
    for problem in report.problems:
        print(f"paper-reader: warning: {problem}", file=sys.stderr)
    return report


def ensure_current(lib: Library, needs_index: bool = True) -> None:
    """Before a command that only reads: sync (as `ensure_synced`) unless the dump set is
    unchanged, which the file stats alone tell, without the sync lock. `needs_index`: the
    command searches, so the Whoosh index must open too (a damaged one is rebuilt)."""
    try:
        plan = lib.plan(verify_index=needs_index)
    except (OSError, sqlite3.Error):  # a damaged catalog: the sync decides what to do
        plan = None
    if plan is None or not plan.empty:
        ensure_synced(lib)
        return
    if not plan.states and plan.problems:
        raise UserError(f"no dumps to read: {'; '.join(plan.problems)}")
    for problem in plan.problems:
        print(f"paper-reader: warning: {problem}", file=sys.stderr)


def merge_after(lib: Library) -> None:
    """After a command's report: merge the small segments its sync left (`Library.merge`),
    with a progress line on a terminal; a failure is a warning (the index as it was)."""
    tty = sys.stderr.isatty()
    if tty:
        sys.stderr.write("\r\x1b[2Kmerging small index segments…")
        sys.stderr.flush()
    try:
        lib.merge()
    except (IndexWriteFailed, LocationError) as exc:
        if tty:
            sys.stderr.write("\r\x1b[2K")
        print(f"paper-reader: warning: {exc}", file=sys.stderr)
    else:
        if tty:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
