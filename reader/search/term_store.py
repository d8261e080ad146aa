"""The terms of one engine's segments: where each term is in them (its term info per
segment), its document frequency and idf, and its postings read whole, with positions, or
a block at a time, each remembered within a budget (`reader.search.engine` scores from
them; the impact ranker and the phrase matcher read them through it).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from whoosh.reading import TermNotFound

from reader.search.compat import Unsupported
from reader.search.lru import SizedLRU
from reader.search.postings import (
    SENTINEL,
    PostingBlocks,
    plain_length,
    read_all,
    read_buffer,
    read_placed,
)
from reader.search.term_lookup import located_all, terms_by_field, worth_a_pass

#: Postings kept decoded in memory (about 8 bytes each): common terms recur across queries.
CACHE_POSTINGS = 4_000_000
#: Postings kept with their encoded positions (about 50 bytes each), for phrases.
CACHE_POSITIONS = 1_000_000
#: Posting lists kept for checking a few documents (`blocks_in`), in bytes (their encoded
#: postings and the blocks they may keep decoded).
CACHE_BLOCK_BYTES = 48 * 1024 * 1024
#: Document frequencies and idfs remembered (a few hundred kilobytes each).
FREQUENCIES = 20_000
#: Term infos remembered (about 150 bytes each; a term has one per segment holding it).
CACHE_LOCATED = 40_000
#: `read_many` reads a segment's wanted posting lists in runs, one read per run: a run
#: ends where the next wanted list starts more than `GAP_BYTES` after it (the lists of other
#: words between them: a prefix's common words, a wildcard's words that sort apart).
GAP_BYTES = 64 * 1024


class TermStore:
    """The term infos, counts and postings of one searcher's segments (`leaves`, as
    `leaf_readers` gives them). `keep=False`: only the newest term's postings are kept (a
    pass over some terms that it would not read again: the warm-up's)."""

    def __init__(self, searcher: Any, leaves: list[tuple[Any, int]], keep: bool = True) -> None:
        self.searcher = searcher
        self.leaves = leaves
        self._cache: SizedLRU[tuple[str, str], list[tuple[int, Any, Any]]] = SizedLRU(
            (lambda: CACHE_POSTINGS) if keep else 0
        )
        self._placed: SizedLRU[tuple[str, str], dict[int, tuple[Any, Any]]] = SizedLRU(
            lambda: CACHE_POSITIONS
        )
        self._blocks: SizedLRU[tuple[str, str, int], PostingBlocks] = SizedLRU(
            lambda: CACHE_BLOCK_BYTES
        )
        self._frequencies: dict[tuple[str, str], int] = {}
        self._idfs: dict[tuple[str, str], float] = {}
        self._located: SizedLRU[tuple[str, str], list[tuple[int, Any]]] = SizedLRU(
            lambda: CACHE_LOCATED
        )

    def has_postings(self, field: str, text: str) -> bool:
        """True if the term's postings are in memory (`postings` would not read them)."""
        return (field, text) in self._cache

    def frequency(self, field: str, text: str) -> int:
        """A term's document frequency (deleted documents included): the sum of its term
        infos' (`located`), remembered, as Whoosh's `doc_frequency` sums its segments'."""
        key = (field, text)
        found = self._frequencies.get(key)
        if found is None:
            infos = self.located(field, text)
            found = self._frequencies.get(key)
            if found is None:  # its term infos outlived the count (cleared when full)
                found = self._count(key, infos)
        return found

    def idf(self, field: str, text: str) -> float:
        """The searcher's weighting model's idf of a term (`Searcher.idf`), computed from
        `frequency` instead of a second look-up in every segment."""
        key = (field, text)
        found = self._idfs.get(key)
        if found is None and not self.leaves:
            return 0.0  # an empty index: nothing to score (its log would be of zero)
        if found is None:
            if len(self._idfs) >= FREQUENCIES:
                self._idfs.clear()
            found = self._idfs[key] = self.searcher.weighting.idf(_Counts(self), field, text)
        return found

    def located(self, field: str, text: str) -> list[tuple[int, Any]]:
        """Per segment holding the term: (leaf number, its term info), from one look-up per
        segment (a prefix's words each need them for their frequency, idf and postings:
        one pass over the segments instead of three), remembered for a while."""
        key = (field, text)
        found = self._located.get(key)
        if found is not None:
            return found
        btext = self._bytes(field, text)
        found = []
        for leaf in range(len(self.leaves)):
            info = self._info(field, leaf, btext)
            if info is not None:
                found.append((leaf, info))
        self._remember(key, found)
        return found

    def locate_terms(self, queries: Iterable[Any]) -> None:
        """`locate_all` for the terms among `queries` (an OR's children), field by field,
        before they are asked for one at a time."""
        for field, texts in terms_by_field(queries, self.searcher.schema).items():
            self.locate_all(field, texts)

    def locate_all(self, field: str, texts: Iterable[str]) -> None:
        """`located` of many words of one field at once (an expansion's): each segment's
        terms from the first word to the last read in one pass (`term_lookup`) instead of
        a look-up per word per segment. Words it remembers already are skipped."""
        wanted: dict[bytes, str] = {}
        for text in texts:
            if (field, text) not in self._located:
                try:
                    wanted[self._bytes(field, text)] = text
                except UnicodeError:
                    continue  # left to `located`, which raises as it always has
        words = sorted(wanted)
        found = None
        if worth_a_pass(words):
            readers = [reader for reader, _ in self.leaves]
            found = located_all(readers, field, words, partial(self._info, field))
        if found is None:
            for text in wanted.values():
                self.located(field, text)
            return
        for word, infos in found.items():
            self._remember((field, wanted[word]), infos)

    def _bytes(self, field: str, text: str) -> bytes:
        """A term's text as the index stores it."""
        fieldobj = self.searcher.schema[field]
        return fieldobj.to_bytes(text) if hasattr(fieldobj, "to_bytes") else text.encode("utf-8")

    def _info(self, field: str, leaf: int, btext: bytes) -> Any:
        """A term's info in one segment, or None if the segment does not hold it."""
        try:
            return self.leaves[leaf][0]._terms.term_info(field, btext)
        except TermNotFound:
            return None

    def _remember(self, key: tuple[str, str], found: list[tuple[int, Any]]) -> None:
        """Keeps a term's infos (`located`) and its document frequency."""
        self._located.put(key, found, len(found) + 1)
        self._count(key, found)

    def _count(self, key: tuple[str, str], found: list[tuple[int, Any]]) -> int:
        """Remembers and gives a term's document frequency, the sum of its infos'."""
        if len(self._frequencies) >= FREQUENCIES:
            self._frequencies.clear()
        count = self._frequencies[key] = sum(info.doc_frequency() for _, info in found)
        return count

    def _matchers(self, field: str, text: str) -> Iterator[tuple[int, Any]]:
        """Per segment holding the term: (leaf number, a raw matcher of its postings)."""
        for leaf, info in self.located(field, text):
            yield leaf, self._matcher(field, text, leaf, info)

    def _matcher(self, field: str, text: str, leaf: int, info: Any) -> Any:
        """A raw matcher of a term's postings in one segment, from its term info there."""
        fieldobj = self.searcher.schema[field]
        btext = self._bytes(field, text)
        terms = self.leaves[leaf][0]._terms
        return terms._codec.postings_reader(
            terms._postfile, info, fieldobj.format, term=(field, btext), scorer=None
        )

    def postings(self, field: str, text: str) -> list[tuple[int, Any, Any]]:
        """Per segment: (leaf, ids, weights) for one term (cached)."""
        key = (field, text)
        found = self._cache.get(key)
        if found is not None:
            return found
        out = []
        size = 0
        for leaf, m in self._matchers(field, text):
            ids, weights = read_all(m)
            size += len(ids)
            out.append((leaf, ids, weights))
        self._cache.put(key, out, size + 1)
        return out

    def read_many(self, field: str, texts: Iterable[str]) -> None:
        """`postings` of many terms of one field at once (the rare words of a prefix),
        kept as `postings` keeps them. A segment writes its posting lists in term order, so
        the lists of words that sort together lie together: one read per run of them
        (`_runs`) replaces a read (and a matcher) per word per segment. The lists are decoded
        as `postings` decodes them; those of a run in a layout `read_buffer` does not know
        are read one by one, as `postings` reads them."""
        wanted = [text for text in dict.fromkeys(texts) if (field, text) not in self._cache]
        if not wanted:
            return
        self.locate_all(field, wanted)
        extents: dict[int, list[tuple[int, int, str]]] = {}
        for text in wanted:
            for leaf, info in self.located(field, text):
                if not info.is_inlined():
                    extents.setdefault(leaf, []).append((*_extent_of(info), text))
        read: dict[tuple[str, int], tuple[array[int], array[float]]] = {}
        for leaf, spans in extents.items():
            for run in _runs(sorted(spans)):
                read.update(self._run(leaf, run))
        for text in wanted:
            out = []
            size = 0
            for leaf, info in self.located(field, text):
                found = read.get((text, leaf))
                if found is None:
                    found = read_all(self._matcher(field, text, leaf, info))
                out.append((leaf, *found))
                size += len(found[0])
            self._cache.put((field, text), out, size + 1)

    def _run(
        self, leaf: int, run: list[tuple[int, int, str]]
    ) -> dict[tuple[str, int], tuple[array[int], array[float]]]:
        """The posting lists at `run` (offset, length, term; in offset order) of one
        segment, from one read of the bytes from the first to the end of the last, or none
        in a layout `read_buffer` does not know (then each is read on its own)."""
        start = run[0][0]
        end = max(offset + length for offset, length, _ in run)
        data = self._bytes_at(leaf, start, end - start)
        found = {}
        try:
            for offset, length, text in run:
                found[text, leaf] = read_buffer(data[offset - start : offset - start + length])
        except Unsupported:
            return {}
        return found

    def postings_in(self, field: str, text: str, leaf: int) -> tuple[array[int], array[float]]:
        """A term's postings in one segment: (ids, weights), not cached (for storing)."""
        info = dict(self.located(field, text)).get(leaf)
        if info is None:
            return array("I"), array("f")
        return read_all(self._matcher(field, text, leaf, info))

    def placed(self, field: str, text: str) -> dict[int, tuple[Any, Any]]:
        """Per segment (leaf number): (ids, encoded positions) of one term of a field with
        positions (cached). The ids end with a sentinel no docnum reaches."""
        key = (field, text)
        found = self._placed.get(key)
        if found is not None:
            return found
        out: dict[int, tuple[Any, Any]] = {}
        size = 0
        for leaf, m in self._matchers(field, text):
            ids, values = read_placed(m)
            size += len(ids)
            ids.append(SENTINEL)
            values.append(b"")
            out[leaf] = (array("I", ids), values)
        self._placed.put(key, out, size + 1)
        return out

    def blocks_in(self, field: str, text: str, leaf: int) -> PostingBlocks | None:
        """A term's postings in one segment (None if it is not there), decoded a block at a
        time on demand (cached), for checking a few documents."""
        key = (field, text, leaf)
        found = self._blocks.get(key)
        if found is None:
            info = dict(self.located(field, text)).get(leaf)
            if info is None:
                return None
            if info.is_inlined():
                found = PostingBlocks.of(self._matcher(field, text, leaf, info))
            else:  # read from its term info's extent: a matcher would read its first block
                found = PostingBlocks(self._bytes_at(leaf, *_extent_of(info)))
            self._blocks.put(key, found, found.size + 1)
        return found

    def _bytes_at(self, leaf: int, start: int, size: int) -> bytes:
        """`size` bytes of a segment's postings file from `start`, in one read."""
        return bytes(self.leaves[leaf][0]._terms._postfile.get(start, size))


def _extent_of(info: Any) -> tuple[int, int]:
    """(offset, length) of a term's posting list in its segment's postings file, from its
    term info there (not inlined)."""
    offset, length = info.extent()
    return offset, plain_length(length)


def _runs(spans: list[tuple[int, int, str]]) -> Iterator[list[tuple[int, int, str]]]:
    """`spans` (offset, length, term; in offset order) cut where the next starts more than
    `GAP_BYTES` past the end of those before it."""
    run: list[tuple[int, int, str]] = []
    end = 0
    for span in spans:
        if run and span[0] > end + GAP_BYTES:
            yield run
            run = []
        run.append(span)
        end = max(end, span[0] + span[1])
    if run:
        yield run


class _Counts:
    """What a weighting model's `idf` asks of a searcher, answered from a term store."""

    def __init__(self, store: TermStore) -> None:
        self.store = store

    def get_parent(self) -> _Counts:
        return self

    def doc_frequency(self, field: str, text: str) -> int:
        return self.store.frequency(field, text)

    def doc_count_all(self) -> int:
        return int(self.store.searcher.doc_count_all())


__all__ = ["TermStore"]
