"""One term's impact (`reader.search.impact`): its postings grouped by score, best first,
and a byte per document naming its weight there, built from the engine's postings.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import accumulate, repeat
from operator import add, lshift, or_, sub
from typing import TYPE_CHECKING, Any

from reader.search.impact_groups import LazyGroups, PartGroups
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
        self, at: bytearray, scores: list[list[float]], groups: LazyGroups | PartGroups,
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
        made when asked: a millisecond at a million papers, and kept only while a ranking
        that asks again runs, see `presence_kept`)."""
        memo = _PRESENCE_MEMO.get()
        if memo is not None:
            found = memo.get(id(self))
            if found is not None:
                return found[1]
        value = int.from_bytes(self.at.translate(_PRESENCE), "little")
        if memo is not None:
            memo[id(self)] = (self, value)
        return value

    def parts(
        self, bases: list[int], ends: list[int], leaves: Iterable[int]
    ) -> dict[int, StoredImpact]:
        """The impact cut into the parts a store keeps, one per leaf of `leaves` (the
        segments holding the term, whose first and past-the-last global docnums are in
        `bases` and `ends`): every part names its weights by the whole term's indexes.
        Its groups are made first if they are not."""
        groups = self.groups
        groups.complete()
        keys = groups.keys()
        made = [groups[i][1] for i in range(len(groups))]
        parts: dict[int, StoredImpact] = {}
        for leaf in leaves:
            base, end = bases[leaf], ends[leaf]
            part_keys, sizes, docs = array("H"), array("I"), array("I")
            for key, members in zip(keys, made, strict=True):
                low, high = bisect_left(members, base), bisect_left(members, end)
                if low < high:
                    part_keys.append(key)
                    sizes.append(high - low)
                    piece = members[low:high]
                    docs.extend(array("I", map(sub, piece, repeat(base))) if base else piece)
            parts[leaf] = StoredImpact(self.weights, self.at[base:end], part_keys, sizes, docs)
        return parts


#: Per term impact (by id, the impact kept alive beside it): its `present()`, while a
#: ranking runs (`presence_kept`).
_PRESENCE_MEMO: ContextVar[dict[int, tuple[TermImpact, int]] | None] = ContextVar(
    "presence", default=None
)


@contextmanager
def presence_kept() -> Iterator[None]:
    """Within it, a term's `present()` is made once: a ranking asks for it for the query's
    matches and again for the number of lists each document is in (`impact_plan._in_most`),
    a few milliseconds per term at a million papers. The integers go when it ends."""
    if _PRESENCE_MEMO.get() is not None:
        yield  # an outer ranking keeps them already
        return
    token = _PRESENCE_MEMO.set({})
    try:
        yield
    finally:
        _PRESENCE_MEMO.reset(token)


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
            ids, tfs = live(ids, tfs, deleted)
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

    score = _scorer(table)
    groups = LazyGroups(every_doc, keys_of, score)
    return TermImpact(at, table, groups, len(every_doc), list(weights))


def build_part(engine: Engine, leaf: int, field: str, text: str) -> StoredImpact:
    """A term's impact in one segment (`leaf`), as a store keeps it: its postings there,
    less the deleted documents, grouped by key, with the segment's own docnums."""
    lengths = engine.lengths_of(leaf, field)
    ids, tfs = engine.terms.postings_in(field, text, leaf)
    deleted = engine.deleted_in(leaf)
    if deleted:
        ids, tfs = live(ids, tfs, deleted)
    weights = _Indexes()
    indexes = list(map(weights.__getitem__, tfs))
    at = bytearray(len(lengths))
    any(map(at.__setitem__, ids, indexes))  # in C: at[d] = index, for every posting
    members: defaultdict[int, array[int]] = defaultdict(lambda: array("I"))
    for d, index in zip(ids, indexes, strict=True):
        members[index << 8 | lengths[d]].append(d)
    keys = array("H", members)
    docs = array("I")
    for key in keys:
        docs.extend(members[key])
    sizes = array("I", (len(members[key]) for key in keys))
    return StoredImpact(list(weights), at, keys, sizes, docs)


def assemble(
    engine: Engine, field: str, text: str, parts: list[tuple[int, StoredImpact]], count: int
) -> TermImpact:
    """A term's impact over `count` global docnums from its parts (leaf, part), one per
    segment holding it, in segment order; scored as `build_impact` scores (the same
    factors: every segment's are equal, as they depend on the searcher's average length;
    the same idf). Raises `TooManyWeights` as `build_impact` does."""
    weights = _Indexes()
    at = bytearray(count)
    #: Per part, its group keys -> where its slice of the group lies (start << 32 | size):
    #: ints only, made in C per part (a tuple per slice would be thousands of objects for
    #: the garbage collector to walk, and its passes a tenth of a first query's time).
    spans: list[dict[int, int]] = []
    #: Every key, in the order first met (a tie of scores keeps this order when sorted).
    keys: dict[int, int] = {}
    sources: list[tuple[int, array[int]]] = []
    postings = 0
    for leaf, part in parts:
        base = engine.leaves[leaf][1]
        sources.append((base, part.docs))
        renumber = bytearray(256)  # the part's weight index -> the term's
        same = True
        for index, weight in enumerate(part.weights, 1):
            renumber[index] = weights[weight]
            same = same and renumber[index] == index
        at[base : base + len(part.at)] = part.at.translate(renumber)
        part_keys: Iterable[int] = (
            part.keys if same else [renumber[key >> 8] << 8 | key & 255 for key in part.keys]
        )
        starts = map(lshift, accumulate(part.sizes, initial=0), repeat(32))
        found = dict(zip(part_keys, map(or_, starts, part.sizes), strict=True))
        spans.append(found)
        keys.update(found)
        postings += len(part.docs)
    factors = engine.factors(len(engine.leaves) - 1, field) if engine.leaves else None
    table = _table(list(weights), factors, engine.terms.idf(field, text))

    score = _scorer(table)
    groups = PartGroups(sorted(keys, key=score, reverse=True), spans, sources, score)
    return TermImpact(at, table, groups, postings, list(weights))


def live(
    ids: array[int], tfs: array[float], deleted: frozenset[int]
) -> tuple[array[int], array[float]]:
    """A segment's postings of a term less its deleted documents."""
    kept = [i for i, local in enumerate(ids) if local not in deleted]
    return array("I", map(ids.__getitem__, kept)), array("f", map(tfs.__getitem__, kept))


def _scorer(table: list[list[float]]) -> Callable[[int], float]:
    """A group key's score (its weight index times 256 plus its length byte) in `table`."""

    def score(key: int) -> float:
        return table[key >> 8][key & 255]

    return score


def _table(weights: list[float], factors: Any, idf: float) -> list[list[float]]:
    """Per weight index (1-based), per length byte: the term's score."""
    table: list[list[float]] = [[]]
    for w in weights:
        table.append([f * idf for f in factors.row(w)] if factors is not None else [])
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
    "assemble",
    "build_impact",
    "build_part",
    "live",
    "presence_kept",
]
