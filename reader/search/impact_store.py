"""Term impacts of one index generation, stored beside the index (derived data).

Building a common word's impact (`reader.search.impact_terms`) reads and groups all its
postings: a tenth of a second per field at a million papers, paid again by every process
and after every start. The store keeps finished impacts in one SQLite file per commit,
`<index_dir>/impacts-<generation>-<segments>.sqlite`, so any process (the app, a one-off
`paper-reader search`) reads a stored term in milliseconds. The warm-up writes them
(`reader.search.warmup`): the commonest words, and the words searches have asked for, which
a search that had to build an impact marks as wanted (a row without data, written in one
short transaction). A new commit's file starts from the previous one's list of terms, so
the words a user searches for are stored again after every sync.

The name holds the Whoosh generation and a digest of the segment ids, as the vocabulary
file's does (`reader.search.vocabulary_file`): a file of another commit is never read, and
the warm-up removes older ones once the new one holds their terms. The file is a cache:
when it cannot be opened, read or written (a damaged file, a read-only cache, a full disk)
the store says so once in the log and is off for the process (a damaged file is removed
so the next warm-up starts a new one); searches build impacts as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import struct
import sys
import threading
import zlib
from array import array
from pathlib import Path
from typing import Any

from reader.diagnostics import degraded
from reader.search.postings import segment_ids

PREFIX = "impacts-"
SUFFIX = ".sqlite"
_NAME = re.compile(rf"{PREFIX}(\d+)-[0-9a-f]+{re.escape(SUFFIX)}\Z")
#: Stored bytes past which the oldest stored impacts are dropped.
STORE_BYTES = 384 * 1024 * 1024
#: Terms listed in a file (stored or wanted) past which the oldest wanted ones are dropped.
MAX_TERMS = 5_000
#: How long a writer waits for another process's write to end before it skips its own.
BUSY_MS = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS impact (
    field TEXT NOT NULL,
    term TEXT NOT NULL,
    written INTEGER NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    data BLOB,
    PRIMARY KEY (field, term)
)
"""
#: Magic, byte order, documents, postings, weights, groups.
#: The order terms were listed or stored in (one more than the newest).
_NEXT = "(SELECT COALESCE(MAX(written), 0) + 1 FROM impact)"
_HEADER = struct.Struct("<6sBIIHI")
_MAGIC = b"PRIMP1"
_ORDER = 0 if sys.byteorder == "little" else 1


class StoredImpact:
    """A term's impact as stored: its weights (index 1, 2, ...), the byte per document
    naming its weight index there, and its groups as keys (weight index * 256 + length
    byte, best score first), their sizes and their docnums (ascending within each)."""

    __slots__ = ("at", "docs", "keys", "sizes", "weights")

    def __init__(
        self, weights: list[float], at: bytearray, keys: array[int], sizes: array[int],
        docs: array[int],
    ) -> None:  # fmt: skip
        self.weights = weights
        self.at = at
        self.keys = keys
        self.sizes = sizes
        self.docs = docs

    def to_bytes(self) -> bytes:
        packed = zlib.compress(bytes(self.at), 1)
        header = _HEADER.pack(
            _MAGIC, _ORDER, len(self.at), len(self.docs), len(self.weights), len(self.keys)
        )
        return b"".join(
            (
                header,
                array("d", self.weights).tobytes(),
                struct.pack("<I", len(packed)),
                packed,
                self.keys.tobytes(),
                self.sizes.tobytes(),
                self.docs.tobytes(),
            )
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> StoredImpact:
        """Raises ValueError when `data` is not a whole stored impact of this machine."""
        if len(data) < _HEADER.size:
            raise ValueError("too short")
        magic, order, documents, postings, weights, groups = _HEADER.unpack_from(data)
        if magic != _MAGIC or order != _ORDER:
            raise ValueError("not a stored impact of this version and byte order")
        view = memoryview(data)
        at_offset = _HEADER.size + 8 * weights
        if len(data) < at_offset + 4:
            raise ValueError("truncated")
        (packed,) = struct.unpack_from("<I", data, at_offset)
        start = at_offset + 4 + packed
        end = start + 2 * groups + 4 * groups + 4 * postings
        if end != len(data):
            raise ValueError("truncated or padded")
        found_weights = _array("d", view[_HEADER.size : at_offset])
        try:
            at = bytearray(zlib.decompress(view[at_offset + 4 : at_offset + 4 + packed]))
        except zlib.error as exc:
            raise ValueError(f"damaged: {exc}") from None
        keys = _array("H", view[start : start + 2 * groups])
        sizes = _array("I", view[start + 2 * groups : start + 6 * groups])
        docs = _array("I", view[start + 6 * groups : end])
        if len(at) != documents or sum(sizes) != postings:
            raise ValueError("inconsistent counts")
        return cls(found_weights.tolist(), at, keys, sizes, docs)


def _array(typecode: str, data: memoryview) -> array[Any]:
    """An array of the machine's items in `data` (an array made from a memoryview would
    take each byte for an item)."""
    made = array(typecode)
    made.frombytes(data)
    return made


def path_for(ix: Any, reader: Any) -> Path | None:
    """The file of the commit `reader` reads (of index `ix`), or None when the index is not
    in a folder (Whoosh's RAM storage) or the reader has no generation."""
    folder = getattr(getattr(ix, "storage", None), "folder", None)
    generation = reader.generation() if hasattr(reader, "generation") else None
    if folder is None or generation is None or generation < 0:
        return None
    ids = ",".join(segment_ids(reader))
    digest = hashlib.sha1(ids.encode("utf-8")).hexdigest()[:16]
    return Path(folder).parent / f"{PREFIX}{generation}-{digest}{SUFFIX}"


class ImpactStore:
    """The stored impacts of one commit (`path`). Safe to use from several threads (a
    connection per thread) and processes (SQLite's locking; a write that would wait long
    is skipped). Opened on first use; off for the process after an error (logged)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._off = False

    # -- reading ------------------------------------------------------------------------
    def get(self, field: str, text: str) -> StoredImpact | None:
        """The stored impact of a term, or None (not stored, unreadable, or the store off)."""
        if self._off or not self.path.exists():
            return None
        try:
            row = (
                self._db()
                .execute("SELECT data FROM impact WHERE field = ? AND term = ?", (field, text))
                .fetchone()
            )
        except sqlite3.DatabaseError as exc:
            self._fail(exc)
            return None
        if row is None or row[0] is None:
            return None
        try:
            return StoredImpact.from_bytes(row[0])
        except ValueError as exc:
            degraded("stored impacts", f"a damaged entry is built again ({exc})")
            return None

    def has(self, field: str, text: str) -> bool:
        """True when the term's impact is stored."""
        if not self.ready():
            return False
        try:
            row = (
                self._db()
                .execute(
                    "SELECT 1 FROM impact WHERE field = ? AND term = ? AND data IS NOT NULL",
                    (field, text),
                )
                .fetchone()
            )
        except sqlite3.DatabaseError as exc:
            self._fail(exc)
            return False
        return row is not None

    def terms(self) -> list[tuple[str, str, bool]]:
        """Every listed term: (field, term, stored), oldest first."""
        return _terms_of(self._db(), self._fail) if self.ready() else []

    def ready(self) -> bool:
        """True when the file exists and the store is on."""
        return not self._off and self.path.exists()

    # -- writing ------------------------------------------------------------------------
    def want(self, field: str, text: str) -> None:
        """Mark a term as wanted (a search built its impact): the next warm-up stores it."""
        self._write(
            f"INSERT OR IGNORE INTO impact (field, term, written) VALUES (?, ?, {_NEXT})",
            (field, text),
        )

    def put(self, field: str, text: str, impact: StoredImpact) -> None:
        """Store a term's impact, then drop the oldest ones past `STORE_BYTES`."""
        data = impact.to_bytes()
        self._write(
            "INSERT OR REPLACE INTO impact (field, term, written, size, data) "
            f"VALUES (?, ?, {_NEXT}, ?, ?)",
            (field, text, len(data), data),
            trim=True,
        )

    def remove_older(self) -> list[tuple[str, str]]:
        """Remove the files of older generations; return the terms the newest of them
        listed (stored or wanted), to be stored again for this one."""
        mine = _generation(self.path.name)
        older = sorted(
            (gen, other)
            for other in self.path.parent.glob(f"{PREFIX}*{SUFFIX}")
            if other != self.path
            and (gen := _generation(other.name)) is not None
            and mine is not None
            and gen < mine
        )
        listed: list[tuple[str, str]] = []
        if older:
            listed = _read_terms(older[-1][1])
        for _gen, other in older:
            for name in (other, Path(f"{other}-wal"), Path(f"{other}-shm")):
                with contextlib.suppress(OSError):
                    os.unlink(name)
        return listed

    # -- internals ----------------------------------------------------------------------
    def _write(self, sql: str, args: tuple[Any, ...], trim: bool = False) -> None:
        if self._off:
            return
        try:
            db = self._db()
            with db:
                db.execute(sql, args)
                if trim:
                    _trim(db)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return  # another process is writing: this one is only a cache entry
            self._fail(exc)
        except sqlite3.DatabaseError as exc:
            self._fail(exc)

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(_SCHEMA)
            except sqlite3.Error:
                if db is not None:
                    db.close()
                raise
            db.isolation_level = "DEFERRED"  # `with db:` commits what it wrote
            self._local.db = db
        return db

    def _fail(self, exc: BaseException) -> None:
        """Turn the store off for the process; a damaged file is removed (derived data)."""
        self._off = True
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            degraded("stored impacts", f"a damaged file is removed ({exc})")
            db = getattr(self._local, "db", None)
            if db is not None:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
                self._local.db = None
            for name in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                with contextlib.suppress(OSError):
                    os.unlink(name)
        else:
            degraded("stored impacts", f"off for this process ({exc})")


def _trim(db: sqlite3.Connection) -> None:
    """Drop the oldest stored impacts past `STORE_BYTES`, and the oldest wanted terms
    past `MAX_TERMS`."""
    (total,) = db.execute("SELECT COALESCE(SUM(size), 0) FROM impact").fetchone()
    while total > STORE_BYTES:
        row = db.execute(
            "SELECT field, term, size FROM impact WHERE data IS NOT NULL ORDER BY written LIMIT 1"
        ).fetchone()
        if row is None:
            break
        db.execute("DELETE FROM impact WHERE field = ? AND term = ?", row[:2])
        total -= row[2]
    (count,) = db.execute("SELECT COUNT(*) FROM impact").fetchone()
    if count > MAX_TERMS:
        db.execute(
            "DELETE FROM impact WHERE rowid IN (SELECT rowid FROM impact WHERE data IS NULL "
            "ORDER BY written LIMIT ?)",
            (count - MAX_TERMS,),
        )


def _terms_of(db: sqlite3.Connection, fail: Any) -> list[tuple[str, str, bool]]:
    try:
        rows = db.execute(
            "SELECT field, term, data IS NOT NULL FROM impact ORDER BY written"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        fail(exc)
        return []
    return [(field, term, bool(stored)) for field, term, stored in rows]


def _read_terms(path: Path) -> list[tuple[str, str]]:
    """The terms another file lists, or none when it cannot be read."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_MS / 1000)
    except sqlite3.Error:
        return []
    try:
        rows = db.execute("SELECT field, term FROM impact ORDER BY written").fetchall()
    except sqlite3.DatabaseError:
        return []
    finally:
        db.close()
    return [(str(field), str(term)) for field, term in rows]


def _generation(name: str) -> int | None:
    found = _NAME.match(name)
    return int(found.group(1)) if found else None


__all__ = ["STORE_BYTES", "ImpactStore", "StoredImpact", "path_for"]
