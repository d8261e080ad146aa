"""Which Whoosh segments are merged, and when: only the small ones, in a commit of their own.

A fresh build writes one segment per part (about 20,000 papers each); a sync that adds a
day's dump writes one small segment more. Whoosh's default policy (`MERGE_SMALL`) merges
segments by a Fibonacci rule on their document counts: at a million papers the first
small segment added sets off a merge of some twenty-five build segments, half the index
rewritten in Python for a hundred new papers (minutes). Here the segments under
`SMALL_DOCS` documents are merged together once there are `MERGE_AT` of about the same
size (`merged_away`), and the large ones are left as they are: their live papers are written
again into a new segment (`SmallMerges`). The policy is given to `writer.commit(mergetype=...)`,
Whoosh's public hook.

A sync's commit only drops the segments whose papers were all removed: the day's papers
are in as soon as they are written. The merges that are then `due` are a commit of their
own (`Library.merge`: the app runs it in the background once typing pauses, `paper-reader
index` after its report), so a sync never waits for seconds of papers written again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: A segment with fewer documents than this is merged with the other small ones of its
#: size. Past it a segment is left as it is: at a hundred papers a day the merged segments
#: reach it in two merges (400, then 1,600 papers), and the largest merge writes 1,600
#: papers again (seconds; a class more would be four times that).
SMALL_DOCS = 1_500
#: Small segments are merged once there are this many (they stay cheap to search until then).
MERGE_AT = 4


def level(documents: int) -> int:
    """A small segment's size class: segments of about the same size share one, each class
    `MERGE_AT` times the size of the one below."""
    found = 0
    while documents >= MERGE_AT:
        documents //= MERGE_AT
        found += 1
    return found


def emptied(segments: list[Any]) -> list[Any]:
    """The segments whose papers were all removed (any commit drops them)."""
    return [seg for seg in segments if not seg.doc_count()]


def merged_away(segments: list[Any]) -> list[Any]:
    """Of a commit's Whoosh segments, those the next commit merges away: any whose papers
    were all removed (nothing to write again: a dump added and then removed leaves one,
    and every search pays for each segment), and the small ones of the lowest size class
    (`level`, by live papers) that has `MERGE_AT` of them.

    By class, a day's segment is merged with others of its size: each paper is rewritten
    about once per class on its way to `SMALL_DOCS`, where merging every small segment
    together would rewrite the whole of the growing merged one every few days."""
    classes: dict[int, list[Any]] = {}
    for seg in segments:
        if seg.doc_count() and seg.doc_count_all() < SMALL_DOCS:
            classes.setdefault(level(seg.doc_count()), []).append(seg)
    for size in sorted(classes):
        if len(classes[size]) >= MERGE_AT:
            merged = {id(seg) for seg in classes[size]} | {id(seg) for seg in emptied(segments)}
            return [seg for seg in segments if id(seg) in merged]
    return emptied(segments)


def due(segments: list[Any]) -> bool:
    """Whether a merge commit has small segments of live papers to merge (`merged_away`)."""
    return any(seg.doc_count() for seg in merged_away(segments))


class MergeStopped(Exception):
    """A merge given up before its commit (its caller's `stop()`): the index is as it was."""


class SmallMerges:
    """The merge policy of one commit: the segments to keep as they are. Those whose papers
    were all removed are dropped; with `readd(ids)` set (a merge commit: from the catalog,
    the papers as a build writes them), so are the others `merged_away`, their live papers
    written again into the segment being written. Whoosh's own merge (`add_reader`) walks
    every term of a segment through a matcher (about 70 us a term: five seconds for four
    days' segments) and sums the merged papers' field lengths as their one-byte codes give
    them back, so the field totals BM25 averages drift from what the papers' own writes
    summed; written again, the papers cost the bulk writer's time and keep those totals
    exact.

    It remembers the `words` terms of the segments it merged away, read while they were
    there (`merged_words`, sorted; None when it merged none): a sync carries its vocabulary
    to the new commit without the words only they held (`reader.search.commit_carry`),
    and how many segments that was (`merged_segments`)."""

    def __init__(self) -> None:
        self.readd: Callable[[list[str]], None] | None = None
        self.merged_words: list[bytes] | None = None
        self.merged_segments = 0

    def __call__(self, writer: Any, segments: list[Any]) -> list[Any]:
        from whoosh.reading import SegmentReader

        from reader.search.lexicon import merged_terms
        from reader.search.term_file import segment_terms

        readd = self.readd
        away = emptied(segments) if readd is None else merged_away(segments)
        if not away:
            return segments
        words = []
        for seg in away:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            try:
                words.append(list(segment_terms(reader, "words")))
                if seg.doc_count():  # a segment of deleted papers only: its words alone read
                    assert readd is not None
                    ids = reader.column_reader("id")
                    readd([pid for n, pid in enumerate(ids) if not seg.is_deleted(n)])
            finally:
                reader.close()
        self.merged_words = list(merged_terms([iter(part) for part in words]))
        self.merged_segments = len(away)
        merged = {id(seg) for seg in away}
        return [seg for seg in segments if id(seg) not in merged]
