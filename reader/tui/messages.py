"""Every message the app's widgets and workers post, as small dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from reader.model import Paper
from reader.search import SearchResult, SimilarResult, SourceInfo, SyncReport


@dataclass
class CursorMoved(Message):
    """A paper list's cursor moved to `paper_id` (None when the list is empty)."""

    list_id: str
    paper_id: str | None


@dataclass
class RowChosen(Message):
    """The user pressed enter (or clicked the current row) in a paper list."""

    list_id: str
    paper_id: str


@dataclass
class EmptyListClicked(Message):
    """The user clicked an empty list (which may be offering a "did you mean")."""

    list_id: str


@dataclass
class SyncProgress(Message):
    """Indexing progress, posted from the sync worker thread."""

    done: int
    total: int
    file_name: str


@dataclass
class SyncFinished(Message):
    """The startup sync ended: a report (None when nothing had to be done) or an error."""

    report: SyncReport | None
    error: str | None
    papers: int
    sources: list[SourceInfo] = field(default_factory=list)
    has_extra_filters: bool = False


@dataclass
class SearchFinished(Message):
    """A search (or a "more like this") finished; stale generations are dropped."""

    generation: int
    result: SearchResult | None
    similar: SimilarResult | None = None
    similar_title: str = ""


@dataclass
class FacetsCounted(Message):
    """Per-dump counts for the search of `generation` (posted after its list)."""

    generation: int
    facets: dict[str, int]


@dataclass
class SuggestionFound(Message):
    """A "did you mean" for the search of `generation`, which found nothing."""

    generation: int
    suggestion: str


@dataclass
class PaperLoaded(Message):
    """The full record of the paper the read pane should show."""

    generation: int
    paper: Paper | None


@dataclass
class FiltersChanged(Message):
    """A control in the filter pane changed; the app searches again."""


@dataclass
class SuggestionAccepted(Message):
    """The user accepted the "did you mean" suggestion."""
