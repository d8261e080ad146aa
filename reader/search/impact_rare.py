"""The rare children of a wide OR (`reader.search.impact_wide`), scored whole.

A prefix such as `gen*` matches hundreds of rare words, a hundred thousand postings in all
at a million papers. Each rare word's postings are scored as `Engine.scores` scores them
(the BM25 factor of the weight and length byte, times the idf, times the boost), but in C:
each posting's weight bits and length byte make one integer key into a table of scores
filled per key met (`Word.scores`), with no (weight, length) tuple or dictionary look-up
of a pair per posting. The words are then folded in the plain path's order (the most documents first, ties in the
query's order), keeping each addend of a document several of them hold, so that the
document's score is rebuilt exactly (`add_to`). Their sums, ranked best first
(`reader.search.impact_groups.RankedGroups`), are one more list for the threshold
algorithm.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from itertools import repeat
from operator import add, mul
from typing import TYPE_CHECKING, Any, NamedTuple

from reader.search.impact_groups import RankedGroups
from reader.search.impact_plan import boost_of, flags_of
from reader.search.impact_terms import live

if TYPE_CHECKING:
    from reader.search.engine import Engine


class Word(NamedTuple):
    """One rare word: its place among the OR's children, its live postings (global docnums
    ascending) and what scores them."""

    place: int
    docs: array[int]
    weights: array[float]
    idf: float
    boost: float
    factors: Any  # (weight, length byte) -> the BM25 factor (`reader.search.bm25.Factors`)
    lengths: bytes  # its field's length byte per global docnum

    def scores(self) -> list[float]:
        """Its score in each of its documents, in order: `Engine._term`'s factor of the
        weight and length byte times the idf, then times the boost as `Engine.scores`
        applies it (`score_of`). Weights are term frequencies, whole numbers below 256,
        whose float32 bits below the top 16 are zero: each posting's weight bits and
        length byte then make one integer key, built in C by slice assignment, and the
        factors are one lookup per posting in the field's table by key, kept across words
        and queries (`reader.search.bm25.KeyedFactors`), times the idf and the boost in C.
        Other weights take a slower way (a lookup per posting of a (weight, length) pair)."""
        count = len(self.docs)
        if not count:
            return []
        lengths = bytes(map(self.lengths.__getitem__, self.docs))
        raw = self.weights.tobytes()
        zero = bytes(count)
        if _KEYED and raw[0::4] == zero and raw[1::4] == zero:
            packed = bytearray(4 * count)
            packed[0::4] = lengths
            packed[1::4] = raw[2::4]
            packed[2::4] = raw[3::4]
            keys = array("I")
            keys.frombytes(packed)
            found = map(mul, map(self.factors.keyed().__getitem__, keys), repeat(self.idf))
            if self.boost != 1.0:
                found = map(mul, found, repeat(self.boost))
            return list(found)
        return list(map(self.score_of, self.weights, lengths))

    def score_of(self, weight: float, length: int) -> float:
        """Its score at one weight and length byte."""
        value: float = self.factors[(weight, length)] * self.idf
        if self.boost != 1.0:
            value = value * self.boost
        return value


#: True where `Word.scores` may key postings by their weights' bits: little-endian floats
#: and 32-bit keys.
_KEYED = sys.byteorder == "little" and array("f").itemsize == 4 and array("I").itemsize == 4


def read_word(engine: Engine, place: int, q: Any, lengths: bytes) -> Word:
    """The rare word `q` (the OR's child number `place`) from the engine's postings, its
    deleted documents left out; `lengths`: its field's length byte per global docnum."""
    field, text = q.fieldname, q.text
    docs, weights = array("I"), array("f")
    factors: Any = None
    for leaf, ids, tfs in engine.terms.postings(field, text):
        base, deleted = engine.leaves[leaf][1], engine.deleted_in(leaf)
        factors = engine.factors(leaf, field)
        if deleted:
            ids, tfs = live(ids, tfs, deleted)
        docs.extend(map(add, ids, repeat(base)) if base else ids)
        weights.extend(tfs)
    idf = engine.terms.idf(field, text)
    return Word(place, docs, weights, idf, boost_of(q), factors, lengths)


class Rare:
    """The rare words of a wide OR: which documents hold them, a document's scores in them
    (`add_to`), and their sums per document as a list of groups, best first (`groups`);
    `count`: the docnum range."""

    def __init__(self, words: Sequence[Word], count: int) -> None:
        #: The words in the order the plain path adds them.
        self.words = sorted(words, key=lambda w: (-len(w.docs), w.place))
        self._count = count
        #: Docnum -> its rare words' scores added in order.
        merged: dict[int, float] = {}
        #: The addends of the documents several rare words hold, in the order added.
        addends: dict[int, list[float]] = {}
        for word in self.words:
            docs, scores = word.docs, word.scores()
            both = list(merged.keys() & docs) if merged else []
            if not both:
                merged.update(zip(docs, scores, strict=True))
                continue
            mine = [scores[bisect_left(docs, d)] for d in both]
            prior = list(map(merged.__getitem__, both))
            for d, earlier, value in zip(both, prior, mine, strict=True):
                found = addends.get(d)
                if found is None:
                    addends[d] = [earlier, value]
                else:
                    found.append(value)
            merged.update(zip(docs, scores, strict=True))
            merged.update(zip(both, map(add, prior, mine), strict=True))
        self._merged = merged
        self._addends = addends
        self._flags: int | None = None

    def __len__(self) -> int:
        """The documents holding a rare word."""
        return len(self._merged)

    def add_to(self, total: float | None, d: int) -> float | None:
        """`total` (None: nothing yet) plus the document's scores in the rare words holding
        it, added one by one in the plain path's order."""
        found = self._addends.get(d)
        if found is None:
            value = self._merged.get(d)
            if value is None:
                return total
            return value if total is None else total + value
        for value in found:
            total = value if total is None else total + value
        return total

    def groups(self) -> RankedGroups:
        """The documents by their rare words' sums, best first."""
        return RankedGroups(self._merged)

    def matched(self) -> int:
        """The documents holding a rare word, a byte per docnum (as one integer)."""
        if self._flags is None:
            self._flags = flags_of(self._merged.keys(), self._count)
        return self._flags


__all__ = ["Rare", "Word", "read_word"]
