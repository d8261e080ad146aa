"""An OR of many terms over impacts (`reader.search.impact`): prefixes, wildcards, fuzzy
terms (`gen*` is an OR of every word it matches) and more like this (an OR of boosted
terms).

The plain path (`Engine.scores`) adds an OR's children in the order of their match
counts, most first (ties in the query's order), so a document's score is that fold of its
terms' scores, and floating-point addition is not associative. Here the children with
many postings get impacts (sorted and random access) and the others, whose postings are
few, are scored whole and folded in that same order (`reader.search.impact_rare.Rare`),
so that the score of any document is rebuilt exactly: the common terms' scores first
(their counts are the largest, which is checked), then the rare terms' addends. The rare
terms' folded scores form one more list for the threshold algorithm, ranked by value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from reader.search.impact_groups import Scaled
from reader.search.impact_plan import Listed

if TYPE_CHECKING:
    from reader.search.impact_rare import Rare
    from reader.search.impact_terms import TermImpact

#: The most postings the rare children may have in all (past it, the plain path).
RARE_POSTINGS = 400_000


class Common(NamedTuple):
    """A child of a wide OR ranked from its impact."""

    place: int  # its index among the OR's children
    impact: TermImpact
    lengths: bytes  # its field's length byte per docnum
    boost: float


class Wide:
    """The score, matches and lists of one wide OR, from its common children's impacts and
    its rare children's postings (`reader.search.impact_rare.Rare`)."""

    def __init__(self, common: Sequence[Common], rare: Rare | None, count: int) -> None:
        """`rare`: the rare children (None if none); `count`: the docnum range. Raises
        ValueError if the plain path would add a rare child before a common one (a tie of
        counts)."""
        common = sorted(common, key=lambda c: (-c.impact.count, c.place))
        if common and rare is not None and rare.words:
            first = rare.words[0]
            if (-len(first.docs), first.place) < (-common[-1].impact.count, common[-1].place):
                raise ValueError("a rare child is added before a common one")
        self._common = [(c.impact.at, c.impact.scores, c.lengths, c.boost) for c in common]
        #: When every common child is of one field and unboosted (a prefix, a wildcard):
        #: that field's lengths and each child's (at, scores), for a shorter loop per document.
        uniform = all(c.boost == 1.0 and c.lengths is common[0].lengths for c in common)
        self._lengths = common[0].lengths if common and uniform else None
        self._pairs = [(c.impact.at, c.impact.scores) for c in common] if uniform else []
        self._impacts = [c.impact for c in common]
        self._rare = rare if rare is not None and len(rare) else None
        self.lists: list[Listed] = [
            (
                c.impact.groups if c.boost == 1.0 else Scaled(c.impact.groups, c.boost),
                c.impact.present,
            )
            for c in common
        ]
        if self._rare is not None:
            self.lists.append((self._rare.groups(), self._rare.matched))

    def score(self, d: int) -> float | None:
        """The document's score, added as the plain path adds it (None if no child holds it)."""
        total: float | None = None
        if self._lengths is not None:
            length = self._lengths[d]
            for at, table in self._pairs:
                index = at[d]
                if index:
                    value = table[index][length]
                    total = value if total is None else total + value
        else:
            for at, table, lengths, boost in self._common:
                index = at[d]
                if index:
                    value = table[index][lengths[d]]
                    if boost != 1.0:
                        value = value * boost
                    total = value if total is None else total + value
        if self._rare is not None:
            return self._rare.add_to(total, d)
        return total

    def matched(self) -> int:
        """The matches, a byte per docnum (see `reader.search.impact_plan.flags_of`)."""
        found = self._rare.matched() if self._rare is not None else 0
        for impact in self._impacts:
            found |= impact.present()
        return found


__all__ = ["RARE_POSTINGS", "Common", "Wide"]
