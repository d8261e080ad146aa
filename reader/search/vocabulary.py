"""A sorted set of words held compactly: one UTF-8 byte string, searched in C.

The words, sorted and unique, are joined by newlines into one `bytes` (about one byte per
character plus one per word), with every `_BLOCK`-th word kept as a head with its offset.
A word is looked up by bisecting the heads and searching its block of the string; the
words starting with a prefix are one slice of it (UTF-8 bytes sort in code-point order,
and the byte 0xff never occurs in UTF-8, so they are the words in [p, p + b"\\xff"));
wildcards and length filters are regular expressions run over the string or a slice.
A bit filter of the words' hashes answers most misses (a spelling candidate that is not a
word) without the bisection. A word never holds a newline.

`write_bytes`/`from_bytes` store the string and the heads' offsets as they are (a header,
then the two, then a CRC-32 of both), so a one-off process reads a vocabulary in
milliseconds instead of merging every segment's terms. The bit filter is not stored: it
is keyed by `hash`, which differs between processes; a vocabulary read back has none and
checks every word by bisection (microseconds each).
"""

from __future__ import annotations

import bisect
import re
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, groupby, islice, pairwise
from operator import add, itemgetter
from typing import overload

from reader.search.activity import paused

_BLOCK = 32  # words per block: the heads cost 1/_BLOCK of the words as objects
_CHUNK = 128 * _BLOCK  # words joined at a time while building (a whole number of blocks)
_BITS_PER_WORD = 24  # the bit filter's size
_NL = b"\n"
_TOP = b"\xff"  # sorts after every UTF-8 continuation: the end of a prefix's range
# One character of a UTF-8 line: a leading byte and its continuation bytes.
_ONE_CHAR = rb"[^\n\x80-\xbf][\x80-\xbf]*"


#: The stored form: magic, format version, word count, string length, offsets count, CRC-32.
MAGIC = b"paper-reader vocabulary\n"
FORMAT_VERSION = 1
_HEADER = struct.Struct("<24sIQQQI")


class VocabularyFileError(ValueError):
    """Bytes that are not a stored vocabulary of this format (truncated, garbled, other)."""


def _key(word: str) -> bytes:
    # surrogatepass: a lone surrogate (never in the vocabulary) encodes, and matches nothing
    return word.encode("utf-8", "surrogatepass")


class Vocabulary(Sequence[str]):
    """Sorted unique words: membership, prefixes, wildcards and length-filtered ranges."""

    def __init__(
        self, sorted_words: Iterable[bytes], pause: Callable[[], None] | None = None
    ) -> None:
        """`sorted_words`: UTF-8 words in ascending order; repeats are skipped, and so is
        the empty string (the analyzer never makes it a word). `pause` is called after
        each chunk of words (a warm-up's: searches typed meanwhile go first)."""
        starts = array("q")  # offset of the newline before each head; then the last one
        text = bytearray(_NL)
        pos = count = 0
        source = filter(None, map(itemgetter(0), groupby(sorted_words)))
        for chunk in paused(source, _CHUNK, pause):
            ends = list(accumulate(map(len, chunk), initial=pos))
            starts.extend(ends[i] + i for i in range(0, len(chunk), _BLOCK))
            pos = ends[-1] + len(chunk)
            count += len(chunk)
            text += _NL.join(chunk)
            text += _NL
        starts.append(pos)
        # One growing buffer, copied once: pieces joined at the end would leave their
        # freed memory in the heap below the string.
        blob = bytes(text) if count else _NL
        del text
        if blob.count(_NL) != count + 1:
            raise ValueError("a word holds a newline")
        # The heads are cut from the string once the words read are gone: made among them,
        # each would keep a block of memory they were freed from in use.
        self._adopt(blob, starts, count, filtered=True)

    def _adopt(self, blob: bytes, starts: array[int], count: int, filtered: bool) -> None:
        """Hold the words as `blob` (joined, between newlines) and the offsets `starts` of
        the newline before every `_BLOCK`-th word, then of the last newline; `filtered`:
        with the bit filter (not for a vocabulary read back or made to be stored: the
        filter is keyed by this process's `hash`)."""
        self._blob = blob
        self._heads = [blob[s + 1 : blob.index(_NL, s + 1)] for s in starts[:-1]]
        self._starts = starts
        self._count = count
        self._ascii = blob.isascii()
        self._bits: bytearray | None
        self._bits, self._size = self._filter() if filtered else (None, 0)

    @classmethod
    def of(cls, words: Iterable[str]) -> Vocabulary:
        """From words in any order, with repeats."""
        return cls(sorted({_key(w) for w in words}))

    @classmethod
    def of_unique(cls, words: list[bytes]) -> Vocabulary:
        """From UTF-8 words already sorted, unique and not empty (a vocabulary's `encoded()`
        words and others not among them, sorted), joined in C without the constructor's
        steps per word; without the bit filter (it is made to be stored)."""
        count = len(words)
        blob = b"".join((_NL, _NL.join(words), _NL)) if count else _NL
        if blob.count(_NL) != count + 1:
            raise ValueError("a word holds a newline")
        # The newline before word j: the lengths of the words before it, and their newlines.
        lengths = accumulate(map(len, words), initial=0)
        starts = array("q", map(add, islice(lengths, 0, count, _BLOCK), range(0, count, _BLOCK)))
        starts.append(len(blob) - 1)
        vocab = cls.__new__(cls)
        vocab._adopt(blob, starts, count, filtered=False)
        return vocab

    def write_bytes(self) -> list[bytes]:
        """The stored form, in pieces to write one after another (`from_bytes` reads it)."""
        starts = array("q", self._starts)
        if sys.byteorder != "little":
            starts.byteswap()
        raw = starts.tobytes()
        crc = zlib.crc32(raw, zlib.crc32(self._blob))
        header = _HEADER.pack(MAGIC, FORMAT_VERSION, self._count, len(self._blob), len(starts), crc)
        return [header, self._blob, raw]

    @classmethod
    def from_bytes(cls, data: bytes) -> Vocabulary:
        """A vocabulary from its stored form; raises `VocabularyFileError` if `data` is not
        one, whole and unchanged, of this format version."""
        if len(data) < _HEADER.size:
            raise VocabularyFileError("shorter than its header")
        magic, version, count, blob_len, n_starts, crc = _HEADER.unpack_from(data)
        if magic != MAGIC:
            raise VocabularyFileError("not a vocabulary file")
        if version != FORMAT_VERSION:
            raise VocabularyFileError(f"format version {version}, not {FORMAT_VERSION}")
        if n_starts != -(-count // _BLOCK) + 1 or blob_len < count + 1:
            raise VocabularyFileError("inconsistent sizes")
        if len(data) != _HEADER.size + blob_len + 8 * n_starts:
            raise VocabularyFileError("truncated or too long")
        view = memoryview(data)
        blob = bytes(view[_HEADER.size : _HEADER.size + blob_len])
        raw = view[_HEADER.size + blob_len :]
        if zlib.crc32(raw, zlib.crc32(blob)) != crc:
            raise VocabularyFileError("checksum mismatch")
        starts = array("q")
        starts.frombytes(raw)
        if sys.byteorder != "little":
            starts.byteswap()
        # The checksum was made over what `write_bytes` wrote, so these hold unless that
        # was wrong; they are cheap and keep a bad file from answering wrongly.
        if (
            starts[0] != 0
            or starts[-1] != blob_len - 1
            or any(a >= b for a, b in pairwise(starts))
            or any(blob[s] != 10 for s in starts)
            or blob.count(_NL) != count + 1
        ):
            raise VocabularyFileError("inconsistent contents")
        vocab = cls.__new__(cls)
        vocab._adopt(blob, starts, count, filtered=False)
        return vocab

    def _filter(self) -> tuple[bytearray, int]:
        """Two bits per word, picked by its hash (a non-word sets neither bit 1 - 1/80 of
        the time at 24 bits per word)."""
        size = max(8 * 1024, -(-self._count * _BITS_PER_WORD // 8) * 8)
        bits = bytearray(size >> 3)
        for h in map(hash, self):
            i = h % size
            bits[i >> 3] |= 1 << (i & 7)
            i = (h >> 32) % size
            bits[i >> 3] |= 1 << (i & 7)
        return bits, size

    # -- the sequence ------------------------------------------------------------------
    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(self._count)[index]]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("vocabulary index out of range")
        block, i = divmod(index, _BLOCK)
        return self._block(block)[i].decode("utf-8")

    def _spans(self) -> Iterator[bytes]:
        """The words joined by newlines, 64 blocks at a time."""
        starts, blob = self._starts, self._blob
        for block in range(0, len(self._heads), 64):
            last = min(block + 64, len(self._heads))
            yield blob[starts[block] + 1 : starts[last]]

    def __iter__(self) -> Iterator[str]:
        for span in self._spans():
            yield from span.decode("utf-8").split("\n")

    def encoded(self) -> Iterator[bytes]:
        """The words in order, UTF-8 encoded (as `sorted_words` gives them)."""
        for span in self._spans():
            yield from span.split(_NL)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        bits, size = self._bits, self._size
        if bits is not None:
            h = hash(word)
            i, j = h % size, (h >> 32) % size
            if not (bits[i >> 3] >> (i & 7) & 1 and bits[j >> 3] >> (j & 7) & 1):
                return False
        key = _key(word)
        k = bisect.bisect_right(self._heads, key) - 1
        if k < 0 or _NL in key:
            return False
        starts = self._starts
        return self._blob.find(_NL + key + _NL, starts[k], starts[k + 1] + 1) >= 0

    def among(self, words: Iterable[str]) -> list[str]:
        """The given words that are in the vocabulary: `in` for many (spelling candidates,
        most of them not words, which the bit filter's first bit turns away in one step)."""
        bits, size = self._bits, self._size
        if bits is None:
            return [w for w in words if w in self]
        maybe = [w for w in words if bits[(i := hash(w) % size) >> 3] >> (i & 7) & 1]
        return [w for w in maybe if w in self]

    # -- ranges ------------------------------------------------------------------------
    def _block(self, block: int) -> list[bytes]:
        return self._blob[self._starts[block] + 1 : self._starts[block + 1]].split(_NL)

    def _lower(self, key: bytes) -> int:
        """Offset of the first word >= key (the final newline's offset + 1 if none)."""
        k = bisect.bisect_right(self._heads, key) - 1
        if k < 0:
            return 1
        words = self._block(k)
        i = bisect.bisect_left(words, key)
        return self._starts[k] + 1 + sum(map(len, words[:i])) + i

    def _span(self, key: bytes) -> tuple[int, int]:
        """The offsets of the words starting with `key`: blob[start:end] is them joined."""
        start = self._lower(key)
        end = self._lower(key + _TOP) - 1
        return start, max(start, end)

    def prefix_bytes(self, text: str) -> list[bytes]:
        """The words starting with `text`, in order, UTF-8 encoded."""
        start, end = self._span(_key(text))
        return self._blob[start:end].split(_NL) if end > start else []

    def prefix(self, text: str) -> list[str]:
        """The words starting with `text`, in order."""
        start, end = self._span(_key(text))
        return self._blob[start:end].decode("utf-8").split("\n") if end > start else []

    def wildcard(self, pattern: str) -> list[str]:
        """The words matching a `*` (any characters) / `?` (one character) pattern, in
        order: the literal head narrows the scan to that prefix's slice."""
        if "\n" in pattern:
            return []
        head = re.split(r"[*?]", pattern, maxsplit=1)[0]
        start, end = self._span(_key(head)) if head else (1, len(self._blob) - 1)
        if end <= start:
            return []
        one = rb"[^\n]" if self._ascii else _ONE_CHAR
        body = b"".join(
            rb"[^\n]*" if ch == "*" else one if ch == "?" else re.escape(_key(ch)) for ch in pattern
        )
        # From the newline before a word to the one after it: a literal start scans faster
        # than `(?m)^`.
        regex = re.compile(rb"\n(" + body + rb")(?=\n)")
        found = regex.finditer(self._blob, start - 1, end + 1)
        return [m.group(1).decode("utf-8") for m in found]

    def sized(self, first: str, shortest: int, longest: int) -> list[str]:
        """The words whose first character is `first` (none for "") with `shortest` to
        `longest` characters, in order."""
        shortest = max(shortest, 1)
        if longest < shortest or len(first) != 1:
            return []
        start, end = self._span(_key(first))
        if end <= start:
            return []
        text = self._blob[start - 1 : end + 1].decode("utf-8")
        return re.findall(f"\n([^\n]{{{shortest},{longest}}})(?=\n)", text)
