"""The bookmark store: tags and notes that are never lost. No Textual here.

`BookmarkStore` keeps `bookmarks.json` (see `reader.locations.Locations.bookmarks_file`)
in memory and changes it under a cross-process lock with atomic, durable writes.
"""

from reader.bookmarks.cli import add_bookmark_commands, run_bookmarks
from reader.bookmarks.codec import SCHEMA_VERSION
from reader.bookmarks.export import FORMATS, export, parse_import
from reader.bookmarks.model import Bookmark, BookmarkError, clean_note, normalise_tags
from reader.bookmarks.store import BookmarkStore

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
