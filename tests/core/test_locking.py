"""The one cross-process lock (reader.locking): exclusive between processes and threads."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reader.locking import CrossProcessLock, LockBusy

REPO = Path(__file__).resolve().parents[2]
HOLDER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from reader.locking import CrossProcessLock\n"
    "with CrossProcessLock(Path(sys.argv[1]), timeout=5):\n"
    "    print('locked', flush=True)\n"
    "    sys.stdin.readline()\n"
    "print('released', flush=True)\n"
)


def _holder(path: Path) -> subprocess.Popen[str]:
    """A process that holds the lock until it reads a line (it says 'locked' when it has it)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
    return proc


def test_another_process_holding_it_makes_us_wait_then_give_up(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    holder = _holder(path)
    waits: list[str] = []
    try:
        lock = CrossProcessLock(path, timeout=0.2, on_wait=lambda: waits.append("waiting"))
        with pytest.raises(LockBusy, match="locked by another process"):
            lock.acquire()
        assert waits == ["waiting"]
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline() == "released\n"
        with lock:
            assert lock.is_locked
        assert waits == ["waiting"], "no wait when the lock is free"
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_leaves_it_free(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    holder = _holder(path)
    holder.kill()
    holder.wait()
    with CrossProcessLock(path, timeout=0):
        pass
    assert path.exists(), "the lock file is never deleted"


def test_threads_exclude_each_other(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    outcome: list[str] = []

    def other() -> None:
        try:
            with CrossProcessLock(path, timeout=0.05):
                outcome.append("got it")
        except LockBusy:
            outcome.append("busy")

    with CrossProcessLock(path, timeout=1):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert outcome == ["busy"]


def test_the_lock_file_is_private(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.lock"
    loose = tmp_path / "loose.lock"
    loose.write_bytes(b"")
    loose.chmod(0o644)
    for path in (fresh, loose):
        with CrossProcessLock(path, timeout=1):
            pass
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
