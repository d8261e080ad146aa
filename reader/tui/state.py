"""The small UI state file: last query, filters, sort, selection, pane and theme.

Plain JSON at `Locations.state_file`, written atomically. No Textual here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from reader.atomic import replace_atomic

PANES = ("results", "bookmarks")


@dataclass
class UiState:
    """What the next launch restores."""

    query: str = ""
    sources: list[str] = field(default_factory=list)
    bookmarked_only: bool = False
    tags: list[str] = field(default_factory=list)
    sort: str = "relevance"
    selected: str | None = None
    pane: str = "results"
    theme: str | None = None
    date_from: str = ""
    date_to: str = ""
    min_upvotes: str = ""
    category: str = ""
    unread_only: bool = False
    #: The inbox was open at quit, and its last paper (the place to come back to).
    inbox: bool = False
    inbox_paper: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, **asdict(self)}

    @classmethod
    def from_dict(cls, data: object) -> UiState:
        """Build from parsed JSON; raises `ValueError` when the shape is wrong."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        state = cls()
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            default = getattr(state, f.name)
            if isinstance(default, list):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"{f.name} should be a list of strings")
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{f.name} should be true or false")
            elif value is not None and not isinstance(value, str):
                raise ValueError(f"{f.name} should be text")
            setattr(state, f.name, value)
        if state.pane not in PANES:
            state.pane = "results"
        return state


def load_state(path: Path) -> tuple[UiState, str | None]:
    """The saved state, or defaults plus a one-line problem when the file is unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return UiState(), None
    except OSError as exc:
        return UiState(), f"cannot read the UI state file {path}: {exc.strerror or exc}"
    try:
        return UiState.from_dict(json.loads(raw.decode("utf-8"))), None
    except (ValueError, UnicodeDecodeError) as exc:
        return UiState(), f"ignored a broken UI state file ({path}: {exc})"


def save_state(path: Path, state: UiState) -> None:
    """Write atomically (`reader.atomic`); raises `OSError` on failure."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = json.dumps(state.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
    replace_atomic(path, data)
