"""The paper id of every docnum of one index commit, stored beside the index (derived data).

Whoosh's id column computes the offset of every document of a segment in Python before it
gives one id: a second for the whole column at a million papers, and tens of milliseconds
for the twenty ids of a one-off command's results, spread over many segments. The build,
a sync (`reader.search.commit_carry`) and the warm-up write
`<index_dir>/ids-<generation>-<segments>.bin`
(`reader.search.commit_files`: a file of another commit is never used): a header, every
id's end offset, the ids joined by newlines, and a CRC-32 of both in the header. It is
read whole (a few milliseconds) and checked; a file that is absent, of another size or
damaged is not used (the column is read, as without it) and the next warm-up rewrites it.
"""

from __future__ import annotations

import mmap
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, repeat
from operator import add
from pathlib import Path
from typing import Any

from reader.atomic import replace_atomic
from reader.diagnostics import degraded
from reader.search import commit_files

PREFIX = "ids-"
MAGIC = b"paper-reader ids"
FORMAT_VERSION = 1
#: magic, format version, id count, text length, CRC-32 of the offsets and the text.
_HEADER = struct.Struct("<16sIQQI")
_NL = b"\n"
Buffer = bytes | mmap.mmap
_CHUNK = 20_000  # ids decoded at a time when iterated


class IdFileError(ValueError):
    """Bytes that are not a stored id list of this format (truncated, garbled, other)."""


class StoredIds(Sequence[str]):
    """The ids of a commit's docnums as stored: one id decoded on demand, or all at once.
    `data` is the stored form (bytes, or the file mapped in memory: read that way, a
    file of tens of megabytes costs the heap nothing), `ends` each id's end in its text,
    which starts at `start`."""

    def __init__(self, data: Buffer, ends: Sequence[int], start: int) -> None:
        self._data = data
        self._ends = ends
        self._start = start

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, docnum: Any) -> Any:
        if isinstance(docnum, slice):
            return [self[d] for d in range(*docnum.indices(len(self)))]
        if docnum < 0:
            docnum += len(self)
        end = self._ends[docnum]  # an IndexError past the end, as a list gives
        start = self._ends[docnum - 1] + 1 if docnum else 0
        return bytes(self._data[self._start + start : self._start + end]).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        """The ids in docnum order, decoded a chunk at a time."""
        ends, data, base = self._ends, self._data, self._start
        start = 0
        for first in range(0, len(ends), _CHUNK):
            end = ends[min(first + _CHUNK, len(ends)) - 1]
            yield from bytes(data[base + start : base + end]).decode("utf-8").split("\n")
            start = end + 1

    def all(self) -> list[str]:
        """Every id, in docnum order."""
        return list(self)


def to_bytes(ids: Sequence[str]) -> bytes:
    """The stored form of `ids`; raises ValueError if an id holds a newline (or cannot be
    encoded). Encoded a chunk at a time: never a million small objects at once."""
    pieces: list[bytes] = []
    ends = array("Q")
    end = -1  # the end of the id before the first, less its newline
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        joined = "\n".join(chunk)
        data = joined.encode("utf-8")
        if data.count(_NL) != len(chunk) - 1:
            raise ValueError("an id holds a newline")
        sizes = map(len, chunk) if len(data) == len(joined) else (len(i.encode()) for i in chunk)
        # Each id's end: the one before it, its newline, its own length.
        run = list(accumulate(map(add, sizes, repeat(1)), initial=end))
        ends.extend(run[1:])  # the first is the end carried in
        end = run[-1]
        pieces.append(data)
    return _packed(ends, _NL.join(pieces))


def joined(parts: Iterable[tuple[StoredIds, int, int]]) -> bytes:
    """The stored form of the ids `stored[first:stop]` of each part in turn, made from
    their stored bytes: no id is decoded (a sync carries a million ids to its new commit
    so, `reader.search.commit_carry`)."""
    texts: list[memoryview] = []
    ends = array("Q")
    offset = 0  # where the next part's text starts in the joined text
    for stored, first, stop in parts:
        if stop <= first:
            continue
        own = stored._ends
        base = own[first - 1] + 1 if first else 0
        end = own[stop - 1]
        texts.append(memoryview(stored._data)[stored._start + base : stored._start + end])
        ends.extend(map((offset - base).__add__, own[first:stop]))
        offset += end - base + 1
    return _packed(ends, _NL.join(texts))


def _packed(ends: array[int], text: bytes) -> bytes:
    """The header, the ends (`ends` is byte-swapped in place on a big-endian machine) and
    the text."""
    if sys.byteorder != "little":
        ends.byteswap()
    raw = ends.tobytes()
    crc = zlib.crc32(text, zlib.crc32(raw))
    return b"".join((_HEADER.pack(MAGIC, FORMAT_VERSION, len(ends), len(text), crc), raw, text))


def from_bytes(data: Buffer) -> StoredIds:
    """The ids of a stored form (bytes or a mapped file, kept by the result); raises
    `IdFileError` unless `data` is one, whole and unchanged, of this format version."""
    if len(data) < _HEADER.size:
        raise IdFileError("shorter than its header")
    magic, version, number, length, crc = _HEADER.unpack_from(data)
    if magic != MAGIC or version != FORMAT_VERSION:
        raise IdFileError("not an id file of this version")
    start = _HEADER.size + 8 * number
    if len(data) != start + length:
        raise IdFileError("not of the size its header gives")
    view = memoryview(data)
    raw, text = view[_HEADER.size : start], view[start:]
    if zlib.crc32(text, zlib.crc32(raw)) != crc:
        raise IdFileError("its checksum does not match")
    ends: Sequence[int]
    if sys.byteorder == "little":
        ends = raw.cast("Q")  # read in place
    else:
        ends = array("Q", raw.tobytes())
        ends.byteswap()
    if number and ends[-1] != length:
        raise IdFileError("its offsets do not end with its text")
    return StoredIds(data, ends, start)


def path_for(ix: Any, reader: Any) -> Path | None:
    """The file of the commit `reader` reads (of index `ix`), or None when the index is not
    in a folder (Whoosh's RAM storage) or the reader has no generation."""
    return commit_files.path_for(ix, reader, PREFIX)


def read(path: Path, number: int) -> StoredIds | None:
    """The stored ids of the `number` docnums of a commit, or None when there is no file or
    it cannot be used (logged once)."""
    try:
        data = _mapped(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        degraded("stored paper ids", f"unreadable, not used ({exc.strerror or exc})")
        return None
    try:
        stored = from_bytes(data)
    except IdFileError as exc:
        degraded("stored paper ids", f"damaged, not used until the next warm-up ({exc})")
        return None
    if len(stored) != number:
        degraded("stored paper ids", "of another size than the index, not used")
        return None
    return stored


def _mapped(path: Path) -> Buffer:
    """The file's bytes, mapped in memory (read into bytes if it is too short to map)."""
    with open(path, "rb") as file:
        if os.fstat(file.fileno()).st_size < _HEADER.size:
            return file.read()
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


def store(path: Path, ids: Sequence[str]) -> None:
    """Write `ids` to `path` unless a valid file of as many ids is there, and remove the
    files of older generations; a failure is logged once and otherwise ignored."""
    store_bytes(path, len(ids), lambda: to_bytes(ids))


def store_bytes(path: Path, number: int, stored_form: Callable[[], bytes]) -> None:
    """`store` of the `number` ids whose stored form `stored_form()` makes."""
    try:
        if not (path.is_file() and _valid(path, number)):
            replace_atomic(path, stored_form(), mode=0o644)
    except ValueError as exc:
        degraded("storing the paper ids", f"skipped ({exc})")
        return
    except OSError as exc:
        degraded("storing the paper ids", f"skipped ({exc.strerror or exc})")
        return
    commit_files.remove_older(path, PREFIX)


def store_column(ix: Any, reader: Any) -> None:
    """Store the id column of the commit `reader` reads (of index `ix`) unless it is."""
    path = path_for(ix, reader)
    if path is None or not reader.doc_count_all():
        return
    if read(path, reader.doc_count_all()) is None:
        store(path, list(reader.column_reader("id")))


def _valid(path: Path, number: int) -> bool:
    try:
        return len(from_bytes(_mapped(path))) == number
    except IdFileError:
        return False


__all__ = [
    "IdFileError",
    "StoredIds",
    "from_bytes",
    "joined",
    "path_for",
    "read",
    "store",
    "store_bytes",
    "store_column",
    "to_bytes",
]
