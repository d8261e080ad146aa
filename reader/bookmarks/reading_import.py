"""Reading an export's reading state and saved searches (`bookmarks import`).

`reading_part` picks them out of an export's bytes; `parse_marks` and `parse_searches`
check their shape and clean them for `ReadingStore.merge`, raising `ReadingError` with a
one-line message for the user on a bad entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from reader.bookmarks.model import clean_field
from reader.bookmarks.reading_model import (
    ReadingError,
    State,
    clean_filters,
    clean_name,
    now_iso,
)


def reading_part(raw: bytes) -> dict[str, Any]:
    """The reading state and saved searches in an export's bytes ({} when it has none)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: data[k] for k in ("reading", "saved_searches") if k in data}


def _timestamp(item: Mapping[str, Any]) -> float:
    raw = item.get("updated_ts")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    text = item.get("updated")
    if isinstance(text, str):
        try:
            return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        except ValueError:
            pass
    raise ReadingError("an imported reading-state entry has no valid 'updated' time")


def parse_marks(items: object) -> list[tuple[str, str, float]]:
    if not isinstance(items, list):
        raise ReadingError("'reading' is not a list")
    out: dict[str, tuple[str, str, float]] = {}
    states = {s.value for s in State}
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ReadingError(f"reading entry {n} is not an object")
        pid, state = item.get("id"), item.get("state")
        if not isinstance(pid, str) or not clean_field(pid) or state not in states:
            raise ReadingError(f"reading entry {n} needs an id and a state ({', '.join(states)})")
        entry = (clean_field(pid), str(state), _timestamp(item))
        if entry[0] not in out or entry[2] > out[entry[0]][2]:
            out[entry[0]] = entry
    return list(out.values())


def parse_searches(items: object) -> list[tuple[str, str, dict[str, Any], str, float]]:
    if not isinstance(items, list):
        raise ReadingError("'saved_searches' is not a list")
    out = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ReadingError(f"saved search {n} has no name")
        query, filters = item.get("query", ""), item.get("filters", {})
        if not isinstance(query, str) or not isinstance(filters, dict):
            raise ReadingError(f"saved search {n}: query must be text and filters an object")
        created = item.get("created")
        stamp = _timestamp(item)
        out.append((clean_name(item["name"]), clean_field(query), clean_filters(filters),
                    created if isinstance(created, str) else now_iso(stamp), stamp))  # fmt: skip
    return out
