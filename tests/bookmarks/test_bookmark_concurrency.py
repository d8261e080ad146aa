"""Several processes, and processes killed with SIGKILL mid-write: nothing saved is ever lost."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from reader.bookmarks import BookmarkStore

REPO = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).resolve().parent / "bookmark_worker.py"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def _start(path: Path, prefix: str, count: int, go: bool = False) -> subprocess.Popen[str]:
    args = [sys.executable, str(WORKER), str(path), prefix, str(count)] + (["--go"] if go else [])
    proc = subprocess.Popen(
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=ENV,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", line + (proc.stderr.read() if proc.stderr else "")
    return proc


class Expected:
    """What the workers reported as saved."""

    def __init__(self) -> None:
        self.added: set[str] = set()
        self.tags: dict[str, set[str]] = {}
        self.noted: set[str] = set()
        self.shared: set[str] = set()

    def record(self, lines: list[str]) -> None:
        for line in lines:
            parts = line.split()
            if not line.endswith("\n") or not parts:
                continue  # a line cut short by the kill
            if parts[0] == "added":
                self.added.add(parts[1])
            elif parts[0] == "tagged":
                self.tags.setdefault(parts[1], set()).add(parts[2])
            elif parts[0] == "noted":
                self.noted.add(parts[1])
            elif parts[0] == "shared":
                self.shared.add(parts[1])

    def check(self, path: Path) -> None:
        if not path.exists():  # killed before its first save (a loaded machine is slow)
            assert not (self.added or self.tags or self.noted or self.shared)
            return
        raw = path.read_bytes()
        json.loads(raw)  # the file always parses
        store = BookmarkStore(path)
        assert store.problem is None, store.problem
        for pid in self.added:
            bookmark = store.get(pid)
            assert bookmark is not None, f"{pid} was reported saved but is missing"
            assert pid.split("-")[0] in bookmark.tags
        for pid, tags in self.tags.items():
            bookmark = store.get(pid)
            assert bookmark is not None and tags <= set(bookmark.tags), pid
        for pid in self.noted:
            bookmark = store.get(pid)
            assert bookmark is not None and bookmark.note.startswith("note "), pid
        if self.shared:
            shared = store.get("shared")
            assert shared is not None and self.shared <= set(shared.tags)


def test_kill_9_at_random_moments_loses_nothing_saved(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bookmarks.json"
    rng = random.Random(int(os.environ.get("BOOKMARK_KILL_SEED", "20261122")))
    expected = Expected()
    kills_mid_run = 0
    for round_no in range(25):
        proc = _start(path, f"k{round_no}", count=200)
        assert proc.stdout is not None
        # Killed after a random number of reported saves (it is writing the next one then):
        # the moment follows the worker's progress, not the machine's speed.
        before = [proc.stdout.readline() for _ in range(rng.randrange(0, 40))]
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        lines = before + out.splitlines(keepends=True)
        if "done\n" not in lines:
            kills_mid_run += 1
        expected.record(lines)
        expected.check(path)
    assert kills_mid_run >= 20, "the kills should land while the worker is writing"
    assert len(expected.added) > 25, "the workers should have saved plenty before dying"
    leftovers = sorted(p.name for p in path.parent.iterdir())
    assert not any(".corrupt-" in name for name in leftovers), leftovers


def test_processes_adding_at_once_keep_everything(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bookmarks.json"
    procs = [_start(path, f"w{n}", count=8, go=True) for n in range(4)]
    for proc in procs:  # release them together
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    expected = Expected()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        lines = out.splitlines(keepends=True)
        assert lines[-1] == "done\n"
        expected.record(lines)
    assert len(expected.added) == 32
    expected.check(path)
    store = BookmarkStore(path)
    assert len(store.all()) == 33
    shared = store.get("shared")
    assert shared is not None and set(shared.tags) == {"w0", "w1", "w2", "w3"}
    assert store.tag_counts()["w2"] == 9


def test_app_polling_sees_other_processes(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bookmarks.json"
    app = BookmarkStore(path)
    assert app.all() == []
    proc = _start(path, "cli", count=2)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert app.reload_if_changed() is True
    assert {"cli-0", "cli-1", "shared"} == set(app.ids())
