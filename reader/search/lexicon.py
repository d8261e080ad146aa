"""The unstemmed vocabulary (`words` field) in memory: prefix, wildcard, fuzzy and spelling.

Whoosh walks its term index in Python for every wildcard, fuzzy term or "did you mean",
which is slow on a large index. Loaded once per index generation (a sorted list, a set,
document frequencies, and the words joined in one string so a wildcard becomes one C-level
regex scan), the same answers come from memory (bench/README.md has the figures).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from typing import Any

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


class Lexicon:
    """Every term of one field with its document frequency."""

    def __init__(self, reader: Any, field: str = "words") -> None:
        known: set[str] = set()
        # Segment by segment: a multi-segment reader merges term infos per term (slow), and
        # the terms alone (no term infos) read much faster; frequencies come on demand.
        leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
        self._leaves = [leaf for leaf, _base in leaves if field in leaf.schema]
        for leaf in self._leaves:
            known.update(b.decode("utf-8") for b in leaf.lexicon(field))
        self.field = field
        self.known = known
        self.words = sorted(known)
        self._freqs: dict[str, int] = {}
        self._blob: str | None = None
        self._by_length: dict[tuple[str, int], list[str]] | None = None

    def __contains__(self, word: str) -> bool:
        return word in self.known

    def df(self, word: str) -> int:
        found = self._freqs.get(word)
        if found is None:
            found = 0
            if word in self.known:
                found = sum(leaf.doc_frequency(self.field, word) for leaf in self._leaves)
            self._freqs[word] = found
        return found

    # -- expansions --------------------------------------------------------------------
    def prefix(self, text: str) -> Iterator[str]:
        words = self.words
        i = bisect.bisect_left(words, text)
        while i < len(words) and words[i].startswith(text):
            yield words[i]
            i += 1

    def wildcard(self, pattern: str) -> Iterator[str]:
        """Words matching a `*`/`?` pattern (a literal head narrows the scan by bisection)."""
        head = re.split(r"[*?]", pattern, maxsplit=1)[0]
        body = _body(pattern)
        if head:
            regex = _pattern(pattern)
            yield from (w for w in self.prefix(head) if regex.match(w))
            return
        if self._blob is None:
            self._blob = "\n".join(self.words)
        for match in re.finditer(f"(?m)^{body}$", self._blob):
            yield match.group(0)

    def fuzzy(self, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Words within `maxdist` edits (insert, delete, substitute, swap) sharing `prefix` chars."""
        if maxdist <= 0:
            return [text] if text in self.known else []
        found = {w for w in _edits1(text) if w in self.known}
        if text in self.known:
            found.add(text)
        if maxdist >= 2:
            found.update(self._within(text, maxdist))
        head = text[:prefix]
        return sorted(w for w in found if w.startswith(head))

    def _within(self, text: str, maxdist: int) -> Iterator[str]:
        """Words within `maxdist` edits: a length- and first-letter-bucketed scan, banded DP."""
        if self._by_length is None:
            buckets: dict[tuple[str, int], list[str]] = {}
            for w in self.words:
                buckets.setdefault((w[:1], len(w)), []).append(w)
            self._by_length = buckets
        firsts = {text[:1], text[1:2]}  # a first-letter swap or insertion keeps one of these
        for first in firsts:
            for size in range(len(text) - maxdist, len(text) + maxdist + 1):
                for word in self._by_length.get((first, size), ()):
                    if _distance_within(text, word, maxdist):
                        yield word


def _body(pattern: str) -> str:
    """A `*`/`?` pattern as a regular expression over one word (no newlines)."""
    return "".join(
        "[^\n]*" if ch == "*" else "[^\n]" if ch == "?" else re.escape(ch) for ch in pattern
    )


def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(_body(pattern) + r"\Z")


def correct(word: str, known: Any, df: Any, lexicon: Any, maxdist: int = 2) -> str | None:
    """Spelling correction with pluggable lookups: one edit away is checked term by term
    (no vocabulary load); two edits away scans the in-memory lexicon (`lexicon()`)."""
    if len(word) < 3 or known(word):
        return None
    near = [w for w in _edits1(word) if known(w)]
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
        return (w.encode("utf-8") for w in lex.prefix(prefix))

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
