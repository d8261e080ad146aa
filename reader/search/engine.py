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
import io
import pickle
import struct
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import accumulate, pairwise, repeat
from operator import add, and_, eq, mul, neg, sub
from typing import Any

from whoosh import query as wq

from reader.search.analysis import pair
from reader.search.compat import Unsupported
from reader.search.schema import PHRASE_PAIRS

__all__ = ["Engine", "Unsupported"]

B, K1 = 0.75, 1.2
WHOOSH3_HEADER_MAGIC = b"W3Bl"
_INT = struct.Struct("!i")
#: Postings kept decoded in memory (about 8 bytes each): common terms recur across queries.
CACHE_POSTINGS = 4_000_000
#: Postings kept with their encoded positions (about 50 bytes each), for phrases.
CACHE_POSITIONS = 1_000_000
#: Whole query results remembered (docnum -> score dicts).
MEMO_QUERIES = 8
#: Term score dicts kept (entries, about 80 bytes each) and the smallest worth keeping.
CACHE_SCORES = 1_000_000
SCORE_CACHE_MIN = 5_000


class Engine:
    """Evaluates parsed queries against one open Whoosh searcher (one generation)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        leaves = reader.leaf_readers() if reader.is_atomic() is False else [(reader, 0)]
        self.leaves: list[tuple[Any, int]] = list(leaves)
        self._norms: dict[tuple[int, str], list[float]] = {}
        self._lengths: dict[tuple[int, str], bytes] = {}
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        self._lenfield = _lenfield
        self._lencol = LENGTHS_COLUMN
        self._byte_to_length = [byte_to_length(i) for i in range(256)]
        self._deleted = [frozenset(_deleted(r)) for r, _ in self.leaves]
        self._cache: OrderedDict[tuple[str, str], list[tuple[int, Any, Any]]] = OrderedDict()
        self._cached = 0
        self._placed: OrderedDict[tuple[str, str], dict[int, tuple[Any, Any]]] = OrderedDict()
        self._placed_size = 0
        self._ends = [base + reader.doc_count_all() for reader, base in self.leaves]
        self._tables: dict[tuple[int, str], tuple[bytes, _Factors]] = {}
        self._memo: OrderedDict[str, dict[int, float]] = OrderedDict()
        #: Scores of common terms per (leaf, field, term), within a budget of entries.
        self._scored: OrderedDict[tuple[int, str, str], dict[int, float]] = OrderedDict()
        self._scored_size = 0
        self._ids: list[str] | None = None

    def segment_ids(self) -> list[str]:
        """The segments this engine reads, in order (two engines agree on docnums iff equal)."""
        return [str(reader.segment().segment_id()) for reader, _ in self.leaves]

    # -- statistics ------------------------------------------------------------------
    def doc_ids(self) -> list[str]:
        """Paper id per docnum (one pass over the id column, then list indexing)."""
        if self._ids is None:
            self._ids = list(self.searcher.reader().column_reader("id"))
        return self._ids

    def adopt_ids(self, ids: list[str]) -> None:
        """Take the docnum -> paper id list another engine on the same segments read."""
        if self._ids is None:
            self._ids = ids

    def _norm(self, leaf: int, field: str) -> tuple[bytes, list[float]]:
        """Raw length bytes of a field and, per byte value, K1 * (1 - B + B * fl / avgfl)."""
        key = (leaf, field)
        if key not in self._norms:
            reader, _ = self.leaves[leaf]
            col = reader._perdoc._cached_reader(self._lenfield(field), self._lencol)
            count = reader.doc_count_all()
            if col is None:
                raw = bytes(count)
            else:
                raw = col._dbfile.get(col._basepos, col._count)
                raw = bytes(raw) + bytes(max(0, count - len(raw)))
            avg = self.searcher.avg_field_length(field) or 1.0
            table = self._byte_to_length
            self._norms[key] = [K1 * (1 - B + B * table[b] / avg) for b in range(256)]
            self._lengths[key] = raw
        return self._lengths[key], self._norms[key]

    def _matchers(self, field: str, text: str) -> Iterator[tuple[int, Any]]:
        """Per segment holding the term: (leaf number, a raw matcher of its postings)."""
        fieldobj = self.searcher.schema[field]
        btext = fieldobj.to_bytes(text) if hasattr(fieldobj, "to_bytes") else text.encode("utf-8")
        for leaf, (reader, _base) in enumerate(self.leaves):
            terms = reader._terms
            if (field, btext) in terms:
                yield leaf, terms.matcher(field, btext, fieldobj.format, scorer=None)

    def postings(self, field: str, text: str) -> list[tuple[int, Any, Any]]:
        """Per segment: (leaf, ids, weights) for one term (cached)."""
        key = (field, text)
        cache = self._cache
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        out = []
        size = 0
        for leaf, m in self._matchers(field, text):
            ids, weights = _read_all(m)
            size += len(ids)
            out.append((leaf, array("I", ids), array("f", weights)))
        self._remember_postings(key, out, size)
        return out

    def _remember_postings(
        self, key: tuple[str, str], out: list[tuple[int, Any, Any]], size: int
    ) -> None:
        cache = self._cache
        cache[key] = out
        self._cached += size + 1
        while self._cached > CACHE_POSTINGS and len(cache) > 1:
            _, old = cache.popitem(last=False)
            self._cached -= sum(len(part[1]) for part in old) + 1

    def placed(self, field: str, text: str) -> dict[int, tuple[Any, Any]]:
        """Per segment (leaf number): (ids, encoded positions) of one term of a field with
        positions (cached). The ids end with a sentinel no docnum reaches."""
        key = (field, text)
        cache = self._placed
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        out: dict[int, tuple[Any, Any]] = {}
        size = 0
        for leaf, m in self._matchers(field, text):
            ids, values = _read_placed(m)
            size += len(ids)
            ids.append(_SENTINEL)
            values.append(b"")
            out[leaf] = (array("I", ids), values)
        cache[key] = out
        self._placed_size += size + 1
        while self._placed_size > CACHE_POSITIONS and len(cache) > 1:
            _, old = cache.popitem(last=False)
            self._placed_size -= sum(len(ids) for ids, _values in old.values()) + 1
        return out

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
            narrowed = self._pair_candidates(q.b, within)
            if narrowed is not None and narrowed is not within:
                # A phrase with pairs: matched on their candidates first, then only the
                # documents it matches are scored.
                matched = self._matching(q.b, narrowed) if narrowed else set()
                result = self.scores(q.a, matched) if matched else {}
            else:
                result = self.scores(q.a, within)
                if result:
                    kept = self._matching(q.b, set(result))
                    result = {d: s for d, s in result.items() if d in kept}
        elif isinstance(q, (wq.Phrase, wq.SpanNear2)):
            field, placed = self._phrase_words(q)
            result = self._and([wq.Term(field, w) for _, w in placed], within)
            if result:
                kept = self._matching(q, set(result))
                result = {d: s for d, s in result.items() if d in kept}
        elif isinstance(q, wq.Or) and not getattr(q, "scale", None) and not q.minmatch:
            parts = sorted((self.scores(c, within) for c in q.children()), key=len, reverse=True)
            result = dict(parts[0]) if parts else {}
            for part in parts[1:]:
                both = part.keys() & result.keys()
                sums = {d: result[d] + part[d] for d in both}
                result.update(part)
                result.update(sums)
        else:
            raise Unsupported(type(q).__name__)
        if boost != 1.0:
            result = {d: s * boost for d, s in result.items()}
        return result

    def _phrase_words(self, q: Any) -> tuple[str, list[tuple[int, str]]]:
        """A phrase's field and (offset, word) pairs: a consecutive `Phrase`, or a chain of
        `SpanNear2([a, Term], slop=d, mindist=d)` (each word exactly d after the previous)."""
        if isinstance(q, wq.Phrase):
            if q.slop != 1:
                raise Unsupported("sloppy phrase")
            field, placed = q.fieldname, [(i, str(w)) for i, w in enumerate(q.words)]
        elif isinstance(q, wq.Term):
            field, placed = q.fieldname, [(0, str(q.text))]
        elif (
            isinstance(q, wq.SpanNear2)
            and q.ordered
            and q.slop == q.mindist >= 1
            and len(q.qs) == 2
            and isinstance(q.qs[1], wq.Term)
            and all(getattr(c, "boost", 1.0) == 1.0 for c in q.qs)
        ):
            first, last = q.qs
            field, placed = self._phrase_words(first)
            if last.fieldname != field:
                raise Unsupported("span across fields")
            placed = [*placed, (placed[-1][0] + q.slop, str(last.text))]
        else:
            raise Unsupported(f"span query {type(q).__name__}")
        from reader.search.query import has_positions

        if not has_positions(self.searcher.schema, field):
            raise Unsupported("phrase on a field without positions")
        return field, placed

    def _matching(self, q: Any, candidates: set[int]) -> set[int]:
        """The candidates `q` matches (its scores unused)."""
        if isinstance(q, wq.Phrase) and q.slop > 1:
            return self._near_in(q.fieldname, [str(w) for w in q.words], q.slop, candidates)
        if isinstance(q, (wq.Phrase, wq.SpanNear2)):
            field, placed = self._phrase_words(q)
            candidates, exact = self._paired(field, placed, candidates)
            if exact or not candidates:
                return candidates
            return self._placed_in(field, placed, candidates)
        return set(self.scores(q, candidates))

    def _pairs_field(self, field: str) -> str | None:
        """The pair field beside a positional shadow, if the index has one with positions."""
        from reader.search.query import has_positions

        pairs_field = PHRASE_PAIRS.get(field)
        if pairs_field is None or not has_positions(self.searcher.schema, pairs_field):
            return None
        return pairs_field

    def _pair_candidates(self, q: Any, within: set[int] | None) -> set[int] | None:
        """For a phrase of neighbouring words, the documents holding each pair of them
        (`within` if given), read before the words are scored: the pairs' postings are
        short, so the words are then scored on those documents only. `within` unchanged
        when the phrase has no pairs (a stop word between each two words)."""
        if not isinstance(q, (wq.Phrase, wq.SpanNear2)) or (
            isinstance(q, wq.Phrase) and q.slop != 1
        ):
            return within  # a sloppy phrase's words need not be neighbours
        field, placed = self._phrase_words(q)
        pairs_field = self._pairs_field(field)
        if pairs_field is None:
            return within
        neighbours = [(a, b) for (i, a), (j, b) in pairwise(placed) if j == i + 1]
        if not neighbours:
            return within
        neighbours.sort(key=lambda ab: self.searcher.doc_frequency(pairs_field, pair(*ab)))
        candidates = within
        for first, second in neighbours:
            candidates = set(self._term(pairs_field, pair(first, second), candidates))
            if not candidates:
                break
        return candidates

    def _paired(
        self, field: str, placed: list[tuple[int, str]], candidates: set[int]
    ) -> tuple[set[int], bool]:
        """The candidates holding each pair of the phrase's neighbouring words, and whether
        that alone decides (a two-word phrase)."""
        pairs_field = self._pairs_field(field)
        if pairs_field is None:
            return candidates, False
        neighbours = [(a, b) for (i, a), (j, b) in pairwise(placed) if j == i + 1]
        for first, second in neighbours:
            if not candidates:
                break
            candidates = set(self._term(pairs_field, pair(first, second), candidates))
        return candidates, len(placed) == 2 and len(neighbours) == 1

    def _near_in(self, field: str, words: list[str], slop: int, candidates: set[int]) -> set[int]:
        """The candidates where each word follows the span of the previous ones within
        `slop` positions (1 to `slop` after its end), in order: Whoosh's sloppy phrase
        (`SpanNear2(ordered=True, mindist=1)`), span by span."""
        from reader.search.query import has_positions

        if not has_positions(self.searcher.schema, field):
            raise Unsupported("phrase on a field without positions")
        docs = sorted(candidates)
        kept: set[int] = set()
        decode = _starts(0)
        for leaf, (_reader, base) in enumerate(self.leaves):
            lo = bisect.bisect_left(docs, base)
            hi = bisect.bisect_left(docs, self._ends[leaf], lo)
            if lo == hi:
                continue
            local = [d - base for d in docs[lo:hi]]
            spans: list[set[tuple[int, int]]] | None = None
            for word in words:
                found = self.placed(field, word).get(leaf)
                if found is None:
                    spans = None
                    break
                ids, values = found
                found_at = list(map(partial(bisect.bisect_left, ids), local))
                held = list(map(eq, map(ids.__getitem__, found_at), local))
                where = map(add, map(mul, found_at, held), map(sub, held, repeat(1)))
                places = map(decode.__getitem__, map(values.__getitem__, where))
                if spans is None:
                    spans = [{(p, p) for p in at} for at in places]
                else:
                    spans = [
                        {(a, p) for a, e in held_spans for p in at if e < p <= e + slop}
                        if held_spans
                        else held_spans
                        for held_spans, at in zip(spans, places, strict=True)
                    ]
            if spans is not None:
                kept.update(
                    d + base for d, held_spans in zip(local, spans, strict=True) if held_spans
                )
        return kept

    def _placed_in(
        self, field: str, placed: list[tuple[int, str]], candidates: set[int]
    ) -> set[int]:
        """The candidates where each word stands at its offset from the first; positions
        are read for the candidates only. Two neighbouring words are checked through their
        pair's positions (`_parts`), which are far fewer than the words'."""
        docs = sorted(candidates)
        kept: set[int] = set()
        parts = self._parts(field, placed)
        for leaf, (_reader, base) in enumerate(self.leaves):
            lo = bisect.bisect_left(docs, base)
            hi = bisect.bisect_left(docs, self._ends[leaf], lo)
            if lo == hi:
                continue
            local = [d - base for d in docs[lo:hi]]
            # Per candidate, the places the phrase could start: each part's positions moved
            # back by its offset, intersected (decoded sets are shared: values repeat a lot).
            starts: Any = None
            for offset, part_field, text in parts:
                found = self.placed(part_field, text).get(leaf)
                if found is None:
                    starts = None
                    break
                ids, values = found
                found_at = list(map(partial(bisect.bisect_left, ids), local))
                held = list(map(eq, map(ids.__getitem__, found_at), local))  # the term is there
                # A document without the term reads the last value (b"": nowhere).
                where = map(add, map(mul, found_at, held), map(sub, held, repeat(1)))
                moved = map(_starts(offset).__getitem__, map(values.__getitem__, where))
                starts = list(moved) if starts is None else list(map(and_, starts, moved))
            if starts is not None:
                kept.update(d + base for d, s in zip(local, starts, strict=True) if s)
        return kept

    def _parts(self, field: str, placed: list[tuple[int, str]]) -> list[tuple[int, str, str]]:
        """What a phrase's positions are read from: (offset, field, term) for each pair of
        neighbouring words in the pair field, and each word in no pair in the shadow field.
        A pair at offset o holds its first word at o and its second at o + 1, so the parts
        hold every word at its offset exactly when the words do."""
        pairs_field = self._pairs_field(field)
        if pairs_field is None:
            return [(offset, field, word) for offset, word in placed]
        parts: list[tuple[int, str, str]] = []
        paired: set[int] = set()
        for (i, a), (j, b) in pairwise(placed):
            if j == i + 1:
                parts.append((i, pairs_field, pair(a, b)))
                paired.update((i, j))
        parts.extend((i, field, word) for i, word in placed if i not in paired)
        return parts

    def evaluate(self, q: Any) -> dict[int, float]:
        """`scores(q)`, remembered for the last few queries (the app asks for a query's
        ranking and its facet counts in a row; typing and backspacing repeat queries)."""
        key = repr(q)
        memo = self._memo
        found = memo.get(key)
        if found is None:
            found = memo[key] = self.scores(q)
            while len(memo) > MEMO_QUERIES:
                memo.popitem(last=False)
        else:
            memo.move_to_end(key)
        return found

    def _and(self, children: Iterable[Any], within: set[int] | None = None) -> dict[int, float]:
        positive: list[Any] = []
        negative: list[Any] = []
        for child in children:
            (negative if isinstance(child, wq.Not) else positive).append(child)
        if not positive:
            raise Unsupported("only negative clauses")
        positive.sort(key=self._estimate)
        result = self.scores(positive[0], within)
        for child in positive[1:]:
            if not result:
                break
            part = self.scores(child, set(result))
            result = {d: s + part[d] for d, s in result.items() if d in part}
        for excluded in negative:
            for d in self.scores(excluded.query, set(result)):
                result.pop(d, None)
        if negative:  # Whoosh intersects with an InverseMatcher, which scores 1 per document
            extra = float(len(negative))
            result = {d: s + extra for d, s in result.items()}
        return result

    def _estimate(self, q: Any) -> int:
        """An upper bound on a clause's matches, to evaluate the rarest clause first."""
        if isinstance(q, wq.Term):
            return int(self.searcher.doc_frequency(q.fieldname, q.text))
        if isinstance(q, wq.Phrase):
            return min((self._estimate(wq.Term(q.fieldname, w)) for w in q.words), default=0)
        if isinstance(q, wq.SpanNear2):
            return min((self._estimate(c) for c in q.qs), default=0)
        if isinstance(q, wq.Require):
            return min(self._estimate(q.a), self._estimate(q.b))
        if isinstance(q, wq.And):
            return min((self._estimate(c) for c in q.children()), default=0)
        if isinstance(q, wq.Or):
            return sum(self._estimate(c) for c in q.children())
        return 1 << 40

    def _term(self, field: str, text: str, within: set[int] | None = None) -> dict[int, float]:
        """Docnum -> BM25F score of one term, computed with C-level map/zip over the postings
        (or, unless they are scored already, for the documents of `within` only when they
        are fewer than half the postings)."""
        result: dict[int, float] = {}
        scorable = self.searcher.schema[field].scorable
        idf = self.searcher.idf(field, text) if scorable else 1.0
        for leaf, ids, weights in self.postings(field, text):
            base, deleted = self.leaves[leaf][1], self._deleted[leaf]
            key = (leaf, field, text)
            part = self._scored.get(key)
            if part is None and within is not None and 2 * len(within) < len(ids):
                result.update(self._term_within(leaf, field, ids, weights, idf, scorable, within))
                continue
            if part is None:
                if scorable:
                    raw, table = self._table(leaf, field)
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
                self._remember_scores(key, part)
            else:
                self._scored.move_to_end(key)
            if within is not None:  # only the candidates: no copy of a common term's scores
                result.update({d: part[d] for d in part.keys() & within})
            elif result:
                result.update(part)
            else:
                result = dict(part)  # callers change their results: never hand out the cache
        return result

    #: Set by `Library.warm` once it has primed this engine's common terms.
    primed = False

    def prime(self, field: str, text: str) -> int:
        """Read and score one term now so a later query finds it in the caches; the number
        of postings scored (0 for a term too rare to keep)."""
        found = self._term(field, text)
        return len(found) if len(found) >= SCORE_CACHE_MIN else 0

    def adopt_scores(self, other: Engine) -> None:
        """Take the term scores another engine over the same segments computed."""
        for key, part in other._scored.items():
            if key not in self._scored:
                self._remember_scores(key, part)

    def _remember_scores(self, key: tuple[int, str, str], part: dict[int, float]) -> None:
        """Keep a term's scores (a copy costs a tenth of scoring its postings again)."""
        if len(part) < SCORE_CACHE_MIN:
            return  # rare terms are cheap to score
        self._scored[key] = part
        self._scored_size += len(part)
        while self._scored_size > CACHE_SCORES and len(self._scored) > 1:
            _, old = self._scored.popitem(last=False)
            self._scored_size -= len(old)

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
        raw, table = self._table(leaf, field)
        unit = map(table.__getitem__, zip(tfs, map(raw.__getitem__, local), strict=False))
        return dict(zip(docs, map(mul, unit, repeat(idf)), strict=False))

    def _table(self, leaf: int, field: str) -> tuple[bytes, dict[tuple[float, int], float]]:
        """Length bytes and a lazily filled (weight, length byte) -> BM25 term factor table."""
        key = (leaf, field)
        found = self._tables.get(key)
        if found is None:
            raw, norm = self._norm(leaf, field)
            found = self._tables[key] = (raw, _Factors(norm))
        return found

    def top(
        self, q: Any, limit: int | None, allowed: set[int] | None = None
    ) -> tuple[list[int], int, dict[int, float]]:
        """(docnums of the best `limit` matches, best first, total matches)."""
        scores = self.evaluate(q)
        if allowed is not None:
            scores = {d: s for d, s in scores.items() if d in allowed}
        total = len(scores)
        pairs = zip(scores.values(), map(neg, scores.keys()), strict=False)  # ties: lower docnum
        if limit is None or limit >= total:
            best = sorted(pairs, reverse=True)
        else:
            best = heapq.nlargest(limit, pairs)
        docs = [-d for _, d in best]
        return docs, total, {-d: s for s, d in best}


class _Factors(dict[tuple[float, int], float]):
    """(weight, length byte) -> (K1 + 1) * w / (w + norm[byte]), filled on first use."""

    def __init__(self, norm: list[float]) -> None:
        super().__init__()
        self.norm = norm

    def __missing__(self, key: tuple[float, int]) -> float:
        w, b = key
        value = self[key] = w * (K1 + 1) / (w + self.norm[b])
        return value


def _blocks(m: Any) -> Iterator[tuple[int, Any, Any, Any]]:
    """Each block of a W3 posting list, from one read of its whole extent: (count, id deltas,
    weights, values).

    Walking the blocks through the matcher costs a dozen small file reads per block and a
    Python generator per id; here the extent is read at once and each block is unpickled
    (and decompressed) in C. Same format as the matcher reads.
    """
    if m._byteids:
        raise Unsupported("byte ids")
    length = m._length[0] if isinstance(m._length, tuple) else m._length  # whoosh3 keeps a 1-tuple
    buf = m._postfile.get(m._startoffset, length)
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        raise Unsupported("unexpected postings header")
    stream = io.BytesIO(buf)
    start = 4
    while start < len(buf):
        (length,) = _INT.unpack(buf[start : start + 4])
        end = start + 4 + abs(length)
        stream.seek(start + 4)
        count, _maxid, _maxw, compression, _mn, _mx = pickle.load(stream)
        data = buf[stream.tell() : end]
        if compression:
            data = zlib.decompress(data)
        block_ids, block_weights, block_values = pickle.loads(data)
        yield count, block_ids, block_weights, block_values
        if length < 0:
            break
        start = end


def _read_extent(m: Any) -> tuple[list[int], list[float]]:
    """All postings (ids, weights) of a W3 posting list; ids rebuilt with `accumulate`."""
    ids: list[int] = []
    weights: list[float] = []
    for count, block_ids, block_weights, _values in _blocks(m):
        ids.extend(accumulate(block_ids))
        if block_weights is None:
            weights.extend(repeat(1.0, count))
        elif isinstance(block_weights, float):
            weights.extend(repeat(block_weights, count))
        else:
            weights.extend(block_weights)
    return ids, weights


def _read_placed(m: Any) -> tuple[list[int], list[bytes]]:
    """All postings (ids, encoded values) of a W3 posting list, a block at a time."""
    ids: list[int] = []
    values: list[bytes] = []
    for _count, block_ids, _weights, block_values in _blocks(m):
        if not isinstance(block_values, tuple) or len(block_values) != len(block_ids):
            raise Unsupported("postings without a value per posting")
        ids.extend(accumulate(block_ids))
        values.extend(block_values)
    return ids, values


_SENTINEL = (1 << 32) - 1
_NOWHERE: frozenset[int] = frozenset()


class _Starts(dict[bytes, frozenset[int]]):
    """A posting's value (Whoosh's `Positions` format: a 4-byte count, then the pickled
    list of deltas) -> its positions less `offset`, decoded on first use."""

    def __init__(self, offset: int) -> None:
        super().__init__()
        self.offset = offset

    def __missing__(self, value: bytes) -> frozenset[int]:
        if not value:
            return _NOWHERE
        if len(self) >= _STARTS_HELD:
            self.clear()
        positions = accumulate(pickle.loads(value[4:]))
        offset = self.offset
        found = self[value] = frozenset(
            map(sub, positions, repeat(offset)) if offset else positions
        )
        return found


#: Decoded values remembered per offset (most postings hold one of a few hundred values).
_STARTS_HELD = 100_000
_STARTS: dict[int, _Starts] = {}


def _starts(offset: int) -> _Starts:
    found = _STARTS.get(offset)
    if found is None:
        found = _STARTS[offset] = _Starts(offset)
    return found


def _read_all(m: Any) -> tuple[list[int], list[float]]:
    """All postings (ids, weights) of a matcher, a block at a time when the codec allows it."""
    if hasattr(m, "_startoffset") and hasattr(m, "_postfile"):
        try:
            return _read_extent(m)
        except Unsupported:  # a layout this reader does not know: the matcher's own walk
            pass
    ids: list[int] = []
    weights: list[float] = []
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            m._next_block()
        return ids, weights
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def _deleted(reader: Any) -> Iterable[int]:
    if not reader.has_deletions():
        return ()
    found = getattr(reader, "deleted_docs_set", None)
    if found is not None:
        return found
    return (d for d in range(reader.doc_count_all()) if reader.is_deleted(d))
