"""`Library.facets()`: per-dump match counts for a query, cached per index generation."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import TYPE_CHECKING, Any

from reader.diagnostics import degraded, unexpected
from reader.search.compat import attempt
from reader.search.plan import source_infos
from reader.search.types import Filters

if TYPE_CHECKING:
    from reader.search.catalog import Catalog, PaperRow
    from reader.search.engine import Engine


class FacetsMixin:
    """`facets()` for `Library`."""

    if TYPE_CHECKING:  # provided by Library
        _lock: threading.RLock
        _searcher: Any
        _parser: Any
        _catalog: Catalog | None
        _cache_gen: int
        _doc_sources: tuple[Any, int, list[tuple[str, ...]]] | None
        _all_counts: tuple[int, Counter[str]] | None

        @property
        def _order(self) -> list[str]: ...
        def _fresh(self, index: bool = True) -> bool: ...
        def _ensure_rows(self) -> None: ...
        def _open(self, index: bool = True) -> bool: ...
        def _all_rows(self) -> dict[str, PaperRow]: ...
        def _allowed_ids(self, f: Filters) -> set[str]: ...
        def _matching_ids(self, q: Any, docmask: set[int] | None) -> list[str]: ...
        def _engine(self) -> Engine: ...
        def _query_reader(self) -> Any: ...

    def facets(self, query: str, filters: Filters = Filters()) -> dict[str, int]:  # noqa: B008
        """Per-dump match counts for a query (ignoring the dump filter itself)."""
        try:
            self._ensure_rows()  # counting reads every row: load them without the lock
            with self._lock:
                if not self._fresh(index=False):
                    return {}
                base = Filters(
                    ids=filters.ids, date_from=filters.date_from, date_to=filters.date_to,
                    min_upvotes=filters.min_upvotes, category=filters.category,
                )  # fmt: skip
                allowed = self._allowed_ids(base) if base.active else None
                rows = self._all_rows()
                found = None
                if query.strip() and query.strip() not in ("*", "*:*"):
                    from reader.search.query import parse

                    if not self._open():  # Whoosh cannot be read: no counts
                        return {}
                    parsed = parse(query, self._parser, self._query_reader())
                    found = self._fast_facets(parsed.query, allowed)
                everything = not query.strip() or query.strip() in ("*", "*:*")
                if found is None and everything and allowed is None:
                    found = self._all_facets()
                if found is None:
                    if everything:
                        ids: Iterable[str] = self._order if allowed is None else allowed
                    else:
                        ids = self._matching_ids(parsed.query, None)  # unscored, unsorted
                        if allowed is not None:
                            ids = [i for i in ids if i in allowed]
                    found = Counter(chain.from_iterable(rows[p].sources for p in ids if p in rows))
                counts = (
                    {info.name: 0 for info in source_infos(self._catalog)} if self._catalog else {}
                )
                for name, count in found.items():
                    counts[name] = counts.get(name, 0) + count
                return counts
        except (OSError, sqlite3.Error) as exc:  # an index that cannot be read
            degraded("facet counts", f"none while the index cannot be read ({exc})")
            return {}
        except Exception as exc:
            unexpected("facet counts", exc)
            return {}

    def _source_table(self) -> list[tuple[str, ...]]:
        """Per docnum of the current searcher, the dumps its paper is in."""
        table = self._doc_sources
        if table is None or table[0] is not self._searcher or table[1] != self._cache_gen:
            rows = self._all_rows()
            empty: tuple[str, ...] = ()
            sources = [rows[i].sources if i in rows else empty for i in self._engine().doc_ids()]
            table = self._doc_sources = (self._searcher, self._cache_gen, sources)
        return table[2]

    def _all_facets(self) -> Counter[str]:
        """Per-dump counts of the whole library (cached for the generation)."""
        cached = self._all_counts
        if cached is None or cached[0] != self._cache_gen:
            rows = self._all_rows()
            cached = (
                self._cache_gen,
                Counter(chain.from_iterable(r.sources for r in rows.values())),
            )
            self._all_counts = cached
        return cached[1]

    def _fast_facets(self, q: Any, allowed: set[str] | None) -> Counter[str] | None:
        """Per-dump counts straight from the matching docnums (None: use the slow path)."""

        def count() -> Counter[str]:
            engine = self._engine()
            docs: Iterable[int] = engine.evaluate(q).keys()
            if allowed is not None:
                ids = engine.doc_ids()
                docs = [d for d in docs if ids[d] in allowed]
            return Counter(chain.from_iterable(map(self._source_table().__getitem__, docs)))

        return attempt("facet counts (fast engine)", count)
