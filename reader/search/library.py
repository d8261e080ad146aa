"""`Library`: a dump set and its index. Sync, search, rows, papers, facets, suggestions, similar.

The one object the CLI and the TUI talk to. Public methods never raise for bad queries or
damaged indexes: a damaged or outdated index is rebuilt by `sync()`, and reads before that
see an empty library. Thread-safe: searches serialise on one cached searcher.

Whoosh is opened (and imported) only when a query needs it: the catalog alone answers the
unfiltered list, rows, papers and counts, so the app draws its first list without it.

The library composes its parts and owns the lock they run under: `OpenIndex` (the open
catalog and Whoosh generation), `CatalogView` (what is read from one catalog generation:
ids, rows, sorting, filters, counts, the inbox), `Upkeep` (syncs and merges of the index
folder) and `reader.search.querying` (queries).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from reader.model import Paper
from reader.search import querying
from reader.search.activity import Activity
from reader.search.facet_table import FacetTable
from reader.search.guard import guarded
from reader.search.news import ARCHIVE_PAPERS, news_sources
from reader.search.open_index import OpenIndex
from reader.search.row_loader import RowLoader
from reader.search.sync_plan import Plan, Progress, source_infos
from reader.search.types import (
    LIST_LIMIT,
    Filters,
    Row,
    SearchResult,
    SimilarResult,
    Sort,
    SourceInfo,
    SyncReport,
)
from reader.search.upkeep import Upkeep

if TYPE_CHECKING:
    from reader.search.catalog import Catalog
    from reader.search.catalog_view import CatalogView
    from reader.search.engine import Engine
    from reader.search.generation import Generation
    from reader.search.lexicon import Lexicon
    from reader.search.row_table import RowTable
    from reader.search.types import MergeReport


T = TypeVar("T")

#: What a count or a suggestion logs when the index cannot be read (it gives none).
_UNREADABLE = "none while the index cannot be read"


class Library:
    """Everything about one dump set's index.

    State: the `OpenIndex` of the index folder (the catalog, the `CatalogView` of its
    current generation, the Whoosh `Generation`), the lock every use of it runs under, and
    the `Upkeep` that syncs and merges the folder.
    """

    def __init__(self, dump_roots: Sequence[Path], index_dir: Path, lock_timeout: float = 60.0):
        self.roots = [Path(p) for p in dump_roots]
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        self._index = OpenIndex(self.index_dir)
        #: Every paper row, read outside the lock (`reader.search.row_loader`).
        self._row_loader = RowLoader(self._lock, self._index)
        #: Set when a `warm()` has finished (the benchmark waits for it; nothing else must).
        self.warmed = threading.Event()
        #: Searches running: the warm-up pauses for them (`reader.search.activity`).
        self._activity = Activity()
        #: Syncs and merges of the index folder (`reader.search.upkeep`).
        self._upkeep = Upkeep(
            self._index, self._lock, self.roots, self.index_dir, lock_timeout, self._activity
        )
        #: The facet counts' table, built outside the lock (`reader.search.facet_table`).
        self._facet_table = FacetTable(
            self._lock, self._current_gen, self._sources_of, lambda: self._rows
        )

    # -- opening ---------------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self._upkeep.lock_path

    @property
    def lock_timeout(self) -> float:
        """Seconds a sync waits for another process's sync lock before `IndexBusy`."""
        return self._upkeep.lock_timeout

    @lock_timeout.setter
    def lock_timeout(self, seconds: float) -> None:
        self._upkeep.lock_timeout = seconds

    def _open(self, index: bool = True) -> bool:
        """Open the catalog and, with `index`, the Whoosh index (see `OpenIndex.open`)."""
        return self._index.open(index)

    def _fresh(self, index: bool = True) -> CatalogView | None:
        """Open, and the view of the catalog's current generation; None without an index."""
        return self._index.fresh(index)

    def _viewed(self, read: Callable[[CatalogView], T], default: T) -> T:
        """`read` of the current catalog view, under the lock; `default` without an index."""
        with self._lock:
            view = self._fresh(index=False)
            return default if view is None else read(view)

    def close(self) -> None:
        with self._lock:
            self._index.close()

    @property
    def available(self) -> bool:
        """True if a built index can be read (perhaps out of date with the dumps)."""
        with self._lock:
            return self._open()

    @property
    def damage(self) -> str | None:
        """Why the index on disk cannot be used (it will be rebuilt by `sync`)."""
        with self._lock:
            self._open()
            return self._index.damage

    def _reopen_searcher(self) -> None:
        """A new generation on the latest commit, and a new catalog view."""
        self._index.reopen_searcher()

    # -- for tests and the benchmark: the open parts -----------------------------------
    @property
    def _catalog(self) -> Catalog | None:
        return self._index.catalog

    @property
    def _gen(self) -> Generation | None:
        return self._index.gen

    @property
    def _rows(self) -> RowTable | None:
        """Every paper's sort and filter columns if the current view has loaded them."""
        view = self._index.view
        return None if view is None else view.rows_loaded

    @property
    def _searcher(self) -> Any:
        return None if self._gen is None else self._gen.searcher

    @property
    def _parser(self) -> Any:
        return None if self._gen is None else self._gen.parser

    @property
    def _fast(self) -> Engine | None:
        """The engine if one was made on the current generation."""
        return None if self._gen is None else self._gen.engine_made

    @property
    def _lex(self) -> Lexicon | None:
        """The vocabulary if it is loaded on the current generation."""
        return None if self._gen is None else self._gen.lexicon_loaded

    def _engine(self) -> Engine:
        assert self._gen is not None
        return self._gen.engine()

    def _lexicon(self) -> Lexicon:
        assert self._gen is not None
        return self._gen.lexicon()

    def _query_reader(self) -> Any:
        assert self._gen is not None
        return self._gen.query_reader()

    # -- syncing: `Upkeep` -----------------------------------------------------------------
    def plan(self, verify_index: bool = True) -> Plan | None:
        """The work a sync would do, or None for a build from scratch (`Upkeep.plan`)."""
        return self._upkeep.plan(verify_index)

    def needs_sync(self, verify_index: bool = True) -> bool:
        return self._upkeep.needs_sync(verify_index)

    def sync(
        self,
        progress: Progress | None = None,
        rebuild: bool = False,
        on_wait: Callable[[], None] | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the dumps (`Upkeep.sync`)."""
        return self._upkeep.sync(progress, rebuild, on_wait)

    def merge(self, stop: Callable[[], bool] = lambda: False) -> MergeReport | None:
        """Merge the small segments that are due (`Upkeep.merge`)."""
        return self._upkeep.merge(stop)

    # -- background work -----------------------------------------------------------------
    def warm(self) -> None:
        """Load what the first keystrokes would otherwise wait for (rows, ids, vocabulary).

        Meant for a background thread after the index opens. The slow parts (the vocabulary
        above all) are read through private searchers outside the lock, so
        searches meanwhile are not held up (`reader.search.warmup`).
        """
        try:
            self._warm()
        finally:
            self.warmed.set()

    def wait_quiet(self, quiet: float, cancelled: Callable[[], bool]) -> bool:
        """Wait until no search has run for `quiet` seconds (the user has stopped typing),
        for work that would hold every thread up for a moment; False as soon as
        `cancelled()` is true."""
        return self._activity.wait_quiet(quiet, cancelled)

    def _warm(self) -> None:
        from reader.search.warmup import warm_library

        warm_library(
            self._index, self._lock, self._row_loader, self._facet_table, self._activity.pause
        )

    def _current_gen(self) -> Generation | None:
        """Under the lock: the current generation (None without an index)."""
        return self._gen if self._fresh() is not None else None

    def _sources_of(self) -> tuple[int, Callable[[str], tuple[str, ...]]]:
        """Under the lock: the current catalog generation and a lookup of a paper's dumps
        in its rows (loaded by `load_rows`; the lookup may run outside the lock)."""
        view = self._index.view
        assert view is not None
        return view.generation, view.sources_lookup()

    def load_rows(
        self, pause: Callable[[], None] | None = None, stale: Callable[[], bool] | None = None
    ) -> bool:
        """Load every paper row without holding the library lock, so searches and the
        list's drawing do not wait for it (`RowLoader.load`). The facet counts need them: a
        caller may wait here first. With `stale`, a wait for another thread's loading ends
        as soon as `stale()` is true (the caller's answer is no longer wanted: a key was
        typed meanwhile), and this returns False; else True. Whoever loads them gives the
        CPU to searches meanwhile (`pause`, else `Activity.pause`)."""
        return self._row_loader.load(pause or self._activity.pause, stale)

    # -- counts and suggestions ----------------------------------------------------------
    def facets(
        self,
        query: str,
        filters: Filters = Filters(),  # noqa: B008
        stale: Callable[[], bool] | None = None,
    ) -> dict[str, int]:
        """Per-dump match counts for a query (ignoring the dump filter itself). With
        `stale`, the waits for the rows and the facet table another thread is making end
        as soon as `stale()` is true, and the counts are then empty (not wanted)."""
        from reader.search.compat import fast

        def counts() -> dict[str, int]:
            # Counting reads every row and the dumps of every paper: both are made without
            # the lock, giving the CPU to searches meanwhile.
            if not self.load_rows(stale=stale):
                return {}
            if fast() and not self._facet_table.ensure(self._activity.pause, stale):
                return {}
            # Counted as a search while it holds the lock: the warm-up pauses, so a search
            # typed meanwhile waits for this part only, not for it shared with the warm-up.
            with self._activity.running(), self._lock:
                finish = querying.facet_counts(self._index, query, filters)
            return finish()  # the counting itself, outside the lock

        return guarded("facet counts", counts, lambda _exc: {}, _UNREADABLE)

    def suggest(self, query: str) -> str | None:
        """ "Did you mean": the query with unknown words corrected, or None."""

        def suggested() -> str | None:
            with self._lock:
                return querying.suggest(self._index, query)

        return guarded("spelling suggestions", suggested, lambda _exc: None, _UNREADABLE)

    def has_metadata(self) -> bool:
        """True if any paper has a date, upvotes or an arXiv category (so those filters apply)."""
        # One query: the rows load later, if needed.
        return self._viewed(lambda view: view.catalog.has_metadata(), False)

    # -- reading -----------------------------------------------------------------------
    def paper_count(self) -> int:
        return self._viewed(lambda view: view.paper_count(), 0)

    def sources(self) -> list[SourceInfo]:
        return self._viewed(lambda view: source_infos(view.catalog), [])

    def news_sources(self, archive_papers: int = ARCHIVE_PAPERS) -> list[SourceInfo]:
        """The news dumps (not archives: see `reader.search.news`), newest first."""
        return news_sources(self.sources(), archive_papers)

    def news_ids(self, archive_papers: int = ARCHIVE_PAPERS) -> list[str]:
        """Every paper of the news dumps once, in inbox order (newest dump first, page order).

        Cached per index generation and threshold; the first read (seconds at a million
        papers) runs outside the library lock (`RowLoader.news_ids`) and gives the CPU to
        searches meanwhile (`Activity.pause`)."""
        return self._row_loader.news_ids(archive_papers, self._activity.pause)

    def inbox_head(
        self, limit: int, seen: AbstractSet[str], archive_papers: int = ARCHIVE_PAPERS
    ) -> tuple[list[str], int]:
        """The first `limit` news papers not in `seen`, in inbox order, and how many there are
        in all: `[i for i in news_ids() if i not in seen]`, its head and its length (`limit`
        0: the count alone).

        When every dump is news (no archives) and the news ids are not loaded yet, it reads
        the news dumps only until `limit` are found and counts the rest in SQLite: the news
        papers are then every paper of the index."""
        none: tuple[list[str], int] = ([], 0)
        return self._viewed(lambda view: view.inbox_head(limit, seen, archive_papers), none)

    def resolve_id(self, key: str) -> str | None:
        """A paper id from a paper id or an arXiv id (`2405.07960`, `arXiv:2405.07960v2`)."""
        return self._viewed(lambda view: view.resolve_id(key), None)

    def get(self, key: str) -> Paper | None:
        return self._viewed(lambda view: view.paper(key), None)

    def rows(self, ids: Sequence[str]) -> list[Row]:
        """List rows for `ids`, in the same order (ids no longer in the index are skipped)."""
        view = self._index.view  # replaced, never changed, when the index changes
        if view is not None:
            # No lock: the list draws its visible rows on the UI thread and must not wait for
            # a search in progress, which holds the lock for a frame or more while typing;
            # the view reads the few rows from SQLite (its own connection per thread).
            try:
                return view.rows(ids)
            except sqlite3.ProgrammingError:
                pass  # a sync closed the catalog meanwhile: read the current one, below
        return self._viewed(lambda view: view.rows(ids), [])

    def iter_papers(self, limit: int | None = None) -> Iterable[Paper]:
        """Every paper (or the first `limit`), merged, in dump order."""
        none: list[str] = []
        order = self._viewed(lambda view: view.first_ids(limit), none)
        for pid in order:
            paper = self.get(pid)
            if paper is not None:
                yield paper

    # -- queries -----------------------------------------------------------------------
    def search(
        self,
        query: str,
        filters: Filters = Filters(),  # noqa: B008 - an immutable named tuple
        sort: Sort = Sort.RELEVANCE,
        limit: int | None = LIST_LIMIT,
        suggest: bool = True,
        estimate: bool = False,
    ) -> SearchResult:
        """Ranked (or sorted) ids for a query; never raises: problems go to `note`.

        With `suggest=False` a query that finds nothing gets no "did you mean" (the app asks
        for it separately, so the list updates without waiting for the spelling scan).
        With `estimate=True` the total of a query with a phrase of common words may be an
        estimate (`SearchResult.total_exact` False): its best papers are found by checking
        the phrase on them alone, where every match would need every candidate's positions.
        """

        def searched() -> SearchResult:
            with self._activity.running(), self._lock:
                return querying.search(self._index, query, filters, sort, limit, suggest, estimate)

        # A damaged index: the result's note says the search failed and why.
        return guarded("searching", searched, lambda exc: querying.failed(query, exc))

    def matches(
        self,
        query: str,
        filters: Filters = Filters(),  # noqa: B008 - an immutable named tuple
    ) -> list[str]:
        """Every paper `search` would find for this query and filters, in no particular order:
        for counting (a saved search's unread papers), without ranking or sorting them."""

        def matched() -> list[str]:
            with self._lock:
                return querying.matches(self._index, query, filters)

        return guarded(
            "counting the matches of a query",
            matched,
            lambda _exc: [],
            "none: the index cannot be read",
        )

    def similar(self, key: str, limit: int = 50) -> SimilarResult:
        """Papers like this one (more like this), with the key terms that drove it."""

        def found() -> SimilarResult:
            with self._lock:
                return querying.similar(self._index, key, self.get(key), limit)

        return guarded("finding similar papers", found, lambda _exc: SimilarResult(paper_id=key))

    def highlight_spans(
        self, text: str, terms: frozenset[tuple[str, str]], field: str = "abstract"
    ) -> list[tuple[int, int]]:
        """Character spans of `text` that match the query terms in `field` (see
        `reader.search.highlight`)."""
        from reader.search.highlight import highlight_spans

        return highlight_spans(text, terms, field)
