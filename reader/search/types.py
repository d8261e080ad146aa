"""Plain data passed between the search layer and its callers (CLI and TUI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

#: A longer query is cut to this many characters (with a note saying so).
MAX_QUERY_CHARS = 500
#: The most ids a search returns unless asked for another number (the app's list holds them).
LIST_LIMIT = 2000


class Sort(StrEnum):
    """How a result list is ordered."""

    RELEVANCE = "relevance"
    TITLE = "title"
    DATE = "date"
    UPVOTES = "upvotes"

    def next(self) -> Sort:
        order = list(Sort)
        return order[(order.index(self) + 1) % len(order)]


class Filters(NamedTuple):
    """Restrictions on a search. Empty/None means no restriction."""

    #: Dump file names (as in `Source.name`); a paper matches if it is in any of them.
    sources: frozenset[str] = frozenset()
    #: Only these paper ids (e.g. the bookmarked ones, or those with a tag).
    ids: frozenset[str] | None = None
    #: Publication date range, inclusive, ISO `YYYY-MM-DD` prefixes.
    date_from: str | None = None
    date_to: str | None = None
    min_upvotes: int | None = None
    #: arXiv category, e.g. "cs.CL".
    category: str | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.sources
            or self.ids is not None
            or self.date_from
            or self.date_to
            or self.min_upvotes is not None
            or self.category
        )


def two_figures(n: int) -> int:
    """`n` rounded to two significant figures (an estimate: 261,571 is about 260,000)."""
    scale = 10 ** max(0, len(str(n)) - 2)
    return round(n / scale) * scale


class Row(NamedTuple):
    """What a list row needs, fetched only for visible rows."""

    id: str
    title: str
    first_source: str
    page_date: str | None
    published: str | None
    upvotes: int | None
    arxiv_id: str | None


@dataclass
class SearchResult:
    """The ids matching a query, ranked; rows and papers are fetched lazily by id."""

    query: str
    ids: list[str] = field(default_factory=list)
    #: Number of matches (before `limit`).
    total: int = 0
    #: False when `total` is an estimate (see `Library.search`'s `estimate`).
    total_exact: bool = True
    #: Relevance scores for the ranked ids (empty for sorted or empty queries).
    scores: dict[str, float] = field(default_factory=dict)
    #: A message about the query the user should see (e.g. a syntax error fallback).
    note: str | None = None
    #: Query terms per field, used to highlight titles and abstracts.
    terms: frozenset[tuple[str, str]] = frozenset()
    #: "Did you mean" text when nothing matched and a correction exists.
    suggestion: str | None = None

    @property
    def total_text(self) -> str:
        """The total as a user reads it: "1234", or "about 1200" (two significant figures)
        when it is estimated."""
        return str(self.total) if self.total_exact else f"about {two_figures(self.total)}"


@dataclass
class SimilarResult:
    """Papers like a given one, with the key terms that drove the match."""

    paper_id: str
    ids: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    key_terms: list[str] = field(default_factory=list)


@dataclass
class SourceInfo:
    """One dump in the index, for the filter pane."""

    name: str
    path: str
    format: str
    papers: int
    page_date: str | None
    warnings: list[str] = field(default_factory=list)
    #: The file's modification time when it was indexed (0 when unknown).
    mtime_ns: int = 0


@dataclass(frozen=True)
class MergeReport:
    """What a merge of small segments did (`Library.merge`)."""

    segments: int
    papers: int


@dataclass
class SyncReport:
    """What a sync did."""

    papers: int = 0
    changed_files: int = 0
    removed_files: int = 0
    duplicates_merged: int = 0
    rebuilt: bool = False
    rebuild_reason: str | None = None
    files: list[SourceInfo] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
