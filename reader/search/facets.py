"""Per-dump match counts for one query on one index generation (the filter pane's numbers)."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from reader.search.activity import paused
from reader.search.compat import attempt

if TYPE_CHECKING:
    from reader.search.generation import Generation
    from reader.search.row_table import RowTable


#: Papers `SourceTable.build` reads between two calls of its pause.
PAUSE_IDS = 20_000


class SourceTable:
    """The facet counts' table: per docnum, the number of its paper's list of dumps (a byte
    while there are at most 256 lists, not a reference of 8 bytes), and the lists."""

    __slots__ = ("codes", "lists")

    def __init__(self, codes: array[int], lists: list[tuple[str, ...]]) -> None:
        self.codes = codes
        self.lists = lists

    @classmethod
    def build(
        cls,
        ids: Iterable[str],
        sources_of: Callable[[str], tuple[str, ...]],
        pause: Callable[[], None] | None = None,
    ) -> SourceTable:
        """The table of the papers `ids` (in docnum order), `sources_of(id)` their dumps;
        `pause()` is called every `PAUSE_IDS` papers (the warm-up's gives the CPU to
        searches: a million papers take seconds)."""
        number: dict[tuple[str, ...], int] = {}
        codes = array("I")
        for chunk in paused(ids, PAUSE_IDS, pause):
            codes.extend(number.setdefault(sources_of(pid), len(number)) for pid in chunk)
        if len(number) <= 256:
            codes = array("B", codes)
        elif len(number) <= 65536:
            codes = array("H", codes)
        return cls(codes, list(number))

    def count(self, docs: Iterable[int]) -> Counter[str]:
        """Per-dump counts of the papers of `docs` (a docnum given twice counts twice)."""
        counts: Counter[str] = Counter()
        for k, n in Counter(map(self.codes.__getitem__, docs)).items():
            for name in self.lists[k]:
                counts[name] += n
        return counts


def count_rows(rows: RowTable, ids: Iterable[str]) -> Counter[str]:
    """Per-dump counts of the papers `ids` (ids without a row are skipped)."""
    return rows.count_sources(ids)


def count_matches(
    gen: Generation,
    q: Any,
    allowed: set[str] | None,
    rows: RowTable,
    source_table: Callable[[], SourceTable],
) -> Callable[[], Counter[str]]:
    """The per-dump counts of the papers `q` matches (within `allowed`), in two steps: this
    call finds the matches (under the library lock: it reads the index), the function it
    returns counts them (outside the lock: at a million papers the counting takes a good
    part of a second, which searches typed meanwhile would otherwise wait for). Straight
    from the matching docnums on the fast path, else from the matching ids and their rows."""

    def fast() -> Callable[[], Counter[str]]:
        engine = gen.engine()
        docs: list[int] = list(engine.matching(q))
        if allowed is not None:
            ids = gen.doc_ids()
            docs = [d for d in docs if ids[d] in allowed]
        table = source_table()
        return lambda: table.count(docs)

    found = attempt("facet counts (fast engine)", fast)
    if found is not None:
        return found
    matched: Iterable[str] = gen.matching_ids(q, None)  # unscored, unsorted
    if allowed is not None:
        matched = [i for i in matched if i in allowed]
    return lambda: count_rows(rows, matched)
