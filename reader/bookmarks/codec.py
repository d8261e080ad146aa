"""The bookmarks file format: JSON, indent 2, sorted keys, a `schema_version`.

`decode` is strict about structure and types (a wrongly-typed file is corrupt, so the
store moves it aside rather than guessing) and cleans every text it reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from reader.bookmarks.model import (
    Bookmark,
    clean_field,
    clean_note,
    normalise_tags,
    normalise_time,
    paper_from_data,
)
from reader.model import Paper

SCHEMA_VERSION = 1
_PAPER_FIELDS = tuple(f.name for f in fields(Paper))


class CorruptFile(ValueError):
    """The bytes are not a bookmarks file we can read; the message says why (one line)."""


@dataclass
class Document:
    """A decoded bookmarks file. `version` above `SCHEMA_VERSION` means: read-only."""

    version: int
    bookmarks: list[Bookmark] = field(default_factory=list)

    @property
    def newer(self) -> bool:
        return self.version > SCHEMA_VERSION


def paper_to_data(paper: Paper) -> dict[str, Any]:
    """`Paper.to_dict()` without `asdict`'s deep copy (a large file is encoded on every change)."""
    data: dict[str, Any] = {}
    for name in _PAPER_FIELDS:
        value = getattr(paper, name)
        data[name] = list(value) if isinstance(value, list) else value
    data["sources"] = [s.to_dict() for s in paper.sources]
    return data


def bookmark_to_data(bookmark: Bookmark) -> dict[str, Any]:
    return {
        "id": bookmark.paper_id,
        "paper": paper_to_data(bookmark.paper),
        "tags": list(bookmark.tags),
        "note": bookmark.note,
        "added": bookmark.added,
        "updated": bookmark.updated,
    }


def encode(bookmarks: Iterable[Bookmark], extra: Mapping[str, Any] | None = None) -> bytes:
    """The file's bytes: oldest first (stable order by `added`), keys sorted, trailing newline.

    `extra`: more top-level keys (an export adds the reading state and saved searches)."""
    ordered = sorted(bookmarks, key=lambda b: b.added)
    doc = {
        **(extra or {}),
        "schema_version": SCHEMA_VERSION,
        "bookmarks": [bookmark_to_data(b) for b in ordered],
    }
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def bookmark_from_data(data: object) -> Bookmark:
    """One bookmark from a JSON object, checked and cleaned; raises `ValueError`."""
    if not isinstance(data, dict):
        raise ValueError("a bookmark is not an object")
    raw_id = data.get("id")
    if not isinstance(raw_id, str) or not clean_field(raw_id):
        raise ValueError("a bookmark has no id")
    pid = clean_field(raw_id)
    paper = paper_from_data(data.get("paper"))
    paper.id = pid
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError(f"bookmark {pid}: tags is not a list of strings")
    note = data.get("note", "")
    if not isinstance(note, str):
        raise ValueError(f"bookmark {pid}: note is not a string")
    try:
        added = normalise_time(data.get("added"))
        updated = normalise_time(data.get("updated", data.get("added")))
    except ValueError as exc:
        raise ValueError(f"bookmark {pid}: {exc}") from None
    return Bookmark(
        paper_id=pid,
        paper=paper,
        tags=normalise_tags(tags),
        note=clean_note(note),
        added=added,
        updated=max(updated, added),
    )


def decode(raw: bytes) -> Document:
    """Parse a bookmarks file; raises `CorruptFile` (with a one-line reason) if we cannot."""
    if not raw.strip():
        raise CorruptFile("the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorruptFile(f"not UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorruptFile(
            f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise CorruptFile("invalid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise CorruptFile("the top level is not an object")
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise CorruptFile("no valid schema_version")
    raw_list = data.get("bookmarks")
    if not isinstance(raw_list, list):
        if version > SCHEMA_VERSION:
            return Document(version)
        raise CorruptFile("'bookmarks' is not a list")
    try:
        items = [bookmark_from_data(item) for item in raw_list]
    except ValueError as exc:
        if version > SCHEMA_VERSION:
            # A newer format we do not understand: shown read-only, as far as we can.
            return Document(version)
        raise CorruptFile(str(exc)) from None
    return Document(version, dedupe(items))


def dedupe(items: Iterable[Bookmark]) -> list[Bookmark]:
    """One bookmark per id (the most recently updated), in first-seen order."""
    by_id: dict[str, Bookmark] = {}
    for item in items:
        seen = by_id.get(item.paper_id)
        if seen is None or item.updated > seen.updated:
            by_id[item.paper_id] = item
    return list(by_id.values())
