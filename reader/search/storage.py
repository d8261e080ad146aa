"""The on-disk index folder: Whoosh files + catalog, a cross-process sync lock, damage checks.

Layout: `<index_dir>/whoosh/` (Whoosh, no mmap: keeps RSS small), `<index_dir>/catalog.sqlite`,
the stored impacts, vocabulary and paper ids the build and the warm-up write beside them
(`impact_store`, `vocabulary_file`, `id_file`);
the lock `<index_dir>.lock` sits beside the folder so a rebuild can swap the folder whole.
Whoosh is imported by the functions that open it: the app draws its first list from the
catalog alone, before Whoosh (slow to import) is loaded.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.locking import CrossProcessLock, LockBusy

if TYPE_CHECKING:
    from whoosh.filedb.filestore import FileStorage

WHOOSH_DIR = "whoosh"
CATALOG_FILE = "catalog.sqlite"


class IndexBusy(Exception):
    """Another process holds the sync lock past the timeout."""


class IndexDamaged(Exception):
    """The index exists but cannot be opened; the message says why."""


#: What reading a damaged index raises, found by truncating and garbling each file of a
#: sample index (tests/adversarial/test_index_damage.py and a fuzz run). Anything else is a
#: bug. Whoosh's readers add `whoosh_read_errors()`, named there so that importing this
#: module (every one-off command does) loads nothing Whoosh would not.
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # a file missing, unreadable, or a folder where a file should be
    sqlite3.Error,  # the catalog: "file is not a database", a malformed page
    IndexDamaged,  # our own checks said so
    EOFError,  # a truncated file read past its end (Whoosh's struct files, pickle)
)

#: What opening a damaged Whoosh index adds: the table of contents and segment records are
#: pickles, and unpickling garbage raises almost anything (the pickle docs name
#: AttributeError, EOFError, ImportError and IndexError; the fuzz run also saw
#: UnicodeDecodeError and ValueError), and Whoosh reads a varint from an empty read as
#: `ord(b"")`, a TypeError. Caught only around the open and its first reads, which run
#: Whoosh's code alone.
OPEN_ERRORS: tuple[type[BaseException], ...] = (
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    TypeError,
    ValueError,
)


def whoosh_read_errors() -> tuple[type[BaseException], ...]:
    """What Whoosh's file readers raise on garbled bytes, beyond `DAMAGE_ERRORS` (imports
    Whoosh, which loads these modules anyway)."""
    import pickle
    import struct
    import zlib

    from whoosh.filedb.filetables import FileFormatError
    from whoosh.index import IndexError as WhooshIndexError
    from whoosh.reading import CorruptIndexError

    return (
        struct.error,  # a short read unpacked as a fixed-size number
        zlib.error,  # a garbled compressed posting block
        pickle.UnpicklingError,  # a garbled table of contents or segment record
        FileFormatError,  # a table file whose header is not Whoosh's
        WhooshIndexError,  # a table of contents of an unknown version or format
        CorruptIndexError,
    )


def damage_errors() -> tuple[type[BaseException], ...]:
    """`DAMAGE_ERRORS`, plus `whoosh_read_errors()` once Whoosh is loaded: for an `except`
    around code that may or may not have opened Whoosh (evaluated only when one is raised)."""
    import sys

    if "whoosh" not in sys.modules:
        return DAMAGE_ERRORS
    return DAMAGE_ERRORS + whoosh_read_errors()


class IndexWriteFailed(Exception):
    """A sync could not write the index (disk full, read-only or misplaced cache folder).

    Nothing was swapped in or committed half-way: the previous index, if any, still answers.
    """


def describe_write_error(exc: BaseException) -> str:
    """A short reason for a failed index write (OSError or sqlite3 error)."""
    if isinstance(exc, OSError):
        if exc.errno == errno.EFBIG:
            reason = "file too large (a file size limit or a full disk)"
        else:
            reason = (exc.strerror or str(exc) or type(exc).__name__).lower()
        return f"{reason} ({exc.filename})" if exc.filename else reason
    return " ".join(str(exc).split()) or type(exc).__name__


def storage(index_dir: Path) -> FileStorage:
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(index_dir / WHOOSH_DIR), supports_mmap=False)


def open_whoosh(index_dir: Path) -> tuple[Any, Any]:
    """Open the Whoosh index and a searcher on it, read a little to check both; raises
    `IndexDamaged` with a reason if they cannot be read."""
    from whoosh import index as windex

    wdir = index_dir / WHOOSH_DIR
    if not wdir.is_dir():
        raise IndexDamaged("index folder missing")
    searcher = None
    try:
        ix = storage(index_dir).open_index()
        searcher = ix.searcher()
        searcher.doc_count_all()
        reader = searcher.reader()
        for _ in zip(range(3), reader.all_terms(), strict=False):
            pass
        return ix, searcher
    except windex.EmptyIndexError as exc:
        raise IndexDamaged("index is empty or its table of contents is missing") from exc
    except (*DAMAGE_ERRORS, *whoosh_read_errors(), *OPEN_ERRORS) as exc:  # see OPEN_ERRORS
        if searcher is not None:
            with suppress(*DAMAGE_ERRORS, *OPEN_ERRORS):
                searcher.close()
        raise IndexDamaged(f"index cannot be read ({type(exc).__name__}: {exc})") from exc


def create_whoosh(index_dir: Path) -> Any:
    from reader.search.schema import make_schema

    wdir = index_dir / WHOOSH_DIR
    wdir.mkdir(parents=True, exist_ok=True)
    return storage(index_dir).create_index(make_schema())


def clear_index_dir(index_dir: Path) -> None:
    """Remove an index folder (or a file squatting on its path)."""
    if index_dir.is_symlink() or index_dir.is_file():
        index_dir.unlink()
    elif index_dir.exists():
        shutil.rmtree(index_dir)


def remove_orphans(index_dir: Path) -> None:
    """Best effort: delete Whoosh files no commit refers to (left by a failed or killed sync).

    Whoosh has no public call for it, so this is a fast path: it runs through the compat
    switch (`reader.search.compat.attempt`) on the Whoosh it was written for. Otherwise the
    orphans stay, costing disk space, never correctness, and the log says so once.
    """
    from reader.diagnostics import degraded
    from reader.search.compat import attempt, fast

    if not fast():
        degraded("removing files a failed sync left", "skipped: the fast paths are off")
        return
    attempt("removing files a failed sync left", lambda: _clean_whoosh_files(index_dir))


def _clean_whoosh_files(index_dir: Path) -> None:
    from whoosh import index as windex

    try:
        store = storage(index_dir)
        toc = windex.TOC.read(store, windex._DEF_INDEX_NAME)
        windex.clean_files(store, windex._DEF_INDEX_NAME, toc.generation, toc.segments)
    except (*DAMAGE_ERRORS, *whoosh_read_errors(), *OPEN_ERRORS):  # damaged: the next sync rebuilds
        return


def remove_leftovers(index_dir: Path) -> None:
    """Best effort: delete folders a killed rebuild or swap left beside the index."""
    for stale in index_dir.parent.glob(f"{index_dir.name}.old-*"):
        with suppress(OSError):
            clear_index_dir(stale)


def swap_in(new_dir: Path, index_dir: Path) -> None:
    """Replace `index_dir` by `new_dir` (two renames; a crash between leaves no index, which rebuilds)."""
    old = index_dir.with_name(f"{index_dir.name}.old-{os.getpid()}")
    if index_dir.exists() or index_dir.is_symlink():
        os.replace(index_dir, old)
    os.replace(new_dir, index_dir)
    clear_index_dir(old)


@contextmanager
def sync_lock(
    lock_path: Path, timeout: float, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the cross-process sync lock; `IndexBusy` if another process holds it past `timeout`."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = CrossProcessLock(lock_path, timeout, poll=0.1, on_wait=on_wait)
    try:
        lock.acquire()
    except LockBusy:
        raise IndexBusy(
            "another paper-reader is updating the index; try again when it finishes"
        ) from None
    try:
        yield
    finally:
        lock.release()
