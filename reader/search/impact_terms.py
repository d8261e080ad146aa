"""One term's impact (`reader.search.impact`): its postings grouped by score, best first,
and a byte per document naming its weight there, built from the engine's postings.
"""

from __future__ import annotations

import sys
from array import array
from itertools import repeat
from operator import add
from typing import TYPE_CHECKING, Any

from reader.search.impact_groups import LazyGroups

if TYPE_CHECKING:
    from reader.search.engine import Engine

#: Groups of a term past which the byte per document cannot name its weight.
MAX_WEIGHTS = 255
#: 0 for an absent term, 1 for a present one, per byte of `TermImpact.at`.
_PRESENCE = bytes([0] + [1] * 255)


class TermImpact:
    """One term of one field on one engine: its postings grouped by score, best first."""

    __slots__ = ("at", "count", "groups", "scores", "size")

    def __init__(self, at: bytearray, scores: list[list[float]], groups: LazyGroups, count: int):
        #: Per global docnum, 0 or the index (1-based) of the term's weight there.
        self.at = at
        #: Per weight index, per length byte: the term's score.
        self.scores = scores
        #: (score, docnums ascending), best score first (grouped as they are read).
        self.groups = groups
        #: Documents holding the term (its postings less the deleted documents).
        self.count = count
        self.size = len(at) + 4 * count

    def present(self) -> int:
        """A byte per docnum, 1 where the term is, as one integer (for whole-query counts;
        made when asked: a millisecond at a million papers, and no memory kept)."""
        return int.from_bytes(self.at.translate(_PRESENCE), "little")


class Declined(Exception):
    """The plain path answers this query better (or only it can)."""


class TooManyWeights(Declined):
    """A term has more distinct weights than a byte can name."""


def build_impact(engine: Engine, field: str, text: str, lengths: bytes) -> TermImpact:
    """One term's impact, scored as `Engine._term` does: its weight index per document (in
    C), and its postings, keyed by (weight, length byte) for `LazyGroups` to group."""
    at = bytearray(len(lengths))
    weights = _Indexes()
    idf = engine.terms.idf(field, text)
    factors: Any = None
    every_doc = array("I")
    for leaf, ids, tfs in engine.terms.postings(field, text):
        base, deleted = engine.leaves[leaf][1], engine.deleted_in(leaf)
        factors = engine.factors(leaf, field)
        if deleted:
            kept = [i for i, local in enumerate(ids) if local not in deleted]
            ids, tfs = array("I", map(ids.__getitem__, kept)), list(map(tfs.__getitem__, kept))
        docs = array("I", map(add, ids, repeat(base))) if base else ids
        indexes = list(map(weights.__getitem__, tfs))
        any(map(at.__setitem__, docs, indexes))  # in C: at[d] = index, for every posting
        every_doc.extend(docs)
    table: list[list[float]] = [[]]
    for w in weights:  # insertion order: index 1, 2, ...
        table.append([factors[(w, b)] * idf for b in range(256)] if factors is not None else [])

    def keys_of(docs: array[int]) -> array[int]:
        """Each document's group key, its weight index times 256 plus its length byte, as
        two bytes made by slice assignment in C (half the time of adding and multiplying)."""
        pairs = bytearray(2 * len(docs))
        low, high = (slice(0, None, 2), slice(1, None, 2))
        if sys.byteorder == "big":
            low, high = high, low
        pairs[low] = bytes(map(lengths.__getitem__, docs))
        pairs[high] = bytes(map(at.__getitem__, docs))
        keys = array("H")
        keys.frombytes(pairs)
        return keys

    def score(key: int) -> float:
        return table[key >> 8][key & 255]

    return TermImpact(at, table, LazyGroups(every_doc, keys_of, score), len(every_doc))


class _Indexes(dict[float, int]):
    """weight -> its 1-based index, a new index for a new weight."""

    def __missing__(self, weight: float) -> int:
        index = self[weight] = len(self) + 1
        if index > MAX_WEIGHTS:
            raise TooManyWeights(weight)
        return index


__all__ = ["MAX_WEIGHTS", "Declined", "TermImpact", "TooManyWeights", "build_impact"]
