"""The part of the `words` vocabulary a "did you mean" two edits away looks at, read from
Whoosh's term index on demand: a one-off command need not load the whole vocabulary.

`lexicon.correct` keeps only corrections that share the misspelt word's first letter, so
the words starting with that letter are all it needs: a small part of the vocabulary,
read far faster than the whole of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reader.search.lexicon import _distance_within


class InitialVocabulary:
    """Stands in for `Lexicon` in `lexicon.correct`: `_within` over the words that share
    the searched word's first letter, read segment by segment from the term index."""

    def __init__(self, reader: Any, field: str = "words") -> None:
        self._leaves = [leaf for leaf, _base in reader.leaf_readers() if field in leaf.schema]
        self.field = field

    def _within(self, text: str, maxdist: int) -> Iterator[str]:
        """Known words starting with `text`'s first letter within `maxdist` edits of it."""
        if not text:
            return
        seen: set[str] = set()
        lo, hi = len(text) - maxdist, len(text) + maxdist
        for leaf in self._leaves:
            for term in leaf.expand_prefix(self.field, text[0]):
                word = term.decode("utf-8") if isinstance(term, bytes) else term
                if (
                    lo <= len(word) <= hi
                    and word not in seen
                    and _distance_within(text, word, maxdist)
                ):
                    seen.add(word)
                    yield word
