"""Phrases: the shape of a parsed phrase, and matching it against the index's positions.

`reader.search.query` turns a quoted phrase into Whoosh's positional queries on the field's
shadow (`Phrase`, or a chain of `SpanNear2` where stop words stand between the words);
`phrase_places` reads such a query back as (field, (offset, word) pairs, slop), for the
engine and for highlighting alike. `PhraseMatcher` decides which documents hold a phrase:
the pair terms of its neighbouring words narrow the candidates (their postings are short;
a two-word phrase is decided there), then the positions of its pairs, and of the words in
no pair, are read for the remaining candidates only.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from functools import partial
from itertools import pairwise, repeat
from operator import add, and_, eq, mul, sub
from typing import TYPE_CHECKING, Any, NamedTuple

from whoosh import query as wq

from reader.search.analysis import pair
from reader.search.compat import Unsupported
from reader.search.postings import start_bits, starts
from reader.search.schema import PHRASE_PAIRS

if TYPE_CHECKING:
    from reader.search.engine import Engine


class Places(NamedTuple):
    """A phrase query read back: its field, each word at its offset from the first, and its
    slop (1: each word exactly at its offset)."""

    field: str
    placed: tuple[tuple[int, str], ...]
    slop: int


def phrase_places(q: Any) -> Places | None:
    """The phrase a positional query checks: a `Phrase` (any slop), a `Term` (one word) or a
    chain of `SpanNear2([a, Term], slop=d, mindist=d)` (each word exactly d after the
    previous, on one field); None for any other query."""
    if isinstance(q, wq.Phrase):
        placed = tuple((i, str(w)) for i, w in enumerate(q.words))
        return Places(q.fieldname, placed, max(1, int(q.slop))) if placed else None
    if isinstance(q, wq.Term):
        return Places(q.fieldname, ((0, str(q.text)),), 1)
    if (
        isinstance(q, wq.SpanNear2)
        and q.ordered
        and q.slop == q.mindist >= 1
        and len(q.qs) == 2
        and isinstance(q.qs[1], wq.Term)
    ):
        first, last = phrase_places(q.qs[0]), q.qs[1]
        if first is None or first.slop != 1 or last.fieldname != first.field:
            return None
        offset = first.placed[-1][0] + q.slop
        return Places(first.field, (*first.placed, (offset, str(last.text))), 1)
    return None


def _boosted(q: Any) -> bool:
    """True if a span chain boosts any part (the engine's phrase checks ignore boosts)."""
    if isinstance(q, wq.SpanNear2):
        return any(getattr(c, "boost", 1.0) != 1.0 or _boosted(c) for c in q.qs)
    return False


class PhraseMatcher:
    """Which documents of an engine's index hold a phrase (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.schema = engine.searcher.schema

    def places(self, q: Any) -> tuple[str, list[tuple[int, str]]]:
        """The field and (offset, word) pairs of an exact phrase on a field with positions;
        raises `Unsupported` for anything else."""
        found = phrase_places(q)
        if found is None or _boosted(q):
            raise Unsupported(f"span query {type(q).__name__}")
        if found.slop != 1:
            raise Unsupported("sloppy phrase")
        if not self._has_positions(found.field):
            raise Unsupported("phrase on a field without positions")
        return found.field, list(found.placed)

    def matching(self, q: Any, candidates: set[int], paired: bool = False) -> set[int]:
        """The candidates the phrase `q` matches (a sloppy `Phrase`, an exact one, a chain).
        `paired`: the candidates are `pair_candidates`' answer, so each holds the pairs."""
        if isinstance(q, wq.Phrase) and q.slop > 1:
            return self._near_in(q.fieldname, [str(w) for w in q.words], q.slop, candidates)
        field, placed = self.places(q)
        if not paired:
            found = self._pair_filter(field, placed, candidates)
            paired = found is not None
            candidates = candidates if found is None else found
        if not candidates or (paired and [i for i, _ in placed] == [0, 1]):
            return candidates  # two neighbouring words: their pair decides
        return self._placed_in(field, placed, candidates)

    def pair_candidates(self, q: Any, within: set[int] | None) -> set[int] | None:
        """For a phrase of neighbouring words, the documents holding each pair of them
        (among `within` if given), read before the words are scored: the pairs' postings
        are short, so the words are then scored on those documents only. `within`, the same
        object, when the phrase has no pairs (a stop word between each two words, a slop)."""
        if not isinstance(q, (wq.Phrase, wq.SpanNear2)) or (
            isinstance(q, wq.Phrase) and q.slop != 1
        ):
            return within  # a sloppy phrase's words need not be neighbours
        found = self._pair_filter(*self.places(q), within)
        return within if found is None else found

    def pair_bound(self, q: Any) -> int | None:
        """The most documents a phrase of neighbouring words can match (its rarest pair's
        document frequency), or None when it has no pairs."""
        if not isinstance(q, (wq.Phrase, wq.SpanNear2)) or (
            isinstance(q, wq.Phrase) and q.slop != 1
        ):
            return None
        field, placed = self.places(q)
        pairs_field = self._pairs_field(field)
        neighbours = [(a, b) for (i, a), (j, b) in pairwise(placed) if j == i + 1]
        if pairs_field is None or not neighbours:
            return None
        frequency = self.engine.searcher.doc_frequency
        return min(frequency(pairs_field, pair(a, b)) for a, b in neighbours)

    def parts_of(self, q: Any) -> list[tuple[int, str, str]] | None:
        """What `holds` reads for an exact phrase (see `_parts`); None for another query
        (a sloppy phrase), which only `matching` decides."""
        try:
            field, placed = self.places(q)
        except Unsupported:
            return None
        return self._parts(field, placed)

    def holds(self, parts: list[tuple[int, str, str]], d: int) -> bool:
        """True if the phrase of `parts` (`parts_of`) is in document `d`: each part's
        positions in it, block by block, as `_placed_in` checks a segment's candidates."""
        leaf, local = self.engine.leaf_of(d)
        begins = -1
        for offset, part_field, text in parts:
            found = self.engine.terms.blocks_in(part_field, text, leaf)
            value = found.value(local) if found is not None else None
            if not value:
                return False
            begins &= start_bits(offset)[value]
            if not begins:
                return False
        return True

    # -- the steps ---------------------------------------------------------------------
    def _has_positions(self, field: str) -> bool:
        from reader.search.query import has_positions

        return has_positions(self.schema, field)

    def _pairs_field(self, field: str) -> str | None:
        """The pair field beside a positional shadow, if the index has one with positions."""
        pairs_field = PHRASE_PAIRS.get(field)
        if pairs_field is None or not self._has_positions(pairs_field):
            return None
        return pairs_field

    def _pair_filter(
        self, field: str, placed: list[tuple[int, str]], within: set[int] | None
    ) -> set[int] | None:
        """The documents (among `within` if given) holding each pair of the phrase's
        neighbouring words, the rarest pair read first; None when it has no pairs."""
        pairs_field = self._pairs_field(field)
        neighbours = [(a, b) for (i, a), (j, b) in pairwise(placed) if j == i + 1]
        if pairs_field is None or not neighbours:
            return None
        searcher = self.engine.searcher
        neighbours.sort(key=lambda ab: searcher.doc_frequency(pairs_field, pair(*ab)))
        candidates = within
        for first, second in neighbours:
            candidates = set(self.engine.term_scores(pairs_field, pair(first, second), candidates))
            if not candidates:
                break
        return candidates

    def _leaf_candidates(self, candidates: set[int]) -> list[tuple[int, int, list[int]]]:
        """Per segment holding candidates: (leaf number, its first docnum, the candidates'
        docnums within it, sorted)."""
        docs = sorted(candidates)
        out = []
        for leaf, (base, end) in enumerate(self.engine.spans()):
            lo = bisect.bisect_left(docs, base)
            hi = bisect.bisect_left(docs, end, lo)
            if lo != hi:
                out.append((leaf, base, [d - base for d in docs[lo:hi]]))
        return out

    def _values_at(
        self, field: str, text: str, leaf: int, local: list[int]
    ) -> Iterator[bytes] | None:
        """Per candidate of a segment (`local`: its docnums within it, sorted), the encoded
        positions of a term (b"" where the candidate does not hold it); None when the
        segment does not hold the term at all."""
        found = self.engine.terms.placed(field, text).get(leaf)
        if found is None:
            return None
        ids, values = found
        found_at = list(map(partial(bisect.bisect_left, ids), local))
        held = list(map(eq, map(ids.__getitem__, found_at), local))  # the term is there
        # A candidate without the term reads the last value (the sentinel's b"": nowhere).
        where = map(add, map(mul, found_at, held), map(sub, held, repeat(1)))
        return map(values.__getitem__, where)

    def _near_in(self, field: str, words: list[str], slop: int, candidates: set[int]) -> set[int]:
        """The candidates where each word follows the span of the previous ones within
        `slop` positions (1 to `slop` after its end), in order: Whoosh's sloppy phrase
        (`SpanNear2(ordered=True, mindist=1)`), span by span."""
        if not self._has_positions(field):
            raise Unsupported("phrase on a field without positions")
        kept: set[int] = set()
        decode = starts(0)
        for leaf, base, local in self._leaf_candidates(candidates):
            spans: list[set[tuple[int, int]]] | None = None
            for word in words:
                values = self._values_at(field, word, leaf, local)
                if values is None:
                    spans = None
                    break
                places = map(decode.__getitem__, values)
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
        kept: set[int] = set()
        parts = self._parts(field, placed)
        for leaf, base, local in self._leaf_candidates(candidates):
            # Per candidate, the places the phrase could start: each part's positions moved
            # back by its offset, as bits, ANDed (decoded values are shared: they repeat).
            begins: Any = None
            for offset, part_field, text in parts:
                values = self._values_at(part_field, text, leaf, local)
                if values is None:
                    begins = None
                    break
                moved = map(start_bits(offset).__getitem__, values)
                begins = list(moved) if begins is None else list(map(and_, begins, moved))
            if begins is not None:
                kept.update(d + base for d, s in zip(local, begins, strict=True) if s)
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


class PhraseFilter:
    """The documents a `Require(words, phrase)` keeps of its words' matches: all at once
    (`kept`, as the plain path finds them) or one at a time (`holds`: a ranking asks about
    its few best candidates before, or instead of, the whole set)."""

    def __init__(self, matcher: PhraseMatcher, q: Any, candidates: Callable[[], set[int]]) -> None:
        """`q`: the phrase; `candidates()`: its words' matches."""
        self.matcher = matcher
        self.q = q
        self.candidates = candidates
        self._parts = matcher.parts_of(q)
        self._kept: set[int] | None = None
        #: Documents checked one at a time.
        self.checked = 0

    @property
    def known(self) -> bool:
        """True once every document it keeps is known (`kept` ran)."""
        return self._kept is not None

    def kept(self) -> set[int]:
        """Every document the phrase keeps (found on first use, then remembered)."""
        if self._kept is None:
            matcher, q = self.matcher, self.q
            narrowed = matcher.pair_candidates(q, None)
            if narrowed is not None:  # its pairs decide, as on the plain path
                self._kept = matcher.matching(q, narrowed, paired=True) if narrowed else set()
            else:  # among its words' documents
                self._kept = matcher.matching(q, self.candidates())
        return self._kept

    def holds(self, d: int) -> bool:
        """True if the phrase keeps document `d`, one of its words' matches."""
        if self._kept is not None or self._parts is None:
            return d in self.kept()
        self.checked += 1
        return self.matcher.holds(self._parts, d)
