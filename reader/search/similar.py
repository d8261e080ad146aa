"""More like this: the key terms of a paper's text, and the papers that share them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from whoosh import query as wq

from reader.model import Paper
from reader.search.analysis import token_spans
from reader.search.types import SimilarResult

KEY_TERMS = 12


#: (query, limit) -> (best docnums, total, scores, ...) from the fast engine, or None.
Ranker = Callable[[Any, int], "tuple[Any, ...] | None"]


def similar_papers(
    searcher: Any,
    paper: Paper,
    own_docnum: int | None,
    limit: int,
    rank: Ranker | None = None,
    paper_ids: Callable[[list[int]], list[str]] | None = None,
) -> SimilarResult:
    """Rank papers by the paper's most distinctive terms (Whoosh's Bo1 key-term model):
    through `rank` (the fast engine, which scores as Whoosh does) when it answers, whose
    docnums `paper_ids` names, else through Whoosh's searcher."""
    result = SimilarResult(paper_id=paper.id)
    text = f"{paper.title}\n{paper.abstract}"
    keys = searcher.key_terms_from_text("abstract", text, numterms=KEY_TERMS)
    if not keys:
        return result
    top = max(weight for _, weight in keys) or 1.0
    subqueries = []
    for term, weight in keys:
        boost = weight / top
        subqueries.append(wq.Term("abstract", term, boost=boost))
        subqueries.append(wq.Term("title", term, boost=boost))
    query = wq.Or(subqueries)
    ranked = rank(query, limit + 1) if rank is not None and paper_ids is not None else None
    if ranked is not None and paper_ids is not None:
        docs, scores = ranked[0], ranked[2]
        docs = [d for d in docs if d != own_docnum][:limit]
        for d, pid in zip(docs, paper_ids(docs), strict=True):
            result.ids.append(pid)
            result.scores[pid] = scores[d]
    else:
        mask = {own_docnum} if own_docnum is not None else None
        for hit in searcher.search(query, limit=limit, mask=mask):
            result.ids.append(hit["id"])
            result.scores[hit["id"]] = float(hit.score or 0.0)
    surface: dict[str, str] = {}
    for word, stem, start, end in token_spans(text):
        surface.setdefault(stem, text[start:end] if word == stem or len(word) > len(stem) else word)
    result.key_terms = [surface.get(term, term) for term, _ in keys]
    return result
