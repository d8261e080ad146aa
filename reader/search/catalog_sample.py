"""Samples of the catalog's papers spread evenly over it (every n-th rowid, read without a
scan): the texts a build learns its commonest words from (`reader.search.build_ranking`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reader.search.catalog import Catalog, unpack
from reader.sql import IDS_PER_QUERY


def sample_titles(catalog: Catalog, limit: int) -> list[str]:
    """At most `limit` titles, of papers spread evenly over the table."""
    return [title for (title,) in _spread(catalog, "papers", "title", limit) if title]


def sample_texts(catalog: Catalog, limit: int) -> list[str]:
    """The titles and abstracts of at most `limit` records, spread evenly over the table,
    a text each."""
    texts: list[str] = []
    for (data,) in _spread(catalog, "records", "data", limit):
        paper = unpack(data)
        texts.append(f"{paper.title}\n{paper.abstract}")
    return texts


def _spread(catalog: Catalog, table: str, column: str, limit: int) -> Iterator[tuple[Any, ...]]:
    """`column` of at most `limit` rows of `table` spread evenly over it: every n-th rowid,
    read without a scan."""
    db = catalog.connect()
    (last,) = db.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}").fetchone()
    rowids = list(range(1, last + 1, max(1, last // max(1, limit))))[:limit]
    for start in range(0, len(rowids), IDS_PER_QUERY):
        chunk = rowids[start : start + IDS_PER_QUERY]
        marks = ",".join("?" * len(chunk))
        yield from db.execute(f"SELECT {column} FROM {table} WHERE rowid IN ({marks})", chunk)


__all__ = ["sample_texts", "sample_titles"]
