"""`Library`: a dump set and its index. Sync, search, rows, papers, facets, suggestions, similar.

The one object the CLI and the TUI talk to. Public methods never raise for bad queries or
damaged indexes: a damaged or outdated index is rebuilt by `sync()`, and reads before that
see an empty library. Thread-safe: searches serialise on one cached searcher.

Whoosh is opened (and imported) only when a query needs it: the catalog alone answers the
unfiltered list, rows, papers and counts, so the app draws its first list without it.

The library composes its parts and owns the lock they run under: `OpenIndex` (the open
catalog and Whoosh generation), `CatalogView` (what is read from one catalog generation:
ids, rows, sorting, filters, counts, the inbox) and `reader.search.querying` (queries).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.model import Paper
from reader.search import querying
from reader.search.activity import Activity
from reader.search.facet_table import FacetTable
from reader.search.news import ARCHIVE_PAPERS, news_sources
from reader.search.open_index import OpenIndex
from reader.search.storage import damage_errors, swap_in, sync_lock
from reader.search.sync_plan import Plan, Progress, plan_sync, source_infos
from reader.search.sync_steps import build_beside, unchanged, update, writing
from reader.search.types import (
    LIST_LIMIT,
    MAX_QUERY_CHARS,
    Filters,
    Row,
    SearchResult,
    SimilarResult,
    Sort,
    SourceInfo,
    SyncReport,
)

if TYPE_CHECKING:
    from reader.search.catalog import Catalog
    from reader.search.catalog_view import CatalogView
    from reader.search.engine import Engine
    from reader.search.generation import Generation
    from reader.search.lexicon import Lexicon
    from reader.search.row_table import RowTable


class Library:
    """Everything about one dump set's index.

    State: the `OpenIndex` of the index folder (the catalog, the `CatalogView` of its
    current generation, the Whoosh `Generation`), and the lock every use of it runs under.
    """

    def __init__(self, dump_roots: Sequence[Path], index_dir: Path, lock_timeout: float = 60.0):
        self.roots = [Path(p) for p in dump_roots]
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout
        self._lock = threading.RLock()
        #: One loader of every paper row at a time (`load_rows`), without the library lock.
        self._rows_lock = threading.Lock()
        self._index = OpenIndex(self.index_dir)
        #: Set when a `warm()` has finished (the benchmark waits for it; nothing else must).
        self.warmed = threading.Event()
        #: Searches running: the warm-up pauses for them (`reader.search.activity`).
        self._activity = Activity()
        #: The facet counts' table, built outside the lock (`reader.search.facet_table`).
        self._facet_table = FacetTable(
            self._lock, self._current_gen, self._sources_of, lambda: self._rows
        )

    # -- opening ---------------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self.index_dir.with_name(self.index_dir.name + ".lock")

    def _open(self, index: bool = True) -> bool:
        """Open the catalog and, with `index`, the Whoosh index (see `OpenIndex.open`)."""
        return self._index.open(index)

    def _fresh(self, index: bool = True) -> CatalogView | None:
        """Open, and the view of the catalog's current generation; None without an index."""
        return self._index.fresh(index)

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

    # -- syncing -----------------------------------------------------------------------
    def plan(self, verify_index: bool = True) -> Plan | None:
        """The work a sync would do, or None when the index must be (re)built from scratch.

        `verify_index=False` checks the catalog alone, without opening (or importing) Whoosh:
        the app's quick start, which verifies the index once its first list is drawn.
        """
        with self._lock:
            if not self._open(index=verify_index):
                return None
            assert self._catalog is not None
            return plan_sync(self._catalog, self.roots)

    def needs_sync(self, verify_index: bool = True) -> bool:
        plan = self.plan(verify_index)
        return plan is None or not plan.empty

    def sync(
        self,
        progress: Progress | None = None,
        rebuild: bool = False,
        on_wait: Callable[[], None] | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the dumps (a no-op, opening no writer, if it is).

        Raises `IndexBusy` if another process holds the sync lock past the timeout,
        `LocationError` if the cache folder cannot be made, and `IndexWriteFailed` if the
        index cannot be written (disk full, read-only): the previous index still answers.
        """
        with writing(self.index_dir):
            return self._sync_locked(progress, rebuild, on_wait)

    def _sync_locked(
        self, progress: Progress | None, rebuild: bool, on_wait: Callable[[], None] | None
    ) -> SyncReport:
        with sync_lock(self.lock_path, self.lock_timeout, on_wait):
            with self._lock:
                self._index.close()  # another process may have synced meanwhile
                usable = self._open()
                reason = None if usable else self._index.damage
            if rebuild or not usable:
                report, building = build_beside(self.roots, self.index_dir, progress)
                with self._lock:
                    self._index.close()
                    swap_in(building, self.index_dir)
                    self._open()
                report.rebuilt = True
                report.rebuild_reason = "requested" if rebuild else reason
                return report
            assert self._catalog is not None and self._gen is not None
            plan = plan_sync(self._catalog, self.roots)
            if plan.empty:
                return unchanged(self._catalog, plan)
            report = update(self._gen.ix, self._catalog, plan, self.index_dir, progress)
            with self._lock:
                self._reopen_searcher()
            return report

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

    def _warm(self) -> None:
        from reader.diagnostics import degraded, unexpected
        from reader.search.compat import Unsupported, fast

        try:
            self.load_rows(pause=self._activity.pause)
            if not fast():
                return  # the rest primes the fast paths
            import reader.search.query  # noqa: F401 - Whoosh's modules, loaded outside the lock
            from reader.search.warmup import WarmUp

            with self._lock:
                if self._fresh() is None:  # opens Whoosh
                    return
                gen = self._gen
            assert gen is not None
            pause = self._activity.pause
            WarmUp(
                gen, self._lock, lambda: self._gen, lambda: self._facet_table.ensure(pause),
                self._titles, pause,
            ).run()  # fmt: skip
        except damage_errors() as exc:  # a damaged index is reported by its reads
            degraded("warm-up", f"skipped: the index cannot be read ({exc})")
        except Unsupported as exc:
            degraded("warm-up", f"skipped: {exc}")
        except Exception as exc:
            unexpected("warm-up", exc)

    def _current_gen(self) -> Generation | None:
        """Under the lock: the current generation (None without an index)."""
        return self._gen if self._fresh() is not None else None

    def _sources_of(self) -> tuple[int, Callable[[str], tuple[str, ...]]]:
        """Under the lock: the current catalog generation and a lookup of a paper's dumps
        in its rows (loaded by `load_rows`; the lookup may run outside the lock)."""
        view = self._index.view
        assert view is not None
        return view.generation, view.sources_lookup()

    def load_rows(self, pause: Callable[[], None] | None = None) -> None:
        """Load every paper row (a read of the whole catalog) without holding the library
        lock, so searches and the list's drawing do not wait for it; then install it. The
        facet counts need them: a caller may wait here first, then see whether its counts
        are still wanted (the rows take seconds at a million papers). `pause` is called
        every few thousand rows (the warm-up's gives the CPU to searches)."""
        with self._rows_lock:
            with self._lock:
                view = self._fresh(index=False)
                if view is None or view.rows_loaded is not None:
                    return
            rows = view.read_rows(pause)
            news = view.news_read
            if news is not None:  # one copy of each id string for both (a million: 60 MB)
                rows.take_strings(news)
            with self._lock:
                current = self._index.view
                if current is not None and current.generation == view.generation:
                    current.install_rows(rows)

    def _titles(self, limit: int) -> list[str]:
        """At most `limit` papers' titles, every n-th of the rows `load_rows` loaded (none
        if it has not), read from the catalog outside the lock."""
        with self._lock:
            view = self._index.view
            rows = None if view is None else view.rows_loaded
        if view is None or rows is None:
            return []
        step = max(1, len(rows) // limit)
        sample = rows.ids[::step][:limit]
        titles = view.catalog.titles_of(sample)
        return [titles[i] for i in sample if i in titles]

    # -- counts and suggestions ----------------------------------------------------------
    def facets(self, query: str, filters: Filters = Filters()) -> dict[str, int]:  # noqa: B008
        """Per-dump match counts for a query (ignoring the dump filter itself)."""
        from reader.diagnostics import degraded, unexpected
        from reader.search.compat import fast

        try:
            self.load_rows()  # counting reads every row: load them without the lock
            if fast():
                self._facet_table.ensure()  # and the table of their dumps
            with self._lock:
                finish = querying.facet_counts(self._index, query, filters)
            return finish()  # the counting itself, outside the lock
        except damage_errors() as exc:  # an index that cannot be read
            degraded("facet counts", f"none while the index cannot be read ({exc})")
            return {}
        except Exception as exc:
            unexpected("facet counts", exc)
            return {}

    def suggest(self, query: str) -> str | None:
        """ "Did you mean": the query with unknown words corrected, or None."""
        from reader.diagnostics import degraded, unexpected
        from reader.search.suggestions import suggest

        try:
            with self._lock:
                if self._fresh() is None:
                    return None
                assert self._gen is not None
                return suggest(self._gen, query[:MAX_QUERY_CHARS])
        except damage_errors() as exc:  # an index that cannot be read
            degraded("spelling suggestions", f"none while the index cannot be read ({exc})")
            return None
        except Exception as exc:
            unexpected("spelling suggestions", exc)
            return None

    def has_metadata(self) -> bool:
        """True if any paper has a date, upvotes or an arXiv category (so those filters apply)."""
        with self._lock:
            view = self._fresh(index=False)
            # One query: the rows load later, if needed.
            return False if view is None else view.catalog.has_metadata()

    # -- reading -----------------------------------------------------------------------
    def paper_count(self) -> int:
        with self._lock:
            view = self._fresh(index=False)
            return 0 if view is None else view.paper_count()

    def sources(self) -> list[SourceInfo]:
        with self._lock:
            view = self._fresh(index=False)
            return [] if view is None else source_infos(view.catalog)

    def news_sources(self, archive_papers: int = ARCHIVE_PAPERS) -> list[SourceInfo]:
        """The news dumps (not archives: see `reader.search.news`), newest first."""
        return news_sources(self.sources(), archive_papers)

    def news_ids(self, archive_papers: int = ARCHIVE_PAPERS) -> list[str]:
        """Every paper of the news dumps once, in inbox order (newest dump first, page order).

        Cached per index generation and threshold. The first read (every news paper's id:
        seconds at a million papers) runs outside the library lock, as `load_rows` does,
        so searches meanwhile do not wait for it."""
        with self._lock:
            view = self._fresh(index=False)
            if view is None:
                return []
            if view.news_loaded(archive_papers):
                return view.news_ids(archive_papers)
        ids = view.read_news_ids(archive_papers)
        rows = view.rows_loaded
        if rows is not None:  # the same strings as the rows (else the rows take these)
            ids = rows.shared_ids(ids)
        with self._lock:
            if self._index.view is view:
                view.install_news(archive_papers, ids)
        return ids

    def inbox_head(
        self, limit: int, seen: AbstractSet[str], archive_papers: int = ARCHIVE_PAPERS
    ) -> tuple[list[str], int]:
        """The first `limit` news papers not in `seen`, in inbox order, and how many there are
        in all: `[i for i in news_ids() if i not in seen]`, its head and its length (`limit`
        0: the count alone).

        When every dump is news (no archives) and the news ids are not loaded yet, it reads
        the news dumps only until `limit` are found and counts the rest in SQLite: the news
        papers are then every paper of the index."""
        with self._lock:
            view = self._fresh(index=False)
            return ([], 0) if view is None else view.inbox_head(limit, seen, archive_papers)

    def resolve_id(self, key: str) -> str | None:
        """A paper id from a paper id or an arXiv id (`2405.07960`, `arXiv:2405.07960v2`)."""
        with self._lock:
            view = self._fresh(index=False)
            return None if view is None else view.resolve_id(key)

    def get(self, key: str) -> Paper | None:
        with self._lock:
            view = self._fresh(index=False)
            return None if view is None else view.paper(key)

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
        with self._lock:
            view = self._fresh(index=False)
            return [] if view is None else view.rows(ids)

    def iter_papers(self, limit: int | None = None) -> Iterable[Paper]:
        """Every paper (or the first `limit`), merged, in dump order."""
        with self._lock:
            view = self._fresh(index=False)
            order = [] if view is None else view.first_ids(limit)
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
        try:
            with self._activity.running(), self._lock:
                return querying.search(self._index, query, filters, sort, limit, suggest, estimate)
        except damage_errors() as exc:  # an index damaged on disk since it was opened
            return querying.failed(query, exc)
        except Exception as exc:
            from reader.diagnostics import unexpected

            unexpected("searching", exc)
            return querying.failed(query, exc)

    def matches(
        self,
        query: str,
        filters: Filters = Filters(),  # noqa: B008 - an immutable named tuple
    ) -> list[str]:
        """Every paper `search` would find for this query and filters, in no particular order:
        for counting (a saved search's unread papers), without ranking or sorting them."""
        try:
            with self._lock:
                return querying.matches(self._index, query, filters)
        except damage_errors() as exc:  # as `search`: a damaged index finds nothing
            from reader.diagnostics import degraded

            degraded("counting the matches of a query", f"none: the index cannot be read ({exc})")
            return []
        except Exception as exc:
            from reader.diagnostics import unexpected

            unexpected("counting the matches of a query", exc)
            return []

    def similar(self, key: str, limit: int = 50) -> SimilarResult:
        """Papers like this one (more like this), with the key terms that drove it."""
        try:
            with self._lock:
                paper = self.get(key)
                if paper is None or self._fresh() is None:
                    return SimilarResult(paper_id=key)
                from reader.search.similar import similar_papers

                gen = self._gen
                assert gen is not None
                own = gen.searcher.document_number(id=paper.id)
                return similar_papers(
                    gen.searcher,
                    paper,
                    own,
                    limit,
                    rank=lambda q, n: gen.ranked(q, n, None),
                    paper_ids=gen.paper_ids,
                )
        except damage_errors():  # an index damaged on disk since it was opened
            return SimilarResult(paper_id=key)
        except Exception as exc:
            from reader.diagnostics import unexpected

            unexpected("finding similar papers", exc)
            return SimilarResult(paper_id=key)

    def highlight_spans(
        self, text: str, terms: frozenset[tuple[str, str]], field: str = "abstract"
    ) -> list[tuple[int, int]]:
        """Character spans of `text` that match the query terms (for the given field)."""
        return highlight_spans(text, terms, field)


def highlight_spans(
    text: str, terms: frozenset[tuple[str, str]], field: str = "abstract"
) -> list[tuple[int, int]]:
    """Spans of `text` the query matched in `field` (see `reader.search.highlight`)."""
    from reader.search.highlight import highlight_spans as spans

    return spans(text, terms, field)
