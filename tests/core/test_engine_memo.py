"""The engine's memo of whole query results must never change an answer: a result kept
packed (two arrays, as a large one is) ranks, filters and matches exactly as the scores
computed afresh, on one segment and on several with deletions."""

from __future__ import annotations

import random

import pytest

import reader.search.result_memo as memo_module
from reader.search import Library
from reader.search.engine import Engine, Unsupported
from reader.search.query import parse
from tests.core.test_rankings import one_segment, synced

__all__ = ["one_segment", "synced"]  # the fixtures, shared with test_rankings

QUERIES = [
    "diffusion", "language models", "model", "diffusion NOT image", "neural OR graph",
    "gen*", "difusion~", '"language models"', '"state of the art"', "title:diffusion",
    "(vision OR image) transformer", "zzzunknownword",
]  # fmt: skip


def _answers(lib: Library, engine: Engine, allowed: set[int]) -> list[object]:
    """Per query, twice (computed, then remembered): the top 1, 20 and all, with and
    without a filter, every match and the scores."""
    out: list[object] = []
    for text in QUERIES:
        q = parse(text, lib._parser, lib._query_reader()).query
        for _ in range(2):
            try:
                ranked = [
                    engine.top_scored(q, limit, within)
                    for limit in (1, 20, None)
                    for within in (None, allowed)
                ]
            except Unsupported:
                continue
            out.append((text, ranked, sorted(engine.matching(q)), engine.evaluate(q)))
    return out


@pytest.mark.parametrize("state", ["one_segment", "synced"])
def test_packed_results_answer_as_fresh_ones(
    state: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = request.getfixturevalue(state)
    with lib._lock:
        assert lib._open()
        searcher = lib._searcher
        count = searcher.doc_count_all()
        allowed = set(random.Random(7).sample(range(count), count // 3))
        monkeypatch.setattr(memo_module, "MEMO_QUERIES", 0)  # nothing kept but the last
        monkeypatch.setattr(memo_module, "PACK_ENTRIES", 10**9)  # kept as dicts
        expected = _answers(lib, Engine(searcher), allowed)
        monkeypatch.setattr(memo_module, "PACK_ENTRIES", 0)  # every result packed
        packed = Engine(searcher)
        assert _answers(lib, packed, allowed) == expected
        assert any(isinstance(r, memo_module.Packed) for r in packed._memo.values())
        monkeypatch.setattr(memo_module, "MEMO_QUERIES", 8)  # several kept, packed
        several = Engine(searcher)
        assert _answers(lib, several, allowed) == expected
        assert len(several._memo) > 1
