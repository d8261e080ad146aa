"""The values of the reading state: a paper's state, an undo step, a saved search.

Also the cleaning of what a saved search stores (its name, its filters), shared by the
store and by the import of an export. No SQLite here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from reader.bookmarks.model import BookmarkError, clean_field


class ReadingError(BookmarkError):
    """A reading-state operation failed; the message is one line for the user."""


class State(StrEnum):
    """A paper's reading state."""

    UNREAD = "unread"
    SEEN = "seen"
    DISMISSED = "dismissed"


class Step(NamedTuple):
    """One undoable change: its journal step (None when nothing changed) and how many changed."""

    step: int | None
    changed: int


class SavedSearch(NamedTuple):
    """A named query with its filters (a plain mapping: sources, tags, dates, ...)."""

    name: str
    query: str
    filters: dict[str, Any]
    created: str


def now_iso(moment: float) -> str:
    """`moment` (a Unix time) as an ISO 8601 UTC timestamp to the second."""
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clean_name(name: str) -> str:
    """A saved search's name: one clean line, not empty."""
    text = clean_field(name)
    if not text:
        raise ReadingError("a saved search needs a name")
    if len(text) > 80:
        raise ReadingError("a saved search's name is at most 80 characters")
    return text


def clean_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Filters as stored: lists of clean strings, strings and booleans; empty values dropped."""
    out: dict[str, Any] = {}
    for key, value in filters.items():
        if isinstance(value, bool):
            if value:
                out[str(key)] = True
        elif isinstance(value, str):
            if clean_field(value):
                out[str(key)] = clean_field(value)
        elif isinstance(value, int):
            out[str(key)] = value
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = sorted({clean_field(v) for v in value if isinstance(v, str) and clean_field(v)})
            if items:
                out[str(key)] = items
    return out


def stored_filters(text: str) -> dict[str, Any]:
    """Filters as read back from their stored JSON (cleaned again; {} if unreadable)."""
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return clean_filters(value) if isinstance(value, dict) else {}
