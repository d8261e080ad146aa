"""Where fetched days go: `<data dir>/dumps/hf-daily/YYYY-MM-DD.json`, each written atomically,
and a small record of the days fetched (empty ones too, so weekends are not asked for again).

The record is `<data dir>/fetched-days.json`, `{"hf-daily": {"YYYY-MM-DD": {"papers": N,
"fetched_at": "..."}}}`; it is re-read and written under the cross-process lock, atomically.
A record that cannot be read is treated as empty (the day files still say which days are
saved), and replaced on the next write.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from reader.atomic import replace_atomic
from reader.locations import Locations
from reader.locking import CrossProcessLock

FEED = "hf-daily"
RECORD_NAME = "fetched-days.json"
LOCK_TIMEOUT = 30.0


class DayStore:
    """The saved days of the HF daily feed under one data dir."""

    def __init__(self, locations: Locations) -> None:
        self.folder = locations.user_dumps_dir / FEED
        self.record_path = locations.data_dir / RECORD_NAME
        self.lock_path = locations.data_dir / ".fetch.lock"

    def path(self, day: date) -> Path:
        return self.folder / f"{day.isoformat()}.json"

    def record(self) -> dict[str, dict[str, Any]]:
        """Day (ISO) -> {"papers", "fetched_at"} for every day fetched, empty ones included."""
        try:
            data = json.loads(self.record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        days = data.get(FEED) if isinstance(data, dict) else None
        return (
            {k: v for k, v in days.items() if isinstance(v, dict)} if isinstance(days, dict) else {}
        )

    def saved(self, day: date, record: dict[str, dict[str, Any]] | None = None) -> bool:
        """Whether the day was fetched: its file is there, or it was recorded as empty."""
        if self.path(day).is_file():
            return True
        entry = (self.record() if record is None else record).get(day.isoformat())
        return entry is not None and entry.get("papers") == 0

    def last_fetched(self) -> date | None:
        """The newest day fetched (from the record and the files)."""
        days = set(self.record())
        with contextlib.suppress(OSError):
            days.update(p.stem for p in self.folder.glob("????-??-??.json"))
        parsed = []
        for text in days:
            with contextlib.suppress(ValueError):
                parsed.append(date.fromisoformat(text))
        return max(parsed, default=None)

    def save(self, day: date, items: list[Any]) -> tuple[Path | None, bool]:
        """Save a day's items (the API's, unchanged) and record it; an empty day is only
        recorded (a stale file of it is kept: the API answered nothing this time).
        Returns (the file or None, whether its bytes changed)."""
        path = self.path(day)
        changed = False
        self.record_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with CrossProcessLock(self.lock_path, LOCK_TIMEOUT):
            if items:
                data = (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
                try:
                    changed = path.read_bytes() != data
                except OSError:
                    changed = True
                if changed:
                    write_atomic(path, data)
            record = self.record()
            record[day.isoformat()] = {
                "papers": len(items),
                "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            body = json.dumps({FEED: dict(sorted(record.items()))}, indent=1) + "\n"
            write_atomic(self.record_path, body.encode("utf-8"))
        return (path if items or path.is_file() else None), changed


def write_atomic(path: Path, data: bytes) -> None:
    """Create `path`'s folder if needed, then replace `path` atomically (`reader.atomic`)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    replace_atomic(path, data)
