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
ties (the lower docnum first) and the total equal `Engine.top_scored`'s. ORs of many terms
(prefixes, wildcards, fuzzy terms, more like this) are ranked as `reader.search.impact_wide`
says; other queries get None and take the plain path. The modules beside this one: a
term's impact (`impact_terms`), a query compiled into closures (`impact_compile`), the
plan and the threshold algorithm (`impact_plan`), the groups (`impact_groups`), an OR of
many terms (`impact_wide`) and its rare words (`impact_rare`), the sample a phrase's
estimated total comes from (`impact_sample`).

`ImpactRanker.first` ranks a query with phrases without finding all their matches: the
threshold algorithm runs over the phrases' words and checks a phrase only on a document
whose words' score could enter the top (its positions read from the few posting blocks
holding it), so the ranking is the same and the total is estimated from a sample.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, NamedTuple

from reader.search.impact_compile import Compiler
from reader.search.impact_parts import StoredTerms
from reader.search.impact_plan import (
    Checked,
    Plan,
    TooManyChecks,
    docnums,
    flags_of,
    leaves_of,
    scored,
    threshold,
)
from reader.search.impact_sample import matching_share
from reader.search.impact_terms import Declined, TermImpact, build_impact, presence_kept
from reader.search.lru import SizedLRU

if TYPE_CHECKING:
    from reader.search.engine import Engine
    from reader.search.impact_store import ImpactStore

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
#: Queries whose terms have fewer postings in all are scored whole by the plain evaluator
#: (a few milliseconds), which keeps no impact (a byte per document) for rare terms.
MIN_POSTINGS = 50_000
#: Documents `ImpactRanker.first` checks the phrases of, besides twice its limit, before
#: it finds every match instead.
CHECKS = 1000
#: Impacts of at least this many postings are stored for other processes and later starts
#: (`reader.search.impact_store`): fewer are built faster than a store is read.
STORE_POSTINGS = 20_000
#: Documents checked to estimate the share of a query's candidates its phrases keep, in
#: runs of `SAMPLE_RUN` neighbours (a check decodes a block of each term's postings, which
#: its neighbours share).
SAMPLE = 256
SAMPLE_RUN = 8


class Ranked(NamedTuple):
    """A query's best documents (docnums, best first), its number of matches, their
    scores, and whether that number is exact (else estimated: see `ImpactRanker.first`)."""

    docs: list[int]
    total: int
    scores: dict[int, float]
    exact: bool = True


class ImpactRanker:
    """Term impacts of one engine (kept within `CACHE_BYTES`) and the top-k over them."""

    def __init__(self, engine: Engine, store: ImpactStore | None = None) -> None:
        self.engine = engine
        #: The stored impacts of the index (`reader.search.impact_store`).
        self.store = store
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
        #: The store's parts for these segments (`reader.search.impact_parts`).
        self.stored_terms = StoredTerms(engine, store, self.count) if store is not None else None

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
        """The term's impact (read from the store, or built from its postings and marked
        wanted there, on first use; then kept)."""
        key = (field, text)
        found = self._cache.get(key)
        if found is None:
            found = self.stored(field, text)
            if found is None:
                found = build_impact(self.engine, field, text, self.lengths(field))
                if self.store is not None and found.count >= STORE_POSTINGS:
                    self.store.want(field, text)
            self._cache.put(key, found, found.size)
        return found

    def stored(self, field: str, text: str) -> TermImpact | None:
        """The term's impact from the store, or None (not stored, or not worth it)."""
        stored = self.stored_terms
        if stored is None or self.engine.terms.frequency(field, text) < STORE_POSTINGS:
            return None
        return stored.read(field, text)

    def estimated_size(self, field: str, text: str) -> int:
        """What the term's impact would take (`TermImpact.size`), from its frequency."""
        return self.count + 4 * self.engine.terms.frequency(field, text)

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
        with presence_kept():
            return self._top(q, limit, allowed)

    def _top(
        self, q: Any, limit: int | None, allowed: set[int] | None
    ) -> tuple[list[int], int, dict[int, float]] | None:
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
        within, total, docs = self._allowed(plan.matched(), allowed)
        if total <= FEW_MATCHES:  # few matches (a rare word among common ones): score them
            best = heapq.nlargest(limit, scored(plan.score, docs or docnums(within)))
        else:
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
        with presence_kept():
            return self._first(q, limit, allowed)

    def _first(self, q: Any, limit: int | None, allowed: set[int] | None) -> Ranked | None:
        if limit is None or limit <= 0 or limit > MAX_LIMIT:
            return None
        plan = self.compile(q)
        if plan is None:
            return None
        if (allowed is None and (repr(q), limit) in self._answers) or all(
            f.known for f in plan.filters
        ):
            return self._exact(q, limit, allowed)
        within, count, _docs = self._allowed(plan.candidates(), allowed)
        if count <= FEW_MATCHES:
            return self._exact(q, limit, allowed)
        tally = Checked(CHECKS + 2 * limit)
        data = within.to_bytes(self.count, "little")
        try:
            best = threshold(plan, limit, count, data, tally)
        except TooManyChecks:
            return self._exact(q, limit, allowed)
        best.sort(reverse=True)
        ranked = [-d for _, d in best]
        scores = {-d: s for s, d in best}
        if not tally.unchecked and tally.matching + tally.failing == count:
            return Ranked(ranked, tally.matching, scores)  # every candidate checked
        estimated = round(count * matching_share(plan.score, data, count, SAMPLE, SAMPLE_RUN))
        return Ranked(ranked, max(len(ranked), estimated), scores, exact=False)

    def _allowed(self, flags: int, allowed: set[int] | None) -> tuple[int, int, list[int] | None]:
        """The documents of `flags` (a byte per docnum) that are `allowed` (all if None):
        as flags, their number, and as a list when it was made (a filter's)."""
        if allowed is None:
            return flags, flags.bit_count(), None
        docs = [d for d in docnums(flags) if d in allowed]
        return flags_of(docs, self.count), len(docs), docs

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
        postings = sum(self.engine.terms.frequency(t.fieldname, t.text) for t in leaves)
        kept = all(self.has(t.fieldname, t.text) for t in leaves)
        if not kept and postings < MIN_POSTINGS:
            return None
        try:
            return Compiler(self, FEW_MATCHES).plan(q)
        except Declined:
            return None


__all__ = ["CACHE_BYTES", "MIN_POSTINGS", "ImpactRanker", "Ranked", "TermImpact", "build_impact"]
