"""The postings of a small segment a sync merges, read a posting list at a time.

Whoosh's merge (`SegmentWriter.add_reader`, which `reader.search.merging` calls) walks the
segment's postings through `IndexReader.iter_postings`: for every term a term-info look-up
in the hash file, a matcher and a filter of deleted documents, then a few calls per
posting. That is about 70 microseconds a term, and a day's hundred papers make some twenty
thousand terms: a merge of four such segments took 4.4 s of a 6.6 s sync at 100,000
papers. `MergeReader` is Whoosh's `SegmentReader` whose `iter_postings` reads the terms in
order with their term infos, and each posting list in one read decoded in C
(`reader.search.postings`), giving the same tuples in the same order as Whoosh's own
(tested against it). The terms reader's private names are used only on the fast paths
(`reader.search.compat`); a term whose postings are not laid out as expected, or a Whoosh
the fast paths do not know, takes Whoosh's own walk.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from whoosh.reading import SegmentReader

from reader.search.compat import Unsupported, attempt
from reader.search.postings import WHOOSH3_HEADER_MAGIC, blocks_of, plain_length

Posting = tuple[str, bytes, int, float, Any]


class MergeReader(SegmentReader):
    """A segment reader for a merge: `iter_postings` reads whole posting lists."""

    def iter_postings(self) -> Iterator[Posting]:
        parts = attempt("merging postings", self._parts)
        if parts is None:
            return super().iter_postings()
        return self._postings(*parts)

    def _parts(self) -> tuple[Any, Any]:
        """The terms reader's (term, term info) pairs in order and its postings file."""
        terms = getattr(self, "_terms", None)
        items, postfile = getattr(terms, "items", None), getattr(terms, "_postfile", None)
        if items is None or postfile is None or not hasattr(postfile, "get"):
            raise Unsupported("not a W3 terms reader")
        return items(), postfile

    def _postings(self, items: Iterator[Any], postfile: Any) -> Iterator[Posting]:
        schema = self.schema
        deleted = self.deleted_docs_set
        for (fieldname, btext), info in items:
            if fieldname not in schema:
                continue
            format_ = schema[fieldname].format
            # whoosh3 never keeps postings in the term info (its inlining is broken); should
            # a term info hold them, or a list be laid out otherwise, Whoosh's own walk.
            found = None if info.is_inlined() else _listed(info, postfile, format_)
            if found is None:
                m = self.postings(fieldname, btext)
                while m.is_active():
                    yield (fieldname, btext, m.id(), m.weight(), m.value())
                    m.next()
                continue
            for docnum, weight, value in found:
                if docnum not in deleted:
                    yield (fieldname, btext, docnum, weight, value)


def _listed(info: Any, postfile: Any, format_: Any) -> Iterator[tuple[int, float, Any]] | None:
    """A term's postings in the postings file, as Whoosh's `W3LeafMatcher` gives them, or
    None when its bytes are not a W3 posting list."""
    offset, length = info.extent()
    buf = bytes(postfile.get(offset, plain_length(length)))
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        return None
    return _decoded(buf, format_.fixed_value_size())


def _decoded(buf: bytes, fixed: int | None) -> Iterator[tuple[int, float, Any]]:
    for count, deltas, weights, values in blocks_of(buf):
        ids = accumulate(deltas)
        if weights is None:
            weights = array("f", [1.0]) * count
        elif isinstance(weights, float):
            weights = array("f", [weights]) * count
        if fixed is None or fixed < 0:
            pass
        elif fixed == 0:
            values = (None,) * count
        else:
            values = [values[i : i + fixed] for i in range(0, len(values), fixed)]
        yield from zip(ids, weights, values, strict=True)


__all__ = ["MergeReader"]
