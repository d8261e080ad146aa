"""`ReadingStore`: which papers the user has seen or dismissed, the undo journal, saved searches.

One SQLite file in the user data directory (`Locations.reading_file`), opened by
`ReadingFile` (private, WAL, a busy timeout; a corrupt file moved aside): every change is
one `BEGIN IMMEDIATE` transaction, so a kill -9 loses at most the change in flight and
several processes marking at once lose nothing (SQLite's own locking serialises them).
No Textual, no Whoosh.

A paper with no row is unread; a row may also say "unread" explicitly (after an undo or an
import), so the newest change per paper can win a merge. Rows are never deleted: each write
takes the next `seq`, and a reader brings its in-memory map up to date by reading only the
rows with a larger `seq`. `problem` says what opening found wrong.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from reader.bookmarks.model import clean_field
from reader.bookmarks.reading_file import ReadingFile
from reader.bookmarks.reading_import import parse_marks, parse_searches, reading_part
from reader.bookmarks.reading_model import (
    ReadingError,
    SavedSearch,
    State,
    Step,
    clean_filters,
    clean_name,
    now_iso,
    stored_filters,
)
from reader.sql import rows_for_ids

__all__ = ["ReadingError", "ReadingStore", "SavedSearch", "State", "Step", "reading_part"]

#: Undo steps kept in the journal (older ones are dropped as new ones are written).
JOURNAL_STEPS = 200


class ReadingStore:
    """The reading state in `path`; opened on first use, safe to share between threads."""

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._mutex = threading.RLock()
        self._file = ReadingFile(self.path)
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
            return self._file.problem

    def _db(self) -> sqlite3.Connection:
        return self._file.connection()

    def close(self) -> None:
        with self._mutex:
            self._file.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction (waits for other writers up to the busy timeout)."""
        with self._mutex:
            db = self._db()
            if self._file.read_only:
                raise ReadingError(self._file.read_only)
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
        return dict(rows_for_ids(db, "SELECT id, state FROM marks", ids))

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
        out = [SavedSearch(n, q, stored_filters(f), c) for n, q, f, c in rows]
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
            created = old[0] if old else now_iso(now)
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
            "reading": [{"id": i, "state": s, "updated": now_iso(u), "updated_ts": u}
                        for i, s, u in marks],
            "saved_searches": [
                {"name": n, "query": q, "filters": stored_filters(f), "created": c, "updated_ts": u}
                for n, q, f, c, u in searches
            ],
        }  # fmt: skip

    def merge(self, data: Mapping[str, Any]) -> tuple[int, int]:
        """Merge an export: per paper (and per saved search) the newest change wins.

        Returns (papers changed, saved searches changed). Raises `ReadingError` on bad shapes.
        """
        marks = parse_marks(data.get("reading", []))
        searches = parse_searches(data.get("saved_searches", []))
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
