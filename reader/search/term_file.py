"""One field's terms of a segment, read straight from its terms file (a fast path).

Whoosh's `lexicon(field)` takes several Python calls and two file reads per term; the
vocabulary reads every term of every segment (1.3 million at 1M papers), so that is most
of its load. The terms file of the pinned Whoosh (W3 codec, an ordered hash file) holds
records `key length, value length, key, value` in key order, a key being the field's
number (2 bytes) and the term: here the field's records are read 64 KB at a time and the
terms cut out of them. Through `compat.attempt`, so another Whoosh, or a segment not
of that kind, gets Whoosh's own `lexicon(field)`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

from reader.search.compat import Unsupported, attempt

_HEADER = struct.Struct("!ii")  # key length, value length
_FIELD = struct.Struct("!H")  # the field's number, the start of every key
WINDOW = 1 << 16  # bytes read at a time


def segment_terms(leaf: Any, field: str) -> Iterator[bytes]:
    """A segment's terms of `field`, in order, as bytes."""
    found = attempt("vocabulary (terms read from the terms file)", lambda: _records(leaf, field))
    return leaf.lexicon(field) if found is None else found


def _term_index(leaf: Any) -> tuple[Any, Any, dict[str, int]]:
    """A segment's terms reader, its ordered hash file of terms and its field numbers;
    raises `Unsupported` for a segment not of that kind."""
    terms = getattr(leaf, "_terms", None)
    tindex = getattr(terms, "_tindex", None)
    fieldmap = getattr(terms, "_fieldmap", None)
    if tindex is None or not isinstance(fieldmap, dict) or not hasattr(tindex, "endofdata"):
        raise Unsupported
    return terms, tindex, fieldmap


def _records(leaf: Any, field: str) -> Iterator[bytes]:
    _terms, tindex, fieldmap = _term_index(leaf)
    num = fieldmap.get(field)
    if num is None:  # no term of this field in the segment
        return iter(())
    start = tindex.closest_key_pos(_FIELD.pack(num))
    end = tindex.closest_key_pos(_FIELD.pack(num + 1)) if num + 1 < 1 << 16 else None
    return _cut(tindex.dbfile, start, tindex.endofdata if end is None else end)


def _cut(dbfile: Any, start: int | None, end: int) -> Iterator[bytes]:
    unpack = _HEADER.unpack_from
    head = _HEADER.size + _FIELD.size
    pos = start
    while pos is not None and pos < end:
        data = dbfile.get(pos, min(WINDOW, end - pos))
        size = len(data)
        i = 0
        found: list[bytes] = []
        while i + _HEADER.size <= size:
            keylen, datalen = unpack(data, i)
            if i + _HEADER.size + keylen > size:
                break  # the key goes on past the window: read again from its record
            found.append(data[i + head : i + _HEADER.size + keylen])
            i += _HEADER.size + keylen + datalen
        if i == 0:  # one record longer than the window
            keylen, datalen = _HEADER.unpack(dbfile.get(pos, _HEADER.size))
            found.append(dbfile.get(pos + head, keylen - _FIELD.size))
            i = _HEADER.size + keylen + datalen
        yield from found
        pos += i


def segment_items(leaf: Any, field: str, first: bytes, last: bytes) -> Iterator[Item] | None:
    """A segment's terms of `field` from `first` to `last` (both included), in order, each
    with its term info's bytes (`info_of` decodes them); None where Whoosh's own
    `iter_from` must be used (another Whoosh or another kind of segment)."""
    return attempt(
        "term infos (read from the terms file)", lambda: _items(leaf, field, first, last)
    )


def info_of(value: bytes) -> Any:
    """A term info from its bytes in the terms file, as Whoosh's `term_info` decodes them."""
    from whoosh.codec.whoosh3 import W3TermInfo

    return W3TermInfo.from_bytes(value)


#: A term and its term info's bytes.
Item = tuple[bytes, bytes]


def _items(leaf: Any, field: str, first: bytes, last: bytes) -> Iterator[Item]:
    terms, tindex, fieldmap = _term_index(leaf)
    if type(terms).__name__ != "W3TermsReader":  # its values are W3 term infos
        raise Unsupported
    num = fieldmap.get(field)
    if num is None:
        return iter(())
    key = _FIELD.pack(num)
    start = tindex.closest_key_pos(key + first)
    return _cut_items(tindex.dbfile, start, tindex.endofdata, key, last)


def _cut_items(dbfile: Any, start: int | None, end: int, key: bytes, last: bytes) -> Iterator[Item]:
    """The records from `start` on while their key is `key` (the field's number) followed
    by a term up to `last`, read a window at a time (`_cut`'s way)."""
    unpack = _HEADER.unpack_from
    head = _HEADER.size
    pos = start
    while pos is not None and pos < end:
        data = dbfile.get(pos, min(WINDOW, end - pos))
        size = len(data)
        i = 0
        found: list[Item] = []
        while i + head <= size:
            keylen, datalen = unpack(data, i)
            if i + head + keylen + datalen > size:
                break  # the record goes on past the window: read again from it
            whole = data[i + head : i + head + keylen]
            if whole[: _FIELD.size] != key or whole[_FIELD.size :] > last:
                yield from found
                return
            found.append(
                (whole[_FIELD.size :], data[i + head + keylen : i + head + keylen + datalen])
            )
            i += head + keylen + datalen
        if i == 0:  # one record longer than the window
            keylen, datalen = _HEADER.unpack(dbfile.get(pos, head))
            whole = dbfile.get(pos + head, keylen)
            if whole[: _FIELD.size] != key or whole[_FIELD.size :] > last:
                return
            found.append((whole[_FIELD.size :], dbfile.get(pos + head + keylen, datalen)))
            i = head + keylen + datalen
        yield from found
        pos += i
