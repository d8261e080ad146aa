"""SQLite helpers shared by the catalog and the user's stores."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

#: Ids bound per statement: well under SQLite's limit on bound parameters.
IDS_PER_QUERY = 500


def rows_for_ids(conn: sqlite3.Connection, select: str, ids: Sequence[str]) -> Iterator[Any]:
    """The rows of `select` (a statement ending in its FROM clause) whose `id` is one of
    `ids`, a chunk of ids per statement; in no set order, and ids with no row are skipped."""
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = list(ids[start : start + IDS_PER_QUERY])
        marks = ",".join("?" * len(chunk))
        yield from conn.execute(f"{select} WHERE id IN ({marks})", chunk)
