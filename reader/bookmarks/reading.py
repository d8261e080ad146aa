"""`ReadingStore`: which papers the user has seen or dismissed, the undo journal, saved searches.

One SQLite file in the user data directory (`Locations.reading_file`), private (0600):
WAL mode, a busy timeout, and every change in one `BEGIN IMMEDIATE` transaction, so a
kill -9 loses at most the change in flight and several processes marking at once lose
nothing (SQLite's own locking serialises them). No Textual, no Whoosh.

A paper with no row is unread; a row may also say "unread" explicitly (after an undo or an
import), so the newest change per paper can win a merge. Rows are never deleted: each write
takes the next `seq`, and a reader brings its in-memory map up to date by reading only the
rows with a larger `seq`. A file that is not a readable database is moved aside (never
overwritten) and a fresh one started; `problem` says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from reader.bookmarks.atomic import ensure_private_dir
from reader.bookmarks.model import BookmarkError, clean_field

#: The layout of the file; a file with a larger `user_version` is opened read-only.
SCHEMA_VERSION = 1
#: SQLite's `application_id` for this file ("PRrd"), so a foreign database is not taken for ours.
APPLICATION_ID = 0x50527264
#: How long a write waits for another process's transaction (SQLite's busy timeout).
BUSY_TIMEOUT_MS = 10_000
#: Undo steps kept in the journal (older ones are dropped as new ones are written).
JOURNAL_STEPS = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks(
    id TEXT PRIMARY KEY, state TEXT NOT NULL, updated REAL NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS marks_seq ON marks(seq);
CREATE TABLE IF NOT EXISTS steps(
    step INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS journal(
    step INTEGER NOT NULL, id TEXT NOT NULL, before TEXT, after TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS journal_step ON journal(step);
CREATE TABLE IF NOT EXISTS searches(
    name TEXT PRIMARY KEY, query TEXT NOT NULL, filters TEXT NOT NULL, created TEXT NOT NULL,
    updated REAL NOT NULL);
"""


class ReadingError(BookmarkError):
    """A reading-state operation failed; the message is one line for the user."""


class State(StrEnum):
    """A paper's reading state."""

    UNREAD = "unread"
    SEEN = "seen"
    DISMISSED = "dismissed"


class Step(NamedTuple):
    """One undoable change: its journal step (None when nothing changed) and how many changed."""

    step: int | None
    changed: int


class SavedSearch(NamedTuple):
    """A named query with its filters (a plain mapping: sources, tags, dates, ...)."""

    name: str
    query: str
    filters: dict[str, Any]
    created: str


def _now_iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clean_name(name: str) -> str:
    """A saved search's name: one clean line, not empty."""
    text = clean_field(name)
    if not text:
        raise ReadingError("a saved search needs a name")
    if len(text) > 80:
        raise ReadingError("a saved search's name is at most 80 characters")
    return text


def clean_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Filters as stored: lists of clean strings, strings and booleans; empty values dropped."""
    out: dict[str, Any] = {}
    for key, value in filters.items():
        if isinstance(value, bool):
            if value:
                out[str(key)] = True
        elif isinstance(value, str):
            if clean_field(value):
                out[str(key)] = clean_field(value)
        elif isinstance(value, int):
            out[str(key)] = value
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = sorted({clean_field(v) for v in value if isinstance(v, str) and clean_field(v)})
            if items:
                out[str(key)] = items
    return out


class ReadingStore:
    """The reading state in `path`; opened on first use, safe to share between threads."""

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._mutex = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._problem: str | None = None
        self._read_only: str | None = None
        #: Every paper seen or dismissed as of the largest `seq` read, and a frozen copy of it
        #: handed out until it changes.
        self._seen: set[str] = set()
        self._frozen: frozenset[str] | None = None
        self._seq = 0
        self._version = -1

    # ----- opening ----------------------------------------------------------------------

    @property
    def problem(self) -> str | None:
        """What opening found wrong (a corrupt file moved aside, a newer format), else None."""
        with self._mutex:
            self._db()
            return self._problem

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def _open(self) -> sqlite3.Connection:
        ensure_private_dir(self.path.parent)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and _busy(exc):
                raise ReadingError(
                    f"{self.path} is busy (another paper-reader is writing)"
                ) from exc
            return self._recover(exc)

    def _recover(self, first: sqlite3.DatabaseError) -> sqlite3.Connection:
        """Under the cross-process lock (so two instances never move each other's fresh file
        aside): look again, move the bad file aside if it is still bad, start a fresh one."""
        from reader.locking import CrossProcessLock, LockBusy

        lock = CrossProcessLock(self.path.with_name(self.path.name + ".lock"), timeout=10.0)
        try:
            with lock:
                try:
                    return self._connect()  # another instance repaired it meanwhile
                except sqlite3.DatabaseError as exc:
                    if isinstance(exc, sqlite3.OperationalError) and _busy(exc):
                        raise ReadingError(f"{self.path} is busy: {exc}") from exc
                    first = exc
                aside = self._move_aside(first)
                self._problem = (
                    f"{self.path} could not be read ({first}); it was moved to {aside} and "
                    "the reading state starts empty"
                )
                try:
                    return self._connect()
                except sqlite3.DatabaseError as again:
                    raise ReadingError(f"cannot open {self.path}: {again}") from again
        except LockBusy as exc:
            raise ReadingError(f"{self.path} could not be read ({first}); {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise ReadingError(f"cannot open {self.path}: {exc.strerror or exc}") from exc
        os.close(fd)
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
            check_same_thread=False,
        )  # fmt: skip
        try:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables and app_id != APPLICATION_ID:
                raise sqlite3.DatabaseError("not a paper-reader reading-state database")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            if version > SCHEMA_VERSION:
                self._read_only = self._problem = (
                    f"{self.path} was written by a newer paper-reader (schema version "
                    f"{version}); the reading state is read-only"
                )
                return conn
            if version < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                    conn.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    raise
            conn.execute("SELECT count(*) FROM marks WHERE seq < 0").fetchone()
        except BaseException:
            conn.close()
            raise
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.chmod(f"{self.path}{suffix}", 0o600)
        return conn

    def _move_aside(self, why: Exception) -> Path:
        """Rename the unreadable file (and its WAL) to `<name>.corrupt-<time>`; never delete."""
        stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return aside  # another instance moved it meanwhile
        except OSError as exc:
            raise ReadingError(
                f"{self.path} could not be read ({why}) and could not be moved aside: "
                f"{exc.strerror or exc}"
            ) from exc
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.rename(f"{self.path}{suffix}", f"{aside}{suffix}")
        return aside

    def close(self) -> None:
        with self._mutex:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction (waits for other writers up to the busy timeout)."""
        with self._mutex:
            db = self._db()
            if self._read_only:
                raise ReadingError(self._read_only)
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise ReadingError(f"cannot write {self.path}: {exc}") from exc
            try:
                yield db
                db.execute("COMMIT")
                self._version = -1  # data_version counts only other connections' commits
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise

    # ----- reading ----------------------------------------------------------------------

    def refresh(self) -> bool:
        """Read the rows other processes (or threads) wrote since the last read; True if any."""
        with self._mutex:
            db = self._db()
            try:
                version = int(db.execute("PRAGMA data_version").fetchone()[0])
                if version == self._version and self._seq:
                    return False
                if not self._seq:
                    return self._load_all(db, version)
                rows = db.execute(
                    "SELECT id, state, seq FROM marks WHERE seq > ? ORDER BY seq", (self._seq,)
                ).fetchall()
            except sqlite3.OperationalError as exc:
                raise ReadingError(f"cannot read {self.path}: {exc}") from exc
            self._version = version
            if not rows:
                return False
            seen = self._seen
            for pid, state, _ in rows:
                if state == "unread":
                    seen.discard(pid)
                else:
                    seen.add(pid)
            self._seq = rows[-1][2]
            self._frozen = None
            return True

    def _load_all(self, db: sqlite3.Connection, version: int) -> bool:
        """The first read: every seen id at once, and the largest seq, in one read transaction."""
        db.execute("BEGIN")
        try:
            # One joined string is split faster than 100k one-column rows are built (ids are
            # single clean lines, so a newline cannot be part of one).
            joined = db.execute(
                "SELECT group_concat(id, char(10)) FROM marks WHERE state != 'unread'"
            ).fetchone()[0]
            top = int(db.execute("SELECT COALESCE(MAX(seq), 0) FROM marks").fetchone()[0])
        finally:
            db.execute("COMMIT")
        self._version = version
        self._seen = set(joined.split("\n")) if joined else set()
        self._frozen = None
        self._seq = top
        return bool(top)

    def seen_ids(self) -> frozenset[str]:
        """Every paper seen or dismissed (as of the last `refresh`, which this calls)."""
        with self._mutex:
            self.refresh()
            if self._frozen is None:
                self._frozen = frozenset(self._seen)
            return self._frozen

    def state(self, paper_id: str) -> State:
        with self._mutex:
            self.refresh()
            if paper_id not in self._seen:
                return State.UNREAD
            row = self._db().execute("SELECT state FROM marks WHERE id=?", (paper_id,)).fetchone()
            return State(row[0]) if row else State.UNREAD

    def states(self) -> dict[str, State]:
        """Every paper with a row (explicit unread rows included), id -> state."""
        with self._mutex:
            rows = self._db().execute("SELECT id, state FROM marks").fetchall()
        return {pid: State(state) for pid, state in rows}

    def is_unread(self, paper_id: str) -> bool:
        return paper_id not in self._seen

    # ----- marking ----------------------------------------------------------------------

    def mark(self, ids: Iterable[str], state: State | str, label: str = "mark") -> Step:
        """Set `state` on `ids`, as one undoable step; returns the step and how many changed."""
        target = State(state).value
        wanted = list(dict.fromkeys(clean_field(i) for i in ids if clean_field(i)))
        if not wanted:
            return Step(None, 0)
        now = self._clock()
        with self._write() as db:
            current = self._current(db, wanted)
            changes = [(i, current.get(i)) for i in wanted if current.get(i, "unread") != target]
            if not changes:
                return Step(None, 0)
            seq = self._next_seq(db)
            db.executemany(
                "INSERT INTO marks(id, state, updated, seq) VALUES (?,?,?,?) ON CONFLICT(id) "
                "DO UPDATE SET state=excluded.state, updated=excluded.updated, seq=excluded.seq",
                ((i, target, now, seq) for i, _ in changes),
            )
            step = int(
                db.execute(
                    "INSERT INTO steps(label, created) VALUES (?, ?)", (label, now)
                ).lastrowid
                or 0
            )
            db.executemany(
                "INSERT INTO journal(step, id, before, after) VALUES (?,?,?,?)",
                ((step, i, before, target) for i, before in changes),
            )
            self._trim(db, step)
        self.refresh()
        return Step(step, len(changes))

    def undo(self, step: int) -> int:
        """Put back what `step` changed, where nobody has changed it since; how many were."""
        now = self._clock()
        with self._write() as db:
            rows = db.execute(
                "SELECT id, before, after FROM journal WHERE step=?", (step,)
            ).fetchall()
            if not rows:
                return 0
            current = self._current(db, [r[0] for r in rows])
            back = [(pid, before or "unread") for pid, before, after in rows
                    if current.get(pid, "unread") == after]  # fmt: skip
            if back:
                seq = self._next_seq(db)
                db.executemany(
                    "UPDATE marks SET state=?, updated=?, seq=? WHERE id=?",
                    ((before, now, seq, pid) for pid, before in back),
                )
            db.execute("DELETE FROM journal WHERE step=?", (step,))
            db.execute("DELETE FROM steps WHERE step=?", (step,))
        self.refresh()
        return len(back)

    @staticmethod
    def _current(db: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            found.update(db.execute(f"SELECT id, state FROM marks WHERE id IN ({marks})", chunk))
        return found

    @staticmethod
    def _next_seq(db: sqlite3.Connection) -> int:
        return int(db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM marks").fetchone()[0])

    @staticmethod
    def _trim(db: sqlite3.Connection, newest: int) -> None:
        if newest % 20:
            return  # trimming now and then is enough
        db.execute("DELETE FROM journal WHERE step <= ?", (newest - JOURNAL_STEPS,))
        db.execute("DELETE FROM steps WHERE step <= ?", (newest - JOURNAL_STEPS,))

    # ----- saved searches ---------------------------------------------------------------

    def searches(self) -> list[SavedSearch]:
        """Saved searches by name (case-insensitively)."""
        with self._mutex:
            rows = (
                self._db().execute("SELECT name, query, filters, created FROM searches").fetchall()
            )
        out = [SavedSearch(n, q, _filters(f), c) for n, q, f, c in rows]
        return sorted(out, key=lambda s: (s.name.casefold(), s.name))

    def search(self, name: str) -> SavedSearch | None:
        wanted = clean_field(name)
        return next((s for s in self.searches() if s.name == wanted), None)

    def save_search(
        self, name: str, query: str, filters: Mapping[str, Any], *, replace: bool = True
    ) -> SavedSearch:
        """Save (or, with `replace`, overwrite) a named search."""
        clean = clean_name(name)
        text = clean_field(query)
        stored = clean_filters(filters)
        now = self._clock()
        with self._write() as db:
            old = db.execute("SELECT created FROM searches WHERE name=?", (clean,)).fetchone()
            if old and not replace:
                raise ReadingError(f"there is already a saved search named {clean!r}")
            created = old[0] if old else _now_iso(now)
            db.execute(
                "INSERT OR REPLACE INTO searches(name, query, filters, created, updated)"
                " VALUES (?,?,?,?,?)",
                (clean, text, json.dumps(stored, sort_keys=True), created, now),
            )
        return SavedSearch(clean, text, stored, created)

    def rename_search(self, old: str, new: str) -> None:
        source, target = clean_field(old), clean_name(new)
        with self._write() as db:
            if not db.execute("SELECT 1 FROM searches WHERE name=?", (source,)).fetchone():
                raise ReadingError(f"no saved search named {source!r}")
            if source == target:
                return
            if db.execute("SELECT 1 FROM searches WHERE name=?", (target,)).fetchone():
                raise ReadingError(f"there is already a saved search named {target!r}")
            db.execute(
                "UPDATE searches SET name=?, updated=? WHERE name=?",
                (target, self._clock(), source),
            )

    def remove_search(self, name: str) -> None:
        wanted = clean_field(name)
        with self._write() as db:
            if db.execute("DELETE FROM searches WHERE name=?", (wanted,)).rowcount == 0:
                raise ReadingError(f"no saved search named {wanted!r}")

    # ----- export and merge -------------------------------------------------------------

    def export_data(self) -> dict[str, Any]:
        """The reading state and saved searches as JSON-ready data (for `bookmarks export`)."""
        with self._mutex:
            db = self._db()
            marks = db.execute("SELECT id, state, updated FROM marks ORDER BY id").fetchall()
            searches = db.execute(
                "SELECT name, query, filters, created, updated FROM searches ORDER BY name"
            ).fetchall()
        return {
            "reading": [{"id": i, "state": s, "updated": _now_iso(u), "updated_ts": u}
                        for i, s, u in marks],
            "saved_searches": [
                {"name": n, "query": q, "filters": _filters(f), "created": c, "updated_ts": u}
                for n, q, f, c, u in searches
            ],
        }  # fmt: skip

    def merge(self, data: Mapping[str, Any]) -> tuple[int, int]:
        """Merge an export: per paper (and per saved search) the newest change wins.

        Returns (papers changed, saved searches changed). Raises `ReadingError` on bad shapes.
        """
        marks = _parse_marks(data.get("reading", []))
        searches = _parse_searches(data.get("saved_searches", []))
        changed_marks = changed_searches = 0
        with self._write() as db:
            current = {
                r[0]: (r[1], r[2]) for r in db.execute("SELECT id, state, updated FROM marks")
            }
            newer = [
                (pid, state, stamp)
                for pid, state, stamp in marks
                if (pid not in current and state != "unread")
                or (pid in current and stamp > current[pid][1] and state != current[pid][0])
            ]
            if newer:
                seq = self._next_seq(db)
                db.executemany(
                    "INSERT INTO marks(id, state, updated, seq) VALUES (?,?,?,?) ON CONFLICT(id) "
                    "DO UPDATE SET state=excluded.state, updated=excluded.updated, "
                    "seq=excluded.seq",
                    ((i, s, u, seq) for i, s, u in newer),
                )
                changed_marks = len(newer)
            for name, query, filters, created, updated in searches:
                old = db.execute("SELECT updated FROM searches WHERE name=?", (name,)).fetchone()
                if old is None or updated > old[0]:
                    db.execute(
                        "INSERT OR REPLACE INTO searches(name, query, filters, created, updated)"
                        " VALUES (?,?,?,?,?)",
                        (name, query, json.dumps(filters, sort_keys=True), created, updated),
                    )
                    changed_searches += 1
        self.refresh()
        return changed_marks, changed_searches


def reading_part(raw: bytes) -> dict[str, Any]:
    """The reading state and saved searches in an export's bytes ({} when it has none)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: data[k] for k in ("reading", "saved_searches") if k in data}


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _filters(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return clean_filters(value) if isinstance(value, dict) else {}


def _timestamp(item: Mapping[str, Any]) -> float:
    raw = item.get("updated_ts")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    text = item.get("updated")
    if isinstance(text, str):
        try:
            return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        except ValueError:
            pass
    raise ReadingError("an imported reading-state entry has no valid 'updated' time")


def _parse_marks(items: object) -> list[tuple[str, str, float]]:
    if not isinstance(items, list):
        raise ReadingError("'reading' is not a list")
    out: dict[str, tuple[str, str, float]] = {}
    states = {s.value for s in State}
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ReadingError(f"reading entry {n} is not an object")
        pid, state = item.get("id"), item.get("state")
        if not isinstance(pid, str) or not clean_field(pid) or state not in states:
            raise ReadingError(f"reading entry {n} needs an id and a state ({', '.join(states)})")
        entry = (clean_field(pid), str(state), _timestamp(item))
        if entry[0] not in out or entry[2] > out[entry[0]][2]:
            out[entry[0]] = entry
    return list(out.values())


def _parse_searches(items: object) -> list[tuple[str, str, dict[str, Any], str, float]]:
    if not isinstance(items, list):
        raise ReadingError("'saved_searches' is not a list")
    out = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ReadingError(f"saved search {n} has no name")
        query, filters = item.get("query", ""), item.get("filters", {})
        if not isinstance(query, str) or not isinstance(filters, dict):
            raise ReadingError(f"saved search {n}: query must be text and filters an object")
        created = item.get("created")
        stamp = _timestamp(item)
        out.append((clean_name(item["name"]), clean_field(query), clean_filters(filters),
                    created if isinstance(created, str) else _now_iso(stamp), stamp))  # fmt: skip
    return out
