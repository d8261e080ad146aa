"""Highlights: the character spans of a text that a query matched.

Plain words highlight everywhere they occur. A phrase highlights only where it occurs as a
phrase, by the rule the engine applies (`reader.search.engine`, `reader.search.query`):
every run of word characters takes a position, the words the index skips (stop words,
one-letter and over-long words) included; each phrase word must stand at its offset from
the first, with the field's tokenisation and stemming; a stop word in the quoted phrase
is a gap that any word fills. A sloppy phrase (`"a b"~3`) highlights where each word
follows the previous ones within the slop, in order. The span runs from the phrase's
first word to its last, the words between included.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from whoosh.analysis.filters import STOP_WORDS

from reader.search.analysis import _MAX_SIZE, _MIN_SIZE, _WORD, fold, stem
from reader.search.schema import PHRASE_FIELDS

_SHADOW_OF = {shadow: field for field, shadow in PHRASE_FIELDS.items()}
#: Fields whose terms are folded words, not stems; their terms highlight in any field.
_UNSTEMMED = frozenset({"words", "author"})


@dataclass(frozen=True)
class PhraseTerm:
    """One phrase of a query: its field, each word's (offset from the first, term), and
    its slop (1: the words at exactly those offsets)."""

    field: str
    placed: tuple[tuple[int, str], ...]
    slop: int = 1


class QueryTerms(frozenset[tuple[str, str]]):
    """A query's (field, term) pairs, as before, carrying its phrases alongside.

    The set holds every positive term, phrase words included, so code that only reads the
    set sees what it always saw; `plain` holds the terms that occur outside any phrase
    (they highlight everywhere), `phrases` the phrases (they highlight where they occur).
    """

    plain: frozenset[tuple[str, str]]
    phrases: tuple[PhraseTerm, ...]

    def __new__(
        cls, plain: Iterable[tuple[str, str]], phrases: Iterable[PhraseTerm] = ()
    ) -> QueryTerms:
        plain = frozenset(plain)
        phrases = tuple(dict.fromkeys(phrases))
        every = set(plain)
        every.update((p.field, t) for p in phrases for _, t in p.placed)
        self = super().__new__(cls, every)
        self.plain = plain
        self.phrases = phrases
        return self

    def __reduce__(self) -> Any:
        return (QueryTerms, (self.plain, self.phrases))


def query_terms(q: Any) -> QueryTerms:
    """The terms and phrases a match of `q` can contain (everything outside NOT)."""
    plain: set[tuple[str, str]] = set()
    phrases: list[PhraseTerm] = []
    _collect(q, plain, phrases)
    return QueryTerms(plain, phrases)


def _collect(q: Any, plain: set[tuple[str, str]], phrases: list[PhraseTerm]) -> None:
    from whoosh import query as wq

    if q is None or q is wq.NullQuery or isinstance(q, wq.Not):
        return
    if isinstance(q, wq.Require):
        phrase = _phrase(q.b)
        if phrase is not None:
            phrases.append(phrase)
            return
        _collect(q.a, plain, phrases)
    elif isinstance(q, wq.AndNot):
        _collect(q.a, plain, phrases)
    elif isinstance(q, wq.Term):
        plain.add((q.fieldname, str(q.text)))
    elif isinstance(q, (wq.Phrase, wq.SpanNear2)):
        phrase = _phrase(q)
        if phrase is not None:
            phrases.append(phrase)
    elif not q.is_leaf():
        for child in q.children():
            _collect(child, plain, phrases)


def _phrase(q: Any) -> PhraseTerm | None:
    """The phrase a positional query checks (`reader.search.phrases.phrase_places`), on the
    field the user named (a shadow field stands for its text field), or None."""
    from reader.search.phrases import phrase_places

    found = phrase_places(q)
    if found is None:
        return None
    return PhraseTerm(_SHADOW_OF.get(found.field, found.field), found.placed, found.slop)


def _positions(text: str) -> Iterator[tuple[str | None, bool, int, int]]:
    """Per position of `text`: (folded word, or None when too short or too long; whether
    it is a stop word; start; end)."""
    for match in _WORD.finditer(text):
        word = fold(match.group(0))
        sized = _MIN_SIZE <= len(word) <= _MAX_SIZE
        yield (word if sized else None), word in STOP_WORDS, match.start(), match.end()


def highlight_spans(
    text: str, terms: frozenset[tuple[str, str]], field: str = "abstract"
) -> list[tuple[int, int]]:
    """Spans of `text` that the query matched in `field`: plain terms of `field` (stemmed)
    or `words` (unstemmed) wherever they occur; phrases (carried by a `QueryTerms`) only
    where they occur as phrases. Sorted, not overlapping."""
    if isinstance(terms, QueryTerms):
        plain, phrases = terms.plain, terms.phrases
    else:
        plain, phrases = terms, ()
    stems = {t for f, t in plain if f == field}
    words = {t for f, t in plain if f == "words"}
    mine = [p for p in phrases if p.field == field or p.field == "words"]
    if not stems and not words and not mine:
        return []
    tokens = list(_positions(text))
    spans: list[tuple[int, int]] = []
    # A stem begins with its word's first letter (Porter only rewrites endings), so only
    # the words sharing an initial with a wanted stem are stemmed.
    if stems or words:
        initials = {t[:1] for t in stems}
        for word, _, start, end in tokens:  # stop words too, as highlights always did
            if word is not None and (
                word in words or (word[:1] in initials and stem(word) in stems)
            ):
                spans.append((start, end))
    if mine:
        folded = [None if stop else w for w, stop, _, _ in tokens]
        wanted = {t[:1] for p in mine for _, t in p.placed}
        # A word whose initial no phrase term has cannot match: kept unstemmed.
        stemmed = [stem(w) if w is not None and w[:1] in wanted else w for w in folded]
        for phrase in mine:
            terms_at = folded if phrase.field in _UNSTEMMED else stemmed
            for first, last in _occurrences(phrase, terms_at):
                spans.append((tokens[first][2], tokens[last][3]))
    return _merged(spans)


def _occurrences(phrase: PhraseTerm, terms_at: list[str | None]) -> Iterator[tuple[int, int]]:
    """(first, last) positions of each occurrence of `phrase` in a text's terms."""
    placed = phrase.placed
    first_term = placed[0][1]
    count = len(terms_at)
    for start, term in enumerate(terms_at):
        if term != first_term:
            continue
        if phrase.slop <= 1:
            base = start - placed[0][0]
            if all(0 <= base + off < count and terms_at[base + off] == t for off, t in placed[1:]):
                yield start, base + placed[-1][0]
        else:
            end = _sloppy_end(phrase, terms_at, start)
            if end is not None:
                yield start, end


def _sloppy_end(phrase: PhraseTerm, terms_at: list[str | None], start: int) -> int | None:
    """The nearest end of a sloppy phrase starting at `start`: each further word 1 to
    `slop` positions after the end of the previous ones, in order (Whoosh's `SpanNear2`
    with `ordered=True, mindist=1`, as the engine matches it)."""
    ends = {start}
    for _, term in phrase.placed[1:]:
        ends = {
            at
            for end in ends
            for at in range(end + 1, min(end + phrase.slop, len(terms_at) - 1) + 1)
            if terms_at[at] == term
        }
        if not ends:
            return None
    return min(ends)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out
