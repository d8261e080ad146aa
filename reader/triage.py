"""Daily triage: the inbox, unread counts, saved searches' counts and undoable actions.

Composes the search `Library` (which papers are news, and in what order), the
`ReadingStore` (seen/dismissed, saved searches) and the `BookmarkStore` (keep = bookmark).
The CLI and the app both use it; no Textual here. Unread always means an unread *news*
paper: archive papers (the arXiv snapshot, big dumps) are searchable but never unread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from reader.bookmarks.reading import ReadingStore, SavedSearch, State, Step
from reader.bookmarks.store import BookmarkStore
from reader.model import Paper
from reader.search import Filters, Library
from reader.search.news import ARCHIVE_PAPERS, dump_date


class Action(NamedTuple):
    """One undoable triage action: the reading-state step, the paper it was about (the cursor
    goes back there on undo), and the bookmark it added (removed again on undo)."""

    label: str
    step: int | None
    paper_id: str | None
    bookmarked: str | None = None
    changed: int = 0


def filters_from(saved: Mapping[str, Any], bookmarks: BookmarkStore) -> Filters:
    """A saved search's stored filters as search `Filters` (tags and bookmarked-only become ids)."""
    ids: frozenset[str] | None = None
    tags = [t for t in saved.get("tags", ()) if isinstance(t, str)]
    if tags:
        ids = frozenset().union(*(bookmarks.ids_with_tag(t) for t in tags))
    elif saved.get("bookmarked_only"):
        ids = bookmarks.ids()
    upvotes = saved.get("min_upvotes")
    if isinstance(upvotes, str):
        upvotes = int(upvotes) if upvotes.lstrip("-").isdigit() else None
    return Filters(
        sources=frozenset(s for s in saved.get("sources", ()) if isinstance(s, str)),
        ids=ids,
        date_from=saved.get("date_from") or None,
        date_to=saved.get("date_to") or None,
        min_upvotes=upvotes if isinstance(upvotes, int) else None,
        category=saved.get("category") or None,
    )


class Triage:
    """The inbox over one library, with an undo stack for this session's actions."""

    def __init__(
        self,
        library: Library,
        reading: ReadingStore,
        bookmarks: BookmarkStore,
        archive_papers: int = ARCHIVE_PAPERS,
    ) -> None:
        self.library = library
        self.reading = reading
        self.bookmarks = bookmarks
        self.archive_papers = archive_papers
        self._undo: list[Action] = []
        self._lock = threading.Lock()
        self._news_set: tuple[int, frozenset[str]] | None = None

    # ----- reading ----------------------------------------------------------------------

    def news_ids(self) -> list[str]:
        return self.library.news_ids(self.archive_papers)

    def news_set(self) -> frozenset[str]:
        ids = self.news_ids()
        cached = self._news_set
        if cached is None or cached[0] != id(ids):
            cached = self._news_set = (id(ids), frozenset(ids))
        return cached[1]

    def inbox(self) -> list[str]:
        """Unread news papers: newest dump first, then page order."""
        seen = self.reading.seen_ids()
        return [i for i in self.news_ids() if i not in seen]

    def inbox_head(self, limit: int) -> tuple[list[str], int]:
        """The first `limit` papers of `inbox()` and its length, without reading every news
        paper's id when the library can stop early (a one-off `inbox --limit N`)."""
        return self.library.inbox_head(limit, self.reading.seen_ids(), self.archive_papers)

    def unread_count(self) -> int:
        return len(self.unread_ids())

    def unread_ids(self) -> frozenset[str]:
        """Every unread news paper (for the list's marks and the "unread only" filter): the
        news set itself while none of its papers is read (at a million papers a copy would
        cost 34 MB)."""
        news, seen = self.news_set(), self.reading.seen_ids()
        return news if news.isdisjoint(seen) else news - seen

    def unread_among(self, ids: Iterable[str]) -> list[str]:
        unread = self.unread_ids()
        return [i for i in ids if i in unread]

    # ----- saved searches ---------------------------------------------------------------

    def matches(self, saved: SavedSearch) -> list[str]:
        """Every paper the saved search finds (its query and filters), in no order."""
        return self.library.matches(saved.query, filters_from(saved.filters, self.bookmarks))

    def feed_unread(self, saved: SavedSearch) -> list[str]:
        """The unread news papers the saved search finds, in inbox order."""
        found = set(self.matches(saved))
        return [i for i in self.inbox() if i in found]

    def feed_counts(self, searches: Sequence[SavedSearch] | None = None) -> dict[str, int]:
        """Each saved search's unread count."""
        unread = self.unread_ids()
        out: dict[str, int] = {}
        for saved in self.reading.searches() if searches is None else searches:
            out[saved.name] = sum(1 for i in self.matches(saved) if i in unread)
        return out

    # ----- actions (each is one undo step) ----------------------------------------------

    def _push(self, action: Action) -> Action:
        if action.step is not None or action.bookmarked is not None:
            with self._lock:
                self._undo.append(action)
        return action

    def set_state(self, paper_id: str, state: State, label: str = "mark") -> Action:
        step = self.reading.mark([paper_id], state, label)
        return self._push(Action(label, step.step, paper_id, changed=step.changed))

    def mark_seen(self, paper_id: str) -> Action:
        return self.set_state(paper_id, State.SEEN, "open")

    def toggle(self, paper_id: str) -> Action:
        """Seen (or dismissed) becomes unread; unread becomes seen."""
        now = self.reading.state(paper_id)
        target = State.SEEN if now is State.UNREAD else State.UNREAD
        return self.set_state(paper_id, target, "toggle")

    def dismiss(self, paper_id: str) -> Action:
        return self.set_state(paper_id, State.DISMISSED, "dismiss")

    def keep(self, paper: Paper) -> Action:
        """Bookmark the paper (if it is not yet) and mark it seen, as one undo step."""
        added = None
        if self.bookmarks.get(paper.id) is None:
            self.bookmarks.add(paper)
            added = paper.id
        step = self.reading.mark([paper.id], State.SEEN, "keep")
        return self._push(Action("keep", step.step, paper.id, added, step.changed))

    def mark_many(self, ids: Sequence[str], state: State = State.SEEN) -> Action:
        """Mark a whole list, as one undo step."""
        step: Step = self.reading.mark(ids, state, "bulk")
        return self._push(Action("bulk", step.step, ids[0] if ids else None, changed=step.changed))

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> Action | None:
        """Undo this session's last action; None if there is nothing to undo."""
        with self._lock:
            if not self._undo:
                return None
            action = self._undo.pop()
        if action.step is not None:
            self.reading.undo(action.step)
        if action.bookmarked is not None:
            self.bookmarks.remove(action.bookmarked)
        return action

    # ----- bulk selections for `mark` ---------------------------------------------------

    def ids_of_dump(self, name: str) -> list[str]:
        """Every paper of the dump named `name` (file name or path)."""
        sources = [s for s in self.library.sources() if name in (s.name, s.path)]
        if not sources:
            known = ", ".join(s.name for s in self.library.sources()) or "none"
            raise LookupError(f"no dump named {name!r} (dumps: {known})")
        wanted = {s.name for s in sources}
        result = self.library.search("", Filters(sources=frozenset(wanted)), limit=None)
        return result.ids

    def ids_before(self, date: str) -> list[str]:
        """Every news paper from a dump dated before `date` (ISO YYYY-MM-DD)."""
        old = {s.name for s in self.library.news_sources(self.archive_papers)
               if dump_date(s) and dump_date(s) < date}  # fmt: skip
        if not old:
            return []
        result = self.library.search("", Filters(sources=frozenset(old)), limit=None)
        news = self.news_set()
        return [i for i in result.ids if i in news]
