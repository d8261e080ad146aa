"""Term infos of many words of one field at once, from one pass over each segment's terms.

An OR of many words (the expansion of a prefix, wildcard or fuzzy term) needs each word's
term info in every segment (`Engine.located`). A hash look-up per word per segment costs a
few small reads, and most of them fail (a word is in few of the segments). A segment's
terms are stored in key order, so the words from the first wanted one to the last are read
in one pass (`term_file.segment_items`, or Whoosh's public `IndexReader.iter_from` where
that declines), for a fraction of a look-up per term. Where
the wanted words are a small part of the terms between them (`gen*tion` among the `gen`
words), a segment's pass stops once it has read `PER_WORD` terms per wanted word it went
past, plus `SLACK`, and the words after its last term are looked up one by one, as are all
the words in the segments after it (they hold much the same words): such words cost one
short pass more than look-ups alone.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from whoosh import query as wq
from whoosh.reading import TermNotFound

from reader.search.term_file import info_of, segment_items

#: Fewer words than this are looked up one by one: a pass starts with a binary search of
#: the segment's terms file, about what a dozen look-ups cost.
FEW_WORDS = 16
#: A pass stops past this many terms read per wanted word it went past, plus `SLACK`.
PER_WORD = 3
SLACK = 32

#: A look-up of one term in one segment: (leaf number, term bytes) -> its info or None.
Lookup = Callable[[int, bytes], Any]
#: Per segment holding a term: (leaf number, its term info), in leaf order.
Located = list[tuple[int, Any]]


def terms_by_field(queries: Iterable[Any], schema: Any) -> dict[str, list[str]]:
    """The texts of the terms among `queries` (an OR's children), by field of `schema`."""
    fields: dict[str, list[str]] = {}
    for q in queries:
        if isinstance(q, wq.Term) and isinstance(q.text, str) and q.fieldname in schema:
            fields.setdefault(q.fieldname, []).append(q.text)
    return fields


def worth_a_pass(words: Sequence[bytes]) -> bool:
    """True for words (sorted) that one pass per segment finds faster than look-ups: many,
    with a common prefix (without one they are spread over the whole vocabulary)."""
    return len(words) >= FEW_WORDS and words[0][:1] == words[-1][:1] != b""


def located_all(
    readers: Sequence[Any], field: str, words: Sequence[bytes], lookup: Lookup
) -> dict[bytes, Located] | None:
    """Per word of `words` (sorted, distinct): (leaf, term info) for each of `readers`
    holding it, as `lookup` finds them, or None when a reader cannot list its terms (or
    not this field's)."""
    if not words or not all(hasattr(reader, "iter_from") for reader in readers):
        return None
    found: dict[bytes, Located] = {word: [] for word in words}
    passing = True
    for leaf, reader in enumerate(readers):
        try:
            passed = _scan(reader, leaf, field, words, found) if passing else 0
        except TermNotFound:  # a field the segments do not index
            return None
        passing = passed == len(words)
        for word in words[passed:]:
            info = lookup(leaf, word)
            if info is not None:
                found[word].append((leaf, info))
    return found


def _scan(
    reader: Any, leaf: int, field: str, words: Sequence[bytes], found: dict[bytes, Located]
) -> int:
    """Adds to `found` the infos of the segment's terms among `words`, read in key order
    from the first word; the number of words decided (those up to the last term read: one
    not seen by then is not in the segment)."""
    last = words[-1]
    items = segment_items(reader, field, words[0], last)
    if items is None:
        items = _whooshs(reader, field, words[0], last)
    for read, (text, info) in enumerate(items, 1):
        entry = found.get(text)
        if entry is not None:
            entry.append((leaf, info_of(info) if isinstance(info, bytes) else info))
        if read > SLACK:
            passed = bisect_right(words, text)
            if read > PER_WORD * passed + SLACK:
                return passed
    return len(words)


def _whooshs(reader: Any, field: str, first: bytes, last: bytes) -> Iterator[tuple[bytes, Any]]:
    """The segment's terms of `field` from `first` to `last` with their infos, through
    Whoosh's `iter_from`."""
    for (name, text), info in reader.iter_from(field, first):
        if name != field or text > last:
            return
        yield text, info
