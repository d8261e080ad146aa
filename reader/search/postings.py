"""Reading Whoosh's W3 posting lists a block at a time, and decoding their positions.

Walking a posting list through Whoosh's matcher costs a dozen small file reads per block
and a Python generator per document; here a term's whole extent is read at once and each
block is unpickled (and decompressed) in C, in the format the matcher reads. A layout this
does not know raises `Unsupported` (the engine then falls back to the matcher's own walk,
or the library to Whoosh's searcher).
"""

from __future__ import annotations

import bisect
import io
import pickle
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate, repeat
from operator import sub
from typing import Any

from reader.search.compat import Unsupported

WHOOSH3_HEADER_MAGIC = b"W3Bl"
_INT = struct.Struct("!i")


def segment_ids(reader: Any) -> list[str]:
    """The ids of the segments a Whoosh reader reads, in docnum order (two readers agree
    on docnums iff these are equal); "" for the reader of an empty index, which has none."""
    found = (leaf.segment() for leaf, _base in reader.leaf_readers())
    return ["" if segment is None else str(segment.segment_id()) for segment in found]


def blocks(m: Any) -> Iterator[tuple[int, Any, Any, Any]]:
    """Each block of a W3 posting list, from one read of its whole extent: (count, id deltas,
    weights, values).

    Walking the blocks through the matcher costs a dozen small file reads per block and a
    Python generator per id; here the extent is read at once and each block is unpickled
    (and decompressed) in C. Same format as the matcher reads.
    """
    return blocks_of(_extent(m))


def blocks_of(buf: bytes) -> Iterator[tuple[int, Any, Any, Any]]:
    """Each block of a W3 posting list's bytes (its extent): (count, id deltas, weights,
    values)."""
    for count, _last, compression, start, end in _headers(buf):
        block_ids, block_weights, block_values = _decoded(buf, compression, start, end)
        yield count, block_ids, block_weights, block_values


def plain_length(length: Any) -> int:
    """A posting list's length in bytes as whoosh3 keeps it: an int, or a 1-tuple of one."""
    return int(length[0] if isinstance(length, tuple) else length)


def _extent(m: Any) -> bytes:
    """The bytes of a W3 posting list, read at once."""
    if m._byteids:
        raise Unsupported("byte ids")
    length = plain_length(m._length)
    buf = m._postfile.get(m._startoffset, length)
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        raise Unsupported("unexpected postings header")
    return bytes(buf)


def _headers(buf: bytes) -> Iterator[tuple[int, int, int, int, int]]:
    """Each block's (count, last id, compression, start and end of its data) in `buf`."""
    stream = io.BytesIO(buf)
    start = 4
    while start < len(buf):
        (length,) = _INT.unpack(buf[start : start + 4])
        end = start + 4 + abs(length)
        stream.seek(start + 4)
        count, last, _maxw, compression, _mn, _mx = pickle.load(stream)
        yield count, last, compression, stream.tell(), end
        if length < 0:
            break
        start = end


def _decoded(buf: bytes, compression: int, start: int, end: int) -> tuple[Any, Any, Any]:
    """A block's (id deltas, weights, values)."""
    data = buf[start:end]
    if compression:
        data = zlib.decompress(data)
    found: tuple[Any, Any, Any] = pickle.loads(data)
    return found


#: Decoded blocks a `PostingBlocks` keeps, and what one takes at the most (128 postings'
#: ids, weights and positions as Python objects).
DECODED_BLOCKS = 16
DECODED_BLOCK_BYTES = 16 * 1024


class PostingBlocks:
    """One term's postings in one segment, decoded a block at a time when a document is
    asked for: a phrase's few best candidates, or a rare word's few candidates in a common
    one, are checked without decoding the rest."""

    __slots__ = ("_blocks", "_buf", "_lasts", "_spans", "size")

    def __init__(self, buf: bytes) -> None:
        """`buf`: the posting list's bytes (its extent, as `_extent` reads it)."""
        if buf[:4] != WHOOSH3_HEADER_MAGIC:
            raise Unsupported("unexpected postings header")
        self._buf = buf
        headers = list(_headers(self._buf))
        #: The last id of each block (ascending), and where its data lies.
        self._lasts = [last for _count, last, *_ in headers]
        self._spans = [(compression, start, end) for _c, _l, compression, start, end in headers]
        #: Decoded blocks (at most `DECODED_BLOCKS`): (ids, weights or None for all 1.0 or a
        #: float for all, values).
        self._blocks: dict[int, tuple[list[int], Any, Any]] = {}
        #: Bytes it may hold: its encoded postings, then its decoded blocks at the most.
        self.size = len(self._buf) + min(len(headers), DECODED_BLOCKS) * DECODED_BLOCK_BYTES

    @classmethod
    def of(cls, m: Any) -> PostingBlocks:
        """The postings a W3 matcher reads."""
        return cls(_extent(m))

    def _find(self, doc: int) -> tuple[tuple[list[int], Any, Any], int] | None:
        """The decoded block holding `doc` and its place there, or None."""
        block = bisect.bisect_left(self._lasts, doc)
        if block == len(self._lasts):
            return None
        found = self._blocks.get(block)
        if found is None:
            if len(self._blocks) >= DECODED_BLOCKS:
                self._blocks.clear()  # a rare word's candidates come in order: those are done
            deltas, weights, values = _decoded(self._buf, *self._spans[block])
            found = self._blocks[block] = (list(accumulate(deltas)), weights, values)
        ids = found[0]
        at = bisect.bisect_left(ids, doc)
        return (found, at) if at < len(ids) and ids[at] == doc else None

    def value(self, doc: int) -> bytes | None:
        """The encoded value of the posting of `doc` (a docnum of the segment), or None
        when the term is not in it."""
        found = self._find(doc)
        if found is None:
            return None
        (ids, _weights, values), at = found
        if not isinstance(values, tuple) or len(values) != len(ids):
            raise Unsupported("postings without a value per posting")
        value: bytes = values[at]
        return value

    def weight(self, doc: int) -> float | None:
        """The weight of the posting of `doc` (as `read_extent` reads it), or None when the
        term is not in it."""
        found = self._find(doc)
        if found is None:
            return None
        (_ids, weights, _values), at = found
        if weights is None:
            return 1.0
        if isinstance(weights, float):
            return weights
        return float(weights[at])


def read_extent(m: Any) -> tuple[array[int], array[float]]:
    """All postings (ids, weights) of a W3 posting list; ids rebuilt with `accumulate`."""
    return read_buffer(_extent(m))


def read_buffer(buf: bytes) -> tuple[array[int], array[float]]:
    """All postings (ids, weights as 32-bit floats) of a W3 posting list's bytes (its
    extent, as `_extent` reads it): what `read_extent` gives for a matcher of that extent.
    A block pickled with its weights as an array of floats (`bulk_blocks`) adds them in
    one copy."""
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        raise Unsupported("unexpected postings header")
    ids: list[int] = []
    weights: array[float] = array("f")
    for count, block_ids, block_weights, _values in blocks_of(buf):
        ids.extend(accumulate(block_ids))
        if block_weights is None:
            weights.fromlist([1.0] * count)
        elif isinstance(block_weights, float):
            weights.fromlist([block_weights] * count)
        elif isinstance(block_weights, array):
            weights.extend(block_weights)
        else:
            weights.fromlist(list(block_weights))
    return array("I", ids), weights


def read_placed(m: Any) -> tuple[list[int], list[bytes]]:
    """All postings (ids, encoded values) of a W3 posting list, a block at a time."""
    ids: list[int] = []
    values: list[bytes] = []
    for _count, block_ids, _weights, block_values in blocks(m):
        if not isinstance(block_values, tuple) or len(block_values) != len(block_ids):
            raise Unsupported("postings without a value per posting")
        ids.extend(accumulate(block_ids))
        values.extend(block_values)
    return ids, values


SENTINEL = (1 << 32) - 1
NOWHERE: frozenset[int] = frozenset()


class Starts(dict[bytes, frozenset[int]]):
    """A posting's value (Whoosh's `Positions` format: a 4-byte count, then the pickled
    list of deltas) -> its positions less `offset`, decoded on first use."""

    def __init__(self, offset: int) -> None:
        super().__init__()
        self.offset = offset

    def __missing__(self, value: bytes) -> frozenset[int]:
        if not value:
            return NOWHERE
        if len(self) >= STARTS_HELD:
            self.clear()
        positions = accumulate(pickle.loads(value[4:]))
        offset = self.offset
        found = self[value] = frozenset(
            map(sub, positions, repeat(offset)) if offset else positions
        )
        return found


#: Decoded values remembered per offset (most postings hold one of a few hundred values).
STARTS_HELD = 100_000
_STARTS_BY_OFFSET: dict[int, Starts] = {}


class StartBits(dict[bytes, int]):
    """A posting's value -> its positions less `offset` as the bits of an integer (those
    below `offset` dropped: no phrase starts before its first word), decoded on first use.
    A phrase's parts are checked by ANDing these: integers are not tracked by the garbage
    collector, where the sets of `Starts` for a common word's hundred thousand values made
    it run for most of the check."""

    def __init__(self, offset: int) -> None:
        super().__init__()
        self.offset = offset

    def __missing__(self, value: bytes) -> int:
        if not value:
            return 0
        if len(self) >= STARTS_HELD:
            self.clear()
        offset = self.offset
        bits = 0
        for position in accumulate(pickle.loads(value[4:])):
            if position >= offset:
                bits |= 1 << (position - offset)
        self[value] = bits
        return bits


_START_BITS_BY_OFFSET: dict[int, StartBits] = {}


def start_bits(offset: int) -> StartBits:
    found = _START_BITS_BY_OFFSET.get(offset)
    if found is None:
        found = _START_BITS_BY_OFFSET[offset] = StartBits(offset)
    return found


def starts(offset: int) -> Starts:
    found = _STARTS_BY_OFFSET.get(offset)
    if found is None:
        found = _STARTS_BY_OFFSET[offset] = Starts(offset)
    return found


def read_all(m: Any) -> tuple[array[int], array[float]]:
    """All postings (ids, weights as 32-bit floats: the values every score of a term,
    built whole or per segment, is computed from) of a matcher, a block at a time when
    the codec allows it."""
    if hasattr(m, "_startoffset") and hasattr(m, "_postfile"):
        try:
            return read_extent(m)
        except Unsupported:  # a layout this reader does not know: the matcher's own walk
            pass
    ids: array[int] = array("I")
    weights: array[float] = array("f")
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            m._next_block()
        return ids, weights
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def deleted_docs(reader: Any) -> Iterable[int]:
    if not reader.has_deletions():
        return ()
    found = getattr(reader, "deleted_docs_set", None)
    if found is not None:
        return found
    return (d for d in range(reader.doc_count_all()) if reader.is_deleted(d))
