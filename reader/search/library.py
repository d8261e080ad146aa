"""`Library`: a dump set and its index. Sync, search, rows, papers, facets, suggestions, similar.

The one object the CLI and the TUI talk to. Public methods never raise for bad queries or
damaged indexes: a damaged or outdated index is rebuilt by `sync()`, and reads before that
see an empty library. Thread-safe: searches serialise on one cached searcher.

Whoosh is opened (and imported) only when a query needs it: the catalog alone answers the
unfiltered list, rows, papers and counts, so the app draws its first list without it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.ingest.identity import find_arxiv_id
from reader.ingest.merge import merge_records
from reader.model import Paper
from reader.search.catalog import SCHEMA_VERSION, Catalog, PaperRow
from reader.search.facets import FacetsMixin
from reader.search.lexicon import Lexicon
from reader.search.news import ARCHIVE_PAPERS, inbox_order, news_sources
from reader.search.plan import source_infos
from reader.search.storage import (
    CATALOG_FILE,
    IndexDamaged,
    open_whoosh,
)
from reader.search.suggestions import SuggestMixin
from reader.search.syncing import SyncingMixin
from reader.search.types import (
    Filters,
    Row,
    SearchResult,
    SimilarResult,
    Sort,
    SourceInfo,
)
from reader.search.warmup import WarmUpMixin

if TYPE_CHECKING:
    from reader.search.engine import Engine


class Library(SyncingMixin, WarmUpMixin, FacetsMixin, SuggestMixin):
    """Everything about one dump set's index."""

    def __init__(self, dump_roots: Sequence[Path], index_dir: Path, lock_timeout: float = 60.0):
        self.roots = [Path(p) for p in dump_roots]
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout
        self._lock = threading.RLock()
        #: One loader of every paper row at a time (`_ensure_rows`), without the library lock.
        self._rows_lock = threading.Lock()
        self._ix: Any = None
        self._catalog: Catalog | None = None
        self._searcher: Any = None
        self._parser: Any = None
        self._words_parser: Any = None
        self._damage: str | None = None
        self._cache_gen = -1
        #: Every paper id in dump order, read when first needed (0.15 s at 100k papers: a
        #: one-off search or a short list never needs it).
        self._order_ids: list[str] | None = None
        self._rows: dict[str, PaperRow] | None = None
        self._docmap_gen = -1
        self._doc_by_id: dict[str, int] = {}
        self._opened = False
        self._fast: Engine | None = None
        self._id_col: Any = None
        self._lex: tuple[Any, Lexicon] | None = None
        #: The private searcher a background-loaded vocabulary reads its frequencies from.
        self._lex_searcher: Any = None
        #: Set when a `warm()` has finished (the benchmark waits for it; nothing else must).
        self.warmed = threading.Event()
        #: Per docnum, the dumps the paper is in (facet counting), for one generation.
        self._doc_sources: tuple[Any, int, list[tuple[str, ...]]] | None = None
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
        if index and self._ix is None and self._damage is None:
            self._open_whoosh()
        return not index or self._ix is not None

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
        except Exception as exc:  # a damaged catalog raises sqlite3 errors
            if catalog is not None:
                catalog.close()
            self._damage = f"index catalog cannot be read ({exc})"
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
        from whoosh import qparser

        from reader.search.query import make_parser

        try:
            ix, searcher = open_whoosh(self.index_dir)
        except IndexDamaged as exc:
            self._damage = str(exc)
            return
        self._ix = ix
        self._searcher = searcher
        self._parser = make_parser(ix.schema)
        self._words_parser = qparser.QueryParser("words", ix.schema, group=qparser.AndGroup)

    def _close_handles(self) -> None:
        self._drop_lexicon()
        if self._searcher is not None:
            self._searcher.close()
        if self._catalog is not None:
            self._catalog.close()
        self._ix = self._catalog = self._searcher = None
        self._opened = False
        self._cache_gen = self._docmap_gen = -1
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
        """A new searcher on the latest commit (whoosh3's `refresh()` can miss deletions)."""
        self._drop_lexicon()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = self._ix.searcher()
        self._cache_gen = self._docmap_gen = -1

    def _drop_lexicon(self) -> None:
        self._lex = self._doc_sources = None
        if self._lex_searcher is not None:
            self._lex_searcher.close()
            self._lex_searcher = None

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
        """Load every paper row (half a second at 100k papers) without holding the library
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

    def _all_rows(self) -> dict[str, PaperRow]:
        if self._rows is None:
            assert self._catalog is not None
            self._rows = {row.id: row for row in self._catalog.paper_rows()}
        return self._rows

    def _docnums(self) -> dict[str, int]:
        """id -> Whoosh document number for the current searcher."""
        if self._docmap_gen != self._cache_gen:
            reader = self._searcher.reader()
            column = reader.column_reader("id")
            self._doc_by_id = {column[d]: d for d in reader.all_doc_ids()}
            self._docmap_gen = self._cache_gen
        return self._doc_by_id

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
            # a search in progress (measured: 56 ms a frame while typing at 100k papers).
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
        except Exception as exc:
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
            note = f"search failed ({reason}); if this persists, run 'paper-reader index --rebuild'"
            return SearchResult(query=query, note=note)

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

        parsed = parse(query, self._parser, self._query_reader())
        result.terms = parsed.terms
        result.note = "; ".join(dict.fromkeys(parsed.notes)) or None
        if parsed.query is wq.NullQuery and not result.note:
            result.note = "nothing to search for in that query"
        docmask = None
        if allowed is not None:
            docnums = self._docnums()
            docmask = {docnums[i] for i in allowed if i in docnums}
        if sort is Sort.RELEVANCE:
            ranked = self._ranked(parsed.query, limit or None, docmask)
            if ranked is not None:
                docs, result.total, scores = ranked
                column = self._id_column()
                for d in docs:
                    pid = column[d]
                    result.ids.append(pid)
                    result.scores[pid] = scores[d]
            else:
                hits = self._searcher.search(parsed.query, limit=limit or None, filter=docmask)
                result.total = len(hits)
                for hit in hits:
                    result.ids.append(hit["id"])
                    result.scores[hit["id"]] = float(hit.score or 0.0)
        else:
            matched = self._matching_ids(parsed.query, docmask)
            ids = self._sorted(matched, sort)
            result.total = len(ids)
            result.ids = ids[:limit] if limit else ids
        if suggest and result.total == 0 and parsed.query is not wq.NullQuery:
            result.suggestion = self._suggest(parsed.text)
        return result

    def _matching_ids(self, q: Any, docmask: set[int] | None) -> list[str]:
        from reader.search.compat import attempt

        def fast() -> list[str]:
            engine = self._engine()
            docs: Iterable[int] = engine.evaluate(q).keys()
            if docmask is not None:
                docs = [d for d in docs if d in docmask]
            return list(map(engine.doc_ids().__getitem__, docs))

        found = attempt("matching papers (fast engine)", fast)
        if found is not None:
            return found
        column = self._id_column()
        return [
            column[d] for d in self._searcher.docs_for_query(q) if docmask is None or d in docmask
        ]

    def _engine(self) -> Engine:
        """The fast evaluator for the current searcher (rebuilt when the searcher changes)."""
        from reader.search.engine import Engine

        if self._fast is None or self._fast.searcher is not self._searcher:
            self._fast = Engine(self._searcher)
            self._id_col = None
        return self._fast

    def _id_column(self) -> Any:
        if self._id_col is None or self._fast is None or self._fast.searcher is not self._searcher:
            self._id_col = self._searcher.reader().column_reader("id")
        return self._id_col

    def _ranked(
        self, q: Any, limit: int | None, docmask: set[int] | None
    ) -> tuple[list[int], int, dict[int, float]] | None:
        """Top docnums, total and scores from the fast path; None to use Whoosh's searcher."""
        from reader.search.compat import attempt

        return attempt("ranking (fast engine)", lambda: self._engine().top(q, limit, docmask))

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

                own = self._docnums().get(paper.id)
                return similar_papers(self._searcher, paper, own, limit)
        except Exception:  # an id that is not text (lone surrogates) or a damaged index
            return SimilarResult(paper_id=key)

    def highlight_spans(
        self, text: str, terms: frozenset[tuple[str, str]], field: str = "abstract"
    ) -> list[tuple[int, int]]:
        """Character spans of `text` that match the query terms (for the given field)."""
        return highlight_spans(text, terms, field)


def highlight_spans(
    text: str, terms: frozenset[tuple[str, str]], field: str = "abstract"
) -> list[tuple[int, int]]:
    """Spans of `text` whose tokens match `terms` in `field` (stemmed) or `words` (unstemmed)."""
    stems = {t for f, t in terms if f == field}
    words = {t for f, t in terms if f == "words"}
    if not stems and not words:
        return []
    from reader.search.analysis import token_spans

    return [(s, e) for word, st, s, e in token_spans(text) if st in stems or word in words]


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
