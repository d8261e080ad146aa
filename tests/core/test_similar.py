"""More like this ranks through the fast engine as Whoosh's own searcher does: the same
papers with the same scores (up to the order of additions), ties in any order, the paper
itself left out, on one segment and on several with deletions."""

from __future__ import annotations

import math

import pytest

from reader.search import Library
from reader.search.similar import similar_papers
from tests.core.test_rankings import TOLERANCE, one_segment, synced

__all__ = ["one_segment", "synced"]  # the fixtures, shared with test_rankings


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-9)


@pytest.mark.parametrize("state", ["one_segment", "synced"])
def test_similar_papers_rank_as_whoosh_does(state: str, request: pytest.FixtureRequest) -> None:
    lib: Library = request.getfixturevalue(state)
    ids = lib.search("", limit=None).ids[::17][:25]
    answered = 0
    for pid in ids:
        paper = lib.get(pid)
        assert paper is not None
        with lib._lock:
            gen = lib._gen
            assert gen is not None
            own = gen.searcher.document_number(id=pid)
            whoosh = similar_papers(gen.searcher, paper, own, 10)
            fast = similar_papers(
                gen.searcher, paper, own, 10,
                rank=lambda q, n, g=gen: g.engine().top(q, n), paper_ids=gen.paper_ids,
            )  # fmt: skip
        assert pid not in fast.ids and fast.key_terms == whoosh.key_terms
        theirs = [whoosh.scores[i] for i in whoosh.ids]
        ours = [fast.scores[i] for i in fast.ids]
        assert len(ours) == len(theirs)
        assert all(_close(a, b) for a, b in zip(ours, theirs, strict=True)), pid
        last = theirs[-1] if theirs else 0.0
        for i in fast.ids:  # the same papers, but for ties at the last place
            if i in whoosh.scores:
                assert _close(fast.scores[i], whoosh.scores[i])
            else:
                assert _close(fast.scores[i], last), (pid, i)
        answered += bool(fast.ids)
    assert answered >= len(ids) // 2


def test_similar_uses_the_engine_and_no_id_table(one_segment: Library) -> None:
    """The library's own call: the paper's docnum from the id field (no table of every id)."""
    pid = one_segment.search("diffusion", limit=1).ids[0]
    similar = one_segment.similar(pid, limit=5)
    assert pid not in similar.ids and len(similar.ids) == 5
    assert one_segment._gen is not None and one_segment._gen._docnums is None
