"""Crashes and faults while indexing: kill -9, a second indexer, a full disk.

After any of them the next run opens the index or rebuilds it, never shows a traceback,
and leaves no lock behind; bookmarks are never touched.
"""

from __future__ import annotations

import errno
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.locations import resolve_locations
from reader.locking import CrossProcessLock, LockBusy
from reader.search import IndexWriteFailed, Library
from reader.search import sync_apply as sync_module
from reader.search.storage import sync_lock

REPO = Path(__file__).resolve().parents[2]
PER_DUMP = 200
BOOKMARK_BYTES = b'{ "schema_version": 1,  "bookmarks": [] }\n'


def write_corpus(folder: Path, papers: int, seed: int = 3) -> None:
    """Generated dumps in the sample layout (title line / abstract line), sample vocabulary."""
    words = sorted(
        {
            w
            for p in (REPO / "sample_dumps").glob("*.txt")
            for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", p.read_text(encoding="utf-8"))
        }
    )
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(papers // PER_DUMP):
        lines = ["Get trending papers in your email inbox!", "Subscribe"]
        for i in range(PER_DUMP):
            lines.append(" ".join(rng.choice(words) for _ in range(6)).capitalize() + f" {d}-{i}")
            lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(15, 40))) + ".")
        (folder / f"crash_{d:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_paper(folder: Path, n: int) -> str:
    """Append a paper with a unique word to the first dump; returns the word."""
    word = f"zyxquux{n}"
    path = sorted(folder.glob("*.txt"))[0]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"Paper about {word}\nAn abstract mentioning {word} once.\n")
    return word


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO))


def start(
    dumps: Path, *args: str, preexec_fn: Callable[[], object] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reader", "--dumps", str(dumps), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        preexec_fn=preexec_fn,
    )


def run(
    dumps: Path, *args: str, preexec_fn: Callable[[], object] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = start(dumps, *args, preexec_fn=preexec_fn)
    out, err = proc.communicate(timeout=180)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture
def bookmarks() -> Path:
    path = resolve_locations().bookmarks_file
    path.parent.mkdir(parents=True)
    path.write_bytes(BOOKMARK_BYTES)
    return path


def lock_is_free(dumps: Path) -> bool:
    index_dir = resolve_locations().index_dir([dumps])
    lock = index_dir.with_name(index_dir.name + ".lock")
    if not lock.exists():
        return True
    try:
        with CrossProcessLock(lock, timeout=0):
            return True
    except LockBusy:
        return False


def test_kill_9_at_random_moments(tmp_path: Path, bookmarks: Path) -> None:
    dumps = tmp_path / "dumps"
    write_corpus(dumps, 600)
    rng = random.Random(20)
    words: list[str] = []
    for n in range(20):
        if n % 3 == 1:
            words.append(add_paper(dumps, n))  # an incremental sync to interrupt
        args = ["index", "--rebuild"] if n % 4 == 3 else ["index"]
        proc = start(dumps, *args)
        time.sleep(rng.uniform(0.15, 2.0))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        if n % 5 == 4:  # the next run opens or rebuilds, and finds everything
            res = run(dumps, "search", words[-1] if words else "*", "--limit", "1")
            assert res.returncode == 0, res.stderr
            assert "Traceback" not in res.stderr, res.stderr
            assert words == [] or words[-1] in res.stdout, (res.stdout, res.stderr)
    res = run(dumps, "index", "--json")
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert f'"papers": {600 + len(words)}' in res.stdout
    assert lock_is_free(dumps)
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_second_indexer_waits_for_the_first(tmp_path: Path, bookmarks: Path) -> None:
    """Deterministic: this test holds the sync lock the way a running indexer does."""
    dumps = tmp_path / "dumps"
    write_corpus(dumps, 200)
    assert run(dumps, "index").returncode == 0
    word = add_paper(dumps, 5)
    index_dir = resolve_locations().index_dir([dumps])
    with sync_lock(index_dir.with_name(index_dir.name + ".lock"), timeout=1.0):
        second = start(dumps, "index")
        # A reader waits briefly (2 s), then answers from the last committed index.
        reader = run(dumps, "search", "*", "--limit", "1")
        assert second.poll() is None, "the second indexer did not wait"
    out, err = second.communicate(timeout=180)
    assert second.returncode == 0 and "Traceback" not in err, err
    assert "waiting for another paper-reader to finish indexing" in err
    assert "201 papers" in out
    assert reader.returncode == 0 and "1 of 200 results" in reader.stdout, reader.stderr
    assert "using the last committed index" in reader.stderr
    assert run(dumps, "search", word).stdout.count(word) >= 1
    assert lock_is_free(dumps)
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_two_real_indexers_at_once(tmp_path: Path, bookmarks: Path) -> None:
    dumps = tmp_path / "dumps"
    write_corpus(dumps, 600)
    procs = [start(dumps, "index", "--rebuild"), start(dumps, "index")]
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0 and "Traceback" not in err, err
        assert "600 papers from 3 dumps" in out
    res = run(dumps, "index", "--json")
    assert '"papers": 600' in res.stdout and '"changed_files": 0' in res.stdout
    assert lock_is_free(dumps)
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def _limit_file_size(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize(("limit", "rebuild"), [(40_000, False), (400_000, True)])
def test_disk_full_while_indexing(
    tmp_path: Path, bookmarks: Path, limit: int, rebuild: bool
) -> None:
    """RLIMIT_FSIZE makes writes past `limit` bytes fail with EFBIG, as a full disk would."""
    dumps = tmp_path / "dumps"
    write_corpus(dumps, 400)
    assert run(dumps, "index").returncode == 0
    word = add_paper(dumps, 1)

    def limited() -> None:
        _limit_file_size(limit)

    args = ["index", "--rebuild"] if rebuild else ["index"]
    res = run(dumps, *args, preexec_fn=limited)
    assert res.returncode == 1, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("paper-reader: error: cannot update the index")
    assert "the previous index is kept" in lines[0]
    assert lock_is_free(dumps)
    index_dir = resolve_locations().index_dir([dumps])
    assert not index_dir.with_name(index_dir.name + ".new").exists()
    # The previous index still answers, with a warning, under the same limit.
    old = run(dumps, "search", "*", "--limit", "1", preexec_fn=limited)
    assert old.returncode == 0 and "1 of" in old.stdout, old.stderr
    assert "using the last built index" in old.stderr and "Traceback" not in old.stderr
    # With room again, the next run catches up; no lock was left behind.
    new = run(dumps, "search", word)
    assert new.returncode == 0 and word in new.stdout, new.stderr
    assert "waiting" not in new.stderr
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_failing_write_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dumps = tmp_path / "dumps"
    write_corpus(dumps, 200)
    index_dir = tmp_path / "ix"
    lib = Library([dumps], index_dir)
    assert lib.sync().papers == 200
    word = add_paper(dumps, 2)

    def full(self: object, plan: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sync_module.Syncer, "run", full)
    with pytest.raises(IndexWriteFailed, match="no space left on device; the previous index"):
        lib.sync()
    assert lib.search("*").total > 0 and lib.search(word).total == 0
    other = Library([dumps], index_dir)
    with pytest.raises(IndexWriteFailed):
        other.sync(rebuild=True)
    assert other.available and other.search("*").total > 0
    monkeypatch.undo()
    assert lib.sync().papers == 201 and lib.search(word).total == 1
    lib.close()
    other.close()
