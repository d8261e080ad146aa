"""Exact top k of a query of words without scoring every posting (impact-ordered terms).

A term's BM25F score in a document depends only on the term's weight there (its frequency)
and the document's length byte, so a term's postings fall into a few hundred groups of
equal score. `TermImpact` keeps, per term, those groups best first (sorted access), a byte
per document naming the weight there (random access: a document's score in the term is two
list lookups). The same bytes, read as one big integer, give the exact number of matches
of a whole query in a few ANDs and ORs and one `bit_count`, without a set of a million
numbers.

`ImpactRanker.top` answers a query of the shape a search box gives (a term, an OR of at most
two terms, or an AND of such clauses with NOT clauses of the same kind: `diffusion`,
`language models`, `title:diffusion`, `diffusion NOT image`) with the threshold algorithm:
it reads the groups of all the query's terms best first, scores each document it meets
exactly (by random access to every term), and stops once the k-th best score is above the
best score a document it has not met could still have (the sum of the next groups'
scores). The scores are the plain evaluator's to the bit: the same factors, multiplied by
the same idf and added in the same order (`Engine._and` orders clauses by `_estimate`, and
the two terms of an OR add commutatively), so the ranking, its ties (the lower docnum
first) and the total equal `Engine.top`'s on the plain path. Other shapes get None.
"""

from __future__ import annotations

import heapq
from array import array
from collections import OrderedDict, defaultdict
from itertools import compress, repeat
from operator import add, mul
from typing import TYPE_CHECKING, Any

from whoosh import query as wq

if TYPE_CHECKING:
    from reader.search.engine import Engine

#: Memory kept for term impacts, in bytes (a byte per document and four per posting
#: each): the common words of a million papers take a few megabytes each.
CACHE_BYTES = 96 * 1024 * 1024
#: The most terms an OR clause may have (two add the same in any order) and in all.
MAX_OR = 2
MAX_TERMS = 8
#: Deeper than this the plain evaluator (which scores everything once) is the better way.
MAX_LIMIT = 1000
#: Groups of a term past which the byte per document cannot name its weight.
MAX_WEIGHTS = 255
#: Queries whose terms have fewer postings in all are scored whole by the plain evaluator
#: (a few milliseconds), which keeps no impact (two bytes per document) for rare terms.
MIN_POSTINGS = 50_000
#: A margin on the stopping bound, for sums added in another order than the bound's.
_MARGIN = 1e-9
#: 0 for an absent term, 1 for a present one, per byte of `TermImpact.at`.
_PRESENCE = bytes([0] + [1] * 255)


class TermImpact:
    """One term of one field on one engine: its postings grouped by score, best first."""

    __slots__ = ("at", "groups", "scores", "size")

    def __init__(
        self,
        at: bytearray,
        scores: list[list[float]],
        groups: list[tuple[float, array[int]]],
    ) -> None:
        #: Per global docnum, 0 or the index (1-based) of the term's weight there.
        self.at = at
        #: Per weight index, per length byte: the term's score.
        self.scores = scores
        #: (score, docnums ascending), best score first.
        self.groups = groups
        self.size = len(at) + 4 * sum(len(docs) for _, docs in groups)

    def present(self) -> int:
        """A byte per docnum, 1 where the term is, as one integer (for whole-query counts;
        made when asked: a millisecond at a million papers, and no memory kept)."""
        return int.from_bytes(self.at.translate(_PRESENCE), "little")


class _TooManyWeights(Exception):
    """A term has more distinct weights than a byte can name."""


def build_impact(engine: Engine, field: str, text: str, lengths: bytes) -> TermImpact:
    """Group one term's postings by (weight, length byte), scored as `Engine._term` does."""
    at = bytearray(len(lengths))
    weights = _Indexes()
    members: defaultdict[int, list[int]] = defaultdict(list)
    idf = engine.searcher.idf(field, text)
    factors: Any = None
    for leaf, ids, tfs in engine.postings(field, text):
        base, deleted = engine.leaves[leaf][1], engine.deleted_in(leaf)
        factors = engine.factors(leaf, field)
        if deleted:
            kept = [i for i, local in enumerate(ids) if local not in deleted]
            ids, tfs = array("I", map(ids.__getitem__, kept)), list(map(tfs.__getitem__, kept))
        docs = array("I", map(add, ids, repeat(base))) if base else ids
        indexes = list(map(weights.__getitem__, tfs))
        any(map(at.__setitem__, docs, indexes))  # in C: at[d] = index, for every posting
        keys = map(add, map(mul, indexes, repeat(256)), map(lengths.__getitem__, docs))
        for d, key in zip(docs, keys, strict=False):
            members[key].append(d)
    table: list[list[float]] = [[]]
    for w in weights:  # insertion order: index 1, 2, ...
        table.append([factors[(w, b)] * idf for b in range(256)] if factors is not None else [])
    groups = [(table[key >> 8][key & 255], array("I", docs)) for key, docs in members.items()]
    groups.sort(key=lambda g: g[0], reverse=True)
    return TermImpact(at, table, groups)


class _Indexes(dict[float, int]):
    """weight -> its 1-based index, a new index for a new weight."""

    def __missing__(self, weight: float) -> int:
        index = self[weight] = len(self) + 1
        if index > MAX_WEIGHTS:
            raise _TooManyWeights(weight)
        return index


class ImpactRanker:
    """Term impacts of one engine (kept within `CACHE_BYTES`) and the top-k over them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: OrderedDict[tuple[str, str], TermImpact] = OrderedDict()
        self._size = 0
        self._lengths: dict[str, bytes] = {}

    # -- terms -------------------------------------------------------------------------
    def lengths(self, field: str) -> bytes:
        """The field's length byte per global docnum (the segments' columns, joined)."""
        found = self._lengths.get(field)
        if found is None:
            engine = self.engine
            parts = [engine.lengths_of(leaf, field) for leaf in range(len(engine.leaves))]
            found = self._lengths[field] = b"".join(parts)
        return found

    def impact(self, field: str, text: str) -> TermImpact:
        """The term's impact (built from its postings on first use, then kept)."""
        key = (field, text)
        cache = self._cache
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        found = build_impact(self.engine, field, text, self.lengths(field))
        cache[key] = found
        self._size += found.size
        while self._size > CACHE_BYTES and len(cache) > 1:
            _, old = cache.popitem(last=False)
            self._size -= old.size
        return found

    def estimated_size(self, field: str, text: str) -> int:
        """What the term's impact would take (`TermImpact.size`), from its frequency."""
        searcher = self.engine.searcher
        return searcher.doc_count_all() + 4 * searcher.doc_frequency(field, text)

    def adopt(self, other: ImpactRanker) -> None:
        """Take the impacts another ranker built on an engine of the same segments."""
        for key, found in other._cache.items():
            if key not in self._cache:
                self._cache[key] = found
                self._size += found.size
        while self._size > CACHE_BYTES and len(self._cache) > 1:
            _, old = self._cache.popitem(last=False)
            self._size -= old.size

    def has(self, field: str, text: str) -> bool:
        return (field, text) in self._cache

    # -- queries -----------------------------------------------------------------------
    def shape(self, q: Any) -> tuple[list[list[Any]], list[list[Any]]] | None:
        """(positive clauses in the plain evaluator's order, NOT clauses), each a list of
        terms, for a query this ranker answers; None for any other query."""
        engine = self.engine
        if _plain_clause(q, engine) is not None:
            return [_plain_clause(q, engine) or []], []
        if not isinstance(q, wq.And) or _boosted(q):
            return None
        positive: list[Any] = []
        negative: list[list[Any]] = []
        for child in q.children():
            if isinstance(child, wq.Not):
                terms = _plain_clause(child.query, engine)
                if terms is None or _boosted(child):
                    return None
                negative.append(terms)
            else:
                if _plain_clause(child, engine) is None:
                    return None
                positive.append(child)
        if not positive:
            return None
        positive.sort(key=engine.estimate)  # the order `Engine._and` adds them in
        clauses = [_plain_clause(c, engine) or [] for c in positive]
        if sum(len(c) for c in clauses) + sum(len(c) for c in negative) > MAX_TERMS:
            return None
        return clauses, negative

    def top(
        self, q: Any, limit: int | None, allowed: set[int] | None = None
    ) -> tuple[list[int], int, dict[int, float]] | None:
        """`Engine.top(q, limit, allowed)` for the queries `shape` accepts, else None."""
        if limit is None or limit <= 0 or limit > MAX_LIMIT:
            return None
        found = self._impacts(q)
        if found is None:
            return None
        terms, excluded = found
        matched = _matched(terms, excluded)
        if allowed is None:
            total = matched.bit_count()
        else:
            flags = matched.to_bytes((matched.bit_length() + 7) // 8, "little")
            size = len(flags)
            total = sum(map(flags.__getitem__, (d for d in allowed if d < size)))
        extra = float(len(excluded))
        best = _threshold(terms, excluded, limit, extra, total, allowed)
        best.sort(reverse=True)
        return [-d for _, d in best], total, {-d: s for s, d in best}

    def matching(self, q: Any) -> list[int] | None:
        """Every docnum `q` matches, ascending, for the queries `top` answers, else None."""
        found = self._impacts(q)
        if found is None:
            return None
        matched = _matched(*found)
        flags = matched.to_bytes((matched.bit_length() + 7) // 8, "little")
        return list(compress(range(len(flags)), flags))

    def _impacts(self, q: Any) -> tuple[list[list[_Term]], list[list[_Term]]] | None:
        """The impacts of the query's positive and NOT clauses, if `shape` accepts it and it
        has enough postings (or its impacts are kept already)."""
        shaped = self.shape(q)
        if shaped is None:
            return None
        clauses, negative = shaped
        searcher = self.engine.searcher
        postings = sum(searcher.doc_frequency(t.fieldname, t.text) for c in clauses for t in c)
        if postings < MIN_POSTINGS and not all(
            self.has(t.fieldname, t.text) for c in clauses for t in c
        ):
            return None
        try:
            terms = [[self._term(t) for t in clause] for clause in clauses]
            excluded = [[self._term(t) for t in clause] for clause in negative]
        except _TooManyWeights:
            return None
        return terms, excluded

    def _term(self, t: Any) -> _Term:
        return self.impact(t.fieldname, t.text), self.lengths(t.fieldname)


#: A term's impact and its field's length bytes.
_Term = tuple[TermImpact, bytes]


def _matched(terms: list[list[_Term]], excluded: list[list[_Term]]) -> int:
    """The matches, a byte per docnum: per clause an OR of its terms, ANDed, less the NOT
    clauses' documents (so one `bit_count` counts them)."""
    matched: int | None = None
    for clause in terms:
        either = 0
        for impact, _ in clause:
            either |= impact.present()
        matched = either if matched is None else matched & either
    assert matched is not None
    for clause in excluded:
        for impact, _ in clause:
            matched &= ~impact.present()
    return matched


def _plain_clause(q: Any, engine: Engine) -> list[Any] | None:
    """The terms of a scored term, or of an OR of at most `MAX_OR` scored terms."""
    if isinstance(q, wq.Term):
        return [q] if _scored_term(q, engine) else None
    if not isinstance(q, wq.Or) or getattr(q, "scale", None) or q.minmatch or _boosted(q):
        return None
    children = list(q.children())
    if 0 < len(children) <= MAX_OR and all(
        isinstance(c, wq.Term) and _scored_term(c, engine) for c in children
    ):
        return children
    return None


def _scored_term(q: Any, engine: Engine) -> bool:
    return (
        not _boosted(q)
        and isinstance(q.text, str)
        and q.fieldname in engine.searcher.schema
        and bool(engine.searcher.schema[q.fieldname].scorable)
    )


def _boosted(q: Any) -> bool:
    boost = getattr(q, "boost", 1.0)
    return boost is not None and float(boost) != 1.0


def _threshold(
    terms: list[list[_Term]],
    excluded: list[list[_Term]],
    limit: int,
    extra: float,
    total: int,
    allowed: set[int] | None,
) -> list[tuple[float, int]]:
    """The best `limit` (score, -docnum) pairs: the terms' groups read best first, each new
    document scored exactly, until no document not read yet can reach the k-th.

    A document's score is added as the plain path adds it: an OR's two terms in either
    order (the same sum), the clauses in the given order, then `extra` for the NOT clauses.
    """
    lists = [impact.groups for clause in terms for impact, _ in clause]
    at = [0] * len(lists)
    levels = [groups[0][0] if groups else 0.0 for groups in lists]
    seen: set[int] = set()
    heap: list[tuple[float, int]] = []
    wanted = min(limit, total)
    clauses = [[(impact.at, impact.scores, lengths) for impact, lengths in c] for c in terms]
    absent = [impact.at for clause in excluded for impact, _ in clause]
    while True:
        bound = sum(levels) + extra
        if len(heap) >= wanted and (not heap or heap[0][0] > bound + abs(bound) * _MARGIN):
            break
        i = max(range(len(lists)), key=levels.__getitem__)
        groups = lists[i]
        if at[i] >= len(groups):
            break  # every group read
        _, docs = groups[at[i]]
        at[i] += 1
        levels[i] = groups[at[i]][0] if at[i] < len(groups) else 0.0
        fresh = [d for d in docs if d not in seen]
        seen.update(fresh)
        if allowed is not None:
            fresh = [d for d in fresh if d in allowed]
        for flags in absent:
            fresh = [d for d in fresh if not flags[d]]
        for d in fresh:
            score: float | None = None
            for clause in clauses:
                part: float | None = None
                for flags, table, lengths in clause:
                    index = flags[d]
                    if index:
                        s = table[index][lengths[d]]
                        part = s if part is None else part + s
                if part is None:
                    break
                score = part if score is None else score + part
            else:
                assert score is not None
                item = (score + extra if extra else score, -d)
                if len(heap) < limit:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
    return heap


__all__ = ["CACHE_BYTES", "MIN_POSTINGS", "ImpactRanker", "TermImpact", "build_impact"]
