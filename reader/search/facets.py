"""Per-dump match counts for one query on one index generation (the filter pane's numbers)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from itertools import chain
from typing import TYPE_CHECKING, Any

from reader.search.compat import attempt

if TYPE_CHECKING:
    from reader.search.generation import Generation
    from reader.search.row_table import RowTable


def count_rows(rows: RowTable, ids: Iterable[str]) -> Counter[str]:
    """Per-dump counts of the papers `ids` (ids without a row are skipped)."""
    return rows.count_sources(ids)


def count_matches(
    gen: Generation,
    q: Any,
    allowed: set[str] | None,
    rows: RowTable,
    source_table: Callable[[], list[tuple[str, ...]]],
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
            ids = engine.doc_ids()
            docs = [d for d in docs if ids[d] in allowed]
        table = source_table()
        return lambda: Counter(chain.from_iterable(map(table.__getitem__, docs)))

    found = attempt("facet counts (fast engine)", fast)
    if found is not None:
        return found
    matched: Iterable[str] = gen.matching_ids(q, None)  # unscored, unsorted
    if allowed is not None:
        matched = [i for i in matched if i in allowed]
    return lambda: count_rows(rows, matched)
