"""Posting lists read together (`TermStore.read_many`: one read per run of a segment's lists
for a prefix's rare words) are exactly those read one term at a time
(`TermStore.postings`): the same segments in the same order, the same ids and weights, on
indexes of one segment and of several with deletions, for prefixes, for words that sort
apart (read in runs of their own) and for words some segments lack."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reader.search.term_store as term_store
from reader.search.engine import Engine
from reader.search.postings import PostingBlocks
from tests.core.test_rankings import one_segment, synced
from tests.core.test_term_lookup import _vocabulary, prefix_words, searcher

__all__ = ["one_segment", "searcher", "synced"]  # the fixtures, shared with test_term_lookup


def _same(searcher: Any, words: list[str]) -> tuple[int, int]:
    """Checks `read_many` against `postings` on fresh engines; (the matchers it opened, the
    reads of runs it made)."""
    plain, together = Engine(searcher), Engine(searcher)
    opened: list[str] = []
    runs: list[int] = []
    matcher, run = together.terms._matcher, together.terms._run

    def counted(field: str, text: str, leaf: int, info: Any) -> Any:
        opened.append(text)
        return matcher(field, text, leaf, info)

    def counted_run(leaf: int, spans: list[tuple[int, int, str]]) -> Any:
        runs.append(leaf)
        return run(leaf, spans)

    together.terms._matcher = counted  # type: ignore[method-assign]
    together.terms._run = counted_run  # type: ignore[method-assign]
    together.terms.read_many("words", words)
    made = len(opened)
    for word in words:
        assert together.terms.has_postings("words", word), word
        expected = plain.terms.postings("words", word)
        found = together.terms.postings("words", word)
        assert [leaf for leaf, *_ in found] == [leaf for leaf, *_ in expected], word
        for (_, ids, weights), (_, want_ids, want_weights) in zip(found, expected, strict=True):
            assert ids == want_ids and weights == want_weights, word
    assert len(opened) == made  # every list was kept: none read again
    return made, len(runs)


def _listed(searcher: Any, words: list[str]) -> list[int]:
    """The segment of each posting list of `words` that is not inlined in its term info."""
    engine = Engine(searcher)
    return [
        leaf
        for word in words
        for leaf, info in engine.terms.located("words", word)
        if not info.is_inlined()
    ]


def test_a_prefix_s_posting_lists_are_read_in_one_run_per_segment(searcher: Any) -> None:
    words = prefix_words(searcher)
    listed = _listed(searcher, words)
    assert len(listed) > 20
    # No matcher: every list came from a run, one per segment holding any.
    assert _same(searcher, words) == (0, len(set(listed)))


def test_lists_far_apart_are_read_in_runs_of_their_own_and_the_same(
    searcher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    vocabulary = _vocabulary(searcher)
    words = [vocabulary[0], vocabulary[len(vocabulary) // 2], vocabulary[-1]]
    monkeypatch.setattr(term_store, "GAP_BYTES", -1)  # every list a run of its own
    assert _same(searcher, words) == (0, len(_listed(searcher, words)))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_words_read_together_are_those_read_one_by_one(searcher: Any, data: Any) -> None:
    vocabulary = _vocabulary(searcher)
    words = data.draw(st.lists(st.sampled_from(vocabulary), min_size=2, max_size=40))
    words += data.draw(st.lists(st.sampled_from(["zzzznotthere", "qqqnone"]), max_size=2))
    _same(searcher, words)


def test_a_term_s_blocks_in_a_segment_are_read_from_its_extent_and_the_same(
    searcher: Any,
) -> None:
    """`blocks_in` (a phrase's checks) reads a posting list from its term info's extent,
    opening no matcher, and finds each document's positions and weight as blocks read
    through a matcher find them, and nothing for documents the term is not in."""
    engine, plain = Engine(searcher), Engine(searcher)
    opened: list[str] = []
    matcher = engine.terms._matcher

    def counted(field: str, text: str, leaf: int, info: Any) -> Any:
        opened.append(text)
        return matcher(field, text, leaf, info)

    engine.terms._matcher = counted  # type: ignore[method-assign]
    field = "abstract_at"
    texts = [t.decode("utf-8") for t in searcher.lexicon(field)][::7][:12]
    assert texts
    checked = 0
    for text in texts:
        for leaf, info in plain.terms.located(field, text):
            found = engine.terms.blocks_in(field, text, leaf)
            expected = PostingBlocks.of(plain.terms._matcher(field, text, leaf, info))
            assert found is not None
            size = engine.leaves[leaf][0].doc_count_all()
            for doc in range(size):
                assert found.value(doc) == expected.value(doc), (text, leaf, doc)
                assert found.weight(doc) == expected.weight(doc), (text, leaf, doc)
                checked += found.value(doc) is not None
    assert checked > 0 and opened == []
