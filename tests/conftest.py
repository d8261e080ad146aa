"""Shared fixtures: every test runs with its own XDG folders, so no state leaks in or out."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Unexpected errors raise instead of only being logged (reader.diagnostics), in this process
# and in every subprocess a test starts.
os.environ["PAPER_READER_STRICT"] = "1"

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_dumps"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point XDG_* (and HOME) at a temp tree; clear paper-reader's own overrides."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(var, str(tmp_path / sub))
    for var in (
        "PAPER_READER_DUMPS",
        "PAPER_READER_DATA_DIR",
        "PAPER_READER_CACHE_DIR",
        "PAPER_READER_CONFIG_DIR",
        "PAPER_READER_STATE_DIR",
        "PAPER_READER_MAX_DUMP_MB",
        "PAPER_READER_HF_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled sample dumps (safe to modify)."""
    target = tmp_path / "dumps"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture
def loading_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Any], tuple[threading.Event, threading.Thread]]]:
    """`release, loader = loading_rows(library)`: the library's rows forgotten and being
    loaded again by a thread (as the warm-up loads them, seconds at a million papers) until
    `release` is set; set and joined at the end of the test anyway."""
    from reader.search.catalog import Catalog

    held: list[tuple[threading.Event, threading.Thread]] = []
    sort_columns = Catalog.sort_columns

    def hold(library: Any) -> tuple[threading.Event, threading.Thread]:
        release = threading.Event()

        def slow_rows(self: Catalog) -> Any:
            assert release.wait(60)
            return sort_columns(self)

        library._index.view = None  # the catalog's caches (every row) forgotten
        monkeypatch.setattr(Catalog, "sort_columns", slow_rows)
        loader = threading.Thread(target=library.load_rows)
        loader.start()
        held.append((release, loader))
        return release, loader

    yield hold
    for release, loader in held:
        release.set()
        loader.join(30)
