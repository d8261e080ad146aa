"""The query side of the impact ranker (`reader.search.impact`): a query of impact-ordered
terms compiled into closures (`Plan`), which queries it takes (`leaves_of`), and the
threshold algorithm that reads the terms' groups best first (`threshold`)."""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, repeat
from typing import TYPE_CHECKING, Any, NamedTuple

from whoosh import query as wq

if TYPE_CHECKING:
    from reader.search.engine import Engine

#: The most children an OR may have: two add the same in either order.
MAX_OR = 2
#: An OR's term children with fewer postings than this are scored from their postings
#: (`reader.search.impact_wide`), the others ranked from their impacts.
RARE = 20_000
#: Documents in the most lists of a query scored before its lists are read (`_in_most`),
#: for queries of more lists than `IN_MOST_LISTS`: `IN_MOST`, or one document in
#: `IN_MOST_PER` of the index if that is more. Three common words in the title and
#: abstract of a large index have a few documents in all six lists and many more in five:
#: scoring both first bounds the others by four lists, and the reading then stops within a
#: few groups instead of reading tens of thousands of documents of the title's lists. Two
#: words in the title and abstract (four lists) gain the same way: those holding both
#: words in both fields are scored first and the others bounded by three lists. In a
#: small index, the reading stops sooner than such a share would be scored.
IN_MOST = 4096
IN_MOST_PER = 32
IN_MOST_LISTS = 3
#: A margin on the stopping bound, for sums added in another order than the bound's.
_MARGIN = 1e-9


#: A document's score (None: no match); the matches, a byte per docnum; a term's groups.
Score = Callable[[int], float | None]
Matched = Callable[[], int]
Groups = Sequence[tuple[float, "array[int]"]]


#: A list the threshold algorithm reads: its groups and its matches (a byte per docnum).
Listed = tuple[Groups, Matched]


class Node(NamedTuple):
    """A query (or a part of one) compiled: a document's score, its matches, its lists, and
    what holds before its phrases are checked: a score at least `score`'s wherever that
    matches (its phrases' words' scores) and matches including `matched`'s."""

    score: Score
    matched: Matched
    lists: list[Listed]
    bound: Score
    candidates: Matched
    #: When `bound` is an AND of terms and ORs of two terms without NOT clauses: its
    #: clauses, each a list of (byte per document, scores, the field's lengths) per term,
    #: so that an OR of two such bounds is scored in one call (`impact_compile.summed`).
    form: list[list[tuple[bytearray, list[list[float]], bytes]]] | None = None


class Plan(NamedTuple):
    """A query compiled over impacts: `score(d)`, `matched()`, the scored terms' lists, the
    NOT clauses' most, and its phrases' filters (`reader.search.phrases.PhraseFilter`)."""

    score: Score
    matched: Matched
    lists: list[Listed]
    extra: float
    bound: Score
    candidates: Matched
    filters: tuple[Any, ...]


class Checked:
    """`threshold`'s tally when it checks a plan's phrases as it goes: documents scored
    exactly and matching, scored exactly and not matching (a phrase not there), passed
    over unscored (their bound could not reach the top). Past `budget` exact scores it
    raises `TooManyChecks`."""

    __slots__ = ("budget", "failing", "matching", "unchecked")

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.matching = self.failing = self.unchecked = 0


class TooManyChecks(Exception):
    """`threshold` checked more documents than its budget: finding every match is cheaper."""


def not_clauses_bound(q: Any) -> float:
    """The most the NOT clauses of `q` add to a score (Whoosh scores each 1, per AND)."""
    if isinstance(q, wq.And):
        inner = [c for c in q.children() if not isinstance(c, wq.Not)]
        return len(list(q.children())) - len(inner) + sum(map(not_clauses_bound, inner))
    if isinstance(q, wq.Or):
        return sum(map(not_clauses_bound, q.children()))
    if isinstance(q, wq.Require):
        return not_clauses_bound(q.a)
    return 0.0


def flags_of(docs: Iterable[int], size: int) -> int:
    """`docs` as an integer with a byte per docnum (1 where the document is)."""
    flags = bytearray(size)
    any(map(flags.__setitem__, docs, repeat(1)))
    return int.from_bytes(flags, "little")


def docnums(flags: int) -> list[int]:
    """The docnums whose byte is 1 in `flags` (`flags_of`'s inverse), ascending."""
    data = flags.to_bytes((flags.bit_length() + 7) // 8, "little")
    return list(compress(range(len(data)), data))


def leaves_of(q: Any, engine: Engine) -> list[Any] | None:
    """Every term of `q` whose impact it uses (scored ones and those of its NOT clauses; of
    a wide OR, see `is_wide`, only those with `RARE` postings or more), or None if `q` is
    not made of scored terms, ORs of at most two, wide ORs, ANDs with at least one clause
    that is not a NOT, and phrase filters (`Require(words, phrase)`), all unboosted but
    the terms of a wide OR."""
    if boosted(q):
        return None
    if isinstance(q, wq.Term):
        return [q] if _scorable(q, engine) else None
    if is_wide(q):
        if not all(_scorable(c, engine) for c in q.children()):
            return None
        return common_children(q, engine)
    if isinstance(q, wq.Or):
        children = list(q.children())
        if getattr(q, "scale", None) or q.minmatch or not 0 < len(children) <= MAX_OR:
            return None
        return _all_leaves(children, engine)
    if isinstance(q, wq.Require):
        if not isinstance(q.b, (wq.Phrase, wq.SpanNear2)):
            return None
        return leaves_of(q.a, engine)
    if isinstance(q, wq.And):
        children = list(q.children())
        if all(isinstance(c, wq.Not) for c in children):
            return None
        inner = [c.query if isinstance(c, wq.Not) and not boosted(c) else c for c in children]
        if any(isinstance(c, wq.Not) for c in inner):
            return None  # a boosted NOT, or NOT NOT
        return _all_leaves(inner, engine)
    return None


def is_wide(q: Any) -> bool:
    """True for an OR the wide way takes: more than two children or boosted ones, every
    child a term, no scaling or minimum match."""
    if not isinstance(q, wq.Or) or getattr(q, "scale", None) or q.minmatch:
        return False
    children = list(q.children())
    if not children or not all(isinstance(c, wq.Term) for c in children):
        return False
    return len(children) > 2 or any(boost_of(c) != 1.0 for c in children)


def common_children(q: Any, engine: Engine) -> list[Any]:
    """The children of a wide OR that get impacts (`is_common`)."""
    engine.terms.locate_terms(q.children())  # their frequencies, found together
    return [c for c in q.children() if is_common(c, engine)]


def is_common(q: Any, engine: Engine) -> bool:
    """True for a term of `RARE` postings or more: a wide OR ranks it from its impact."""
    return engine.terms.frequency(q.fieldname, q.text) >= RARE


def boost_of(q: Any) -> float:
    """A query's boost (1.0 when it has none)."""
    boost = getattr(q, "boost", 1.0)
    return 1.0 if boost is None else float(boost)


def _all_leaves(children: list[Any], engine: Engine) -> list[Any] | None:
    found: list[Any] = []
    for child in children:
        leaves = leaves_of(child, engine)
        if leaves is None:
            return None
        found.extend(leaves)
    return found


def _scorable(q: Any, engine: Engine) -> bool:
    """True for a term of a scored field."""
    schema = engine.searcher.schema
    return isinstance(q.text, str) and q.fieldname in schema and schema[q.fieldname].scorable


def boosted(q: Any) -> bool:
    return boost_of(q) != 1.0


def scored(score: Score, docs: Iterable[int]) -> Iterator[tuple[float, int]]:
    """(score, -docnum) of each of `docs`, which all match."""
    for d in docs:
        value = score(d)
        assert value is not None, d
        yield value, -d


def threshold(
    plan: Plan, limit: int, total: int, within: bytes, checked: Checked | None = None
) -> list[tuple[float, int]]:
    """The best `limit` (score, -docnum) pairs among `within` (a byte per docnum, 1 for the
    documents to rank: the query's matches, those allowed, `total` of them). Each list's
    groups are read best first, keeping only their documents `within` and skipping the
    groups left empty; each new document is scored exactly; the reading stops once no
    document not read yet can reach the k-th best. Such a document's score is at most the
    sum of the next groups of the lists it is in, plus the NOT clauses' 1s; with more than
    `IN_MOST_LISTS` lists (words in two fields, an OR of many terms) the documents in the
    most lists are scored first (`_in_most`), so that the others are in at
    most `width` lists and the bound is the sum of the `width` best next groups.

    With `checked`, `within` holds the plan's candidates (its phrases not checked) and the
    phrases are checked as it goes: a document is scored exactly (phrases checked) only if
    its bound (`Plan.bound`, its words' score, at least its score) could enter the top;
    one whose phrase is not there is left out. The bound on the documents not read yet
    holds for their words' scores, so the top is the same."""
    readers = [_within(groups, within) for groups, _ in plan.lists]
    heads = [next(reader, None) for reader in readers]
    #: The group after each head (a list's level once its head is read).
    after = [
        next(reader, None) if head else None for reader, head in zip(readers, heads, strict=True)
    ]
    levels = [head[0] if head else 0.0 for head in heads]
    score, bound = plan.score, plan.bound
    seen: set[int] = set()
    heap: list[tuple[float, int]] = []
    wanted = min(limit, total)

    def keep(item: tuple[float, int]) -> None:
        if len(heap) < limit:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)

    def take(docs: Iterable[int]) -> None:
        fresh = [d for d in docs if d not in seen]
        seen.update(fresh)
        if checked is None:
            for d in fresh:
                s = score(d)
                assert s is not None, d
                item = (s, -d)
                if len(heap) < limit:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
            return
        # The bound first (the exact score checks phrases), best bound first: the top fills
        # with the likeliest documents, and once one's bound cannot enter it, no later one's
        # can (the top's least only rises). Ties of bounds in ascending docnum, as the top
        # orders them; ordered by indexes, without a tuple per document kept meanwhile.
        fresh.sort()
        bounds: list[float] = []
        for d in fresh:
            b = bound(d)
            assert b is not None, d
            bounds.append(b)
        order = sorted(range(len(fresh)), key=bounds.__getitem__, reverse=True)
        for at, i in enumerate(order):
            d = fresh[i]
            if len(heap) >= limit and (bounds[i], -d) <= heap[0]:
                checked.unchecked += len(order) - at
                return
            s = score(d)
            if s is None:
                checked.failing += 1
            else:
                checked.matching += 1
            if checked.failing + checked.matching > checked.budget:
                raise TooManyChecks
            if s is not None:
                keep((s, -d))

    width = len(readers)
    if width > IN_MOST_LISTS:
        width, most = _in_most(plan, within)
        take(most)
    while True:
        ceiling = sum(heapq.nlargest(width, levels)) + plan.extra
        if len(heap) >= wanted and (not heap or heap[0][0] > ceiling + abs(ceiling) * _MARGIN):
            break
        left = [i for i, head in enumerate(heads) if head is not None]
        if not left:
            break  # every group read
        i = _next_list(left, heads, after, levels, width == len(readers))
        head = heads[i]
        assert head is not None
        heads[i] = found = after[i]
        after[i] = next(readers[i], None) if found else None
        levels[i] = found[0] if found else 0.0
        take(head[1])
    return heap


def _next_list(
    left: list[int], heads: list[Any], after: list[Any], levels: list[float], every: bool
) -> int:
    """The list to read a group of next: the one whose head lowers the bound most per
    document it holds (a common word's groups are large and its level low: read last), or,
    when the bound counts only some lists (`width`) or no head lowers it, the one with the
    highest level."""
    if every:
        best, gain = -1, 0.0
        for i in left:
            drop = levels[i] - (after[i][0] if after[i] else 0.0)
            if drop > 0.0:
                value = drop / len(heads[i][1])
                if value > gain:
                    best, gain = i, value
        if best >= 0:
            return best
    return max(left, key=levels.__getitem__)


def _within(groups: Groups, within: bytes) -> Iterator[tuple[float, array[int]]]:
    """The groups' documents `within` (a byte per docnum), the groups left empty skipped."""
    for value, docs in groups:
        kept = array("I", compress(docs, map(within.__getitem__, docs)))
        if kept:
            yield value, kept


def _in_most(plan: Plan, within: bytes) -> tuple[int, list[int]]:
    """(w, the documents `within` in more than w of the plan's lists) for the least w at
    which those are at most `IN_MOST`, or the share `IN_MOST_PER` of the index gives (w at
    least 1). The lists' matches, a byte per docnum each, are added as integers: each byte
    becomes the number of lists the document is in (documents not `within` masked out: 255
    times their 0 or 1 byte, a 0 or 255 byte).
    The counts are tallied from the most lists down, only as far as w goes, and the few
    documents above w are found by searching for their bytes (`_places`)."""
    most = max(IN_MOST, len(within) // IN_MOST_PER)
    counts = 0
    for _, present in plan.lists:
        counts += present()
    counts &= int.from_bytes(within, "little") * 255
    data = counts.to_bytes((counts.bit_length() + 7) // 8, "little")
    width = len(plan.lists)
    above = 0
    while width > 1:
        here = data.count(width)
        if above + here > most:
            break
        above += here
        width -= 1
    if not above:
        return width, []
    more = bytes(1 if n > width else 0 for n in range(256))
    return width, _places(data.translate(more), 1)


def _places(data: bytes, value: int) -> list[int]:
    """The offsets of the bytes `value` in `data`, in order (few of them: one search each,
    where walking every byte would cost one step per docnum)."""
    found: list[int] = []
    find, at = data.find, data.find(value)
    while at >= 0:
        found.append(at)
        at = find(value, at + 1)
    return found
