"""More like this: the key terms of a paper's text, and the papers that share them."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from reader.model import Paper
from reader.search.analysis import token_spans
from reader.search.types import SimilarResult

KEY_TERMS = 12


def similar_papers(
    searcher: Any, paper: Paper, own_docnum: int | None, limit: int
) -> SimilarResult:
    """Rank papers by the paper's most distinctive terms (Whoosh's Bo1 key-term model)."""
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
    mask = {own_docnum} if own_docnum is not None else None
    hits = searcher.search(wq.Or(subqueries), limit=limit, mask=mask)
    for hit in hits:
        result.ids.append(hit["id"])
        result.scores[hit["id"]] = float(hit.score or 0.0)
    surface: dict[str, str] = {}
    for word, stem, start, end in token_spans(text):
        surface.setdefault(stem, text[start:end] if word == stem or len(word) > len(stem) else word)
    result.key_terms = [surface.get(term, term) for term, _ in keys]
    return result
