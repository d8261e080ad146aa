"""The bookmark store: tags and notes that are never lost. No Textual here.

`BookmarkStore` keeps `bookmarks.json` (see `reader.locations.Locations.bookmarks_file`)
in memory and changes it under a cross-process lock with atomic, durable writes.
Names are re-exported lazily (`reader._lazy`): the app needs the store, not the CLI or
the exporters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader._lazy import lazy_exports

if TYPE_CHECKING:
    from reader.bookmarks.cli import add_bookmark_commands, run_bookmarks
    from reader.bookmarks.codec import SCHEMA_VERSION
    from reader.bookmarks.model import Bookmark, BookmarkError, clean_note, normalise_tags
    from reader.bookmarks.store import BookmarkStore
    from reader.bookmarks.transfer import FORMATS, export, parse_import

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "Bookmark",
    "BookmarkError",
    "BookmarkStore",
    "add_bookmark_commands",
    "clean_note",
    "export",
    "normalise_tags",
    "parse_import",
    "run_bookmarks",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "add_bookmark_commands": "cli", "run_bookmarks": "cli",
        "SCHEMA_VERSION": "codec",
        "FORMATS": "transfer", "export": "transfer", "parse_import": "transfer",
        "Bookmark": "model", "BookmarkError": "model", "clean_note": "model",
        "normalise_tags": "model",
        "BookmarkStore": "store",
    },
)  # fmt: skip
