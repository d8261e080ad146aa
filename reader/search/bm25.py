"""BM25F's arithmetic as the engine does it (`reader.search.engine`): Whoosh's B and K1,
each segment's field lengths, the term factor per (weight, length byte), and sums built in
C in a fixed order (the plain path and the impact paths must add in the same order to give
the same floats). `LengthTables` reads Whoosh's length columns through its internals: it is
made by the engine only, after `reader.search.compat.fast()` said they are the known ones.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from operator import add
from typing import Any

B, K1 = 0.75, 1.2
_FLOAT32 = struct.Struct("<f")


class Factors(dict[tuple[float, int], float]):
    """(weight, length byte) -> (K1 + 1) * w / (w + norm[byte]), filled on first use."""

    def __init__(self, norm: list[float]) -> None:
        super().__init__()
        self.norm = norm
        #: Weight -> its factor per length byte (`row`).
        self.rows: dict[float, list[float]] = {}
        #: The same factors by one integer key (`KeyedFactors`), made on first use.
        self._keyed: KeyedFactors | None = None

    def __missing__(self, key: tuple[float, int]) -> float:
        w, b = key
        value = self[key] = w * (K1 + 1) / (w + self.norm[b])
        return value

    def row(self, w: float) -> list[float]:
        """The factors of weight `w` per length byte (`self[(w, b)]` for b in 0..255, the
        same arithmetic), made in one pass and kept."""
        found = self.rows.get(w)
        if found is None:
            top = w * (K1 + 1)
            found = self.rows[w] = [top / (w + n) for n in self.norm]
        return found

    def keyed(self) -> KeyedFactors:
        """These factors by one integer key per (weight, length byte) (`KeyedFactors`),
        kept with them: every rare word of every query shares the pairs met before."""
        if self._keyed is None:
            self._keyed = KeyedFactors(self)
        return self._keyed


class KeyedFactors(dict[int, float]):
    """Key -> `factors[(weight, length byte)]`, the key being the top 16 bits of the
    weight's little-endian float32 above the length byte (how
    `reader.search.impact_rare.Word.scores` keys a posting in C); filled on first use."""

    def __init__(self, factors: Factors) -> None:
        super().__init__()
        self._factors = factors

    def __missing__(self, key: int) -> float:
        (weight,) = _FLOAT32.unpack((key >> 8 << 16).to_bytes(4, "little"))
        value = self[key] = self._factors[(weight, key & 255)]
        return value


class LengthTables:
    """Per segment (leaf) and field: the length byte of every document, and the tables of
    the BM25 term factor by (weight, length byte), read and made on first use."""

    def __init__(self, searcher: Any, leaves: list[tuple[Any, int]]) -> None:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        self.searcher = searcher
        self.leaves = leaves
        self._lenfield = _lenfield
        self._lencol = LENGTHS_COLUMN
        self._byte_to_length = [byte_to_length(i) for i in range(256)]
        self._norms: dict[tuple[int, str], list[float]] = {}
        self._lengths: dict[tuple[int, str], bytes] = {}
        self._tables: dict[tuple[int, str], tuple[bytes, Factors]] = {}

    def norm(self, leaf: int, field: str) -> tuple[bytes, list[float]]:
        """Raw length bytes of a field and, per byte value, K1 * (1 - B + B * fl / avgfl)."""
        key = (leaf, field)
        if key not in self._norms:
            reader, _ = self.leaves[leaf]
            col = reader._perdoc._cached_reader(self._lenfield(field), self._lencol)
            count = reader.doc_count_all()
            if col is None:
                raw = bytes(count)
            else:
                raw = col._dbfile.get(col._basepos, col._count)
                raw = bytes(raw) + bytes(max(0, count - len(raw)))
            avg = self.searcher.avg_field_length(field) or 1.0
            table = self._byte_to_length
            self._norms[key] = [K1 * (1 - B + B * table[b] / avg) for b in range(256)]
            self._lengths[key] = raw
        return self._lengths[key], self._norms[key]

    def lengths_of(self, leaf: int, field: str) -> bytes:
        """A segment's length byte per document of one field (zeros where it has none)."""
        raw, _ = self.norm(leaf, field)
        return raw[: self.leaves[leaf][0].doc_count_all()]

    def table(self, leaf: int, field: str) -> tuple[bytes, Factors]:
        """Length bytes and a lazily filled (weight, length byte) -> BM25 term factor table."""
        key = (leaf, field)
        found = self._tables.get(key)
        if found is None:
            raw, norm = self.norm(leaf, field)
            found = self._tables[key] = (raw, Factors(norm))
        return found


def added(
    first: dict[int, float], second: dict[int, float], docs: Iterable[int]
) -> dict[int, float]:
    """`first[d] + second[d]` for each of `docs`, built in C (the addition in that order)."""
    docs = list(docs)
    return dict(
        zip(
            docs, map(add, map(first.__getitem__, docs), map(second.__getitem__, docs)), strict=True
        )
    )


__all__ = ["K1", "B", "Factors", "LengthTables", "added"]
