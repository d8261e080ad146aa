"""A term scored on a few candidates from the posting blocks holding them (`_term_sparse`)
gives exactly the scores of its whole postings, on one segment and on several with
deletions, and the answers of whole queries do not change."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reader.search.engine as engine_module
from reader.search import Library, postings
from reader.search.analysis import stem
from reader.search.engine import Engine
from tests.core.test_rankings import _words, one_segment, synced

__all__ = ["one_segment", "synced"]  # the fixtures, shared with test_rankings


@pytest.mark.parametrize("kept", [16, 1])
@pytest.mark.parametrize("state", ["one_segment", "synced"])
def test_a_term_on_a_few_candidates_scores_as_its_whole_postings(
    state: str, kept: int, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also with one decoded block kept at a time (`postings.DECODED_BLOCKS`)."""
    monkeypatch.setattr(postings, "DECODED_BLOCKS", kept)
    lib: Library = request.getfixturevalue(state)
    words = _words(lib)
    with lib._lock:
        count = lib._engine().searcher.doc_count_all()

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.sampled_from(words),
        st.sampled_from(["title", "abstract", "words"]),
        st.sets(st.integers(0, count - 1), max_size=count),
    )
    def check(word: str, field: str, within: set[int]) -> None:
        with lib._lock:
            engine: Engine = lib._engine()
            text = word if field == "words" else stem(word)  # title and abstract: stems
            scorable = engine.searcher.schema[field].scorable
            idf = engine.terms.idf(field, text) if scorable else 1.0
            sparse = engine._term_sparse(field, text, set(within), scorable, idf)
            whole = {d: s for d, s in engine._term(field, text, None).items() if d in within}
        assert sparse == whole, (field, text)

    check()


def test_queries_answer_the_same_with_and_without_sparse_scoring(
    synced: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = ["diffusion model", "language models training", '"language models"',
               "title:diffusion abstract:model", "transformer NOT vision"]  # fmt: skip
    with synced._lock:
        engine = synced._engine()
        from reader.search.query import parse

        parsed = [parse(q, synced._parser, synced._query_reader()).query for q in queries]
        monkeypatch.setattr(engine_module, "SPARSE_SHARE", 0.0)
        dense = [Engine(engine.searcher).top_scored(q, 50) for q in parsed]
        monkeypatch.setattr(engine_module, "SPARSE_SHARE", 1.0)  # every AND's later clauses
        sparse = [Engine(engine.searcher).top_scored(q, 50) for q in parsed]
    assert sparse == dense
