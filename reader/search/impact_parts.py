"""A ranker's way to the stored impacts (`reader.search.impact_store`): a term's impact
assembled from its parts per segment, the few parts a sync added built on the spot, and
the warm-up's storing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.search.impact_terms import TermImpact, assemble, build_part

if TYPE_CHECKING:
    from reader.search.engine import Engine
    from reader.search.impact_store import ImpactStore, Segment, StoredImpact

#: A stored term whose missing parts hold at most this share of its postings is assembled
#: with those parts built on the spot (a sync's new segments); past it, built whole.
MISSING_SHARE = 1 / 4


class StoredTerms:
    """The stored impacts of one engine's segments."""

    def __init__(self, engine: Engine, store: ImpactStore, count: int) -> None:
        self.engine = engine
        self.store = store
        self.count = count
        #: Per leaf: the segment as parts name it (its id, its deleted documents).
        self.segments: list[Segment] = [
            (str(reader.segment().segment_id()), len(engine.deleted_in(leaf)))
            for leaf, (reader, _base) in enumerate(engine.leaves)
        ]
        self._sizes = [reader.doc_count_all() for reader, _base in engine.leaves]

    def read(self, field: str, text: str) -> TermImpact | None:
        """The term's impact from its stored parts, or None when most of it is not stored.
        Parts of the segments a sync added are built here and stored."""
        located = self.engine.terms.located(field, text)
        wanted = {self.segments[leaf] for leaf, _info in located}
        found = self.store.parts(field, text, wanted)
        if not found:
            return None
        parts: list[tuple[int, StoredImpact]] = []
        missing: list[int] = []
        missing_postings = total = 0
        for leaf, info in located:
            part = found.get(self.segments[leaf])
            total += info.doc_frequency()
            if part is None or len(part.at) != self._sizes[leaf]:
                missing.append(leaf)
                missing_postings += info.doc_frequency()
            else:
                parts.append((leaf, part))
        if missing_postings > MISSING_SHARE * total:
            return None
        built = {leaf: build_part(self.engine, leaf, field, text) for leaf in missing}
        if built:
            self.store.put(field, text, {self.segments[leaf]: p for leaf, p in built.items()})
            parts = sorted([*parts, *built.items()], key=lambda pair: pair[0])
        return assemble(self.engine, field, text, parts, self.count)

    def store_term(self, field: str, text: str, limit: int) -> int:
        """Build and store the parts of a term the store lacks (the warm-up's work), keeping
        nothing in memory, unless they hold more than `limit` postings; the postings built,
        0 if none."""
        lacking = self._lacking(field, text)
        if sum(postings for _leaf, postings in lacking) > limit:
            return 0
        leaves = [leaf for leaf, _postings in lacking]
        parts = {self.segments[leaf]: build_part(self.engine, leaf, field, text) for leaf in leaves}
        self.store.put(field, text, parts)
        return sum(len(part.docs) for part in parts.values())

    def keep(self, field: str, text: str, impact: TermImpact) -> None:
        """Store the parts of an impact built whole (the warm-up's commonest terms) that the
        store lacks (none cut when it has them all: cutting makes every group)."""
        lacking = [leaf for leaf, _postings in self._lacking(field, text)]
        if not lacking:
            return
        bases = [base for _reader, base in self.engine.leaves]
        ends = [base + size for base, size in zip(bases, self._sizes, strict=True)]
        parts = impact.parts(bases, ends, lacking)
        self.store.put(field, text, {self.segments[leaf]: p for leaf, p in parts.items()})

    def _lacking(self, field: str, text: str) -> list[tuple[int, int]]:
        """The segments holding the term that the store has no part of: (leaf, postings)."""
        have = self.store.stored_segments(field, text)
        return [
            (leaf, info.doc_frequency())
            for leaf, info in self.engine.terms.located(field, text)
            if self.segments[leaf] not in have
        ]


__all__ = ["MISSING_SHARE", "StoredTerms"]
