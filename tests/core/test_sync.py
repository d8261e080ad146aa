"""Sync, don't rebuild: only new or changed dumps are re-read; unchanged sets open no writer."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reader.search import Library
from reader.search.catalog import SCHEMA_VERSION


def _lib(tmp_path: Path, dumps: Path) -> Library:
    return Library([dumps], tmp_path / "index")


def _no_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    from whoosh.index import FileIndex

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a writer was opened")

    monkeypatch.setattr(FileIndex, "writer", refuse)


def test_first_sync_builds_then_unchanged_set_opens_no_writer(
    tmp_path: Path, sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = _lib(tmp_path, sample_dir)
    assert lib.needs_sync()
    report = lib.sync()
    assert report.papers == 205 and report.rebuilt and report.duplicates_merged == 7
    assert not lib.needs_sync()
    _no_writer(monkeypatch)
    again = lib.sync()
    assert again.changed_files == 0 and again.papers == 205 and not again.rebuilt
    # A touched but identical file is not re-read either.
    target = next(sample_dir.glob("002_*"))
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 10**9))
    assert lib.sync().changed_files == 0
    # And a fresh Library on the same folder (a new process) agrees.
    assert Library([sample_dir], tmp_path / "index").sync().papers == 205


def test_add_change_remove_dumps(tmp_path: Path, sample_dir: Path) -> None:
    lib = _lib(tmp_path, sample_dir)
    lib.sync()
    extra = sample_dir / "new.txt"
    extra.write_text(
        "Zyzzyva Transformers for Beetle Taxonomy\nWe classify beetles with qwxlorp.\n"
    )
    report = lib.sync()
    assert report.changed_files == 1 and report.papers == 206
    assert lib.search("zyzzyva").total == 1
    assert lib.search("qwxlorp").total == 1

    extra.write_text("Zyzzyva Transformers for Beetle Taxonomy\nNow about weevils instead.\n")
    assert lib.sync().changed_files == 1
    assert lib.search("zyzzyva").total == 1  # title still matches
    assert lib.search("weevils").total == 1
    assert lib.search("qwxlorp").total == 0

    extra.unlink()
    report = lib.sync()
    assert report.removed_files == 1 and report.papers == 205
    assert lib.search("zyzzyva").total == 0


def test_a_paper_in_two_dumps_stays_while_one_remains(tmp_path: Path, sample_dir: Path) -> None:
    lib = _lib(tmp_path, sample_dir)
    lib.sync()
    hit = lib.search('"divergence distribution matching"')
    (pid,) = hit.ids
    paper = lib.get(pid)
    assert paper is not None and len(paper.sources) == 2
    next(sample_dir.glob("002_*")).unlink()
    lib.sync()
    paper = lib.get(pid)
    assert paper is not None and [s.name[:3] for s in paper.sources] == ["004"]
    assert lib.search('"divergence distribution matching"').ids == [pid]
    next(sample_dir.glob("004_*")).unlink()
    lib.sync()
    assert lib.get(pid) is None
    assert lib.search('"divergence distribution matching"').total == 0


def test_schema_version_mismatch_rebuilds(tmp_path: Path, sample_dir: Path) -> None:
    lib = _lib(tmp_path, sample_dir)
    lib.sync()
    import sqlite3

    db = sqlite3.connect(tmp_path / "index" / "catalog.sqlite")
    with db:
        db.execute("UPDATE meta SET value='0' WHERE key='schema_version'")
    db.close()
    fresh = _lib(tmp_path, sample_dir)
    assert fresh.needs_sync()
    report = fresh.sync()
    assert report.rebuilt and "not the current" in (report.rebuild_reason or "")
    assert report.papers == 205
    assert fresh.sync().changed_files == 0
    assert str(SCHEMA_VERSION) in (tmp_path / "index").joinpath(
        "catalog.sqlite"
    ).read_bytes().decode("latin-1")


def test_unreadable_index_is_rebuilt_and_says_why(tmp_path: Path, sample_dir: Path) -> None:
    lib = _lib(tmp_path, sample_dir)
    lib.sync()
    lib.close()
    for toc in (tmp_path / "index" / "whoosh").glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    fresh = _lib(tmp_path, sample_dir)
    assert fresh.damage
    report = fresh.sync()
    assert report.rebuilt and report.rebuild_reason
    assert fresh.search("diffusion").total > 0


def test_list_is_in_dump_order(tmp_path: Path, sample_dir: Path) -> None:
    lib = _lib(tmp_path, sample_dir)
    lib.sync()
    result = lib.search("", limit=None)
    assert result.total == 205
    rows = lib.rows(result.ids[:1])
    assert rows[0].title.startswith("PyTorch FSDP")
    assert rows[0].first_source.startswith("000_")


def test_dumps_given_as_files_and_missing_paths(tmp_path: Path, sample_dir: Path) -> None:
    one = next(sample_dir.glob("004_*"))
    lib = Library([one, tmp_path / "missing.txt"], tmp_path / "index")
    report = lib.sync()
    assert report.papers == 60
    assert any("missing.txt" in p for p in report.problems)


def test_copy_of_dump_under_another_name_is_merged(tmp_path: Path, sample_dir: Path) -> None:
    shutil.copy(next(sample_dir.glob("004_*")), sample_dir / "copy.txt")
    lib = _lib(tmp_path, sample_dir)
    report = lib.sync()
    assert report.papers == 205
    assert report.duplicates_merged == 7 + 60
