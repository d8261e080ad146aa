"""Whoosh's segment writer with two per-posting costs taken out (measured in bench/README.md).

1. Flushing a segment looked up every posting's field length in the length column it had
   just written, through a file seek and read per posting (no mmap): here the lengths are
   kept in memory as they are written and handed to the flush as a dict lookup.
2. The posting pool checked types and estimated each posting's size with a dozen Python
   operations per posting: here one append and one addition.

Both hooks are installed on one writer instance only; the output files are unchanged. When
the fast paths are off (`compat.fast`) or the writer is not the classic `SegmentWriter`,
nothing is changed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


class _Lengths:
    """The per-document field lengths of the segment being written, as the flush reads them."""

    def __init__(self) -> None:
        self.by_field: dict[str, dict[int, int]] = defaultdict(dict)

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        """Whoosh 2.7's flush asks per posting (whoosh3 asks for a per-field reader)."""
        return self.by_field.get(fieldname, {}).get(docnum, default)

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Any:
        lengths = self.by_field.get(fieldname)
        if lengths is None:
            return lambda docnum: default
        return lengths.get


def tune(writer: Any) -> Any:
    """Install the in-memory lengths and the lean pool on a Whoosh `SegmentWriter`."""
    from reader.search import compat

    if not compat.fast():
        return writer
    from whoosh.codec.whoosh3 import W3PerDocWriter
    from whoosh.util.numeric import byte_to_length, length_to_byte
    from whoosh.writing import SegmentWriter

    if type(writer) is not SegmentWriter or not isinstance(writer.perdocwriter, W3PerDocWriter):
        return writer
    perdoc: Any = writer.perdocwriter
    pool: Any = writer.pool
    if not hasattr(pool, "current") or not hasattr(pool, "limit"):
        return writer
    lengths = _Lengths()
    quantised = [byte_to_length(b) for b in range(256)]
    original_add_field = perdoc.add_field

    def add_field(fieldname: str, fieldobj: Any, value: Any, length: int) -> None:
        original_add_field(fieldname, fieldobj, value, length)
        if length:
            lengths.by_field[fieldname][perdoc._docnum] = quantised[length_to_byte(length)]

    perdoc.add_field = add_field

    def add(item: tuple[str, bytes, int, float, bytes | None]) -> None:
        pool.current.append(item)
        pool.currentsize += 150 + 2 * len(item[1]) + len(item[4] or b"")
        if pool.currentsize > pool.limit:
            pool.save()

    pool.add = add

    def flush() -> None:
        perdoc.close()
        writer.fieldwriter.add_postings(writer.schema, lengths, pool.iter_postings())
        writer.fieldwriter.close()

    writer._flush_segment = flush  # type: ignore[method-assign]
    return writer
