"""One term's postings as Whoosh W3 blocks, encoded a block at a time (for `bulk_writer.py`).

The blocks Whoosh's `W3PostingsWriter` writes posting by posting, with C-level array,
pickle and zlib calls, and one difference of encoding: a block's data (its id deltas,
weights and values) is pickled at protocol 4 with the deltas and weights as arrays
(`PROTOCOL`), where Whoosh's writer pickles tuples at protocol 2. Whoosh's reader loads
either and reads the same postings (`tests/core/test_bulk_writer.py` compares every
posting, weight and value, and every statistic, through Whoosh's reader). Loading such a
block makes no object per id or weight and no call per positions value, costs every search
that reads postings whole (the rare words of a prefix) and every phrase check pays.
"""

from __future__ import annotations

import operator
import pickle
import struct
import sys
import zlib
from array import array
from collections.abc import Callable
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.search.bulk_fields import BulkField

_BIG_ENDIAN = sys.byteorder == "big"
_dumps = pickle.dumps
_compress = zlib.compress
_sub = operator.sub
MAGIC = b"W3Bl"
#: The pickle protocol of a block's data: from 3 on, bytes load as bytes and arrays as
#: one buffer each (protocol 2, which Whoosh's writer uses, loads each bytes value through
#: a call of `codecs.encode`, and tuples an object per posting).
PROTOCOL = 4
TERMINFO = struct.Struct("!BfIBBfII")
pack_int = struct.Struct("!i").pack
pack_long = struct.Struct("!q").pack
# The installed Whoosh's settings, bound by `configure` when `bulk_writer.install` accepts a writer.
_COMPRESS_MIN = 80
_l2b: Any = None


def configure(compress_min: int, length_to_byte: Callable[[Any], int]) -> None:
    """Bind the codec's compression threshold and length quantiser."""
    global _COMPRESS_MIN, _l2b
    _COMPRESS_MIN, _l2b = compress_min, length_to_byte


def term_blocks(
    limit: int, compression: int, field: BulkField, docs: Any, second: Any, values: Any
) -> list[Any]:
    """One term's postings as W3 blocks: [bytes..., total length, W3TermInfo head].

    What `W3PostingsWriter.add_posting`/`finish_postings` and `W3TermInfo.to_bytes`
    produce (the tests compare), a block at a time with C-level array, pickle and zlib
    calls instead of per-posting Python, each block's data pickled as the module says.
    The caller appends the extent (offset, length) to the head.
    """
    count = len(docs)
    lengths = field.lengths if field.scorable else None
    fast = not field.valued
    boost = field.boost
    fixed = field.fixed
    out: list[Any] = [MAGIC]
    size = 4
    total: float = 0
    minlength: int | None = None
    maxlength = 0
    maxweight: float = 0
    for start in range(0, count, limit):
        end = start + limit
        ids = docs[start:end]
        if fast:
            freqs = second[start:end]
            weights = array("f", freqs) if boost == 1.0 else array("f", [f * boost for f in freqs])
            packed = array("I", freqs)
            if not _BIG_ENDIAN:
                packed.byteswap()  # Frequency values are big-endian uint32s (`pack_uint`)
            mini_values: Any = packed.tobytes()
        else:
            weights = second[start:end]
            block_values = values[start:end]
            if fixed is None or fixed < 0:
                mini_values = tuple(block_values)
            elif fixed == 0:
                mini_values = None
            else:
                mini_values = b"".join(block_values)
        if len(weights) == 1:
            low = high = weights[0]
        else:
            low, high = min(weights), max(weights)
        if low == high == 1.0:
            mini_weights: Any = None
        elif low == high:
            mini_weights = weights[0]
        else:
            mini_weights = array("f", weights)
        deltas = array("I", map(_sub, ids, chain((0,), ids)))
        top = max(deltas)
        if top < 0x100:
            deltas = array("B", deltas)
        elif top < 0x10000:
            deltas = array("H", deltas)
        data = _dumps((deltas, mini_weights, mini_values), PROTOCOL)
        level = compression if len(data) >= _COMPRESS_MIN else 0
        if level:
            data = _compress(data, level)
        block_max = high if high > 0 else 0
        if lengths is not None:
            if len(ids) == 1:
                block_min: int | None = lengths[ids[0]] or None
                block_long = lengths[ids[0]]
            else:
                span = [lengths[d] for d in ids]
                block_min = min(span) or None
                block_long = max(span)
        else:
            block_min, block_long = None, 0
        info = _dumps((len(ids), ids[-1], block_max, level, _l2b(block_min), _l2b(block_long)), 2)
        length = len(info) + len(data)
        out.append(pack_int(-length if end >= count else length))
        out.append(info)
        out.append(data)
        size += 4 + length
        total += sum(weights)
        if minlength is None:
            minlength = block_min
        elif block_min is not None:
            minlength = min(minlength, block_min)
        if block_long > maxlength:
            maxlength = block_long
        if block_max > maxweight:
            maxweight = block_max
    out.append(size)
    out.append(
        TERMINFO.pack(
            0, total, count, 0 if minlength is None else _l2b(minlength), _l2b(maxlength),
            maxweight, docs[0], docs[-1],
        )
    )  # fmt: skip
    return out
