"""A term's postings grouped by score, best first, made as the threshold algorithm reads
them (`reader.search.impact`).

The threshold algorithm stops long before the last group for most queries, so grouping
every posting up front (a Python step per posting) is mostly wasted. `LazyGroups` keeps
the term's docnums, a way to compute their group keys in C (weight index and length byte,
from the term's byte per document and the field's lengths), the number of postings per key
(counted in C) and the keys in score order; reading group `j` groups the first chunk of keys
(one pass in C picks its postings, and only they are grouped in Python), or, past it, all
the others at once, so a term read to its end costs one pass more than grouping it whole.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import add, gt, le
from typing import overload

#: Postings in the first chunk a term groups (the best documents); the rest is one chunk.
FIRST_CHUNK = 2048
#: Documents per group of a list that is ranked by value rather than by key (`RankedGroups`).
RANKED_CHUNK = 512
#: About how many of a ranked list's best documents are sorted at first, and the sample of
#: its values that finds them.
RANKED_FIRST = 2048
RANKED_SAMPLE = 1024

Group = tuple[float, "array[int]"]


class _Groups(Sequence[Group]):
    """A sequence of groups that answers one index at a time (`_at`); slices are lists."""

    @overload
    def __getitem__(self, index: int) -> Group: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Group]: ...
    def __getitem__(self, index: int | slice) -> Group | Sequence[Group]:
        if isinstance(index, slice):
            return [self._at(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._at(index)

    def _at(self, index: int) -> Group:
        """Group `index`, in range."""
        raise NotImplementedError


class LazyGroups(_Groups):
    """(score, docnums ascending) per group key, best score first, grouped on first read."""

    def __init__(
        self, docs: array[int], keys_of: Callable[[array[int]], array[int]],
        score: Callable[[int], float],
    ) -> None:  # fmt: skip
        """`keys_of(docs)`: the group key of each of `docs`; `score(key)`: its score."""
        keys = keys_of(docs)
        counts = Counter(keys)
        #: Every key, best score first.
        self._order = sorted(counts, key=score, reverse=True)
        self._counts = counts
        self._score = score
        self._docs: array[int] | None = docs
        self._keys_of = keys_of
        #: The keys, kept until the first chunk is made (a query reads it at once).
        self._keys: array[int] | None = keys
        self._done: list[Group] = []

    def __len__(self) -> int:
        return len(self._order)

    def _at(self, index: int) -> Group:
        while index >= len(self._done):
            self._group_next()
        return self._done[index]

    def complete(self) -> None:
        """Group every posting now (in one pass: the warm-up does it ahead of the queries)."""
        if self._docs is not None:
            self._group_next(everything=True)

    def keys(self) -> list[int]:
        """Every group's key, best score first."""
        return list(self._order)

    def _group_next(self, everything: bool = False) -> None:
        """Group the first chunk of keys (at least `FIRST_CHUNK` postings: the best
        documents, all a query of one common word reads), or else every key left, in one
        pass over the postings."""
        docs, keys_of = self._docs, self._keys_of
        assert docs is not None
        start = end = len(self._done)
        order, counts = self._order, self._counts
        if start == 0 and not everything:
            taken = 0
            while end < len(order) and taken < FIRST_CHUNK:
                taken += counts[order[end]]
                end += 1
            if len(docs) - taken < FIRST_CHUNK:
                end = len(order)  # a small rest: in the same pass
        else:
            end = len(order)
        chunk = order[start:end]
        keys = self._keys if self._keys is not None else keys_of(docs)
        self._keys = None
        if end == len(order):
            picked = docs  # grouped whole (the first chunk's keys again, unused)
        else:
            wanted = set(chunk)
            picks = bytes(map(wanted.__contains__, keys))
            picked, keys = array("I", compress(docs, picks)), array("H", compress(keys, picks))
        members: defaultdict[int, list[int]] = defaultdict(list)
        for d, key in zip(picked, keys, strict=True):
            members[key].append(d)
        score = self._score
        self._done.extend((score(key), array("I", members[key])) for key in chunk)
        if end == len(order):
            self._docs = None  # every group made: the postings are no longer needed


class PartGroups(_Groups):
    """Groups assembled from a term's stored parts (`reader.search.impact_store`): its keys,
    best score first, and per part (a (base docnum, part docnums) of `sources`) its keys ->
    where the key's slice of its docnums lies (start << 32 | size); a group's docnums (the
    parts' slices moved to global docnums, in segment order, so ascending) are made when it
    is first read."""

    def __init__(
        self, keys: list[int], spans: list[dict[int, int]],
        sources: list[tuple[int, array[int]]], score: Callable[[int], float],
    ) -> None:  # fmt: skip
        self._keys = keys
        self._spans = spans
        self._sources = sources
        self._score = score
        self._done: dict[int, Group] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def _at(self, index: int) -> Group:
        found = self._done.get(index)
        if found is None:
            key = self._keys[index]
            docs = array("I")
            for number, spans in enumerate(self._spans):
                span = spans.get(key)
                if span is None:
                    continue
                base, part = self._sources[number]
                start = span >> 32
                piece = part[start : start + (span & 0xFFFFFFFF)]
                docs.extend(array("I", map(add, piece, repeat(base))) if base else piece)
            found = self._done[index] = (self._score(key), docs)
        return found

    def complete(self) -> None:
        """Nothing to do: assembled groups are whole."""

    def keys(self) -> list[int]:
        return list(self._keys)


class Scaled(_Groups):
    """Another list's groups with every score multiplied by a boost (as the plain path
    multiplies a boosted term's scores)."""

    def __init__(self, groups: Sequence[Group], boost: float) -> None:
        self._groups = groups
        self._boost = boost

    def __len__(self) -> int:
        return len(self._groups)

    def _at(self, index: int) -> Group:
        value, docs = self._groups[index]
        return value * self._boost, docs


class RankedGroups(_Groups):
    """Docnum -> value as groups of `RANKED_CHUNK` documents, best values first, each
    group's score its best value (an upper bound on the group's and every later one's).

    The threshold algorithm reads a few groups of such a list (the rare words of a prefix,
    a hundred thousand documents), so only the best are sorted at first: those at or above a
    cutoff, the value of about the `RANKED_FIRST`-th best in a sample of the values, picked
    in C; the others are sorted if a group of them is read."""

    def __init__(self, values: dict[int, float]) -> None:
        self._values = values
        count = len(values)
        step = max(1, count // RANKED_SAMPLE)
        if count <= 2 * RANKED_FIRST:
            self._cut: float | None = None
            first: list[int] = list(values)
        else:
            sample = sorted(list(values.values())[::step], reverse=True)
            self._cut = cut = sample[min(len(sample) - 1, RANKED_FIRST // step)]
            first = list(compress(values, map(le, repeat(cut), values.values())))
        self._done = self._chunks(first)
        self._rest = count - len(first)
        self._length = len(self._done) + -(-self._rest // RANKED_CHUNK)

    def __len__(self) -> int:
        return self._length

    def _chunks(self, docs: list[int]) -> list[Group]:
        values = self._values
        docs.sort(key=values.__getitem__, reverse=True)
        return [
            (values[docs[i]], array("I", docs[i : i + RANKED_CHUNK]))
            for i in range(0, len(docs), RANKED_CHUNK)
        ]

    def _at(self, index: int) -> Group:
        if index >= len(self._done) and self._rest:
            values, cut = self._values, self._cut
            assert cut is not None  # a rest only past a cutoff
            self._done.extend(
                self._chunks(list(compress(values, map(gt, repeat(cut), values.values()))))
            )
            self._rest = 0
        return self._done[index]


__all__ = ["LazyGroups", "RankedGroups", "Scaled"]
