"""The search layer: Whoosh index + SQLite catalog, synced with the dump set. No Textual."""

from __future__ import annotations

from collections.abc import Sequence

from reader.locations import DumpSelection, Locations, choose_dumps, resolve_locations
from reader.search.library import Library, highlight_spans
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
