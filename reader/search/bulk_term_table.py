"""The term table's per-term bookkeeping for a bulk build, held in a temporary file.

Whoosh's `OrderedHashWriter` keeps, until it closes, a `(hash, offset)` tuple per term in
256 bucket lists (about 130 bytes a term) and an array of term offsets: memory that grows
with the vocabulary, which an arXiv snapshot keeps growing with every record. Here both
live in int64 arrays that go to a temporary file every `HELD_ENTRIES` terms, and are handed
to the writer's `close` as objects it iterates as it does its own lists, a bucket at a time,
so the files written are the same.
"""

from __future__ import annotations

import tempfile
from array import array
from collections.abc import Iterator
from typing import IO, Any

#: Terms held in memory (16 bytes each in a bucket, 8 in the offsets) before a spill.
HELD_ENTRIES = 1 << 20


class TermTable:
    """Hash buckets and ordered offsets of the terms written so far.

    Callers append straight to `buckets[h & 255]` (hash, offset, hash, offset, ...) and to
    `offsets`, and call `spill` when `offsets` holds `HELD_ENTRIES`; spilling empties the
    arrays in place, so references to them stay valid.
    """

    def __init__(self, tempdir: str | None) -> None:
        self.tempdir = tempdir
        self.buckets = [array("q") for _ in range(256)]
        self.offsets = array("q")
        self._file: IO[bytes] | None = None
        self._bucket_chunks: list[list[tuple[int, int]]] = [[] for _ in range(256)]
        self._offset_chunks: list[tuple[int, int]] = []
        self._counts = [0] * 256
        self._last_spilled = 0  # the offsets ascend: the last one is the largest

    def spill(self) -> None:
        """Move the held entries to the temporary file (callers do, past `HELD_ENTRIES`)."""
        if not self.offsets:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self.tempdir, prefix="terms-")  # noqa: SIM115
        file = self._file
        file.seek(0, 2)
        for number, bucket in enumerate(self.buckets):
            if bucket:
                self._bucket_chunks[number].append((file.tell(), len(bucket)))
                self._counts[number] += len(bucket) // 2
                bucket.tofile(file)
                del bucket[:]
        self._last_spilled = self.offsets[-1]
        self._offset_chunks.append((file.tell(), len(self.offsets)))
        self.offsets.tofile(file)
        del self.offsets[:]

    def _read(self, offset: int, count: int) -> array[int]:
        assert self._file is not None
        self._file.seek(offset)
        values = array("q")
        values.fromfile(self._file, count)
        return values

    def bucket_count(self, number: int) -> int:
        return self._counts[number] + len(self.buckets[number]) // 2

    def bucket_entries(self, number: int) -> Iterator[tuple[int, int]]:
        """(hash, offset) pairs of one bucket, in the order they were added."""
        for offset, count in self._bucket_chunks[number]:
            values = iter(self._read(offset, count))
            yield from zip(values, values, strict=False)
        values = iter(self.buckets[number])
        yield from zip(values, values, strict=False)

    def offset_count(self) -> int:
        return sum(count for _offset, count in self._offset_chunks) + len(self.offsets)

    def last_offset(self) -> int:
        return self.offsets[-1] if self.offsets else self._last_spilled

    def offset_chunks(self) -> Iterator[array[int]]:
        for offset, count in self._offset_chunks:
            yield self._read(offset, count)
        if self.offsets:
            yield self.offsets

    def install(self, tindex: Any) -> None:
        """Hand the entries to an `OrderedHashWriter` about to close, in its own shapes."""
        tindex.buckets = [_Bucket(self, n) for n in range(256)]
        tindex.index = _Offsets(self)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _Bucket:
    """One hash bucket as `HashWriter._write_hashes` reads it: a length and (hash, offset)s."""

    def __init__(self, table: TermTable, number: int) -> None:
        self.table = table
        self.number = number

    def __len__(self) -> int:
        return self.table.bucket_count(self.number)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return self.table.bucket_entries(self.number)


class _Offsets:
    """The term offsets as `OrderedHashWriter._write_extras` reads its `GrowableArray`."""

    def __init__(self, table: TermTable) -> None:
        from whoosh.util.numlists import GrowableArray  # only after `bulk_writer.install` checked

        self.table = table
        widest = GrowableArray("H")  # as OrderedHashWriter starts it: Whoosh's own widening
        widest.append(table.last_offset())
        self.typecode = widest.typecode

    def __len__(self) -> int:
        return self.table.offset_count()

    def to_file(self, dbfile: Any) -> None:
        for chunk in self.table.offset_chunks():
            dbfile.write_array(array(self.typecode, chunk))
