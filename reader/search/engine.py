"""A term-at-a-time BM25F evaluator over Whoosh's own postings: fast, exact top-k and counts.

Whoosh scores document-at-a-time through a tree of Python matcher objects: several method
calls per document per query node, far too slow for common words at the everyday size.
Here each term's postings are read a block at a time (Whoosh decodes a block in C) and
scored in one tight loop into a dict, clauses are combined with set/dict operations, and
the top k are picked with a heap. The ranking is Whoosh's BM25F (same idf, field lengths,
B and K1); the total is exact for free. A phrase arrives as `Require(AND of its words,
positional phrase)` (see `reader.search.query`): its candidates are the documents holding
the pair terms of its neighbouring words (short postings; a two-word phrase is decided
there), its words are scored on those only, and the positions of its pairs (and of words
in no pair, in the field's positional shadow) are checked for the remaining documents.
Query shapes it does not know (or a Whoosh version whose internals differ) raise
`Unsupported` and the caller falls back to Whoosh's searcher.
"""

from __future__ import annotations

import bisect
import heapq
from array import array
from collections.abc import Collection, Iterable
from itertools import repeat
from operator import add, mul, neg, sub
from typing import TYPE_CHECKING, Any

from whoosh import query as wq

from reader.search.bm25 import Factors, LengthTables, added
from reader.search.compat import Unsupported
from reader.search.impact import ImpactRanker, Ranked
from reader.search.lru import SizedLRU
from reader.search.phrases import PhraseMatcher
from reader.search.postings import (
    deleted_docs,
    segment_ids,
)
from reader.search.result_memo import Packed, ResultMemo
from reader.search.term_store import TermStore

if TYPE_CHECKING:
    from reader.search.impact_store import ImpactStore

__all__ = ["Engine", "Unsupported"]

#: A term is scored on an AND's candidates from its posting blocks alone (`_term_sparse`)
#: when they are at most this share of its postings and its postings are not in memory.
SPARSE_SHARE = 1 / 256
#: Term score dicts kept (entries, about 80 bytes each) and the smallest worth keeping.
CACHE_SCORES = 500_000
SCORE_CACHE_MIN = 5_000


class Engine:
    """Evaluates parsed queries against one open Whoosh searcher (one generation)."""

    def __init__(self, searcher: Any, keep: bool = True, store: ImpactStore | None = None) -> None:
        """`keep=False`: an engine for one pass over some terms (the warm-up's), which keeps
        only the newest term's postings (a cache it would not read again stays in the
        process's memory after it is freed, between what the pass keeps). `store`: the
        stored impacts of the searcher's commit (`reader.search.impact_store`)."""
        self.searcher = searcher
        reader = searcher.reader()
        # The reader of an empty index is one leaf without a segment: no leaves at all.
        self.leaves: list[tuple[Any, int]] = [
            (leaf, base) for leaf, base in reader.leaf_readers() if leaf.doc_count_all()
        ]
        #: The segments' field lengths and BM25 factor tables.
        self.lengths = LengthTables(searcher, self.leaves)
        self._deleted = [frozenset(deleted_docs(r)) for r, _ in self.leaves]
        self._ends = [base + reader.doc_count_all() for reader, base in self.leaves]
        self._bases = [base for _reader, base in self.leaves]
        #: The last few queries' results (`reader.search.result_memo`).
        self._memo = ResultMemo()
        #: Scores of common terms per (leaf, field, term), within a budget of entries.
        self._scored: SizedLRU[tuple[int, str, str], dict[int, float]] = SizedLRU(
            lambda: CACHE_SCORES
        )
        self._ids: list[str] | None = None
        #: Where each term is, its counts and its postings.
        self.terms = TermStore(searcher, self.leaves, keep)
        self.phrases = PhraseMatcher(self)
        self.impacts = ImpactRanker(self, store)

    def segment_ids(self) -> list[str]:
        """The segments this engine reads, in order (two engines agree on docnums iff equal)."""
        return segment_ids(self.searcher.reader())

    def doc_ids(self) -> list[str]:
        """Paper id per docnum (one pass over the id column, then list indexing)."""
        if self._ids is None:
            reader = self.searcher.reader()
            self._ids = list(reader.column_reader("id")) if self.leaves else []
        return self._ids

    @property
    def ids_loaded(self) -> bool:
        """True once the docnum -> paper id list is in memory."""
        return self._ids is not None

    def adopt_ids(self, ids: list[str]) -> None:
        """Take the docnum -> paper id list another engine on the same segments read (equal
        to this one's if it read one, which it replaces: the adopted list may share its
        strings with the row table)."""
        self._ids = ids

    def lengths_of(self, leaf: int, field: str) -> bytes:
        """A segment's length byte per document of one field (zeros where it has none)."""
        return self.lengths.lengths_of(leaf, field)

    def deleted_in(self, leaf: int) -> frozenset[int]:
        """The deleted documents of a segment (its own docnums)."""
        return self._deleted[leaf]

    def factors(self, leaf: int, field: str) -> Factors:
        """(weight, length byte) -> the term factor `_term` multiplies by the idf."""
        return self.lengths.table(leaf, field)[1]

    def leaf_of(self, doc: int) -> tuple[int, int]:
        """(the leaf number of a global docnum, its docnum within that segment)."""
        leaf = bisect.bisect_right(self._bases, doc) - 1
        return leaf, doc - self._bases[leaf]

    # -- evaluation ------------------------------------------------------------------
    def scores(self, q: Any, within: set[int] | None = None) -> dict[int, float]:
        """Global docnum -> score for every matching document (only those in `within`, if
        given: an AND evaluates its rarest clause first and the others on its matches)."""
        if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
            return {}
        boost = getattr(q, "boost", 1.0)
        boost = 1.0 if boost is None else float(boost)
        if isinstance(q, wq.Term):
            result = self._term(q.fieldname, q.text, within)
        elif isinstance(q, wq.AndNot):
            result = self.scores(q.a, within)
            for d in self.scores(q.b, set(result)):
                result.pop(d, None)
            return result
        elif isinstance(q, wq.And):
            result = self._and(q.children(), within)
        elif isinstance(q, wq.Require):  # scored by its first query, filtered by its second
            narrowed = self.phrases.pair_candidates(q.b, within)
            if narrowed is not None and narrowed is not within:
                # A phrase with pairs: matched on their candidates first, then only the
                # documents it matches are scored.
                matched = self.phrases.matching(q.b, narrowed, paired=True) if narrowed else set()
                result = self.scores(q.a, matched) if matched else {}
            else:
                result = self.scores(q.a, within)
                if result:
                    kept = self._matching(q.b, set(result))
                    result = {d: s for d, s in result.items() if d in kept}
        elif isinstance(q, (wq.Phrase, wq.SpanNear2)):
            field, placed = self.phrases.places(q)
            result = self._and([wq.Term(field, w) for _, w in placed], within)
            if result:
                kept = self._matching(q, set(result))
                result = {d: s for d, s in result.items() if d in kept}
        elif isinstance(q, wq.Or) and not getattr(q, "scale", None) and not q.minmatch:
            self.terms.locate_terms(q.children())
            parts = sorted((self.scores(c, within) for c in q.children()), key=len, reverse=True)
            result = dict(parts[0]) if parts else {}
            for part in parts[1:]:
                sums = added(result, part, part.keys() & result.keys())
                result.update(part)
                result.update(sums)
        else:
            raise Unsupported(type(q).__name__)
        if boost != 1.0:
            result = dict(zip(result.keys(), map(mul, result.values(), repeat(boost)), strict=True))
        return result

    def _matching(self, q: Any, candidates: set[int]) -> set[int]:
        """The candidates `q` matches (its scores unused)."""
        if isinstance(q, (wq.Phrase, wq.SpanNear2)):
            return self.phrases.matching(q, candidates)
        return set(self.scores(q, candidates))

    def spans(self) -> list[tuple[int, int]]:
        """Per segment, in order: (its first docnum, one past its last)."""
        return [(base, end) for (_reader, base), end in zip(self.leaves, self._ends, strict=True)]

    def evaluate(self, q: Any) -> dict[int, float]:
        """`scores(q)`, remembered for the last few queries (the app asks for a query's
        ranking and its facet counts in a row; typing and backspacing repeat queries)."""
        found = self._evaluated(q)
        return found if isinstance(found, dict) else found.scores()

    def _evaluated(self, q: Any) -> dict[int, float] | Packed:
        """`evaluate(q)`, or its remembered result as it is kept (a large one packed)."""
        key = repr(q)
        found = self._memo.get(key)
        if found is not None:
            return found
        result = self.scores(q)
        self._memo.put(key, result)
        return result

    def _and(self, children: Iterable[Any], within: set[int] | None = None) -> dict[int, float]:
        positive: list[Any] = []
        negative: list[Any] = []
        for child in children:
            (negative if isinstance(child, wq.Not) else positive).append(child)
        if not positive:
            raise Unsupported("only negative clauses")
        positive.sort(key=self.estimate)
        result = self.scores(positive[0], within)
        for child in positive[1:]:
            if not result:
                break
            part = self.scores(child, set(result))
            result = added(result, part, result.keys() & part.keys())
        for excluded in negative:
            for d in self.scores(excluded.query, set(result)):
                result.pop(d, None)
        if negative:  # Whoosh intersects with an InverseMatcher, which scores 1 per document
            extra = float(len(negative))
            result = dict(zip(result.keys(), map(add, result.values(), repeat(extra)), strict=True))
        return result

    def estimate(self, q: Any) -> int:
        """An upper bound on a clause's matches (`_and` evaluates the rarest clause first)."""
        if isinstance(q, wq.Term):
            return self.terms.frequency(q.fieldname, q.text)
        if isinstance(q, wq.Phrase):
            return min((self.estimate(wq.Term(q.fieldname, w)) for w in q.words), default=0)
        if isinstance(q, wq.SpanNear2):
            return min((self.estimate(c) for c in q.qs), default=0)
        if isinstance(q, wq.Require):
            return min(self.estimate(q.a), self.estimate(q.b))
        if isinstance(q, wq.And):
            return min((self.estimate(c) for c in q.children()), default=0)
        if isinstance(q, wq.Or):
            self.terms.locate_terms(q.children())
            return sum(self.estimate(c) for c in q.children())
        return 1 << 40

    def term_scores(
        self, field: str, text: str, within: set[int] | None = None
    ) -> dict[int, float]:
        """Docnum -> score of one term (its weight on an unscored field), for every document
        holding it, or only those in `within`."""
        return self._term(field, text, within)

    def _term(self, field: str, text: str, within: set[int] | None = None) -> dict[int, float]:
        """Docnum -> BM25F score of one term, computed with C-level map/zip over the postings
        (or, unless they are scored already, for the documents of `within` only when they
        are fewer than half the postings)."""
        result: dict[int, float] = {}
        scorable = self.searcher.schema[field].scorable
        idf = self.terms.idf(field, text) if scorable else 1.0
        if (
            within is not None
            and not self.terms.has_postings(field, text)
            and len(within) <= self.terms.frequency(field, text) * SPARSE_SHARE
        ):
            return self._term_sparse(field, text, within, scorable, idf)
        for leaf, ids, weights in self.terms.postings(field, text):
            base, deleted = self.leaves[leaf][1], self._deleted[leaf]
            key = (leaf, field, text)
            part = self._scored.get(key)
            if part is None and within is not None and 2 * len(within) < len(ids):
                result.update(self._term_within(leaf, field, ids, weights, idf, scorable, within))
                continue
            if part is None:
                if scorable:
                    raw, table = self.lengths.table(leaf, field)
                    unit = map(
                        table.__getitem__, zip(weights, map(raw.__getitem__, ids), strict=False)
                    )
                    scores: Iterable[float] = map(mul, unit, repeat(idf))
                else:
                    scores = weights
                docs: Iterable[int] = map(add, ids, repeat(base)) if base else ids
                part = dict(zip(docs, scores, strict=False))
                if deleted:
                    for d in deleted:
                        part.pop(d + base, None)
                if len(part) >= SCORE_CACHE_MIN:  # rare terms are cheap to score again
                    self._scored.put(key, part, len(part))
            if within is not None:  # only the candidates: no copy of a common term's scores
                result.update({d: part[d] for d in part.keys() & within})
            elif result:
                result.update(part)
            else:
                result = dict(part)  # callers change their results: never hand out the cache
        return result

    #: Set by `Library.warm` once it has primed this engine's common terms.
    primed = False

    def _term_within(
        self, leaf: int, field: str, ids: Any, weights: Any, idf: float, scorable: bool,
        within: set[int],
    ) -> dict[int, float]:  # fmt: skip
        base, deleted = self.leaves[leaf][1], self._deleted[leaf]
        posted = dict(zip(ids, weights, strict=False))
        # Set operations in C: the leaf's candidates, then only those in the postings.
        wanted = set(map(sub, within, repeat(base))) if base else within
        local = posted.keys() & wanted
        if deleted:
            local -= deleted
        docs = map(add, local, repeat(base)) if base else local
        tfs = list(map(posted.__getitem__, local))
        if not scorable:
            return dict(zip(docs, tfs, strict=False))
        raw, table = self.lengths.table(leaf, field)
        unit = map(table.__getitem__, zip(tfs, map(raw.__getitem__, local), strict=False))
        return dict(zip(docs, map(mul, unit, repeat(idf)), strict=False))

    def _term_sparse(
        self, field: str, text: str, within: set[int], scorable: bool, idf: float
    ) -> dict[int, float]:
        """`_term` on the few documents of `within`, each looked up in the one posting block
        that can hold it (the term's other postings are not read): a rare word's candidates
        in a common one. Weights are rounded as `postings` keeps them (32-bit floats)."""
        result: dict[int, float] = {}
        for d in sorted(within):
            leaf, local = self.leaf_of(d)
            blocks = self.terms.blocks_in(field, text, leaf)
            if blocks is None or local in self._deleted[leaf]:
                continue
            weight = blocks.weight(local)
            if weight is None:
                continue
            weight = array("f", (weight,))[0]
            if scorable:
                raw, table = self.lengths.table(leaf, field)
                result[d] = table[(weight, raw[local])] * idf
            else:
                result[d] = weight
        return result

    def top(
        self, q: Any, limit: int | None, allowed: set[int] | None = None
    ) -> tuple[list[int], int, dict[int, float]]:
        """(docnums of the best `limit` matches, best first, total matches). A query of
        words is answered from the terms' impacts (`reader.search.impact`) when it has many
        postings: the same answer without scoring them all."""
        found = self.impacts.top(q, limit, allowed)
        if found is not None:
            return found
        return self.top_scored(q, limit, allowed)

    def top_first(self, q: Any, limit: int | None, allowed: set[int] | None = None) -> Ranked:
        """`top`, with the total estimated when finding every match of a phrase would cost
        more than ranking its best (`ImpactRanker.first`; `Ranked.exact` says which)."""
        found = self.impacts.first(q, limit, allowed)
        if found is not None:
            return found
        return Ranked(*self.top_scored(q, limit, allowed))

    def matching(self, q: Any) -> Iterable[int]:
        """Every docnum `q` matches, in no set order (from the terms' impacts, without
        scoring, for a query of common words)."""
        found = self.impacts.matching(q)
        if found is not None:
            return found
        result = self._evaluated(q)
        return result.keys() if isinstance(result, dict) else result.docs

    def top_scored(
        self, q: Any, limit: int | None, allowed: set[int] | None = None
    ) -> tuple[list[int], int, dict[int, float]]:
        """`top` from every match's score (the plain path)."""
        result = self._evaluated(q)
        docs: Collection[int]
        values: Collection[float]
        if isinstance(result, dict):
            docs, values = result.keys(), result.values()
        else:
            docs, values = result.docs, result.values
        if allowed is not None:
            kept = {d: s for d, s in zip(docs, values, strict=True) if d in allowed}
            docs, values = kept.keys(), kept.values()
        total = len(docs)
        pairs = zip(values, map(neg, docs), strict=False)  # ties: lower docnum
        if limit is None or limit >= total:
            best = sorted(pairs, reverse=True)
        else:
            best = heapq.nlargest(limit, pairs)
        return [-d for _, d in best], total, {-d: s for s, d in best}
