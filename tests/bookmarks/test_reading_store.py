"""ReadingStore: states, undo, saved searches, export/merge, and the file under stress:
kill -9 while marking, three processes at once, a corrupt file, private permissions."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reader.bookmarks.reading import ReadingError, ReadingStore, State

WORKER = Path(__file__).with_name("reading_worker.py")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "paper-reader" / "reading.sqlite"


def test_a_paper_is_unread_until_marked_and_marks_persist(path: Path) -> None:
    store = ReadingStore(path)
    assert store.state("a") is State.UNREAD and store.seen_ids() == frozenset()
    assert store.mark(["a", "b"], State.SEEN).changed == 2
    assert store.mark(["b"], State.SEEN).changed == 0  # already seen: nothing changes
    assert store.mark(["b"], State.DISMISSED).changed == 1
    again = ReadingStore(path)
    assert again.state("a") is State.SEEN and again.state("b") is State.DISMISSED
    assert again.seen_ids() == {"a", "b"}
    assert again.mark(["a"], State.UNREAD).changed == 1
    assert store.seen_ids() == {"b"}  # the first store sees the other's change


def test_undo_puts_back_one_step_even_a_bulk_one(path: Path) -> None:
    store = ReadingStore(path)
    store.mark(["x"], State.DISMISSED)
    bulk = store.mark([f"p{i}" for i in range(500)] + ["x"], State.SEEN, "bulk")
    assert bulk.changed == 501
    assert len(store.seen_ids()) == 501
    assert store.undo(bulk.step or 0) == 501
    assert store.seen_ids() == {"x"} and store.state("x") is State.DISMISSED
    assert store.undo(bulk.step or 0) == 0  # a step is undone once


def test_undo_leaves_papers_changed_since_by_someone_else(path: Path) -> None:
    mine, theirs = ReadingStore(path), ReadingStore(path)
    step = mine.mark(["a", "b"], State.SEEN)
    theirs.mark(["b"], State.DISMISSED)
    assert mine.undo(step.step or 0) == 1
    assert mine.state("a") is State.UNREAD and mine.state("b") is State.DISMISSED


def test_saved_searches_save_rename_remove(path: Path) -> None:
    store = ReadingStore(path)
    store.save_search("diffusion", "diffusion", {"sources": ["b.txt", "a.txt"], "tags": []})
    saved = store.search("diffusion")
    assert saved is not None and saved.filters == {"sources": ["a.txt", "b.txt"]}
    with pytest.raises(ReadingError, match="already"):
        store.save_search("diffusion", "x", {}, replace=False)
    store.rename_search("diffusion", "Diffusion models")
    assert [s.name for s in ReadingStore(path).searches()] == ["Diffusion models"]
    with pytest.raises(ReadingError, match="no saved search"):
        store.remove_search("nope")
    with pytest.raises(ReadingError, match="needs a name"):
        store.save_search("  ", "q", {})
    store.remove_search("Diffusion models")
    assert store.searches() == []


def test_export_and_merge_newest_change_wins(tmp_path: Path) -> None:
    clock = iter(range(1000, 2000)).__next__
    here = ReadingStore(tmp_path / "here.sqlite", clock=lambda: float(clock()))
    there = ReadingStore(tmp_path / "there.sqlite", clock=lambda: float(clock()))
    here.mark(["a"], State.SEEN)  # older
    there.mark(["a"], State.DISMISSED)  # newer: wins
    there.mark(["b"], State.SEEN)
    here.mark(["c"], State.DISMISSED)
    there.save_search("s", "query", {"tags": ["t"]})
    assert here.merge(there.export_data()) == (2, 1)
    assert here.states() == {"a": State.DISMISSED, "b": State.SEEN, "c": State.DISMISSED}
    assert here.search("s") is not None
    assert here.merge(there.export_data()) == (0, 0)  # merging twice changes nothing
    with pytest.raises(ReadingError):
        here.merge({"reading": [{"id": "z", "state": "read"}]})


def test_a_corrupt_file_is_moved_aside_never_overwritten(path: Path) -> None:
    path.parent.mkdir(parents=True)
    garbage = b"this is not a database\x00" * 300
    path.write_bytes(garbage)
    store = ReadingStore(path)
    assert store.problem is not None and "moved to" in store.problem
    aside = [p for p in path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert store.mark(["a"], State.SEEN).changed == 1  # a fresh store works
    assert ReadingStore(path).problem is None


def test_a_foreign_sqlite_database_is_not_taken_over(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE mine(x)")
    store = ReadingStore(path)
    assert store.problem is not None and "not a paper-reader" in store.problem
    assert any(".corrupt-" in p.name for p in path.parent.iterdir())


def test_a_newer_format_is_read_only(path: Path) -> None:
    ReadingStore(path).mark(["a"], State.SEEN)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=99")
    store = ReadingStore(path)
    assert store.problem is not None and "newer" in store.problem
    assert store.state("a") is State.SEEN
    with pytest.raises(ReadingError, match="read-only"):
        store.mark(["b"], State.SEEN)


def test_the_file_and_folder_are_private_whatever_the_umask(path: Path) -> None:
    old = os.umask(0)
    try:
        store = ReadingStore(path)
        store.mark(["a"], State.SEEN)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) == 0o600


@pytest.mark.skipif(not hasattr(os, "setuid"), reason="needs setuid")
def test_another_user_cannot_read_the_file(path: Path) -> None:
    """Checked as a real other user: a child process drops root to `nobody` (root ignores modes)."""
    ReadingStore(path).mark(["a"], State.SEEN)
    if os.geteuid() != 0:
        pytest.skip("dropping to another user needs root; the mode test covers the rest")
    code = (
        "import os, sys\n"
        "os.setgid(65534); os.setuid(65534)\n"
        f"try:\n    open({str(path)!r}, 'rb').read(1)\nexcept PermissionError:\n"
        "    sys.exit(7)\n"
        "sys.exit(0)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], timeout=30)
    assert res.returncode == 7


def _worker(path: Path, prefix: str, count: int, go: bool = False) -> subprocess.Popen[str]:
    args = [sys.executable, str(WORKER), str(path), prefix, str(count)]
    proc = subprocess.Popen(
        args + (["--go"] if go else []), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_kill_9_while_marking_loses_at_most_the_mark_in_flight(path: Path) -> None:
    ReadingStore(path).refresh()
    proc = _worker(path, "k", 100_000)
    assert proc.stdout is not None
    done = [proc.stdout.readline().strip() for _ in range(150)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    store = ReadingStore(path)
    assert store.problem is None
    seen = store.seen_ids()
    assert set(done) <= seen  # every reported mark survived
    assert len(seen) <= len(done) + 2  # plus at most the ones in flight
    assert store.mark(["after"], State.SEEN).changed == 1


def test_three_processes_marking_at_once_lose_nothing(path: Path) -> None:
    ReadingStore(path).refresh()
    procs = [_worker(path, f"w{n}", 150, go=True) for n in range(3)]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=120)[0].split() for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    states = ReadingStore(path).states()
    for out in outputs:
        assert len(out) == 150
        for i, pid in enumerate(out):
            assert states[pid] is (State.SEEN if i % 3 else State.DISMISSED), pid
    assert len(states) == 450
