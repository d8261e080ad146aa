"""The search layer: Whoosh index + SQLite catalog, synced with the dump set. No Textual."""

from __future__ import annotations

from collections.abc import Sequence

from reader.locations import DumpSelection, Locations, choose_dumps, resolve_locations
from reader.search.library import Library
from reader.search.storage import IndexBusy, IndexDamaged, IndexWriteFailed
from reader.search.types import (
    Filters,
    Row,
    SearchResult,
    SimilarResult,
    Sort,
    SourceInfo,
    SyncReport,
)


def highlight_spans(
    text: str, terms: frozenset[tuple[str, str]], field: str = "abstract"
) -> list[tuple[int, int]]:
    """Spans of `text` the query matched in `field` (`reader.search.highlight`, imported
    here on first use: it reads Whoosh's stop words, which a one-off `list` never needs)."""
    from reader.search.highlight import highlight_spans as spans

    return spans(text, terms, field)


def open_library(
    dump_paths: Sequence[str] | None = None,
    locations: Locations | None = None,
    config_dumps: Sequence[str] | None = None,
) -> tuple[Library, DumpSelection]:
    """The library for the dumps the user chose (`--dumps`, env, config file, data dir or
    samples)."""
    loc = locations or resolve_locations()
    selection = choose_dumps(dump_paths, loc, config_paths=config_dumps)
    return Library(selection.roots, loc.index_dir(selection.roots)), selection


__all__ = [
    "Filters",
    "IndexBusy",
    "IndexDamaged",
    "IndexWriteFailed",
    "Library",
    "Row",
    "SearchResult",
    "SimilarResult",
    "Sort",
    "SourceInfo",
    "SyncReport",
    "highlight_spans",
    "open_library",
]
