"""One term's impact (`reader.search.impact`): its postings grouped by score, best first,
and a byte per document naming its weight there, built from the engine's postings.
"""

from __future__ import annotations

import sys
from array import array
from itertools import repeat
from operator import add
from typing import TYPE_CHECKING, Any

from reader.search.impact_groups import LazyGroups, StoredGroups
from reader.search.impact_store import StoredImpact

if TYPE_CHECKING:
    from reader.search.engine import Engine

#: Groups of a term past which the byte per document cannot name its weight.
MAX_WEIGHTS = 255
#: 0 for an absent term, 1 for a present one, per byte of `TermImpact.at`.
_PRESENCE = bytes([0] + [1] * 255)


class TermImpact:
    """One term of one field on one engine: its postings grouped by score, best first."""

    __slots__ = ("at", "count", "groups", "scores", "size", "weights")

    def __init__(
        self, at: bytearray, scores: list[list[float]], groups: LazyGroups | StoredGroups,
        count: int, weights: list[float],
    ) -> None:  # fmt: skip
        #: Per global docnum, 0 or the index (1-based) of the term's weight there.
        self.at = at
        #: The term's weights, the first of index 1.
        self.weights = weights
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

    def stored(self) -> StoredImpact:
        """The impact as the store keeps it (its groups made first, if they are not)."""
        groups = self.groups
        groups.complete()
        made = [groups[i] for i in range(len(groups))]
        docs = array("I")
        for _score, members in made:
            docs.extend(members)
        sizes = array("I", [len(members) for _score, members in made])
        return StoredImpact(self.weights, self.at, array("H", groups.keys()), sizes, docs)


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
    table = _table(list(weights), factors, idf)

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

    groups = LazyGroups(every_doc, keys_of, score)
    return TermImpact(at, table, groups, len(every_doc), list(weights))


def stored_impact(engine: Engine, field: str, text: str, stored: StoredImpact) -> TermImpact:
    """A term's impact from its stored form (`reader.search.impact_store`), scored as
    `build_impact` scores it: the same factors (every segment's are equal: they depend on
    the searcher's average length) times the same idf."""
    factors = engine.factors(len(engine.leaves) - 1, field) if engine.leaves else None
    table = _table(stored.weights, factors, engine.terms.idf(field, text))

    def score(key: int) -> float:
        return table[key >> 8][key & 255]

    groups = StoredGroups(stored.keys, stored.sizes, stored.docs, score)
    return TermImpact(stored.at, table, groups, len(stored.docs), stored.weights)


def _table(weights: list[float], factors: Any, idf: float) -> list[list[float]]:
    """Per weight index (1-based), per length byte: the term's score."""
    table: list[list[float]] = [[]]
    for w in weights:
        table.append([factors[(w, b)] * idf for b in range(256)] if factors is not None else [])
    return table


class _Indexes(dict[float, int]):
    """weight -> its 1-based index, a new index for a new weight."""

    def __missing__(self, weight: float) -> int:
        index = self[weight] = len(self) + 1
        if index > MAX_WEIGHTS:
            raise TooManyWeights(weight)
        return index


__all__ = [
    "MAX_WEIGHTS",
    "Declined",
    "TermImpact",
    "TooManyWeights",
    "build_impact",
    "stored_impact",
]
