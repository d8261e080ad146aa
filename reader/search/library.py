"""`Library`: a dump set and its index. Sync, search, rows, papers, facets, suggestions, similar.

The one object the CLI and the TUI talk to. Public methods never raise for bad queries or
damaged indexes: a damaged or outdated index is rebuilt by `sync()`, and reads before that
see an empty library. Thread-safe: searches serialise on one cached searcher.

Whoosh is opened (and imported) only when a query needs it: the catalog alone answers the
unfiltered list, rows, papers and counts, so the app draws its first list without it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.ingest.identity import find_arxiv_id
from reader.ingest.merge import merge_records
from reader.model import Paper
from reader.search.catalog import SCHEMA_VERSION, Catalog, PaperRow
from reader.search.facets import count_matches, count_rows
from reader.search.generation import Generation
from reader.search.news import ARCHIVE_PAPERS, inbox_order, news_sources
from reader.search.storage import (
    CATALOG_FILE,
    IndexDamaged,
    damage_errors,
    open_whoosh,
    swap_in,
    sync_lock,
)
from reader.search.sync_plan import Plan, Progress, plan_sync, source_infos
from reader.search.sync_steps import build_beside, unchanged, update, writing
from reader.search.types import (
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
    from reader.search.engine import Engine
    from reader.search.lexicon import Lexicon


class Library:
    """Everything about one dump set's index.

    State: the catalog (SQLite) and what is read from it for one catalog generation (the
    ids in dump order, the rows, the per-dump counts), and the `Generation` of the open
    Whoosh commit (searcher, parsers, engine, vocabulary), replaced whole when it changes.
    """

    def __init__(self, dump_roots: Sequence[Path], index_dir: Path, lock_timeout: float = 60.0):
        self.roots = [Path(p) for p in dump_roots]
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout
        self._lock = threading.RLock()
        #: One loader of every paper row at a time (`_ensure_rows`), without the library lock.
        self._rows_lock = threading.Lock()
        self._catalog: Catalog | None = None
        #: The open Whoosh commit (None until a query needs it, or when it cannot be read).
        self._gen: Generation | None = None
        self._damage: str | None = None
        self._cache_gen = -1
        #: Every paper id in dump order, read when first needed (a read of the whole
        #: catalog: a one-off search or a short list never needs it).
        self._order_ids: list[str] | None = None
        self._rows: dict[str, PaperRow] | None = None
        self._opened = False
        #: Set when a `warm()` has finished (the benchmark waits for it; nothing else must).
        self.warmed = threading.Event()
        self._all_counts: tuple[int, Counter[str]] | None = None
        #: The news papers in inbox order, for one (generation, archive threshold).
        self._news: tuple[tuple[int, int], list[str]] | None = None

    # -- opening ---------------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self.index_dir.with_name(self.index_dir.name + ".lock")

    def _open(self, index: bool = True) -> bool:
        """Open the catalog and, with `index`, the Whoosh index; remember why not if unusable.

        `index=False` opens the catalog alone (no Whoosh import): enough for the unfiltered
        list, rows, papers and counts. A damaged Whoosh index is found when it is first needed.
        """
        if not self._opened:
            self._opened = True
            self._damage = None
            self._catalog = self._open_catalog()
        if self._catalog is None:
            return False
        if index and self._gen is None and self._damage is None:
            self._open_whoosh()
        return not index or self._gen is not None

    def _open_catalog(self) -> Catalog | None:
        """The catalog if it exists and is of the current format; else None and `_damage` set."""
        if not self.index_dir.exists() and not self.index_dir.is_symlink():
            return None
        if not self.index_dir.is_dir():
            self._damage = "the index path is not a folder"
            return None
        if not (self.index_dir / CATALOG_FILE).is_file():
            self._damage = "the index catalog is missing"
            return None
        catalog: Catalog | None = None
        try:
            catalog = Catalog(self.index_dir / CATALOG_FILE)
            version = catalog.get_meta("schema_version")
        except (sqlite3.Error, OSError) as exc:  # a damaged or unreadable catalog
            if catalog is not None:
                catalog.close()
            self._damage = f"index catalog cannot be read ({exc})"
            return None
        except Exception as exc:
            from reader.diagnostics import unexpected

            if catalog is not None:
                catalog.close()
            self._damage = f"index catalog cannot be read ({type(exc).__name__}: {exc})"
            unexpected("opening the index catalog", exc)
            return None
        if version != str(SCHEMA_VERSION):
            catalog.close()
            self._damage = (
                f"index format {version or 'unknown'} is not the current {SCHEMA_VERSION}"
            )
            return None
        return catalog

    def _open_whoosh(self) -> None:
        """Open the Whoosh index beside the open catalog, or set `_damage` saying why not."""
        try:
            ix, searcher = open_whoosh(self.index_dir)
        except IndexDamaged as exc:
            self._damage = str(exc)
            return
        self._gen = Generation(ix, searcher)

    def _close_handles(self) -> None:
        if self._gen is not None:
            self._gen.close()
        if self._catalog is not None:
            self._catalog.close()
        self._gen = None
        self._catalog = None
        self._opened = False
        self._cache_gen = -1
        self._rows = None

    def close(self) -> None:
        with self._lock:
            self._close_handles()

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
            return self._damage

    def _reopen_searcher(self) -> None:
        """A new generation on the latest commit (whoosh3's `refresh()` can miss deletions)."""
        old = self._gen
        if old is not None:
            old.close()
            self._gen = Generation(old.ix, old.ix.searcher())
        self._cache_gen = -1

    # -- for tests and the benchmark: the current generation's parts -----------------
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
                self._close_handles()  # another process may have synced meanwhile
                usable = self._open()
                reason = None if usable else self._damage
            if rebuild or not usable:
                report, building = build_beside(self.roots, self.index_dir, progress)
                with self._lock:
                    self._close_handles()
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
            self._ensure_rows()
            if not fast():
                return  # the rest primes the fast paths
            import reader.search.query  # noqa: F401 - Whoosh's modules, loaded outside the lock
            from reader.search.warmup import WarmUp

            with self._lock:
                if not self._fresh():  # opens Whoosh
                    return
                gen = self._gen
            assert gen is not None
            WarmUp(gen, self._lock, lambda: self._gen, self._source_table, self._titles).run()
        except damage_errors() as exc:  # a damaged index is reported by its reads
            degraded("warm-up", f"skipped: the index cannot be read ({exc})")
        except Unsupported as exc:
            degraded("warm-up", f"skipped: {exc}")
        except Exception as exc:
            unexpected("warm-up", exc)

    # -- counts and suggestions ----------------------------------------------------------
    def facets(self, query: str, filters: Filters = Filters()) -> dict[str, int]:  # noqa: B008
        """Per-dump match counts for a query (ignoring the dump filter itself)."""
        from reader.diagnostics import degraded, unexpected

        try:
            self._ensure_rows()  # counting reads every row: load them without the lock
            with self._lock:
                return self._facets(query, filters)
        except damage_errors() as exc:  # an index that cannot be read
            degraded("facet counts", f"none while the index cannot be read ({exc})")
            return {}
        except Exception as exc:
            unexpected("facet counts", exc)
            return {}

    def _facets(self, query: str, filters: Filters) -> dict[str, int]:
        if not self._fresh(index=False):
            return {}
        base = filters._replace(sources=frozenset())
        allowed = self._allowed_ids(base) if base.active else None
        rows = self._all_rows()
        everything = not query.strip() or query.strip() in ("*", "*:*")
        if not everything:
            from reader.search.query import parse

            if not self._open():  # Whoosh cannot be read: no counts
                return {}
            gen = self._gen
            assert gen is not None
            parsed = parse(query, gen.parser, gen.query_reader())
            found = count_matches(gen, parsed.query, allowed, rows, self._source_table)
        elif allowed is None:
            found = self._all_facets()
        else:
            found = count_rows(rows, allowed)
        assert self._catalog is not None
        counts = {info.name: 0 for info in source_infos(self._catalog)}
        for name, count in found.items():
            counts[name] = counts.get(name, 0) + count
        return counts

    def _source_table(self) -> list[tuple[str, ...]]:
        """Per docnum of the current generation, the dumps its paper is in."""
        assert self._gen is not None
        rows = self._all_rows()
        empty: tuple[str, ...] = ()
        return self._gen.source_table(
            self._cache_gen, lambda i: rows[i].sources if i in rows else empty
        )

    def _all_facets(self) -> Counter[str]:
        """Per-dump counts of the whole library (cached for the catalog generation)."""
        cached = self._all_counts
        if cached is None or cached[0] != self._cache_gen:
            cached = (self._cache_gen, count_rows(self._all_rows(), self._all_rows()))
            self._all_counts = cached
        return cached[1]

    def suggest(self, query: str) -> str | None:
        """ "Did you mean": the query with unknown words corrected, or None."""
        from reader.diagnostics import degraded, unexpected
        from reader.search.suggestions import suggest

        try:
            with self._lock:
                if not self._fresh():
                    return None
                assert self._gen is not None
                return suggest(self._gen, query[:MAX_QUERY_CHARS])
        except damage_errors() as exc:  # an index that cannot be read
            degraded("spelling suggestions", f"none while the index cannot be read ({exc})")
            return None
        except Exception as exc:
            unexpected("spelling suggestions", exc)
            return None

    # -- caches ------------------------------------------------------------------------
    def _fresh(self, index: bool = True) -> bool:
        """Open and make the per-generation caches current; False if there is no index.

        `index=False`: the catalog is enough (Whoosh stays unopened if it is not yet open).
        """
        if not self._open(index):
            return False
        assert self._catalog is not None
        gen = self._catalog.generation()
        if gen != self._cache_gen:
            self._cache_gen = gen
            self._order_ids = None
            self._rows = None
        return True

    @property
    def _order(self) -> list[str]:
        """Every paper id in dump order, for the generation `_fresh` made current."""
        if self._order_ids is None:
            assert self._catalog is not None
            self._order_ids = self._catalog.ordered_ids()
        return self._order_ids

    def _ensure_rows(self) -> None:
        """Load every paper row (a read of the whole catalog) without holding the library
        lock, so searches and the list's drawing do not wait for it; then install it."""
        with self._rows_lock:
            with self._lock:
                if not self._fresh(index=False) or self._rows is not None:
                    return
                generation, catalog = self._cache_gen, self._catalog
            assert catalog is not None
            rows = {row.id: row for row in catalog.paper_rows()}
            with self._lock:
                if self._cache_gen == generation and self._rows is None:
                    self._rows = rows

    def _titles(self) -> list[str]:
        """Every paper's title, from the rows `_ensure_rows` loaded (none if it has not)."""
        with self._lock:
            rows = self._rows
        return [] if rows is None else [row.title for row in rows.values()]

    def _all_rows(self) -> dict[str, PaperRow]:
        if self._rows is None:
            assert self._catalog is not None
            self._rows = {row.id: row for row in self._catalog.paper_rows()}
        return self._rows

    def has_metadata(self) -> bool:
        """True if any paper has a date, upvotes or an arXiv category (so those filters apply)."""
        with self._lock:
            if not self._fresh(index=False):
                return False
            assert self._catalog is not None
            return self._catalog.has_metadata()  # one query: the rows load later, if needed

    # -- reading -----------------------------------------------------------------------
    def paper_count(self) -> int:
        with self._lock:
            if not self._fresh(index=False):
                return 0
            if self._order_ids is not None:
                return len(self._order_ids)
            assert self._catalog is not None
            return self._catalog.paper_count()

    def sources(self) -> list[SourceInfo]:
        with self._lock:
            if not self._fresh(index=False):
                return []
            assert self._catalog is not None
            return source_infos(self._catalog)

    def news_sources(self, archive_papers: int = ARCHIVE_PAPERS) -> list[SourceInfo]:
        """The news dumps (not archives: see `reader.search.news`), newest first."""
        return news_sources(self.sources(), archive_papers)

    def news_ids(self, archive_papers: int = ARCHIVE_PAPERS) -> list[str]:
        """Every paper of the news dumps once, in inbox order (newest dump first, page order).

        Cached per index generation and threshold."""
        with self._lock:
            if not self._fresh(index=False):
                return []
            cached = self._news
            if cached is not None and cached[0] == (self._cache_gen, archive_papers):
                return cached[1]
            assert self._catalog is not None
            sources = news_sources(source_infos(self._catalog), archive_papers)
            ids = inbox_order(sources, self._catalog.ids_by_file([s.path for s in sources]))
            self._news = ((self._cache_gen, archive_papers), ids)
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
            if not self._fresh(index=False):
                return [], 0
            assert self._catalog is not None
            infos = source_infos(self._catalog)
            sources = news_sources(infos, archive_papers)
            loaded = self._news is not None and self._news[0] == (self._cache_gen, archive_papers)
            if loaded or len(sources) != sum(1 for s in infos if s.papers > 0):
                unread = [i for i in self.news_ids(archive_papers) if i not in seen]
                return unread[:limit], len(unread)
            paths = [s.path for s in sources]
            head = self._catalog.first_unlisted(paths, limit, seen) if limit > 0 else []
            total = self._catalog.paper_count() - self._catalog.count_papers_among(seen)
            return head, total

    def resolve_id(self, key: str) -> str | None:
        """A paper id from a paper id or an arXiv id (`2405.07960`, `arXiv:2405.07960v2`)."""
        with self._lock:
            if not self._fresh(index=False):
                return None
            assert self._catalog is not None
            key = key.strip()
            if _unencodable(key):
                return None
            if (self._rows is not None and key in self._rows) or self._catalog.has_paper(key):
                return key
            arxiv = find_arxiv_id(key)
            return self._catalog.id_for_arxiv(arxiv) if arxiv else None

    def get(self, key: str) -> Paper | None:
        with self._lock:
            pid = self.resolve_id(key)
            if pid is None:
                return None
            assert self._catalog is not None
            records = self._catalog.records_for(pid)
            return merge_records(records) if records else None

    def rows(self, ids: Sequence[str]) -> list[Row]:
        """List rows for `ids`, in the same order (ids no longer in the index are skipped)."""
        loaded = self._rows  # replaced, never changed, when the index changes
        if loaded is not None:
            # No lock: the list draws its visible rows on the UI thread and must not wait for
            # a search in progress, which holds the lock for a frame or more while typing.
            return [_row(loaded[i]) for i in ids if i in loaded]
        with self._lock:
            if not self._fresh(index=False):
                return []
            assert self._catalog is not None
            if self._rows is None and len(ids) > 2000:  # one table scan beats chunked lookups
                self._all_rows()
            if self._rows is not None:
                found = {i: self._rows[i] for i in ids if i in self._rows}
            else:
                found = {r.id: r for r in self._catalog.paper_rows(list(ids))}
            return [_row(found[i]) for i in ids if i in found]

    def iter_papers(self, limit: int | None = None) -> Iterable[Paper]:
        """Every paper (or the first `limit`), merged, in dump order."""
        with self._lock:
            order = self._first_ids(limit) if self._fresh(index=False) else []
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
        limit: int | None = 2000,
        suggest: bool = True,
    ) -> SearchResult:
        """Ranked (or sorted) ids for a query; never raises: problems go to `note`.

        With `suggest=False` a query that finds nothing gets no "did you mean" (the app asks
        for it separately, so the list updates without waiting for the spelling scan).
        """
        try:
            with self._lock:
                return self._search(query, filters, sort, limit, suggest)
        except damage_errors() as exc:  # an index damaged on disk since it was opened
            return _failed(query, exc)
        except Exception as exc:
            from reader.diagnostics import unexpected

            unexpected("searching", exc)
            return _failed(query, exc)

    def _search(
        self, query: str, filters: Filters, sort: Sort, limit: int | None, suggest: bool = True
    ) -> SearchResult:
        result = SearchResult(query=query)
        if not self._fresh(index=False):
            result.note = "the index is not built yet"
            return result
        allowed = self._allowed_ids(filters) if filters.active else None
        if not query.strip() or query.strip() in ("*", "*:*"):
            if allowed is None and sort is Sort.RELEVANCE and limit:
                result.ids = self._first_ids(limit)
                result.total = self.paper_count()
                return result
            ids = self._order if allowed is None else [i for i in self._order if i in allowed]
            ids = self._sorted(ids, sort)
            result.total = len(ids)
            result.ids = ids[:limit] if limit else list(ids)
            return result
        if not self._open():  # a query needs Whoosh (opened on first use)
            result.note = f"the search index cannot be read ({self._damage}); it needs a rebuild"
            return result
        from whoosh import query as wq

        from reader.search.query import parse

        gen = self._gen
        assert gen is not None
        parsed = parse(query, gen.parser, gen.query_reader())
        result.terms = parsed.terms
        result.note = "; ".join(dict.fromkeys(parsed.notes)) or None
        if parsed.query is wq.NullQuery and not result.note:
            result.note = "nothing to search for in that query"
        docmask = None
        if allowed is not None:
            docnums = gen.docnums()
            docmask = {docnums[i] for i in allowed if i in docnums}
        if sort is Sort.RELEVANCE:
            ranked = gen.ranked(parsed.query, limit or None, docmask)
            if ranked is not None:
                docs, result.total, scores = ranked
                for d, pid in zip(docs, gen.paper_ids(docs), strict=True):
                    result.ids.append(pid)
                    result.scores[pid] = scores[d]
            else:
                hits = gen.searcher.search(parsed.query, limit=limit or None, filter=docmask)
                result.total = len(hits)
                for hit in hits:
                    result.ids.append(hit["id"])
                    result.scores[hit["id"]] = float(hit.score or 0.0)
        else:
            matched = gen.matching_ids(parsed.query, docmask)
            ids = self._sorted(matched, sort)
            result.total = len(ids)
            result.ids = ids[:limit] if limit else ids
        if suggest and result.total == 0 and parsed.query is not wq.NullQuery:
            from reader.search.suggestions import suggest as correct_query

            result.suggestion = correct_query(gen, parsed.text)
        return result

    def matches(
        self,
        query: str,
        filters: Filters = Filters(),  # noqa: B008 - an immutable named tuple
    ) -> list[str]:
        """Every paper `search` would find for this query and filters, in no particular order:
        for counting (a saved search's unread papers), without ranking or sorting them."""
        try:
            with self._lock:
                if not self._fresh(index=False):
                    return []
                allowed = self._allowed_ids(filters) if filters.active else None
                if not query.strip() or query.strip() in ("*", "*:*"):
                    order = self._order
                    return list(order) if allowed is None else [i for i in order if i in allowed]
                if not self._open():
                    return []
                from reader.search.query import parse

                gen = self._gen
                assert gen is not None
                parsed = parse(query, gen.parser, gen.query_reader())
                docmask = None
                if allowed is not None:
                    docnums = gen.docnums()
                    docmask = {docnums[i] for i in allowed if i in docnums}
                return list(gen.matching_ids(parsed.query, docmask))
        except damage_errors() as exc:  # as `search`: a damaged index finds nothing
            from reader.diagnostics import degraded

            degraded("counting the matches of a query", f"none: the index cannot be read ({exc})")
            return []
        except Exception as exc:
            from reader.diagnostics import unexpected

            unexpected("counting the matches of a query", exc)
            return []

    def _first_ids(self, limit: int | None) -> list[str]:
        """The first `limit` ids in dump order (all with None), without reading every id
        when they are not loaded yet."""
        if self._order_ids is not None or not limit:
            return list(self._order[:limit])
        assert self._catalog is not None
        return self._catalog.first_ids(limit)

    def _sorted(self, ids: list[str], sort: Sort) -> list[str]:
        if sort is Sort.RELEVANCE:
            return list(ids)
        rows = self._all_rows()
        if sort is Sort.TITLE:
            return sorted(ids, key=lambda i: rows[i].title_key if i in rows else "")
        if sort is Sort.UPVOTES:
            voted = [i for i in ids if i in rows and rows[i].upvotes is not None]
            unvoted = [i for i in ids if not (i in rows and rows[i].upvotes is not None)]
            return sorted(voted, key=lambda i: -(rows[i].upvotes or 0)) + unvoted
        dated = [i for i in ids if i in rows and rows[i].date_key]
        undated = [i for i in ids if not (i in rows and rows[i].date_key)]
        return sorted(dated, key=lambda i: rows[i].date_key, reverse=True) + undated

    def _allowed_ids(self, f: Filters) -> set[str]:
        rows = self._all_rows()
        allowed = set(rows) if f.ids is None else {i for i in f.ids if i in rows}
        if f.sources:
            allowed = {i for i in allowed if not f.sources.isdisjoint(rows[i].sources)}
        if f.date_from or f.date_to:
            lo, hi = f.date_from or "", (f.date_to or "9999") + "\uffff"
            allowed = {i for i in allowed if rows[i].date_key and lo <= rows[i].date_key <= hi}
        if f.min_upvotes is not None:
            allowed = {i for i in allowed if (rows[i].upvotes or 0) >= f.min_upvotes}
        if f.category:
            cat = f.category.casefold()
            allowed = {i for i in allowed if cat in (c.casefold() for c in rows[i].categories)}
        return allowed

    def similar(self, key: str, limit: int = 50) -> SimilarResult:
        """Papers like this one (more like this), with the key terms that drove it."""
        try:
            with self._lock:
                paper = self.get(key)
                if paper is None or not self._fresh():
                    return SimilarResult(paper_id=key)
                from reader.search.similar import similar_papers

                assert self._gen is not None
                own = self._gen.docnums().get(paper.id)
                return similar_papers(self._gen.searcher, paper, own, limit)
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


def _failed(query: str, exc: BaseException) -> SearchResult:
    """No results, and a note with the reason and what to do."""
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    note = f"search failed ({reason}); if this persists, run 'paper-reader index --rebuild'"
    return SearchResult(query=query, note=note)


def _row(r: PaperRow) -> Row:
    return Row(
        id=r.id, title=r.title, first_source=r.first_source, page_date=r.page_date,
        published=r.published, upvotes=r.upvotes, arxiv_id=r.arxiv_id,
    )  # fmt: skip


def _unencodable(text: str) -> bool:
    """Lone surrogates (from undecodable command-line bytes) cannot be looked up in SQLite."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
