"""A query compiled over term impacts (`reader.search.impact`): `Compiler.plan` turns a
query `leaves_of` accepts into a `Plan` of closures (a document's score, its matches, the
lists the threshold algorithm reads), scoring as the plain path scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from whoosh import query as wq

from reader.search.impact_plan import (
    Matched,
    Node,
    Plan,
    Score,
    boost_of,
    boosted,
    docnums,
    flags_of,
    is_common,
    is_wide,
    leaves_of,
    not_clauses_bound,
)
from reader.search.impact_rare import Rare, Word, read_word
from reader.search.impact_terms import Declined
from reader.search.impact_wide import RARE_POSTINGS, Common, Wide
from reader.search.phrases import PhraseFilter

if TYPE_CHECKING:
    from reader.search.impact import ImpactRanker


class Compiler:
    """Compiles queries over the impacts of one ranker (built on first use, kept there).
    `few_matches`: a phrase of neighbouring words matching at most this many documents is
    left to the plain path (which scores them from their postings) unless its words'
    impacts are kept."""

    def __init__(self, ranker: ImpactRanker, few_matches: int) -> None:
        self.ranker = ranker
        self.engine = ranker.engine
        self.few_matches = few_matches

    def plan(self, q: Any) -> Plan:
        """`q` compiled; raises `Declined` when the plain path answers it better."""
        filters: list[PhraseFilter] = []
        node = self.node(q, True, filters)
        return Plan(
            node.score, node.matched, node.lists, not_clauses_bound(q), node.bound,
            node.candidates, tuple(filters),
        )  # fmt: skip

    def node(self, q: Any, free: bool, filters: list[PhraseFilter]) -> Node:
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
            impact = self.ranker.impact(q.fieldname, q.text)
            at, table, lengths = impact.at, impact.scores, self.ranker.lengths(q.fieldname)

            def term(d: int) -> float | None:
                index = at[d]
                return table[index][lengths[d]] if index else None

            return Node(term, impact.present, [(impact.groups, impact.present)], term,
                        impact.present, [[(at, table, lengths)]])  # fmt: skip
        if isinstance(q, wq.Or):
            children = [self.node(c, free, filters) for c in q.children()]
            if len(children) == 1:
                return children[0]
            flat = self._flat(q)
            lists = children[0].lists + children[1].lists
            if flat is not None:  # a word in the title and the abstract: one call per document
                either_matched = children[0].matched, children[1].matched
                fused = self._fused([flat], [], 0.0)
                matched: Matched = lambda: either_matched[0]() | either_matched[1]()  # noqa: E731
                return Node(fused, matched, lists, fused, matched, [flat])
            first, second = children[0].form, children[1].form
            # Two ANDs of terms (a phrase in the title or the abstract: its words' bound):
            # their sum in one call per document.
            bound = (
                summed([first, second], [], 0.0)
                if first is not None and second is not None
                else either(children[0].bound, children[1].bound)
            )
            plain = all(c.score is c.bound for c in children)
            return Node(
                bound if plain else either(children[0].score, children[1].score),
                lambda: children[0].matched() | children[1].matched(),
                lists,
                bound,
                lambda: children[0].candidates() | children[1].candidates(),
            )
        if isinstance(q, wq.Require):
            phrases = engine.phrases
            paired = phrases.pair_bound(q.b)
            if paired is not None:  # its pairs decide, as on the plain path
                if paired <= self.few_matches and not self._kept_all(q.a):
                    raise Declined("few matches: the plain path scores them from postings")
                inner = self.node(q.a, False, filters)
            else:  # among its words' documents
                inner = self.node(q.a, free, filters)
            words, words_matched = inner.score, inner.matched
            kept = PhraseFilter(phrases, q.b, lambda: set(docnums(words_matched())))
            filters.append(kept)
            holds = kept.holds

            def required(d: int) -> float | None:
                value = words(d)
                return value if value is not None and holds(d) else None

            return Node(
                required,
                lambda: words_matched() & flags_of(kept.kept(), self.ranker.count),
                inner.lists,
                inner.bound,
                inner.candidates,
                inner.form,
            )
        assert isinstance(q, wq.And)
        positive = [c for c in q.children() if not isinstance(c, wq.Not)]
        positive.sort(key=engine.estimate)  # the order `Engine._and` adds them in
        # The first clause is scored on what the AND is, the others on its candidates.
        parts = [self.node(c, free and i == 0, filters) for i, c in enumerate(positive)]
        # The NOT clauses' scores are never used: only their matches (exact: a NOT
        # clause's phrases are found whole).
        excluded = [self.node(c.query, True, []) for c in q.children() if isinstance(c, wq.Not)]
        extra = float(len(excluded))
        negatives = [n.score for n in excluded]
        every_list = [g for p in parts for g in p.lists]
        clauses = [self._flat(c) for c in positive]
        if all(clause is not None for clause in clauses):
            form = [c for c in clauses if c is not None]
            fused = self._fused(form, negatives, extra)
            matched = self._all_of([p.matched for p in parts], excluded)
            return Node(fused, matched, every_list, fused, matched, None if excluded else form)
        return Node(
            every([p.score for p in parts], negatives, extra),
            self._all_of([p.matched for p in parts], excluded),
            every_list,
            every([p.bound for p in parts], negatives, extra),
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
            impact = self.ranker.impact(t.fieldname, t.text)
            found.append((impact.at, impact.scores, self.ranker.lengths(t.fieldname)))
        return found

    @staticmethod
    def _fused(
        clauses: list[list[tuple[bytearray, list[list[float]], bytes]]],
        negatives: list[Score], extra: float,
    ) -> Score:  # fmt: skip
        """An AND of terms and ORs of two terms scored in one call per document (the
        closures per clause and per term cost a call each): the same additions in the same
        order as `every`'s."""
        return summed([clauses], negatives, extra)

    def _wide(self, q: Any, free: bool) -> Node:
        """A wide OR (`is_wide`): its common children from impacts, its rare ones scored."""
        if not free:
            raise Declined("a wide OR among candidates: added in the candidates' order")
        engine = self.engine
        children = list(q.children())
        engine.terms.locate_terms(children)  # their frequencies, found together
        commons = [is_common(child, engine) for child in children]
        rare_postings = (
            engine.terms.frequency(c.fieldname, c.text)
            for c, common_one in zip(children, commons, strict=True)
            if not common_one
        )
        if sum(rare_postings) > RARE_POSTINGS:
            raise Declined("too many rare postings: the plain path")
        rare_words: dict[str, list[str]] = {}
        for child, common_one in zip(children, commons, strict=True):
            if not common_one:
                rare_words.setdefault(child.fieldname, []).append(child.text)
        for field, texts in rare_words.items():
            engine.terms.read_many(field, texts)  # together: they lie together
        common: list[Common] = []
        rare: list[Word] = []
        for index, (child, common_one) in enumerate(zip(children, commons, strict=True)):
            lengths = self.ranker.lengths(child.fieldname)
            if common_one:
                impact = self.ranker.impact(child.fieldname, child.text)
                common.append(Common(index, impact, lengths, boost_of(child)))
            else:
                rare.append(read_word(engine, index, child, lengths))
        try:
            wide = Wide(common, Rare(rare, self.ranker.count) if rare else None, self.ranker.count)
        except ValueError as tie:
            raise Declined(str(tie)) from None
        return Node(wide.score, wide.matched, wide.lists, wide.score, wide.matched)

    def _kept_all(self, q: Any) -> bool:
        """True if the impacts of every term of `q` are kept."""
        return all(self.ranker.has(t.fieldname, t.text) for t in leaves_of(q, self.engine) or ())


def _pair_of(clause: list[tuple[bytearray, list[list[float]], bytes]]) -> tuple[Any, ...]:
    """A clause of one or two terms as one tuple: (at, scores, lengths) of each, the
    second's three None for a lone term."""
    if len(clause) == 1:
        return (*clause[0], None, None, None)
    if len(clause) == 2:
        return (*clause[0], *clause[1])
    raise ValueError(f"a clause of {len(clause)} terms")


def summed(
    ands: list[list[list[tuple[bytearray, list[list[float]], bytes]]]],
    negatives: list[Score], extra: float,
) -> Score:  # fmt: skip
    """The sum of the ANDs `ands` that match (None if none does), each an AND of terms and
    ORs of two terms, scored in one call per document: the same additions in the same order
    as `every`'s for each AND (an OR's two terms added first to second, as `either` adds
    them) and `either`'s for the ANDs; None where a NOT clause matches, else plus `extra`.
    Each clause is one flat tuple (`_pair_of`): no loop per clause."""
    flats = [[_pair_of(clause) for clause in clauses] for clauses in ands]

    def summed(d: int) -> float | None:
        for negative in negatives:
            if negative(d) is not None:
                return None
        result: float | None = None
        for flat in flats:
            total: float | None = None
            for at, table, lengths, at2, table2, lengths2 in flat:
                index = at[d]
                if at2 is None:
                    if not index:
                        total = None
                        break
                    value = table[index][lengths[d]]
                else:
                    index2 = at2[d]
                    if index:
                        value = table[index][lengths[d]]
                        if index2:
                            value = value + table2[index2][lengths2[d]]
                    elif index2:
                        value = table2[index2][lengths2[d]]
                    else:
                        total = None
                        break
                total = value if total is None else total + value
            if total is not None:
                result = total if result is None else result + total
        if result is None:
            return None
        return result + extra if extra else result

    return summed


def either(first: Score, second: Score) -> Score:
    """An OR of two: their sum where both match."""

    def either(d: int) -> float | None:
        x, y = first(d), second(d)
        if x is None:
            return y
        return x if y is None else x + y

    return either


def every(scorers: list[Score], negatives: list[Score], extra: float) -> Score:
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


__all__ = ["Compiler", "either", "every"]
