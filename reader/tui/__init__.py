"""The Textual app. `make_app(...)` is the one factory used by the CLI and the tests."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from reader.bookmarks import BookmarkStore
from reader.locations import Locations, choose_dumps, resolve_locations
from reader.search import Library

if TYPE_CHECKING:
    from reader.tui.app import PaperReaderApp


def make_app(
    dump_paths: list[str] | None = None,
    *,
    locations: Locations | None = None,
    library: Library | None = None,
    store: BookmarkStore | None = None,
) -> PaperReaderApp:
    """The app for the dumps the user chose (`--dumps`, env, data dir or samples).

    The cyclic garbage collector is paused from here until the app's first frame is out (or
    it closes): the start makes a few hundred thousand objects, all long-lived, and the
    collector's passes over them took 40 ms of it.
    """
    gc.disable()
    from reader.tui.app import PaperReaderApp

    loc = locations or resolve_locations()
    if library is None:
        selection = choose_dumps(dump_paths, loc)
        library = Library(selection.roots, loc.index_dir(selection.roots))
    if store is None:
        store = BookmarkStore(loc.bookmarks_file)
    return PaperReaderApp(library, store, loc)


__all__ = ["make_app"]
