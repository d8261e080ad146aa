"""Phrase position checks: the set-based exact-phrase test agrees with the general one, and
positions decode as Whoosh decodes them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from whoosh.formats import Positions

from reader.search.engine import _adjacent, _decode_positions, _near

_POSITIONS = st.lists(st.integers(0, 40), min_size=1, max_size=12, unique=True).map(sorted)


@given(st.lists(_POSITIONS, min_size=2, max_size=4))
def test_adjacent_agrees_with_near_at_slop_one(poslists: list[list[int]]) -> None:
    assert _adjacent(poslists) == _near(poslists, 1)


@given(_POSITIONS)
def test_positions_decode_as_whoosh_decodes_them(positions: list[int]) -> None:
    fmt = Positions()
    value = fmt.encode(positions)
    assert _decode_positions(value) == fmt.decode_positions(value) == positions
    assert _decode_positions(value[:-1]) == positions  # a stored value may lose its STOP


def test_a_phrase_needs_its_words_in_order() -> None:
    assert _adjacent([[3, 9], [4], [5]])
    assert not _adjacent([[3], [5], [4]])
