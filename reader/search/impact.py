"""Exact top k of a query of words without scoring every posting (impact-ordered terms).

A term's BM25F score in a document depends only on the term's weight there (its frequency)
and the document's length byte, so a term's postings fall into a few hundred groups of
equal score. `TermImpact` keeps, per term, those groups best first (sorted access), a byte
per document naming the weight there (random access: a document's score in the term is two
list lookups). The same bytes, read as one big integer, give the exact number of matches
of a whole query in a few ANDs and ORs and one `bit_count`, without a set of a million
numbers.

`ImpactRanker.top` answers the queries a search box gives (terms, ORs of at most two,
ANDs with NOT clauses, phrases as `Require(words, phrase)`: `diffusion`, `language models`,
`title:diffusion`, `diffusion NOT image`, `"diffusion models"`) with the threshold
algorithm: it reads the groups of all the query's scored terms best first, scores each
document it meets exactly (random access to every term, a phrase's matches found once as
the plain path finds them), and stops once the k-th best score is above the best score a
document it has not met could still have (the sum of the terms' next groups). The scores
are the plain evaluator's to the bit: the same factors, multiplied by the same idf and
added in the same order (`Engine._and` orders clauses by `estimate`; the two children of
an OR add the same either way, which is why an OR of more declines), so the ranking, its
ties (the lower docnum first) and the total equal `Engine.top_scored`'s. Other queries
(prefixes, fuzzy terms, wider ORs, boosts) get None and take the plain path.

`ImpactRanker.first` ranks a query with phrases without finding all their matches: the
threshold algorithm runs over the phrases' words and checks a phrase only on a document
whose words' score could enter the top (its positions read from the few posting blocks
holding it), so the ranking is the same and the total is estimated from a sample.
"""

from __future__ import annotations

import heapq
import sys
from array import array
from collections import OrderedDict
from itertools import repeat
from operator import add
from typing import TYPE_CHECKING, Any, NamedTuple

from whoosh import query as wq

from reader.search.impact_groups import LazyGroups
from reader.search.impact_plan import (
    Checked,
    Matched,
    Node,
    Plan,
    Score,
    TooManyChecks,
    boost_of,
    boosted,
    docnums,
    flags_of,
    is_common,
    is_wide,
    leaves_of,
    not_clauses_bound,
    scored,
    threshold,
)
from reader.search.impact_wide import RARE_POSTINGS, Common, Wide
from reader.search.lru import SizedLRU
from reader.search.phrases import PhraseFilter

if TYPE_CHECKING:
    from reader.search.engine import Engine

#: Memory kept for term impacts, in bytes (a byte per document and four per posting
#: each): the common words of a million papers take a few megabytes each.
CACHE_BYTES = 96 * 1024 * 1024
#: The most terms with impacts a query may have.
MAX_TERMS = 16
#: Up to this many matches, every match is scored (the threshold algorithm would read
#: through the common terms' groups for a rare one's few documents).
FEW_MATCHES = 20_000
#: Plans remembered (see `ImpactRanker._plans`).
MEMO_PLANS = 4
#: Deeper than this the plain evaluator (which scores everything once) is the better way.
MAX_LIMIT = 5000
#: Groups of a term past which the byte per document cannot name its weight.
MAX_WEIGHTS = 255
#: Queries whose terms have fewer postings in all are scored whole by the plain evaluator
#: (a few milliseconds), which keeps no impact (a byte per document) for rare terms.
MIN_POSTINGS = 50_000
#: Documents `ImpactRanker.first` checks the phrases of, besides twice its limit, before
#: it finds every match instead.
CHECKS = 1000
#: Documents checked to estimate the share of a query's candidates its phrases keep.
SAMPLE = 256
#: 0 for an absent term, 1 for a present one, per byte of `TermImpact.at`.
_PRESENCE = bytes([0] + [1] * 255)


class Ranked(NamedTuple):
    """A query's best documents (docnums, best first), its number of matches, their
    scores, and whether that number is exact (else estimated: see `ImpactRanker.first`)."""

    docs: list[int]
    total: int
    scores: dict[int, float]
    exact: bool = True


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


class _Declined(Exception):
    """The plain path answers this query better (or only it can)."""


class _TooManyWeights(_Declined):
    """A term has more distinct weights than a byte can name."""


def build_impact(engine: Engine, field: str, text: str, lengths: bytes) -> TermImpact:
    """One term's impact, scored as `Engine._term` does: its weight index per document (in
    C), and its postings, keyed by (weight, length byte) for `LazyGroups` to group."""
    at = bytearray(len(lengths))
    weights = _Indexes()
    idf = engine.idf(field, text)
    factors: Any = None
    every_doc = array("I")
    for leaf, ids, tfs in engine.postings(field, text):
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
            raise _TooManyWeights(weight)
        return index


class ImpactRanker:
    """Term impacts of one engine (kept within `CACHE_BYTES`) and the top-k over them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: SizedLRU[tuple[str, str], TermImpact] = SizedLRU(lambda: CACHE_BYTES)
        self._lengths: dict[str, bytes] = {}
        #: The last few queries' plans (the app ranks a query, then counts its matches per
        #: dump; typing and backspacing repeat queries): a phrase's matches are found once.
        self._plans: OrderedDict[str, Plan] = OrderedDict()
        #: The last few answers without a filter, by (query, limit): typing on past the end
        #: of a word ("diffusion models" after "diffusion model") asks the same query again.
        self._answers: OrderedDict[tuple[str, int], tuple[list[int], int, dict[int, float]]]
        self._answers = OrderedDict()
        #: Documents of the engine's segments, deleted ones included (the docnum range).
        self.count = int(engine.searcher.doc_count_all())

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
        found = self._cache.get(key)
        if found is None:
            found = build_impact(self.engine, field, text, self.lengths(field))
            self._cache.put(key, found, found.size)
        return found

    def estimated_size(self, field: str, text: str) -> int:
        """What the term's impact would take (`TermImpact.size`), from its frequency."""
        return self.count + 4 * self.engine.frequency(field, text)

    def adopt(self, other: ImpactRanker) -> None:
        """Take the impacts another ranker built on an engine of the same segments."""
        for key, (found, size) in list(other._cache.items()):
            if key not in self._cache:
                self._cache.put(key, found, size)

    def has(self, field: str, text: str) -> bool:
        return (field, text) in self._cache

    # -- queries -----------------------------------------------------------------------
    def top(
        self, q: Any, limit: int | None, allowed: set[int] | None = None
    ) -> tuple[list[int], int, dict[int, float]] | None:
        """`Engine.top(q, limit, allowed)` for the queries `compile` takes, else None."""
        if limit is None or limit <= 0 or limit > MAX_LIMIT:
            return None
        key = (repr(q), limit)
        if allowed is None and key in self._answers:
            self._answers.move_to_end(key)
            ranked, count, scores = self._answers[key]
            return list(ranked), count, dict(scores)
        plan = self.compile(q)
        if plan is None:
            return None
        matched = plan.matched()
        docs: list[int] | None = None
        if allowed is None:
            total = matched.bit_count()
        else:
            docs = [d for d in docnums(matched) if d in allowed]
            total = len(docs)
        if total <= FEW_MATCHES:  # few matches (a rare word among common ones): score them
            if docs is None:
                docs = docnums(matched)
            best = heapq.nlargest(limit, scored(plan.score, docs))
        else:
            within = matched if docs is None else flags_of(docs, self.count)
            best = threshold(plan, limit, total, within.to_bytes(self.count, "little"))
            best.sort(reverse=True)
        answer = [-d for _, d in best], total, {-d: s for s, d in best}
        if allowed is None:
            self._answers[key] = answer
            while len(self._answers) > MEMO_PLANS:
                self._answers.popitem(last=False)
            return list(answer[0]), total, dict(answer[2])
        return answer

    def first(self, q: Any, limit: int | None, allowed: set[int] | None = None) -> Ranked | None:
        """`top`, except that a query with phrases whose matches are not found yet finds
        its best `limit` by checking the phrases only on the documents whose words' score
        could enter the top (`threshold` with `Checked`), and estimates its total from the
        share of those that held them (`Ranked.exact` False) unless it checked them all.
        Past a budget of checks it finds every match, as `top` does."""
        if limit is None or limit <= 0 or limit > MAX_LIMIT:
            return None
        plan = self.compile(q)
        if plan is None:
            return None
        if (allowed is None and (repr(q), limit) in self._answers) or all(
            f.known for f in plan.filters
        ):
            return self._exact(q, limit, allowed)
        candidates = plan.candidates()
        docs: list[int] | None = None
        if allowed is None:
            count = candidates.bit_count()
        else:
            docs = [d for d in docnums(candidates) if d in allowed]
            count = len(docs)
        if count <= FEW_MATCHES:
            return self._exact(q, limit, allowed)
        within = candidates if docs is None else flags_of(docs, self.count)
        tally = Checked(CHECKS + 2 * limit)
        try:
            best = threshold(plan, limit, count, within.to_bytes(self.count, "little"), tally)
        except TooManyChecks:
            return self._exact(q, limit, allowed)
        best.sort(reverse=True)
        ranked = [-d for _, d in best]
        scores = {-d: s for s, d in best}
        if not tally.unchecked and tally.matching + tally.failing == count:
            return Ranked(ranked, tally.matching, scores)  # every candidate checked
        estimated = round(count * _share(plan.score, within, count))
        return Ranked(ranked, max(len(ranked), estimated), scores, exact=False)

    def _exact(self, q: Any, limit: int, allowed: set[int] | None) -> Ranked | None:
        found = self.top(q, limit, allowed)
        return None if found is None else Ranked(*found)

    def matching(self, q: Any) -> list[int] | None:
        """Every docnum `q` matches, ascending, for the queries `top` answers, else None."""
        plan = self.compile(q)
        if plan is None:
            return None
        return docnums(plan.matched())

    def compile(self, q: Any) -> Plan | None:
        """A plan of `q` over its terms' impacts, or None: for a query of another shape
        (see the module's docstring), or one with too few postings to be worth it whose
        impacts are not kept already."""
        key = repr(q)
        plans = self._plans
        if key in plans:
            plans.move_to_end(key)
            return plans[key]
        plan = self._compile(q)
        if plan is None:
            return None  # not kept: it may be answered once its terms' impacts are
        plans[key] = plan
        while len(plans) > MEMO_PLANS:
            plans.popitem(last=False)
        return plan

    def _compile(self, q: Any) -> Plan | None:
        leaves = leaves_of(q, self.engine)
        if leaves is None or not leaves or len(leaves) > MAX_TERMS:
            return None
        postings = sum(self.engine.frequency(t.fieldname, t.text) for t in leaves)
        kept = all(self.has(t.fieldname, t.text) for t in leaves)
        if not kept and postings < MIN_POSTINGS:
            return None
        filters: list[PhraseFilter] = []
        try:
            node = self._node(q, True, filters)
        except _Declined:
            return None
        extra = not_clauses_bound(q)
        return Plan(
            node.score, node.matched, node.lists, extra, node.bound, node.candidates,
            tuple(filters),
        )  # fmt: skip

    def _node(self, q: Any, free: bool, filters: list[PhraseFilter]) -> Node:
        """`q` compiled (`Node`) for a query `leaves_of` accepted. Scores are added as the
        plain path adds them (`Engine.scores`): the two children of an OR in either order
        (the same sum), a wide OR's as `Wide` does, the clauses of an AND in
        `Engine.estimate` order, the AND's NOT clauses as 1 each at the end. `free`: the
        plain path scores `q` on every document, not on an AND's candidates (where a wide
        OR's order of addition would follow the candidates' counts). A phrase's filter is
        added to `filters`; its matches are found when first asked for."""
        engine = self.engine
        if is_wide(q):
            return self._wide(q, free)
        if isinstance(q, wq.Term):
            impact = self.impact(q.fieldname, q.text)
            at, table, lengths = impact.at, impact.scores, self.lengths(q.fieldname)

            def term(d: int) -> float | None:
                index = at[d]
                return table[index][lengths[d]] if index else None

            return Node(term, impact.present, [(impact.groups, impact.present)], term,
                        impact.present)  # fmt: skip
        if isinstance(q, wq.Or):
            children = [self._node(c, free, filters) for c in q.children()]
            if len(children) == 1:
                return children[0]
            flat = self._flat(q)
            lists = children[0].lists + children[1].lists
            if flat is not None:  # a word in the title and the abstract: one call per document
                either_matched = children[0].matched, children[1].matched
                fused = self._fused([flat], [], 0.0)
                matched: Matched = lambda: either_matched[0]() | either_matched[1]()  # noqa: E731
                return Node(fused, matched, lists, fused, matched)
            return Node(
                _either(children[0].score, children[1].score),
                lambda: children[0].matched() | children[1].matched(),
                lists,
                _either(children[0].bound, children[1].bound),
                lambda: children[0].candidates() | children[1].candidates(),
            )
        if isinstance(q, wq.Require):
            phrases = engine.phrases
            paired = phrases.pair_bound(q.b)
            if paired is not None:  # its pairs decide, as on the plain path
                if paired <= FEW_MATCHES and not self._kept_all(q.a):
                    raise _Declined("few matches: the plain path scores them from postings")
                inner = self._node(q.a, False, filters)
            else:  # among its words' documents
                inner = self._node(q.a, free, filters)
            words, words_matched = inner.score, inner.matched
            kept = PhraseFilter(phrases, q.b, lambda: set(docnums(words_matched())))
            filters.append(kept)
            holds = kept.holds

            def required(d: int) -> float | None:
                value = words(d)
                return value if value is not None and holds(d) else None

            return Node(
                required,
                lambda: words_matched() & flags_of(kept.kept(), self.count),
                inner.lists,
                inner.bound,
                inner.candidates,
            )
        assert isinstance(q, wq.And)
        positive = [c for c in q.children() if not isinstance(c, wq.Not)]
        positive.sort(key=engine.estimate)  # the order `Engine._and` adds them in
        # The first clause is scored on what the AND is, the others on its candidates.
        parts = [self._node(c, free and i == 0, filters) for i, c in enumerate(positive)]
        # The NOT clauses' scores are never used: only their matches (exact: a NOT
        # clause's phrases are found whole).
        excluded = [self._node(c.query, True, []) for c in q.children() if isinstance(c, wq.Not)]
        extra = float(len(excluded))
        negatives = [n.score for n in excluded]
        every_list = [g for p in parts for g in p.lists]
        clauses = [self._flat(c) for c in positive]
        if all(clause is not None for clause in clauses):
            fused = self._fused([c for c in clauses if c is not None], negatives, extra)
            matched = self._all_of([p.matched for p in parts], excluded)
            return Node(fused, matched, every_list, fused, matched)
        return Node(
            _every([p.score for p in parts], negatives, extra),
            self._all_of([p.matched for p in parts], excluded),
            every_list,
            _every([p.bound for p in parts], negatives, extra),
            self._all_of([p.candidates for p in parts], excluded),
        )

    @staticmethod
    def _all_of(parts: list[Matched], excluded: list[Node]) -> Matched:
        """An AND's matches: its clauses' ANDed, less its NOT clauses'."""

        def matched() -> int:
            found = parts[0]()
            for part in parts[1:]:
                found &= part()
            for negative in excluded:
                found &= ~negative.matched()
            return found

        return matched

    def _flat(self, q: Any) -> list[tuple[bytearray, list[list[float]], bytes]] | None:
        """For a term or an OR of one or two terms (a word in the title and the abstract):
        each term's (byte per document, scores, the field's lengths); else None."""
        terms: list[Any] = (
            [q] if isinstance(q, wq.Term) else list(q.children()) if isinstance(q, wq.Or) else []
        )
        if not terms or len(terms) > 2 or not all(isinstance(t, wq.Term) for t in terms):
            return None
        if is_wide(q) or boosted(q):
            return None
        found = []
        for t in terms:
            impact = self.impact(t.fieldname, t.text)
            found.append((impact.at, impact.scores, self.lengths(t.fieldname)))
        return found

    @staticmethod
    def _fused(
        clauses: list[list[tuple[bytearray, list[list[float]], bytes]]],
        negatives: list[Score], extra: float,
    ) -> Score:  # fmt: skip
        """An AND of terms and ORs of two terms scored in one call per document (the
        closures per clause and per term cost a call each): the same additions in the same
        order as `every`'s."""

        def fused(d: int) -> float | None:
            for negative in negatives:
                if negative(d) is not None:
                    return None
            total: float | None = None
            for clause in clauses:
                value: float | None = None
                for at, table, lengths in clause:
                    index = at[d]
                    if index:
                        score = table[index][lengths[d]]
                        value = score if value is None else value + score
                if value is None:
                    return None
                total = value if total is None else total + value
            assert total is not None
            return total + extra if extra else total

        return fused

    def _wide(self, q: Any, free: bool) -> Node:
        """A wide OR (`is_wide`): its common children from impacts, its rare ones scored."""
        if not free:
            raise _Declined("a wide OR among candidates: added in the candidates' order")
        engine = self.engine
        children = list(q.children())
        commons = [is_common(child, engine) for child in children]
        rare_postings = (
            engine.frequency(c.fieldname, c.text)
            for c, common_one in zip(children, commons, strict=True)
            if not common_one
        )
        if sum(rare_postings) > RARE_POSTINGS:
            raise _Declined("too many rare postings: the plain path")
        common: list[Common] = []
        rare: list[tuple[int, dict[int, float]]] = []
        for index, (child, common_one) in enumerate(zip(children, commons, strict=True)):
            if common_one:
                impact = self.impact(child.fieldname, child.text)
                lengths = self.lengths(child.fieldname)
                common.append(Common(index, impact, lengths, boost_of(child)))
            else:
                rare.append((index, engine.scores(child)))
        try:
            wide = Wide(common, rare, self.count)
        except ValueError as tie:
            raise _Declined(str(tie)) from None
        return Node(wide.score, wide.matched, wide.lists, wide.score, wide.matched)

    def _kept_all(self, q: Any) -> bool:
        """True if the impacts of every term of `q` are kept."""
        return all(self.has(t.fieldname, t.text) for t in leaves_of(q, self.engine) or ())


def _share(score: Score, within: int, count: int) -> float:
    """The share of the `count` documents of `within` (a byte per docnum) that `score`
    matches, from an evenly spread sample of `SAMPLE` of them (the ranking's checks are
    of its best documents, whose phrases are likelier there)."""
    data = within.to_bytes((within.bit_length() + 7) // 8, "little")
    step = max(1, count // SAMPLE)
    picked = docnums(within)[::step] if count <= SAMPLE else _spread(data, step)
    if not picked:
        return 0.0
    return sum(score(d) is not None for d in picked) / len(picked)


def _spread(data: bytes, step: int) -> list[int]:
    """About every `step`-th document of `data` (a byte per docnum), found by jumping an
    even stride through the docnums and taking the next match from each point."""
    ones = data.count(1)
    stride = max(1, len(data) * step // max(1, ones))
    picked: list[int] = []
    at = data.find(1)
    while at >= 0:
        picked.append(at)
        at = data.find(1, at + stride)
    return picked


def _either(first: Score, second: Score) -> Score:
    """An OR of two: their sum where both match."""

    def either(d: int) -> float | None:
        x, y = first(d), second(d)
        if x is None:
            return y
        return x if y is None else x + y

    return either


def _every(scorers: list[Score], negatives: list[Score], extra: float) -> Score:
    """An AND: its clauses' sum where none of its NOT clauses match, plus their 1s."""

    def every(d: int) -> float | None:
        for negative in negatives:
            if negative(d) is not None:
                return None
        total: float | None = None
        for scorer in scorers:
            value = scorer(d)
            if value is None:
                return None
            total = value if total is None else total + value
        assert total is not None
        return total + extra if extra else total

    return every


__all__ = ["CACHE_BYTES", "MIN_POSTINGS", "ImpactRanker", "TermImpact", "build_impact"]
