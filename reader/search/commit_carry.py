"""A sync's new commit gets the paper-id and vocabulary files of the one before it, carried.

The files stored beside the index (`reader.search.id_file`, `reader.search.vocabulary_file`)
belong to one commit. Without them, the first start after a sync reads every paper id from
Whoosh's id column and every word from every segment's term table again (at a million
papers, seconds of CPU that the first keys typed share). A sync adds segments and marks
documents deleted in the others, which keep their documents and terms: so the new commit's
ids are the previous commit's ids of each segment it keeps, in its order, and the ids of
its new segments, read from them alone; its words are the previous commit's words and the
new segments' (the vocabulary holds every term of every segment, deleted documents' too).
When a sync merges segments away (`reader.search.merging`), the words only their deleted
documents held go with them: the merge reads their words while they are there, and those
the new commit's segments no longer hold are left out. Nothing is carried from a commit
whose files are absent or damaged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.search import id_file, vocabulary_file
from reader.search.lexicon import merged_terms
from reader.search.term_file import segment_terms
from reader.search.vocabulary import Vocabulary


@dataclass(frozen=True)
class Segment:
    """One segment of a commit: its id, its documents (deleted ones too) and the Whoosh
    segment (to open it alone)."""

    id: str
    documents: int
    whoosh: Any


@dataclass(frozen=True)
class Commit:
    """What the carry needs of one commit: its files' paths and its segments in docnum order."""

    ids: Path | None
    vocabulary: Path | None
    segments: tuple[Segment, ...]

    @classmethod
    def of(cls, ix: Any, reader: Any) -> Commit:
        """The commit `reader` reads, of index `ix` (metadata only: cheap under a lock)."""
        segments = []
        for leaf, _base in reader.leaf_readers():
            segment = leaf.segment()
            if segment is not None:
                segments.append(Segment(str(segment.segment_id()), leaf.doc_count_all(), segment))
        return cls(
            id_file.path_for(ix, reader), vocabulary_file.path_for(ix, reader), tuple(segments)
        )

    @property
    def documents(self) -> int:
        return sum(segment.documents for segment in self.segments)


def carry(ix: Any, before: Commit, after: Commit, merged_words: list[bytes] | None) -> None:
    """Store commit `after`'s paper ids and vocabulary (of index `ix`), made from commit
    `before`'s files and `after`'s new segments, unless there is nothing to carry; opens
    only the new segments (and, when words of merged-away segments may be lost, the others).
    `merged_words`: the sorted words of the segments the sync's commit merged away
    (`merging.SmallMerges`), None if it merged none. A file that cannot be written, or a
    segment that cannot be read, is logged once (the warm-up makes the files then, or
    reports the damage)."""
    from reader.diagnostics import degraded
    from reader.search.storage import damage_errors

    if after.ids == before.ids or not after.segments:
        return
    try:
        _carry(ix, before, after, merged_words)
    except damage_errors() as exc:
        degraded("carrying the stored ids and words to a new commit", f"skipped ({exc})")


def _carry(ix: Any, before: Commit, after: Commit, merged_words: list[bytes] | None) -> None:
    kept = {(s.id, s.documents) for s in before.segments}
    new = [s for s in after.segments if (s.id, s.documents) not in kept]
    with ExitStack() as opened:
        readers = {s.id: opened.enter_context(closing(_open(ix, s))) for s in new}
        _carry_ids(before, after, readers)
        gone = {s.id for s in before.segments} - {s.id for s in after.segments}
        if gone and merged_words is None:
            return  # segments gone, their words unknown: the warm-up reads the vocabulary
        # The new segments' words, read once: for the lost words and the vocabulary.
        added = list(merged_terms([segment_terms(readers[s.id], "words") for s in new]))
        lost = _lost_words(ix, after, new, merged_words or [], added) if gone else frozenset()
        _carry_vocabulary(before, after, added, lost)


def _lost_words(
    ix: Any, after: Commit, new: list[Segment], merged: list[bytes], added: list[bytes]
) -> frozenset[bytes]:
    """The `merged` words (of the segments merged away) that no segment of `after` holds
    (only deleted documents held them): those not among the `added` words of its `new`
    segments (sorted: a walk of both), then looked up in its other segments."""
    lost = set(_minus(merged, iter(added)))
    new_ids = {s.id for s in new}
    with ExitStack() as opened:
        for segment in after.segments:
            if segment.id in new_ids or not lost:
                continue
            reader = opened.enter_context(closing(_open(ix, segment)))
            lost = {w for w in lost if ("words", w) not in reader}
    return frozenset(lost)


def _minus(words: list[bytes], others: Iterator[bytes]) -> Iterator[bytes]:
    """The sorted `words` not among the sorted `others` (a walk of both in order)."""
    other = next(others, None)
    for word in words:
        while other is not None and other < word:
            other = next(others, None)
        if other != word:
            yield word


def _open(ix: Any, segment: Segment) -> Any:
    from whoosh.reading import SegmentReader

    return SegmentReader(ix.storage, ix.schema, segment.whoosh)


def _carry_ids(before: Commit, after: Commit, readers: dict[str, Any]) -> None:
    if before.ids is None or after.ids is None:
        return
    previous = id_file.read(before.ids, before.documents)
    if previous is None:
        return
    starts: dict[tuple[str, int], int] = {}
    start = 0
    for segment in before.segments:
        starts[segment.id, segment.documents] = start
        start += segment.documents
    parts: list[tuple[id_file.StoredIds, int, int]] = []
    for segment in after.segments:
        first = starts.get((segment.id, segment.documents))
        if first is not None:
            parts.append((previous, first, first + segment.documents))
        elif segment.documents:
            ids = list(readers[segment.id].column_reader("id"))
            parts.append((id_file.from_bytes(id_file.to_bytes(ids)), 0, len(ids)))
    id_file.store_bytes(after.ids, after.documents, lambda: id_file.joined(parts))


def _carry_vocabulary(
    before: Commit, after: Commit, added: list[bytes], lost: frozenset[bytes]
) -> None:
    """The previous words without the `lost` ones, with the new segments' `added` words
    not among them (few: most of a day's words are known), sorted in C."""
    if before.vocabulary is None or after.vocabulary is None:
        return
    previous = vocabulary_file.read(before.vocabulary)
    if previous is None:
        return
    fresh = [word for word in added if word and word.decode("utf-8") not in previous]
    vocabulary = previous
    if fresh or lost:
        words = [word for word in previous.encoded() if word not in lost]
        words += fresh
        words.sort()  # two sorted runs: merged in one pass
        vocabulary = Vocabulary.of_unique(words)
    vocabulary_file.store(after.vocabulary, vocabulary)


__all__ = ["Commit", "Segment", "carry"]
