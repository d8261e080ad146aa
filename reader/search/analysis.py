"""Text analysis for the index: one fused tokenizer stage with cached folding and stemming.

Whoosh's stock chain (tokenizer, lowercase, stop, stem) costs a Python call per filter
per token; here one generator does it all, with per-word caches, so indexing and query
parsing are several times faster. Tokens fold case, accents and LaTeX (`$f$-Divergence`
gives `f`, `divergence`; `Schrödinger` gives `schrodinger`), so users find text however
the dump wrote it.

Positions count every word (every run of word characters), the ones not indexed included
(stop words, one-letter and over-long words), as Lucene and Whoosh's
`StopFilter(renumber=False)` do: so the phrase `"early training"` does not match "early in training", and the phrase
`"early in training"` matches "early <any word> training".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, cast

from whoosh.analysis import Analyzer, Token, Tokenizer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.porter import stem as porter_stem

_WORD = re.compile(r"\w+", re.UNICODE)
_MIN_SIZE = 2
_MAX_SIZE = 40


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Case- and accent-folded form of one word."""
    text = word.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter stem of an already folded word (cached: corpora repeat words a lot)."""
    return porter_stem(word) if word.isascii() and word.isalpha() else word


class FusedTokenizer(Tokenizer):
    """Tokenize, fold, drop stop words and (optionally) stem in one pass; every word,
    indexed or not, takes a position."""

    def __init__(self, stemming: bool = True, stoplist: frozenset[str] = STOP_WORDS) -> None:
        self.stemming = stemming
        self.stoplist = stoplist

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FusedTokenizer)
            and other.stemming == self.stemming
            and other.stoplist == self.stoplist
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.stemming))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stoplist = self.stoplist
        stemming = self.stemming
        if not tokenize:
            token.text = fold(value)
            token.original = token.text  # type: ignore[attr-defined]
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        pos = start_pos - 1
        for match in _WORD.finditer(value):
            pos += 1
            word = fold(match.group(0))
            if len(word) < _MIN_SIZE or len(word) > _MAX_SIZE:
                continue
            if word in stoplist:
                if removestops:
                    continue
                token.stopped = True
            else:
                token.stopped = False
            token.text = stem(word) if stemming else word
            if keeporiginal:
                token.original = match.group(0)  # type: ignore[attr-defined]
            token.boost = 1.0
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class PairTokenizer(Tokenizer):
    """Each two indexed stems at neighbouring positions, as one term (`larg languag`), at
    the position of the first (positions count every word, as `FusedTokenizer`'s do): a
    word the index skips (a stop word) between them makes no pair. The engine checks a
    phrase's neighbouring words through their pairs' postings, which are far shorter than
    its words' (`reader.search.engine`)."""

    def __init__(self, stoplist: frozenset[str] = STOP_WORDS) -> None:
        self.stoplist = stoplist

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PairTokenizer) and other.stoplist == self.stoplist

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(
        self, value: str, positions: bool = False, start_pos: int = 0, **kwargs: Any
    ) -> Iterator[Token]:
        token = Token(positions, False, removestops=True, mode=kwargs.get("mode", ""))
        token.boost = 1.0
        token.stopped = False
        previous = None
        stoplist = self.stoplist
        pos = start_pos - 1
        for match in _WORD.finditer(value):
            pos += 1
            word = fold(match.group(0))
            if len(word) < _MIN_SIZE or len(word) > _MAX_SIZE or word in stoplist:
                previous = None
                continue
            current = stem(word)
            if previous is not None:
                token.text = pair(previous, current)
                if positions:
                    token.pos = pos - 1
                yield token
            previous = current


def pair(first: str, second: str) -> str:
    """The pair term of two stems at neighbouring positions."""
    return f"{first} {second}"


def pair_analyzer() -> Analyzer:
    """Analyzer for the pair fields (neighbouring stems of the title or the abstract)."""
    return cast(Analyzer, PairTokenizer())


def stemming_analyzer() -> Analyzer:
    """Analyzer for title and abstract: folded, stop words removed, Porter-stemmed."""
    return cast(Analyzer, FusedTokenizer(stemming=True))  # a tokenizer alone is an analyzer


def plain_analyzer() -> Analyzer:
    """Analyzer for the unstemmed `words` field (spelling suggestions, wildcards)."""
    return cast(Analyzer, FusedTokenizer(stemming=False))


def token_spans(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(folded word, stem, start, end) for each indexed token of `text`, for highlighting."""
    for match in _WORD.finditer(text):
        word = fold(match.group(0))
        if len(word) < _MIN_SIZE or len(word) > _MAX_SIZE:
            continue
        yield word, stem(word), match.start(), match.end()
