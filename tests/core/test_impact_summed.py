"""`summed`, the one-call score of ANDs of terms and ORs of two terms, adds exactly as the
closures it stands for (`every` of `either`s, `either` of those): the same value to the
bit, None where they give None, for generated term tables and documents."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.search.impact_compile import either, every, summed
from reader.search.impact_plan import Score, _places

DOCS = 12

Term = tuple[bytearray, list[list[float]], bytes]

scores = st.floats(min_value=0.0, max_value=50.0, allow_nan=False, width=32)


@st.composite
def terms(draw: st.DrawFn) -> Term:
    """A term: its weight index per document (0: not there), its scores per weight index and
    length byte, and the field's length byte per document."""
    weights = draw(st.integers(min_value=1, max_value=3))
    at = bytearray(draw(st.lists(st.integers(0, weights), min_size=DOCS, max_size=DOCS)))
    table: list[list[float]] = [[]] + [
        draw(st.lists(scores, min_size=4, max_size=4)) for _ in range(weights)
    ]
    lengths = bytes(draw(st.lists(st.integers(0, 3), min_size=DOCS, max_size=DOCS)))
    return at, table, lengths


clauses = st.lists(st.lists(terms(), min_size=1, max_size=2), min_size=1, max_size=3)


def _term(term: Term) -> Score:
    at, table, lengths = term

    def score(d: int) -> float | None:
        index = at[d]
        return table[index][lengths[d]] if index else None

    return score


def _and(form: list[list[Term]], negatives: list[Score], extra: float) -> Score:
    """The closures `summed` stands for: `every` clause, each a term or `either` of two."""
    parts = [_term(c[0]) if len(c) == 1 else either(_term(c[0]), _term(c[1])) for c in form]
    return every(parts, negatives, extra)


@given(clauses, st.lists(terms(), max_size=1), st.sampled_from([0.0, 1.0, 2.0]))
def test_an_and_adds_as_every_adds(
    form: list[list[Term]], excluded: list[Term], extra: float
) -> None:
    negatives = [_term(t) for t in excluded]
    fused, plain = summed([form], negatives, extra), _and(form, negatives, extra)
    assert [fused(d) for d in range(DOCS)] == [plain(d) for d in range(DOCS)]


@given(clauses, clauses)
def test_two_ands_add_as_either_adds(first: list[list[Term]], second: list[list[Term]]) -> None:
    fused = summed([first, second], [], 0.0)
    plain = either(_and(first, [], 0.0), _and(second, [], 0.0))
    assert [fused(d) for d in range(DOCS)] == [plain(d) for d in range(DOCS)]


@given(st.binary(max_size=64), st.integers(0, 3))
def test_places_are_every_offset_of_the_byte(data: bytes, value: int) -> None:
    assert _places(data, value) == [i for i, b in enumerate(data) if b == value]
