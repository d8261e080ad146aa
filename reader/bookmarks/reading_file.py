"""`ReadingFile`: the reading state's SQLite file, opened safely.

The file is private (0600), in WAL mode with a busy timeout and full syncs, marked with
this program's `application_id` so a foreign database is not taken for one, and given its
tables on first use. A file that is not a readable database is moved aside under the
cross-process lock (never overwritten, never deleted) and a fresh one started; a file of
a newer format is opened read-only. `problem` and `read_only` say so.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from reader.bookmarks.atomic import ensure_private_dir
from reader.bookmarks.reading_model import ReadingError

#: The layout of the file; a file with a larger `user_version` is opened read-only.
SCHEMA_VERSION = 1
#: SQLite's `application_id` for this file ("PRrd"), so a foreign database is not taken for ours.
APPLICATION_ID = 0x50527264
#: How long a write waits for another process's transaction (SQLite's busy timeout).
BUSY_TIMEOUT_MS = 10_000

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


class ReadingFile:
    """The connection to the reading-state file at `path`, made on first use.

    Not locked itself: the `ReadingStore` that owns it calls it under its mutex.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None
        #: What opening found wrong (a corrupt file moved aside, a newer format), else None.
        self.problem: str | None = None
        #: Why the file cannot be written (a newer format), else None.
        self.read_only: str | None = None

    def connection(self) -> sqlite3.Connection:
        """The open connection (opening the file on first use)."""
        if self.conn is None:
            self.conn = self.open()
        return self.conn

    def open(self) -> sqlite3.Connection:
        """A connection to the file, made if missing; a corrupt file is moved aside."""
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
                self.problem = (
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
                self.read_only = self.problem = (
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
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text
