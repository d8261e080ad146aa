"""The unstemmed vocabulary (`words` field) in memory: prefix, wildcard, fuzzy and spelling.

Whoosh walks its term index in Python for every wildcard, fuzzy term or "did you mean",
which is slow on a large index. Loaded once per index generation into a compact
`Vocabulary` (the sorted words in one UTF-8 string, searched in C), with document
frequencies read on demand, the same answers come from memory (bench/README.md has the
figures).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from reader.search.term_file import segment_terms
from reader.search.vocabulary import Vocabulary

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_LEAD = itemgetter(slice(0, 2))  # a term's first two bytes


class Lexicon:
    """Every term of one field with its document frequency."""

    def __init__(
        self,
        reader: Any,
        field: str = "words",
        vocabulary: Vocabulary | None = None,
        pause: Callable[[], None] | None = None,
    ) -> None:
        """`vocabulary`: the field's words if already at hand (read back from the stored
        file of the same commit), else read from the segments' term tables, calling
        `pause` now and then (`Vocabulary`)."""
        # Segment by segment: a multi-segment reader merges term infos per term (slow), and
        # the terms alone (no term infos) read much faster, straight from each segment's
        # terms file where that is supported; frequencies come on demand.
        self._leaves = [leaf for leaf, _base in reader.leaf_readers() if field in leaf.schema]
        self.field = field
        if vocabulary is None:
            parts = [segment_terms(leaf, field) for leaf in self._leaves]
            vocabulary = Vocabulary(merged_terms(parts), pause)
        self.vocabulary = vocabulary
        self._freqs: dict[str, int] = {}

    @property
    def words(self) -> Sequence[str]:
        """The words in order."""
        return self.vocabulary

    def __contains__(self, word: str) -> bool:
        return word in self.vocabulary

    def among(self, words: Iterable[str]) -> list[str]:
        """The known words of those given (many at once: spelling candidates)."""
        return self.vocabulary.among(words)

    def df(self, word: str) -> int:
        found = self._freqs.get(word)
        if found is None:
            found = 0
            if word in self.vocabulary:
                found = sum(leaf.doc_frequency(self.field, word) for leaf in self._leaves)
            self._freqs[word] = found
        return found

    # -- expansions --------------------------------------------------------------------
    def prefix(self, text: str) -> Iterator[str]:
        return iter(self.vocabulary.prefix(text))

    def prefix_bytes(self, text: str) -> Iterator[bytes]:
        return iter(self.vocabulary.prefix_bytes(text))

    def wildcard(self, pattern: str) -> Iterator[str]:
        """Words matching a `*`/`?` pattern (a literal head narrows the scan to its prefix)."""
        return iter(self.vocabulary.wildcard(pattern))

    def fuzzy(self, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Words within `maxdist` edits (insert, delete, substitute, swap) sharing `prefix` chars."""
        if maxdist <= 0:
            return [text] if text in self.vocabulary else []
        found = set(self.vocabulary.among(_edits1(text)))
        if text in self.vocabulary:
            found.add(text)
        if maxdist >= 2:
            found.update(self._within(text, maxdist))
        head = text[:prefix]
        return sorted(w for w in found if w.startswith(head))

    def _within(self, text: str, maxdist: int) -> Iterator[str]:
        """Words within `maxdist` edits: the words of a near length sharing the first letter
        (or starting with the second: a first-letter swap or insertion), banded DP."""
        for first in {text[:1], text[1:2]}:
            for word in self.vocabulary.sized(first, len(text) - maxdist, len(text) + maxdist):
                if _distance_within(text, word, maxdist):
                    yield word


def merged_terms(lexicons: list[Iterator[bytes]]) -> Iterator[bytes]:
    """The union of sorted term lists, in order and without repeats.

    Two leading bytes at a time: the terms of every segment that start with them go into
    one set, sorted in C. A k-way merge (`heapq.merge`) costs a Python step per term, and
    one set of every term is what the vocabulary is built to avoid holding.
    """
    if len(lexicons) <= 1:
        yield from (lexicons[0] if lexicons else ())
        return
    parts = [groupby(lexicon, _LEAD) for lexicon in lexicons]
    current = [next(p, None) for p in parts]
    while True:
        leads = [c[0] for c in current if c is not None]
        if not leads:
            return
        lead = min(leads)
        bucket: set[bytes] = set()
        for i, c in enumerate(current):
            if c is not None and c[0] == lead:
                bucket.update(c[1])
                current[i] = next(parts[i], None)
        yield from sorted(bucket)


def _body(pattern: str) -> str:
    """A `*`/`?` pattern as a regular expression over one word (no newlines)."""
    return "".join(
        "[^\n]*" if ch == "*" else "[^\n]" if ch == "?" else re.escape(ch) for ch in pattern
    )


def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(_body(pattern) + r"\Z")


def correct(
    word: str,
    known: Any,
    df: Any,
    lexicon: Any,
    maxdist: int = 2,
    among: Callable[[Iterable[str]], list[str]] | None = None,
) -> str | None:
    """Spelling correction with pluggable lookups: one edit away is checked term by term
    (no vocabulary load), or all at once by `among` (the known words of those given);
    two edits away scans the in-memory lexicon (`lexicon()`)."""
    if len(word) < 3 or known(word):
        return None
    near = among(_edits1(word)) if among else [w for w in _edits1(word) if known(w)]
    if not near and maxdist >= 2 and len(word) > 4:
        near = [w for w in lexicon()._within(word, 2) if w[:1] == word[:1]]
    if not near:
        return None
    return str(max(near, key=lambda w: (df(w), w)))


def _edits1(word: str) -> set[str]:
    """Every string one edit away (Norvig): deletes, swaps, substitutions, insertions."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    out.update(a + c + b[1:] for a, b in splits if b for c in _ALPHABET)
    out.update(a + c + b for a, b in splits for c in _ALPHABET)
    out.discard(word)
    return out


def _distance_within(a: str, b: str, k: int) -> bool:
    """True if the optimal-string-alignment distance of a and b is at most k (banded DP)."""
    if abs(len(a) - len(b)) > k:
        return False
    if a == b:
        return True
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        lo = max(1, i - k)
        hi = min(len(b), i + k)
        if lo > 1:
            cur[lo - 1] = k + 1
        ai = a[i - 1]
        best = cur[lo - 1] if lo > 1 else i
        for j in range(lo, hi + 1):
            cost = 0 if ai == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if hi < len(b):
            for j in range(hi + 1, len(b) + 1):
                cur[j] = k + 1
        if best > k:
            return False
        prev2, prev = prev, cur
    return prev[len(b)] <= k


class LexiconReader:
    """A Whoosh reader whose term expansions on the lexicon's field use the in-memory lexicon.

    A prefix (or a wildcard that starts with letters) walks Whoosh's term index from that
    prefix while the lexicon is not loaded (a one-off command, an app before its warm-up):
    the same words in the same order, without reading the whole vocabulary. A fuzzy term or
    a wildcard that starts with `*` or `?` needs the whole vocabulary and loads it.
    """

    def __init__(
        self, reader: Any, lexicon: Callable[[], Lexicon], loaded: Callable[[], Lexicon | None]
    ) -> None:
        self._reader = reader
        self._get = lexicon  # loads the lexicon on first use
        self._loaded = loaded  # the lexicon if it is loaded, else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)

    def _lex(self, field: str) -> Lexicon | None:
        lex: Lexicon = self._get()
        return lex if lex.field == field else None

    def _lex_if_loaded(self, field: str) -> Lexicon | None:
        lex = self._loaded()
        return lex if lex is not None and lex.field == field else None

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int = 0) -> Any:
        lex = self._lex(field)
        if lex is None:
            return self._reader.terms_within(field, text, maxdist, prefix=prefix)
        return lex.fuzzy(text, maxdist, prefix)

    def expand_prefix(self, field: str, prefix: str) -> Any:
        lex = self._lex_if_loaded(field)
        if lex is None:
            return self._reader.expand_prefix(field, prefix)
        return lex.prefix_bytes(prefix)

    def wildcard(self, field: str, pattern: str) -> Any:
        """Matching terms as str, or None when this field has no in-memory lexicon."""
        head = re.split(r"[*?]", pattern, maxsplit=1)[0]
        if head and self._lex_if_loaded(field) is None:
            regex = _pattern(pattern)
            found = (t.decode("utf-8") for t in self._reader.expand_prefix(field, head))
            return (w for w in found if regex.match(w))
        lex = self._lex(field)
        return None if lex is None else lex.wildcard(pattern)

    def doc_frequency(self, field: str, text: Any) -> int:
        lex = self._lex(field)
        if lex is None or not isinstance(text, str):
            return int(self._reader.doc_frequency(field, text))
        return lex.df(text)
