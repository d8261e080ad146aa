"""The catalog: a SQLite side store of dump fingerprints, per-dump records and merged papers.

Whoosh answers "which papers match"; the catalog answers everything else (text to show,
rows for the visible part of a list, dump order, facets) without touching the index.
One connection per thread; WAL mode so readers see the last commit while a sync writes.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any, NamedTuple

from reader.ingest.identity import title_key
from reader.model import Paper, Source
from reader.sql import rows_for_ids

#: The index format: bump when the Whoosh schema, analysis or catalog layout changes; a
#: mismatch rebuilds the index. Kept here so opening the catalog needs no Whoosh import.
SCHEMA_VERSION = 9

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, name TEXT, ord INTEGER, size INTEGER, mtime_ns INTEGER,
    sha TEXT, format TEXT, page_date TEXT, query TEXT, papers INTEGER, warnings TEXT);
CREATE TABLE IF NOT EXISTS records(
    path TEXT, seq INTEGER, id TEXT, data BLOB, PRIMARY KEY(path, seq));
CREATE INDEX IF NOT EXISTS records_id ON records(id);
CREATE TABLE IF NOT EXISTS papers(
    id TEXT PRIMARY KEY, title TEXT, title_key TEXT, first_source TEXT, page_date TEXT,
    date_key TEXT, published TEXT, upvotes INTEGER, arxiv_id TEXT, sources TEXT,
    categories TEXT);
CREATE INDEX IF NOT EXISTS papers_arxiv ON papers(arxiv_id);
"""


class FileRow(NamedTuple):
    """A dump's fingerprint and what reading it found."""

    path: str
    name: str
    ord: int
    size: int
    mtime_ns: int
    sha: str
    format: str
    page_date: str | None
    query: str | None
    papers: int
    warnings: list[str]


class PaperRow(NamedTuple):
    """The per-paper columns used for lists, sorting and filtering.

    A named tuple: the app loads one per paper (100k at a time), and a named tuple is
    several times cheaper to build than a frozen dataclass."""

    id: str
    title: str
    title_key: str
    first_source: str
    page_date: str | None
    date_key: str
    published: str | None
    upvotes: int | None
    arxiv_id: str | None
    sources: tuple[str, ...]
    categories: tuple[str, ...]


def pack(paper: Paper) -> bytes:
    """Compress a record for storage (JSON, zlib level 1: fast, about 2.5x smaller)."""
    return zlib.compress(json.dumps(paper.to_dict(), ensure_ascii=False).encode("utf-8"), 1)


def unpack(blob: bytes) -> Paper:
    return Paper.from_dict(json.loads(zlib.decompress(blob).decode("utf-8")))


class Catalog:
    """Thread-safe access to `catalog.sqlite` (a connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._closed = False
        #: Opened read-only: its folder cannot be written (a read-only cache), so the last
        #: built catalog is read as it stands, and nothing may change it.
        self.read_only = False
        try:
            with self.transaction() as db:
                db.executescript(_SCHEMA)
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc) or not path.exists():
                raise
            self._drop_connections()
            self.read_only = True
            self.connect().execute("SELECT 1 FROM meta LIMIT 1")

    def connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed catalog.")
            if self.read_only:
                uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
                conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def transaction(self) -> sqlite3.Connection:
        """`with catalog.transaction() as db:` commits on success, rolls back on error."""
        return self.connect()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Within `with catalog.snapshot():`, this thread's reads see one commit (a read
        transaction), so several reads agree though a sync commits meanwhile."""
        conn = self.connect()
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            conn.rollback()

    def close(self) -> None:
        """Close the catalog: a later use raises `sqlite3.ProgrammingError`, as a closed
        connection's does. A sync closes the catalog it replaces while another thread may be
        reading it, and closing a connection under a running statement crashes the process:
        this thread's connection closes now, another thread's as soon as that thread no
        longer holds it (when its thread-local slot goes, at once for an idle one)."""
        self._closed = True
        self._drop_connections()

    def _drop_connections(self) -> None:
        own: sqlite3.Connection | None = getattr(self._local, "conn", None)
        self._local = threading.local()  # every thread's slot goes with the old one
        if own is not None:
            with contextlib.suppress(sqlite3.Error):
                own.close()

    # -- meta -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.connect().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        return int(self.get_meta("generation") or 0)

    # -- files ------------------------------------------------------------------------
    def files(self) -> dict[str, FileRow]:
        rows = self.connect().execute(
            "SELECT path, name, ord, size, mtime_ns, sha, format, page_date, query, papers,"
            " warnings FROM files ORDER BY ord"
        )
        return {
            r[0]: FileRow(
                path=r[0], name=r[1], ord=r[2], size=r[3], mtime_ns=r[4], sha=r[5], format=r[6],
                page_date=r[7], query=r[8], papers=r[9], warnings=json.loads(r[10] or "[]"),
            )
            for r in rows
        }  # fmt: skip

    def file_names(self) -> list[str]:
        """The dumps' names in dump order (`files` decodes every row: tens of milliseconds
        for thousands of dumps, spent under the library lock by every facet count)."""
        return [r[0] for r in self.connect().execute("SELECT name FROM files ORDER BY ord")]

    def file_stats(self) -> dict[str, tuple[int, int, int]]:
        """Path -> (size, mtime_ns, ord) of every dump: what a sync plan compares with the
        disk (`files` decodes every row whole: tens of milliseconds for thousands of dumps,
        spent before every one-off command)."""
        rows = self.connect().execute("SELECT path, size, mtime_ns, ord FROM files ORDER BY ord")
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def put_file(self, db: sqlite3.Connection, row: FileRow) -> None:
        db.execute(
            "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                row.path, row.name, row.ord, row.size, row.mtime_ns, row.sha, row.format,
                row.page_date, row.query, row.papers, json.dumps(row.warnings),
            ),
        )  # fmt: skip

    def delete_file(self, db: sqlite3.Connection, path: str) -> None:
        db.execute("DELETE FROM files WHERE path=?", (path,))
        db.execute("DELETE FROM records WHERE path=?", (path,))

    # -- records ----------------------------------------------------------------------
    def ids_of_file(self, path: str) -> set[str]:
        rows = self.connect().execute("SELECT id FROM records WHERE path=?", (path,))
        return {r[0] for r in rows}

    def put_records(self, db: sqlite3.Connection, path: str, papers: Iterable[Paper]) -> None:
        db.execute("DELETE FROM records WHERE path=?", (path,))
        db.executemany(
            "INSERT INTO records(path, seq, id, data) VALUES (?,?,?,?)",
            ((path, seq, p.id, pack(p)) for seq, p in enumerate(papers)),
        )

    def records_for(self, paper_id: str, db: sqlite3.Connection | None = None) -> list[Paper]:
        """Every dump's record of one paper, in dump order."""
        conn = db or self.connect()
        rows = conn.execute(
            "SELECT r.data FROM records r JOIN files f ON f.path = r.path"
            " WHERE r.id=? ORDER BY f.ord, r.seq",
            (paper_id,),
        )
        return [unpack(r[0]) for r in rows]

    def ids_by_file(self, paths: Sequence[str]) -> dict[str, list[str]]:
        """Each file's paper ids in page order."""
        conn = self.connect()
        out: dict[str, list[str]] = {}
        for path in paths:
            rows = conn.execute("SELECT id FROM records WHERE path=? ORDER BY seq", (path,))
            out[path] = [r[0] for r in rows]
        return out

    def ordered_ids(self) -> list[str]:
        """Every paper id once, in dump order (first appearance)."""
        seen: dict[str, None] = {}
        rows = self.connect().execute(
            "SELECT r.id FROM records r JOIN files f ON f.path = r.path ORDER BY f.ord, r.seq"
        )
        for (pid,) in rows:
            seen.setdefault(pid, None)
        return list(seen)

    def first_ids(self, limit: int) -> list[str]:
        """The first `limit` ids of `ordered_ids()`, reading dump by dump (in dump order) and
        stopping there: a one-off `list --limit 20` must not sort every record."""
        conn = self.connect()
        seen: dict[str, None] = {}
        for (path,) in conn.execute("SELECT path FROM files ORDER BY ord").fetchall():
            for (pid,) in conn.execute("SELECT id FROM records WHERE path=? ORDER BY seq", (path,)):
                seen.setdefault(pid, None)
                if len(seen) >= limit:
                    return list(seen)
        return list(seen)

    def first_unlisted(self, paths: Sequence[str], limit: int, skip: AbstractSet[str]) -> list[str]:
        """The first `limit` ids, in the order of `paths` then page order, each once and none
        of `skip`, reading file by file and stopping there (a one-off `inbox --limit 20`)."""
        conn = self.connect()
        met: set[str] = set()
        out: list[str] = []
        for path in paths:
            for (pid,) in conn.execute("SELECT id FROM records WHERE path=? ORDER BY seq", (path,)):
                if pid in met:
                    continue
                met.add(pid)
                if pid not in skip:
                    out.append(pid)
                    if len(out) >= limit:
                        return out
        return out

    def count_papers_among(self, ids: Iterable[str]) -> int:
        """How many of `ids` (distinct) are papers of the index."""
        conn = self.connect()
        chunk: list[str] = []
        found = 0

        def flush() -> int:
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT COUNT(*) FROM papers WHERE id IN ({marks})"
            return int(conn.execute(sql, chunk).fetchone()[0])

        for pid in ids:
            chunk.append(pid)
            if len(chunk) >= 500:
                found += flush()
                chunk.clear()
        if chunk:
            found += flush()
        return found

    # -- papers -----------------------------------------------------------------------
    def put_paper(self, db: sqlite3.Connection, paper: Paper, date_key: str) -> None:
        first = paper.sources[0] if paper.sources else Source(name="")
        page_date = next((s.page_date for s in paper.sources if s.page_date), None)
        db.execute(
            "INSERT OR REPLACE INTO papers VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                paper.id, paper.title, _title_sort_key(paper.title), first.name, page_date,
                date_key, paper.published, paper.upvotes, paper.arxiv_id,
                json.dumps(paper.source_names), json.dumps(paper.categories),
            ),
        )  # fmt: skip

    def delete_paper(self, db: sqlite3.Connection, paper_id: str) -> None:
        db.execute("DELETE FROM papers WHERE id=?", (paper_id,))

    def has_paper(self, paper_id: str) -> bool:
        row = self.connect().execute("SELECT 1 FROM papers WHERE id=?", (paper_id,)).fetchone()
        return row is not None

    def record_count(self) -> int:
        return int(self.connect().execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def paper_count(self) -> int:
        return int(self.connect().execute("SELECT COUNT(*) FROM papers").fetchone()[0])

    def has_metadata(self) -> bool:
        """True if any paper has a publication date, upvotes or an arXiv category."""
        row = (
            self.connect()
            .execute(
                "SELECT EXISTS(SELECT 1 FROM papers WHERE published != '' OR upvotes IS NOT NULL"
                " OR categories NOT IN ('', '[]'))"
            )
            .fetchone()
        )
        return bool(row[0])

    def paper_rows(self, ids: Sequence[str] | None = None) -> Iterator[PaperRow]:
        """Rows for the given ids (any order; missing ids are skipped), or all rows."""
        conn = self.connect()
        cols = (
            "SELECT id, title, title_key, first_source, page_date, date_key, published, upvotes,"
            " arxiv_id, sources, categories FROM papers"
        )
        if ids is None:
            yield from (_paper_row(r) for r in conn.execute(cols))
            return
        yield from map(_paper_row, rows_for_ids(conn, cols, ids))

    def sort_columns(self) -> Iterator[tuple[str, str | None, int | None, str | None, str | None]]:
        """Every paper's id, date key, upvotes, dumps and categories (the lists as stored:
        see `names_of`), in the order `paper_rows()` reads them (`RowTable`'s columns)."""
        return self.connect().execute(
            "SELECT id, date_key, upvotes, sources, categories FROM papers"
        )

    def ids_by_title(self) -> Iterator[tuple[str, str | None]]:
        """Every paper's id and title key, in title key order (SQLite's BINARY order of
        UTF-8 text is the order of the code points, as Python sorts strings)."""
        return self.connect().execute("SELECT id, title_key FROM papers ORDER BY title_key")

    def titles_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The titles of `ids` (those in the catalog), by id."""
        return dict(rows_for_ids(self.connect(), "SELECT id, title FROM papers", ids))

    def id_for_arxiv(self, arxiv_id: str) -> str | None:
        row = (
            self.connect()
            .execute("SELECT id FROM papers WHERE arxiv_id=? LIMIT 1", (arxiv_id,))
            .fetchone()
        )
        return None if row is None else str(row[0])


def _paper_row(r: tuple[Any, ...]) -> PaperRow:
    return PaperRow(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], names_of(r[9]), names_of(r[10])
    )


def names_of(text: str | None) -> tuple[str, ...]:
    """A list of names as `put_paper` stores it (`json.dumps`: ASCII, `", "` between items),
    split without the JSON parser when nothing in it is escaped (the common case; the app
    splits every row's lists, and `json.loads` is the slower way)."""
    if not text or text == "[]":
        return ()
    if "\\" in text:
        return tuple(json.loads(text))
    return tuple(text[2:-2].split('", "'))


def _title_sort_key(title: str) -> str:
    return title_key(title)
