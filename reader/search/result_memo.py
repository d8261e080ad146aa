"""The engine's memo of whole query results (`Engine.evaluate`): the last few queries'
scores, within a budget of entries, a large result kept packed.

The app asks for a query's ranking and its facet counts in a row, and typing and
backspacing repeat queries, so a result computed once is asked for again soon.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import ValuesView

#: Whole query results remembered, and their entries in all (a docnum -> score dict costs
#: about 100 bytes an entry; the last result is kept whatever its size, for the facet
#: counts and the re-sorting that follow a search).
MEMO_QUERIES = 8
MEMO_ENTRIES = 300_000
#: A result of at least this many entries is remembered packed (`Packed`: 12 bytes an
#: entry, counted as an eighth of an entry against MEMO_ENTRIES): at a million papers one
#: common word's result is most of a million, about 100 MB as a dict.
PACK_ENTRIES = 100_000


class Packed:
    """A remembered query result as two arrays: docnums and their scores, in the dict's
    order (the same numbers: an `array("d")` holds a Python float exactly)."""

    __slots__ = ("docs", "values")

    def __init__(self, scores: dict[int, float]) -> None:
        self.docs = array("I", scores.keys())
        self.values = array("d", scores.values())

    def __len__(self) -> int:
        return len(self.docs)

    def scores(self) -> dict[int, float]:
        """The result as `Engine.scores` gave it (a new dict)."""
        return dict(zip(self.docs, self.values, strict=True))


Result = dict[int, float] | Packed


class ResultMemo:
    """Query results by key (the query's repr), the newest last, within `MEMO_QUERIES`
    results and `MEMO_ENTRIES` entries (the newest kept whatever its size)."""

    def __init__(self) -> None:
        self._results: OrderedDict[str, Result] = OrderedDict()

    def get(self, key: str) -> Result | None:
        """The result remembered for `key` (then the newest), or None."""
        found = self._results.get(key)
        if found is not None:
            self._results.move_to_end(key)
        return found

    def put(self, key: str, result: dict[int, float]) -> None:
        """Remember `result` (packed if large), dropping the oldest past the budget."""
        results = self._results
        results[key] = Packed(result) if len(result) >= PACK_ENTRIES else result
        size = sum(map(_size, results.values()))
        while len(results) > 1 and (len(results) > MEMO_QUERIES or size > MEMO_ENTRIES):
            _, old = results.popitem(last=False)
            size -= _size(old)

    def clear(self) -> None:
        self._results.clear()

    def values(self) -> ValuesView[Result]:
        return self._results.values()

    def __len__(self) -> int:
        return len(self._results)


def _size(result: Result) -> int:
    """A remembered result's share of MEMO_ENTRIES (a packed entry costs an eighth)."""
    return len(result) if isinstance(result, dict) else len(result) // 8


__all__ = ["MEMO_ENTRIES", "MEMO_QUERIES", "PACK_ENTRIES", "Packed", "ResultMemo"]
