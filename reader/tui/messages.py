"""Every message the app's widgets and workers post, as small dataclasses.

Each is `@dataclass(eq=False, repr=False)`: a message is compared by identity and shown by
its type, as Textual's own are. A plain `@dataclass` would compile an `__eq__` and a
`__repr__` as each class is made, which is most of this module's import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual.message import Message

from reader.model import Paper
from reader.search import SearchResult, SimilarResult, SourceInfo, SyncReport


@dataclass(eq=False, repr=False)
class CursorMoved(Message):
    """A paper list's cursor moved to `paper_id` (None when the list is empty)."""

    list_id: str
    paper_id: str | None


@dataclass(eq=False, repr=False)
class RowChosen(Message):
    """The user pressed enter (or clicked the current row) in a paper list."""

    list_id: str
    paper_id: str


@dataclass(eq=False, repr=False)
class EmptyListClicked(Message):
    """The user clicked an empty list (which may be offering a "did you mean")."""

    list_id: str


@dataclass(eq=False, repr=False)
class SyncProgress(Message):
    """Indexing progress, posted from the sync worker thread."""

    done: int
    total: int
    file_name: str


@dataclass(eq=False, repr=False)
class SyncFinished(Message):
    """The startup sync ended: a report (None when nothing had to be done) or an error."""

    report: SyncReport | None
    error: str | None
    papers: int
    sources: list[SourceInfo] = field(default_factory=list)
    has_extra_filters: bool = False


@dataclass(eq=False, repr=False)
class SearchFinished(Message):
    """A search (or a "more like this") finished; stale generations are dropped."""

    generation: int
    result: SearchResult | None
    similar: SimilarResult | None = None
    similar_title: str = ""


@dataclass(eq=False, repr=False)
class SearchExtended(Message):
    """The rest of a search's list, past the first page already shown (same generation)."""

    generation: int
    result: SearchResult


@dataclass(eq=False, repr=False)
class FacetsCounted(Message):
    """Per-dump counts for the search of `generation` (posted after its list)."""

    generation: int
    facets: dict[str, int]


@dataclass(eq=False, repr=False)
class SuggestionFound(Message):
    """A "did you mean" for the search of `generation`, which found nothing."""

    generation: int
    suggestion: str


@dataclass(eq=False, repr=False)
class PaperLoaded(Message):
    """The full record of the paper the read pane should show."""

    generation: int
    paper: Paper | None


@dataclass(eq=False, repr=False)
class FiltersChanged(Message):
    """A control in the filter pane changed; the app searches again."""


@dataclass(eq=False, repr=False)
class SuggestionAccepted(Message):
    """The user accepted the "did you mean" suggestion."""


@dataclass(eq=False, repr=False)
class FetchFinished(Message):
    """The app's fetch ended: a line to show, whether it is an error, and whether to show the
    inbox again (it was open when the fetch ended)."""

    summary: str
    error: bool = False
    reopen_inbox: bool = False


@dataclass(eq=False, repr=False)
class BookmarksWritten(Message):
    """A bookmark change was saved (`note`: what to tell the user, if anything) or failed."""

    note: str | None = None
    error: str | None = None


@dataclass(eq=False, repr=False)
class BookmarksReloaded(Message):
    """Another process changed the bookmarks file and the store has read it again."""


@dataclass(eq=False, repr=False)
class PaperFetched(Message):
    """The paper an action asked for (None: not in the index); `then` goes on with it."""

    paper_id: str
    paper: Paper | None
    then: Callable[[Paper], None]


@dataclass(eq=False, repr=False)
class ReadingChanged(Message):
    """The reading state was loaded or changed: the unread news papers now, and the paper
    the cursor should go to (after an undo), if any."""

    unread: frozenset[str]
    focus: str | None = None
    note: str | None = None


@dataclass(eq=False, repr=False)
class InboxReady(Message):
    """The inbox's papers (unread news, newest dump first), and where its cursor goes."""

    ids: list[str]
    keep: str | None = None


@dataclass(eq=False, repr=False)
class FeedsCounted(Message):
    """The saved searches, each with its unread count."""

    feeds: list[tuple[str, int]]


class SavedSearchesChanged(Message):
    """A saved search was saved, renamed or deleted: count them again."""


@dataclass(eq=False, repr=False)
class StateSaved(Message):
    """A UI state save worker finished: the problem to show, or None."""

    error: str | None


@dataclass(eq=False, repr=False)
class BookmarksLoaded(Message):
    """The startup worker read the bookmarks file: what it found wrong, or None."""

    problem: str | None
