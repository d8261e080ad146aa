"""The rare words of a wide OR (`reader.search.impact_rare`) and the ranked list they form
(`reader.search.impact_groups.RankedGroups`): scores to the bit of the engine's arithmetic,
by either way of computing them, and groups whose levels bound every later document."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reader.search.impact_groups as impact_groups
import reader.search.impact_rare as impact_rare
from reader.search.bm25 import Factors
from reader.search.impact_groups import RankedGroups
from reader.search.impact_rare import Rare, Word

NORM = [0.3 + 0.01 * b for b in range(256)]

postings = st.dictionaries(
    st.integers(0, 199),
    st.tuples(st.sampled_from([1.0, 2.0, 3.0, 7.0, 255.0, 1.5, 0.1]), st.integers(0, 255)),
    max_size=30,
)


def _word(place: int, found: dict[int, tuple[float, int]], boost: float) -> Word:
    lengths = bytearray(200)
    for d, (_w, b) in found.items():
        lengths[d] = b
    docs = array("I", sorted(found))
    weights = array("f", [found[d][0] for d in docs])
    return Word(place, docs, weights, 2.5, boost, Factors(NORM), bytes(lengths))


@settings(max_examples=200, deadline=None)
@given(postings, st.sampled_from([1.0, 0.5, 1.3]), st.booleans())
def test_a_rare_words_scores_are_the_engines_arithmetic(
    found: dict[int, tuple[float, int]], boost: float, keyed: bool
) -> None:
    word = _word(0, found, boost)
    factors = Factors(NORM)
    expected = []
    for d, w in zip(word.docs, word.weights, strict=True):
        value = factors[(w, word.lengths[d])] * 2.5
        expected.append(value * boost if boost != 1.0 else value)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(impact_rare, "_KEYED", keyed and impact_rare._KEYED)
        assert word.scores() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(postings, min_size=1, max_size=5))
def test_rare_words_add_in_the_plain_paths_order(words: list[dict[int, tuple[float, int]]]) -> None:
    """A document's score is its words' scores added one by one, the word with the most
    documents first (ties in the query's order), as `Engine.scores` folds an OR."""
    made = [_word(place, found, 1.0) for place, found in enumerate(words)]
    rare = Rare(made, 200)
    order = sorted(made, key=lambda w: (-len(w.docs), w.place))
    held = set().union(*(set(w.docs) for w in made))
    assert len(rare) == len(held)
    assert rare.matched() == int.from_bytes(bytes(d in held for d in range(200)), "little")
    for d in range(200):
        total: float | None = None
        for word in order:
            if d in word.docs:
                value = word.scores()[list(word.docs).index(d)]
                total = value if total is None else total + value
        assert rare.add_to(None, d) == total
        if total is not None:
            assert rare.add_to(1.25, d) == sum_in_order(1.25, d, order)


def sum_in_order(start: float, d: int, order: list[Word]) -> float:
    total = start
    for word in order:
        if d in word.docs:
            total = total + word.scores()[list(word.docs).index(d)]
    return total


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.integers(0, 10_000), st.floats(0.0, 50.0, allow_nan=False), max_size=400),
    st.integers(1, 20),
    st.integers(1, 40),
    st.integers(1, 30),
)
def test_ranked_groups_bound_every_later_document(
    values: dict[int, float], first: int, sample: int, chunk: int
) -> None:
    """Every document once, best values first: each group's level is its first (best)
    value and at least every value in it and after it, however the first part is cut."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(impact_groups, "RANKED_FIRST", first)
        patch.setattr(impact_groups, "RANKED_SAMPLE", sample)
        patch.setattr(impact_groups, "RANKED_CHUNK", chunk)
        groups = list(RankedGroups(values))
    docs = [d for _level, members in groups for d in members]
    assert sorted(docs) == sorted(values)
    seen = [values[d] for d in docs]
    assert seen == sorted(seen, reverse=True)
    at = 0
    for level, members in groups:
        assert level == values[members[0]]
        assert all(level >= v for v in seen[at:])
        at += len(members)
