"""`BookmarkStore`: the bookmarks file, served from memory, changed safely across processes.

Every change takes the lock, re-reads the file, applies itself to what is on disk (so
changes made by other running instances are kept), writes atomically and releases; what
each change does to the entries is `reader.bookmarks.changes`.
A file that cannot be read is never overwritten: it is moved aside and the last good
backup restored, or the store goes read-only with a message in `problem`.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from reader.bookmarks import backups, changes
from reader.bookmarks.atomic import ensure_private_dir, remove_stale_temps, write_atomic
from reader.bookmarks.changes import Change, Entries
from reader.bookmarks.codec import SCHEMA_VERSION, CorruptFile, Document, decode, encode
from reader.bookmarks.lock import DEFAULT_TIMEOUT, BookmarkLock
from reader.bookmarks.model import Bookmark, BookmarkError, arxiv_key, clean_field, now_iso
from reader.model import Paper

T = TypeVar("T")
Stamp = tuple[int, int, int]


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class BookmarkStore:
    """The user's bookmarks in `path` (usually `Locations.bookmarks_file`). Loads lazily."""

    def __init__(
        self,
        path: Path | str,
        *,
        lock_timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], str] = now_iso,
    ) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock = BookmarkLock(self.lock_path, lock_timeout)
        self._clock = clock
        self._mutex = threading.RLock()
        self._loaded = False
        self._defer_reads = False
        self._entries: Entries = {}
        self._stamp: Stamp | None = None
        self._problem: str | None = None
        self._read_only_reason: str | None = None
        self._newest_first: list[Bookmark] = []
        self._ids: frozenset[str] = frozenset()
        self._tag_counts: dict[str, int] = {}

    # ----- state ------------------------------------------------------------------

    @property
    def problem(self) -> str | None:
        """What loading found wrong (corrupt file moved aside, newer format...), else None."""
        self._ensure_loaded()
        return self._problem

    @property
    def read_only(self) -> bool:
        self._ensure_loaded()
        return self._read_only_reason is not None

    @property
    def loaded(self) -> bool:
        """True once the file has been read."""
        return self._loaded

    def defer_loading(self) -> None:
        """Reads answer from memory, empty, until `load` (or a change) has read the file:
        for an app whose UI thread must never wait on the file or its cross-process lock
        (a corrupt file is recovered under it); the app calls `load` in a worker."""
        self._defer_reads = True

    def load(self) -> None:
        """Read the file now, if it has not been read."""
        with self._mutex:
            if not self._loaded:
                self._load()

    def _ensure_loaded(self) -> None:
        if self._loaded:  # reads come from memory: they never wait for a change being written
            return
        if self._defer_reads:
            return
        with self._mutex:
            if not self._loaded:
                self._load()

    def _set(self, entries: Entries, stamp: Stamp | None) -> None:
        self._entries = entries
        self._stamp = stamp
        ascending = sorted(entries.values(), key=lambda b: b.added)
        self._newest_first = ascending[::-1]
        self._ids = frozenset(entries)
        counts = Counter(tag for b in ascending for tag in b.tags)
        self._tag_counts = dict(sorted(counts.items(), key=lambda kv: (kv[0].casefold(), kv[0])))
        self._loaded = True  # last: reads from other threads do not take the mutex

    def _go_read_only(self, message: str) -> None:
        self._problem = message
        self._read_only_reason = message

    def _read(self) -> tuple[bytes | None, Stamp | None]:
        """The file's bytes and the stamp of exactly those bytes; (None, None) if missing."""
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                return handle.read(), _stamp(st)
        except FileNotFoundError:
            return None, None

    def _stat(self) -> Stamp | None:
        try:
            return _stamp(os.stat(self.path))
        except OSError:
            return None

    # ----- loading ----------------------------------------------------------------

    def _load(self) -> None:
        self._problem = None
        self._read_only_reason = None
        try:
            raw, stamp = self._read()
        except OSError as exc:
            self._go_read_only(
                f"cannot read {self.path}: {exc.strerror or exc}; bookmarks are read-only"
            )
            self._set({}, self._stat())  # retried by reload_if_changed when the file changes
            return
        if raw is None:
            self._set({}, None)
            return
        try:
            doc = decode(raw)
        except CorruptFile as why:
            self._load_corrupt(str(why))
            return
        self._accept(doc, stamp)

    def _accept(self, doc: Document, stamp: Stamp | None) -> None:
        if doc.newer:
            self._go_read_only(
                f"{self.path} was written by a newer paper-reader (schema version {doc.version}; "
                f"this one reads {SCHEMA_VERSION}); bookmarks are read-only"
            )
        self._set({b.paper_id: b for b in doc.bookmarks}, stamp)

    def _load_corrupt(self, reason: str) -> None:
        """Recover under the lock; if that is impossible, show the last good backup read-only."""
        try:
            ensure_private_dir(self.path.parent)
            with self._lock:
                doc, stamp = self._recover_locked(reason)
        except BookmarkError as exc:
            found = backups.good_backup(self.path)
            shown = f"showing the backup {found[0]} read-only" if found else "read-only"
            self._go_read_only(
                f"{self.path} could not be read ({reason}) and could not be moved aside ({exc}); "
                f"{shown}"
            )
            self._set({b.paper_id: b for b in found[1].bookmarks} if found else {}, self._stat())
            return
        self._accept(doc, stamp)

    def _recover_locked(self, reason: str) -> tuple[Document, Stamp | None]:
        """With the lock held: re-check the file, move it aside if still bad, restore a backup."""
        try:
            raw, stamp = self._read()
        except OSError as exc:
            raise BookmarkError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        if raw is None:
            return Document(SCHEMA_VERSION), None
        try:
            return decode(raw), stamp  # another instance repaired it meanwhile
        except CorruptFile as why:
            reason = str(why)
        try:
            aside = backups.move_aside(self.path)
        except OSError as exc:
            raise BookmarkError(f"cannot rename it: {exc.strerror or exc}") from exc
        found = backups.good_backup(self.path)
        if found is None:
            self._problem = (
                f"{self.path} could not be read ({reason}); it was moved to {aside}. "
                "No good backup was found, so the bookmarks start empty"
            )
            return Document(SCHEMA_VERSION), None
        source, doc, good_raw = found
        try:
            st = write_atomic(self.path, good_raw)
        except BookmarkError as exc:
            self._go_read_only(
                f"{self.path} could not be read ({reason}); it was moved to {aside}, but the "
                f"backup {source} could not be restored ({exc}); bookmarks are read-only"
            )
            return doc, None
        self._problem = (
            f"{self.path} could not be read ({reason}); it was moved to {aside} and the last "
            f"good backup {source} was restored ({len(doc.bookmarks)} bookmarks)"
        )
        return doc, _stamp(st)

    def reload_if_changed(self) -> bool:
        """Reload if the file changed on disk (stat: mtime_ns, size, inode); True if reloaded.

        False at once while a change is being written (it re-reads the file itself)."""
        if not self._mutex.acquire(blocking=False):
            return False
        try:
            if self._loaded and self._stat() == self._stamp:
                return False
            self._load()
            return True
        finally:
            self._mutex.release()

    # ----- reads (from memory) ----------------------------------------------------

    def all(self) -> list[Bookmark]:
        """Newest first (by `added`)."""
        self._ensure_loaded()
        return list(self._newest_first)

    def get(self, paper_id: str) -> Bookmark | None:
        self._ensure_loaded()
        return self._entries.get(paper_id)

    def find(self, id_or_arxiv_id: str) -> Bookmark | None:
        """A bookmark by paper id, else by arXiv id (`arXiv:` prefix and version ignored)."""
        self._ensure_loaded()
        wanted = id_or_arxiv_id.strip()
        if wanted in self._entries:
            return self._entries[wanted]
        key = arxiv_key(wanted)
        if not key:
            return None
        for bookmark in self._newest_first:
            if arxiv_key(bookmark.paper.arxiv_id) == key:
                return bookmark
        return None

    def ids(self) -> frozenset[str]:
        self._ensure_loaded()
        return self._ids

    def tag_counts(self) -> dict[str, int]:
        """Tag to number of bookmarks, sorted by tag (case-insensitively)."""
        self._ensure_loaded()
        return dict(self._tag_counts)

    def ids_with_tag(self, tag: str) -> frozenset[str]:
        self._ensure_loaded()
        wanted = clean_field(tag)
        return frozenset(b.paper_id for b in self._newest_first if wanted in b.tags)

    def __len__(self) -> int:
        self._ensure_loaded()
        return len(self._entries)

    # ----- changes ----------------------------------------------------------------

    def _mutate(self, change: Change[T]) -> T:
        """Lock, re-read, apply `change` to what is on disk, write atomically if it changed."""
        with self._mutex:
            if not self._loaded:  # a change reads the file even while reads are deferred
                self._load()
            if self._read_only_reason is not None:
                raise BookmarkError(self._read_only_reason)
            ensure_private_dir(self.path.parent)
            with self._lock:
                remove_stale_temps(self.path)
                doc, raw, stamp = self._read_locked()
                if doc.newer:
                    self._accept(doc, stamp)
                    raise BookmarkError(self._read_only_reason or "bookmarks are read-only")
                entries = {b.paper_id: b for b in doc.bookmarks}
                before = dict(entries)
                result = change(entries)
                if entries != before:
                    data = encode(entries.values())
                    if raw is not None:
                        backups.rotate(self.path, raw)
                    stamp = _stamp(write_atomic(self.path, data))
                self._set(entries, stamp)
                return result

    def _read_locked(self) -> tuple[Document, bytes | None, Stamp | None]:
        try:
            raw, stamp = self._read()
        except OSError as exc:
            raise BookmarkError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        if raw is None:
            return Document(SCHEMA_VERSION), None, None
        if self._loaded and stamp == self._stamp and self._read_only_reason is None:
            # Unchanged since we read or wrote it (same inode, size, mtime_ns): skip parsing.
            return Document(SCHEMA_VERSION, list(self._entries.values())), raw, stamp
        try:
            return decode(raw), raw, stamp
        except CorruptFile as why:
            doc, _ = self._recover_locked(str(why))
            if self._read_only_reason is not None:
                raise BookmarkError(self._read_only_reason) from None
            raw, stamp = self._read()
            return doc, raw, stamp

    def add(self, paper: Paper, tags: Iterable[str] = (), note: str | None = None) -> Bookmark:
        """Bookmark `paper`; if already bookmarked, add `tags`, set `note` (if given), refresh."""
        return self._mutate(changes.add(paper, tags, note, self._clock))

    def remove(self, paper_id: str) -> bool:
        """Remove the bookmark; False if there was none."""
        return self._mutate(changes.remove(paper_id))

    def toggle(self, paper: Paper) -> bool:
        """Bookmark `paper` or remove its bookmark; True if it is now bookmarked."""
        return self._mutate(changes.toggle(paper, self._clock))

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> Bookmark:
        return self._mutate(changes.set_tags(paper_id, tags, self._clock))

    def tag(self, paper_id: str, tags: Iterable[str]) -> Bookmark:
        return self._mutate(changes.tag(paper_id, tags, self._clock))

    def untag(self, paper_id: str, tags: Iterable[str]) -> Bookmark:
        return self._mutate(changes.untag(paper_id, tags, self._clock))

    def set_note(self, paper_id: str, note: str) -> Bookmark:
        return self._mutate(changes.set_note(paper_id, note, self._clock))

    def merge(self, bookmarks: Iterable[Bookmark]) -> tuple[list[str], list[str]]:
        """Union by id; for an id in both, the newer `updated` wins. Returns (added, updated)."""
        return self._mutate(changes.merge(bookmarks))
