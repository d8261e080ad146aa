"""What a sync would do: the dump set on disk against the catalog, by stats alone.

Whoosh-free, so the app can check that its index is current (and list the papers from the
catalog) before the search engine is loaded.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from reader.ingest.files import discover_names
from reader.ingest.text import clean_field
from reader.search.catalog import Catalog
from reader.search.types import SourceInfo

#: A sync's progress callback: (done, total, what).
Progress = Callable[[int, int, str], None]


class FileState(NamedTuple):
    """A dump file as seen on disk (size and mtime are -1 when it cannot be read)."""

    path: str
    size: int
    mtime_ns: int
    regular: bool


@dataclass
class Plan:
    """What a sync must do; empty means the index is up to date."""

    states: list[FileState] = field(default_factory=list)
    changed: list[FileState] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reordered: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changed or self.removed or self.reordered)


def dump_name(path: str | Path) -> str:
    """A dump's display name: its file name with control characters removed (names are data too)."""
    return clean_field(Path(path).name) or "(unnamed)"


def shown(path: str | Path) -> str:
    """A path made safe to print: control characters removed."""
    return clean_field(str(path))


def scan(roots: Sequence[Path]) -> tuple[list[FileState], list[str]]:
    files, bad_roots = discover_names(roots)
    problems = [f"{shown(path)}: {reason}" for path, reason in bad_roots]
    states = []
    for path in files:
        try:
            st = os.stat(path)
        except OSError as exc:
            states.append(FileState(path, -1, -1, False))
            problems.append(f"{shown(path)}: {(exc.strerror or str(exc)).lower()}")
            continue
        states.append(FileState(path, st.st_size, st.st_mtime_ns, stat.S_ISREG(st.st_mode)))
    return states, problems


def plan_sync(catalog: Catalog, roots: Sequence[Path]) -> Plan:
    """Compare the dump set on disk with the catalog (stats only; hashes come later)."""
    states, problems = scan(roots)
    known = catalog.file_stats()
    plan = Plan(states=states, problems=problems)
    for order, state in enumerate(states):
        row = known.get(state.path)
        if row is None or row[0] != state.size or row[1] != state.mtime_ns:
            plan.changed.append(state)
        elif row[2] != order:
            plan.reordered = True
    present = {s.path for s in states}
    plan.removed = [path for path in known if path not in present]
    return plan


def source_infos(catalog: Catalog) -> list[SourceInfo]:
    return [
        SourceInfo(
            name=row.name, path=row.path, format=row.format, papers=row.papers,
            page_date=row.page_date, warnings=row.warnings, mtime_ns=row.mtime_ns,
        )
        for row in catalog.files().values()
    ]  # fmt: skip
