"""The query side of the library: ranked or sorted ids, every match, per-dump counts,
"did you mean" and similar papers.

An empty query (or `*`) is answered from the catalog view alone; any other is parsed and
run on the Whoosh generation, opened on first use. These functions run under the library's
lock and let the index's read errors through: `Library` turns them into notes and logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.search.facets import count_matches, count_rows
from reader.search.open_index import OpenIndex
from reader.search.types import MAX_QUERY_CHARS, Filters, SearchResult, SimilarResult, Sort

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Callable

    from reader.model import Paper


def _everything(query: str) -> bool:
    """True for a query that asks for every paper."""
    return not query.strip() or query.strip() in ("*", "*:*")


def search(
    index: OpenIndex,
    query: str,
    filters: Filters,
    sort: Sort,
    limit: int | None,
    suggest: bool,
    estimate: bool = False,
) -> SearchResult:
    """Ranked (or sorted) ids for `query` within `filters` (see `Library.search`)."""
    result = SearchResult(query=query)
    view = index.fresh(index=False)
    if view is None:
        result.note = "the index is not built yet"
        return result
    allowed = view.allowed_ids(filters) if filters.active else None
    if _everything(query):
        if allowed is None and sort is Sort.RELEVANCE and limit:
            result.ids = view.first_ids(limit)
            result.total = view.paper_count()
            return result
        ids = view.order if allowed is None else [i for i in view.order if i in allowed]
        ids = view.sorted(ids, sort)
        result.total = len(ids)
        result.ids = ids[:limit] if limit else list(ids)
        return result
    gen = index.whoosh()  # a query needs Whoosh (opened on first use)
    if gen is None:
        result.note = f"the search index cannot be read ({index.damage}); it needs a rebuild"
        return result
    from whoosh import query as wq

    from reader.search.query import parse

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
        ranked = gen.ranked(parsed.query, limit or None, docmask, estimate)
        if ranked is not None:
            docs, result.total, scores, result.total_exact = ranked
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
        ids = view.sorted(matched, sort)
        result.total = len(ids)
        result.ids = ids[:limit] if limit else ids
    if suggest and result.total == 0 and parsed.query is not wq.NullQuery:
        from reader.search.suggestions import suggest as correct_query

        result.suggestion = correct_query(gen, parsed.text)
    return result


def matches(index: OpenIndex, query: str, filters: Filters) -> list[str]:
    """Every paper `search` would find for `query` and `filters`, in no particular order."""
    view = index.fresh(index=False)
    if view is None:
        return []
    allowed = view.allowed_ids(filters) if filters.active else None
    if _everything(query):
        order = view.order
        return list(order) if allowed is None else [i for i in order if i in allowed]
    gen = index.whoosh()
    if gen is None:
        return []
    from reader.search.query import parse

    parsed = parse(query, gen.parser, gen.query_reader())
    docmask = None
    if allowed is not None:
        docnums = gen.docnums()
        docmask = {docnums[i] for i in allowed if i in docnums}
    return list(gen.matching_ids(parsed.query, docmask))


def facet_counts(index: OpenIndex, query: str, filters: Filters) -> Callable[[], dict[str, int]]:
    """Per-dump match counts for `query` within `filters`, ignoring their dump filter;
    every dump of the catalog is a key (0 when nothing matches in it). Called under the
    library lock, which the index reads need; the function it returns does the counting
    and may run after the lock is released (`facets.count_matches`)."""
    view = index.fresh(index=False)
    if view is None:
        return dict
    base = filters._replace(sources=frozenset())
    allowed = view.allowed_ids(base) if base.active else None
    rows = view.all_rows()
    count: Callable[[], Counter[str]]
    if not _everything(query):
        from reader.search.query import parse

        gen = index.whoosh()
        if gen is None:  # Whoosh cannot be read: no counts
            return dict
        parsed = parse(query, gen.parser, gen.query_reader())
        count = count_matches(gen, parsed.query, allowed, rows, lambda: view.source_table(gen))
    elif allowed is None:
        everything = view.all_facets()
        count = lambda: everything  # noqa: E731 - counted already
    else:
        count = lambda: count_rows(rows, allowed)  # noqa: E731
    names = view.catalog.file_names()

    def finish() -> dict[str, int]:
        counts = dict.fromkeys(names, 0)
        for name, n in count().items():
            counts[name] = counts.get(name, 0) + n
        return counts

    return finish


def suggest(index: OpenIndex, query: str) -> str | None:
    """ "Did you mean" for `query` (see `Library.suggest`); None without an index."""
    from reader.search.suggestions import suggest as suggested

    if index.fresh() is None:
        return None
    assert index.gen is not None
    return suggested(index.gen, query[:MAX_QUERY_CHARS])


def similar(index: OpenIndex, key: str, paper: Paper | None, limit: int) -> SimilarResult:
    """Papers like `paper` (the paper of `key`, if any: see `Library.similar`), ranked by
    the fast engine where it answers."""
    from reader.search.similar import similar_papers

    if paper is None or index.fresh() is None:
        return SimilarResult(paper_id=key)
    gen = index.gen
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


def failed(query: str, exc: BaseException) -> SearchResult:
    """No results, and a note with the reason and what to do."""
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    note = f"search failed ({reason}); if this persists, run 'paper-reader index --rebuild'"
    return SearchResult(query=query, note=note)
