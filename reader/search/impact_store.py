"""Term impacts stored beside the index, per segment (derived data).

Building a common word's impact (`reader.search.impact_terms`) reads and groups all its
postings: a tenth of a second per field at a million papers, paid again by every process
and after every start. The store keeps each term's impact per index segment in one SQLite
file, `<index_dir>/impacts.sqlite`: a part holds the segment's own docnums, keyed by the
segment's id and its number of deleted documents (a segment's deletions only grow, so the
pair names its documents exactly). Any process (the app, a one-off `paper-reader search`)
assembles a stored term from its parts in milliseconds; after a sync only the new or
changed segments' parts are built, from their few postings. The warm-up writes them
(`reader.search.warmup`): the commonest words of the titles and the words searches asked
for, which a search that had to build an impact lists (one short transaction).

The file is a cache: when it cannot be opened, read or written (a damaged file, a
read-only cache, a full disk) the store says so once in the log and is off for the process
(a damaged file is removed so the next warm-up starts a new one); searches build impacts as
before. The warm-up drops the parts of segments the index no longer has.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
import sys
import threading
import zlib
from array import array
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from reader.diagnostics import degraded

NAME = "impacts.sqlite"
#: Stored bytes past which the oldest stored parts are dropped (a build of a million papers
#: stores about 930 MB: its commonest stems' and words' parts).
STORE_BYTES = 1280 * 1024 * 1024
#: Terms listed as wanted past which the oldest are dropped.
MAX_TERMS = 5_000
#: How long a writer waits for another process's write to end before it skips its own.
BUSY_MS = 50

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS part (
        segment TEXT NOT NULL,
        deleted INTEGER NOT NULL,
        field TEXT NOT NULL,
        term TEXT NOT NULL,
        written INTEGER NOT NULL,
        size INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (field, term, segment, deleted)
    )""",
    "CREATE INDEX IF NOT EXISTS part_written ON part (written)",
    """CREATE TABLE IF NOT EXISTS wanted (
        field TEXT NOT NULL,
        term TEXT NOT NULL,
        written INTEGER NOT NULL,
        PRIMARY KEY (field, term)
    )""",
)
#: One more than the newest `written` of a table.
_NEXT = "(SELECT COALESCE(MAX(written), 0) + 1 FROM {})"
#: List a term as wanted (searches asked for it), unless it is.
_WANT = (
    f"INSERT OR IGNORE INTO wanted (field, term, written) VALUES (?, ?, {_NEXT.format('wanted')})"
)
#: Magic, byte order, documents, postings, weights, groups.
_HEADER = struct.Struct("<6sBIIHI")
_MAGIC = b"PRIMP2"
_ORDER = 0 if sys.byteorder == "little" else 1

#: A segment as parts name it: its id and its number of deleted documents.
Segment = tuple[str, int]


class StoredImpact:
    """A term's impact in one segment as stored: its weights (index 1, 2, ...), the byte
    per document of the segment naming its weight index there, and its groups as keys
    (weight index * 256 + length byte), their sizes and their docnums (the segment's own,
    ascending within each group)."""

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


def path_for(ix: Any) -> Path | None:
    """The store of index `ix`, or None when the index is not in a folder (Whoosh's RAM
    storage)."""
    folder = getattr(getattr(ix, "storage", None), "folder", None)
    return None if folder is None else Path(folder).parent / NAME


class ImpactStore:
    """The stored impact parts of one index (`path`). Safe to use from several threads (a
    connection per thread) and processes (SQLite's locking; a write that would wait long
    is skipped). Opened on first use; off for the process after an error (logged)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._off = False
        #: Bytes this process may still store before it sums the store's size again (None:
        #: not summed yet). Summing reads every part's row (tens of milliseconds at a
        #: million papers) and a warm-up after a sync stores thousands of terms; another
        #: process's writes are counted when this one next sums (that process trims too).
        self._room: int | None = None
        self._room_lock = threading.Lock()

    # -- reading ------------------------------------------------------------------------
    def parts(
        self, field: str, text: str, segments: Collection[Segment]
    ) -> dict[Segment, StoredImpact]:
        """The stored parts of a term among `segments` (those unreadable left out)."""
        rows = self._read(
            "SELECT segment, deleted, data FROM part WHERE field = ? AND term = ?", (field, text)
        )
        found: dict[Segment, StoredImpact] = {}
        for segment, deleted, data in rows:
            if (segment, deleted) in segments:
                try:
                    found[(segment, deleted)] = StoredImpact.from_bytes(data)
                except ValueError as exc:
                    degraded("stored impacts", f"a damaged part is built again ({exc})")
        return found

    def stored_segments(self, field: str, text: str) -> set[Segment]:
        """The segments a term has parts for."""
        rows = self._read(
            "SELECT segment, deleted FROM part WHERE field = ? AND term = ?", (field, text)
        )
        return {(str(segment), int(deleted)) for segment, deleted in rows}

    def wanted(self) -> list[tuple[str, str]]:
        """The terms searches asked for, oldest first."""
        rows = self._read("SELECT field, term FROM wanted ORDER BY written", ())
        return [(str(field), str(term)) for field, term in rows]

    def ready(self) -> bool:
        """True when the file exists and the store is on."""
        return not self._off and self.path.exists()

    def close(self) -> None:
        """Close this thread's connection (the last one to close folds the log in)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            with contextlib.suppress(sqlite3.Error):
                db.close()

    # -- writing ------------------------------------------------------------------------
    def want(self, field: str, text: str) -> None:
        """List a term a search built the impact of: the next warm-up stores it."""
        self._write(lambda db: db.execute(_WANT, (field, text)))

    def put(self, field: str, text: str, parts: dict[Segment, StoredImpact]) -> None:
        """Store a term's parts (in one transaction), then drop the oldest past
        `STORE_BYTES`."""
        encoded = [
            (segment, deleted, part.to_bytes()) for (segment, deleted), part in parts.items()
        ]

        def put(db: sqlite3.Connection) -> None:
            db.execute(_WANT, (field, text))
            # One stamp for the term's parts, read once (on the index: not a scan per row).
            (written,) = db.execute(f"SELECT {_NEXT.format('part')}").fetchone()
            db.executemany(
                "INSERT OR REPLACE INTO part (segment, deleted, field, term, written, size, "
                "data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(seg, deleted, field, text, written, len(data), data)
                 for seg, deleted, data in encoded],
            )  # fmt: skip
            self._make_room(db, sum(len(data) for _seg, _deleted, data in encoded))

        if encoded:
            self._write(put)

    def keep_only(self, segments: Collection[Segment]) -> None:
        """Drop the parts of every other segment (the index no longer has them)."""
        keep = set(segments)

        def drop(db: sqlite3.Connection) -> None:
            found = db.execute("SELECT DISTINCT segment, deleted FROM part").fetchall()
            gone = [(s, d) for s, d in found if (s, d) not in keep]
            db.executemany("DELETE FROM part WHERE segment = ? AND deleted = ?", gone)

        if self.ready():
            self._write(drop)

    # -- internals ----------------------------------------------------------------------
    def _make_room(self, db: sqlite3.Connection, added: int) -> None:
        """After storing `added` bytes: drop the oldest parts past `STORE_BYTES` (`_trim`)
        if this process's writes since it last summed the store's size could have taken it
        past, and the oldest wanted terms past `MAX_TERMS`."""
        if self._take_room(added):
            _trim_wanted(db)
            return
        total = _trim(db)
        with self._room_lock:
            self._room = STORE_BYTES - total

    def _take_room(self, added: int) -> bool:
        """True, and the room less `added`, if this process may store `added` bytes more
        without summing the store's size."""
        with self._room_lock:
            if self._room is None or added > self._room:
                return False
            self._room -= added
            return True

    def _read(self, sql: str, args: tuple[str, ...]) -> list[Any]:
        """The rows of a query; none when the file is not there or cannot be read (the
        store then goes off)."""
        if not self.ready():
            return []
        try:
            return self._db().execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            self._fail(exc)
            return []

    def _write(self, work: Callable[[sqlite3.Connection], object]) -> None:
        if self._off:
            return
        try:
            db = self._db()
            with db:
                work(db)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return  # another process is writing: this is only a cache entry
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
                for statement in _SCHEMA:
                    db.execute(statement)
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


def _trim(db: sqlite3.Connection) -> int:
    """Drop the oldest stored parts past `STORE_BYTES`, and the oldest wanted terms past
    `MAX_TERMS`; the stored parts' bytes left."""
    (total,) = db.execute("SELECT COALESCE(SUM(size), 0) FROM part").fetchone()
    if total > STORE_BYTES:
        rows = db.execute("SELECT rowid, size FROM part ORDER BY written").fetchall()
        gone = []
        for rowid, size in rows:
            if total <= STORE_BYTES:
                break
            gone.append((rowid,))
            total -= size
        db.executemany("DELETE FROM part WHERE rowid = ?", gone)
    _trim_wanted(db)
    return int(total)


def _trim_wanted(db: sqlite3.Connection) -> None:
    """Drop the oldest wanted terms past `MAX_TERMS`."""
    (count,) = db.execute("SELECT COUNT(*) FROM wanted").fetchone()
    if count > MAX_TERMS:
        db.execute(
            "DELETE FROM wanted WHERE rowid IN (SELECT rowid FROM wanted ORDER BY written LIMIT ?)",
            (count - MAX_TERMS,),
        )


__all__ = ["STORE_BYTES", "ImpactStore", "Segment", "StoredImpact", "path_for"]
