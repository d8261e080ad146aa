"""A term's postings grouped by score, best first, made as the threshold algorithm reads
them (`reader.search.impact`).

The threshold algorithm stops long before the last group for most queries, so grouping
every posting up front (a Python step per posting) is mostly wasted. `LazyGroups` keeps
each posting's group key (weight index and length byte, two bytes) beside its docnum, the
number of postings per key (counted in C) and the keys in score order; reading group `j`
groups one chunk of the keys that follow the ones already grouped: one pass in C picks the
chunk's postings, and only they are grouped in Python. Chunks grow fourfold, so a term
read to its end costs a few passes more than grouping it whole.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from itertools import compress
from typing import Any, overload

#: Postings in the first chunk a term groups (the best documents; later chunks grow 4x).
FIRST_CHUNK = 2048
#: Documents per group of a list that is ranked by value rather than by key (`ranked`).
RANKED_CHUNK = 512

Group = tuple[float, "array[int]"]


class LazyGroups(Sequence[Group]):
    """(score, docnums ascending) per group key, best score first, grouped on first read."""

    def __init__(self, docs: array[int], keys: array[int], score: Callable[[int], float]) -> None:
        counts = Counter(keys)
        #: Every key, best score first.
        self._order = sorted(counts, key=score, reverse=True)
        self._counts = counts
        self._score = score
        self._docs: array[int] | None = docs
        self._keys: array[int] | None = keys
        self._done: list[Group] = []
        self._chunk = FIRST_CHUNK

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> Group: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Group]: ...
    def __getitem__(self, index: int | slice) -> Group | Sequence[Group]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self._order):
            raise IndexError(index)
        while index >= len(self._done):
            self._group_next()
        return self._done[index]

    def _group_next(self) -> None:
        """Group the next chunk of keys (at least `_chunk` postings, or all that are left)."""
        docs, keys = self._docs, self._keys
        assert docs is not None and keys is not None
        start = end = len(self._done)
        order, counts = self._order, self._counts
        taken = 0
        while end < len(order) and taken < self._chunk:
            taken += counts[order[end]]
            end += 1
        if end < len(order) and len(docs) - taken < self._chunk:
            end = len(order)  # a small rest: in the same pass
        chunk = order[start:end]
        if end == len(order) and start == 0:
            picked_docs, picked_keys = docs, keys
        else:
            wanted = set(chunk)
            picks = bytes(map(wanted.__contains__, keys))
            picked_docs = array("I", compress(docs, picks))
            picked_keys = array("H", compress(keys, picks))
        members: defaultdict[int, list[int]] = defaultdict(list)
        for d, key in zip(picked_docs, picked_keys, strict=True):
            members[key].append(d)
        score = self._score
        self._done.extend((score(key), array("I", members[key])) for key in chunk)
        self._chunk *= 4
        if end == len(order):
            self._docs = self._keys = None  # every group made: the postings are no longer needed


class Scaled(Sequence[Group]):
    """Another list's groups with every score multiplied by a boost (as the plain path
    multiplies a boosted term's scores)."""

    def __init__(self, groups: Sequence[Group], boost: float) -> None:
        self._groups = groups
        self._boost = boost

    def __len__(self) -> int:
        return len(self._groups)

    @overload
    def __getitem__(self, index: int) -> Group: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Group]: ...
    def __getitem__(self, index: int | slice) -> Group | Sequence[Group]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        value, docs = self._groups[index]
        return value * self._boost, docs


def ranked(values: dict[int, float]) -> list[Group]:
    """Docnum -> value as groups of `RANKED_CHUNK` documents, best values first, each
    group's score its best value (an upper bound on the group's and every later one's)."""
    order: list[Any] = sorted(values, key=values.__getitem__, reverse=True)
    return [
        (values[order[i]], array("I", order[i : i + RANKED_CHUNK]))
        for i in range(0, len(order), RANKED_CHUNK)
    ]


__all__ = ["LazyGroups", "Scaled", "ranked"]
