"""Which Whoosh segments a sync merges when it commits: only the small ones.

A fresh build writes one segment per part (about 20,000 papers each); a sync that adds a
day's dump writes one small segment more. Whoosh's default policy (`MERGE_SMALL`) merges
segments by a Fibonacci rule on their document counts: at a million papers the first
small segment added sets off a merge of some twenty-five build segments, half the index
rewritten in Python for a hundred new papers (minutes). Here the segments under
`SMALL_DOCS` documents are merged together once there are `MERGE_AT` of them, and the
large ones are left as they are. The merge itself is Whoosh's (`writer.add_reader`), as in
its own policies, given a reader that reads the postings a list at a time
(`reader.search.merge_postings`); it is given to `writer.commit(mergetype=...)`, Whoosh's
public hook.
"""

from __future__ import annotations

from typing import Any

#: A segment with fewer documents than this is merged with the other small ones.
SMALL_DOCS = 5_000
#: Small segments are merged once there are this many (they stay cheap to search until then).
MERGE_AT = 4


def merged_away(segments: list[Any]) -> list[Any]:
    """Of a commit's Whoosh segments, those the next commit merges (none until there are
    `MERGE_AT` small ones)."""
    small = [seg for seg in segments if seg.doc_count_all() < SMALL_DOCS]
    return small if len(small) >= MERGE_AT else []


def merge_small(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: the segments to keep as they are; the small ones, once there
    are `MERGE_AT` of them, are added to the segment being written."""
    from reader.search.merge_postings import MergeReader

    small = merged_away(segments)
    if not small:
        return segments
    for seg in small:
        if not seg.doc_count():
            continue  # every document deleted: nothing to add, and its terms are not walked
        reader = MergeReader(writer.storage, writer.schema, seg)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    merged = {id(seg) for seg in small}
    return [seg for seg in segments if id(seg) not in merged]
