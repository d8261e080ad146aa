"""Paths: platformdirs with env overrides, dump selection order, one index per dump set."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.locations import (
    LocationError,
    bundled_samples,
    choose_dumps,
    resolve_locations,
)


def test_xdg_dirs_are_used(isolated_dirs: Path) -> None:
    loc = resolve_locations()
    assert loc.data_dir == isolated_dirs / "data" / "paper-reader"
    assert loc.cache_dir == isolated_dirs / "cache" / "paper-reader"
    assert loc.bookmarks_file == isolated_dirs / "data" / "paper-reader" / "bookmarks.json"


def test_relative_xdg_is_ignored_and_override_wins(
    monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert resolve_locations().cache_dir == isolated_dirs / "home" / ".cache" / "paper-reader"
    monkeypatch.setenv("PAPER_READER_CACHE_DIR", str(isolated_dirs / "elsewhere"))
    assert resolve_locations().cache_dir == isolated_dirs / "elsewhere"
    monkeypatch.setenv("PAPER_READER_CACHE_DIR", "not/absolute")
    with pytest.raises(LocationError):
        resolve_locations()


def test_dump_selection_order(tmp_path: Path) -> None:
    loc = resolve_locations()
    assert choose_dumps(None, loc, {}).origin == "bundled samples"
    assert choose_dumps(None, loc, {}).roots == [bundled_samples()]
    env = {"PAPER_READER_DUMPS": f"{tmp_path / 'a'}:{tmp_path / 'b'}"}
    chosen = choose_dumps(None, loc, env)
    assert chosen.origin == "PAPER_READER_DUMPS" and chosen.roots == [
        tmp_path / "a",
        tmp_path / "b",
    ]
    assert choose_dumps([str(tmp_path / "c")], loc, env).roots == [tmp_path / "c"]


def test_one_index_per_dump_set() -> None:
    loc = resolve_locations()
    a = loc.index_dir([Path("/x/a")])
    assert a == loc.index_dir([Path("/x/a")])
    assert a != loc.index_dir([Path("/x/a"), Path("/x/b")])
    assert a.parent == loc.cache_dir / "index"


def test_bundled_samples_exist() -> None:
    assert len(list(bundled_samples().glob("*.txt"))) == 3
