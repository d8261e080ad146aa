"""How the bulk writer indexes one schema field: its words mapped to terms, counted or placed.

A `BulkField` says how a field's values become postings (`words`: counted terms;
`positions`/`pairs`: terms or word pairs and their positions; `whoosh`: Whoosh's own
`index`) and holds the field's postings and lengths while a segment is written. The word
-> term maps (`Terms`) reproduce `analysis.FusedTokenizer`, shared by the fields that
analyse alike.
"""

from __future__ import annotations

import pickle
import struct
from array import array
from collections import Counter
from itertools import pairwise
from typing import Any

from reader.search.analysis import _MAX_SIZE, _MIN_SIZE, FusedTokenizer, PairTokenizer, fold, stem

#: Words remembered by each word -> term cache (cleared when full: a vocabulary that
#: keeps growing, as an arXiv snapshot's does, must not grow memory with it).
CACHE_WORDS = 200_000

_pack_uint = struct.Struct("!I").pack
#: Encoded position lists of a term found once in a field, by its position (most are).
_SINGLE: dict[int, bytes] = {}


def encode_positions(positions: list[int]) -> bytes:
    """A posting's value in Whoosh's `Positions` format: the count, then the pickled deltas."""
    if len(positions) == 1:
        pos = positions[0]
        found = _SINGLE.get(pos)
        if found is None:
            found = _pack_uint(1) + pickle.dumps([pos], 2)
            if pos < 4096:
                _SINGLE[pos] = found
        return found
    deltas = [positions[0], *(b - a for a, b in pairwise(positions))]
    return _pack_uint(len(deltas)) + pickle.dumps(deltas, 2)


class Terms(dict[str, str]):
    """Raw word -> indexed term ("" when dropped), as `FusedTokenizer` would produce it."""

    def __init__(self, stemming: bool, stoplist: frozenset[str]) -> None:
        super().__init__()
        self.stemming = stemming
        self.stoplist = stoplist

    def __missing__(self, raw: str) -> str:
        word = fold(raw)
        if len(word) < _MIN_SIZE or len(word) > _MAX_SIZE or word in self.stoplist:
            term = ""
        else:
            term = stem(word) if self.stemming else word
        if len(self) >= CACHE_WORDS:
            self.clear()
        self[raw] = term
        return term


def shared_terms(
    caches: dict[tuple[bool, frozenset[str]], Terms], stemming: bool, stoplist: frozenset[str]
) -> Terms:
    """One cache per kind of analysis in a build (the title and abstract share one)."""
    key = (stemming, frozenset(stoplist))
    found = caches.get(key)
    if found is None:
        found = caches[key] = Terms(stemming, frozenset(stoplist))
    return found


class BulkField:
    """How one schema field is indexed here: `words` (counted terms), `positions` (terms and
    their positions) or Whoosh's own `index`."""

    def __init__(
        self, name: str, fieldobj: Any, caches: dict[tuple[bool, frozenset[str]], Terms]
    ) -> None:
        self.name = name
        self.obj = fieldobj
        self.indexed = bool(fieldobj.indexed)
        self.scorable = bool(getattr(fieldobj, "scorable", False))
        self.stored = bool(fieldobj.stored)
        self.column = fieldobj.column_type
        fmt = getattr(fieldobj, "format", None)
        analyzer = getattr(fieldobj, "analyzer", None)
        self.boost = float(getattr(fmt, "field_boost", 1.0))
        self.fixed = fmt.fixed_value_size() if fmt is not None else None
        format_name = type(fmt).__name__ if fmt is not None else ""
        self.kind = "whoosh"
        self.terms: Terms | None = None
        if format_name in ("Frequency", "Positions") and type(analyzer) is FusedTokenizer:
            self.kind = "words" if format_name == "Frequency" else "positions"
            self.terms = shared_terms(caches, analyzer.stemming, analyzer.stoplist)
        elif format_name == "Positions" and type(analyzer) is PairTokenizer:
            self.kind = "pairs"
            self.terms = shared_terms(caches, True, analyzer.stoplist)
        #: Postings hold a value per posting (positions, Whoosh's own) rather than a count.
        self.valued = self.kind != "words"
        # words: term -> [doc, freq, doc, freq, ...]; positions: term -> [doc, weight, value,
        # ...]; whoosh: bytes -> [doc, weight, value, ...]
        self.postings: dict[Any, list[Any]] = {}
        self.lengths = array("I")  # quantised field length per docnum (0: none)


def counted(terms: list[str]) -> Counter[str]:
    """Term frequencies of a text value (its words mapped to terms by `BulkField.terms`)."""
    return Counter(filter(None, terms))


def term_positions(terms: list[str], pairs: bool = False) -> dict[str, list[int]]:
    """Term -> positions of a text value (its words mapped to terms; "" for a word the index
    skips, which still takes a position). `pairs`: the terms are the pairs of neighbouring
    indexed words, at the first one's position (`analysis.PairTokenizer`)."""
    if pairs:
        terms = [f"{a} {b}" if a and b else "" for a, b in pairwise(terms)]
    found: dict[str, list[int]] = {}
    for pos, term in enumerate(terms):
        if term:
            held = found.get(term)
            if held is None:
                found[term] = [pos]
            else:
                held.append(pos)
    return found
