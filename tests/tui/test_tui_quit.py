"""`q` ends the process at once, whatever runs in the background, and loses no user data;
a sync cut short (the process killed) leaves the previous index in use."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from reader.bookmarks import BookmarkStore
from reader.locations import resolve_locations
from reader.locking import CrossProcessLock
from reader.search import Library

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_dumps"
#: Generous bounds for a loaded machine (seconds); each wait ends as soon as its event comes.
WAIT = 60.0


class Reports:
    """The lines a child process writes to a pipe, read as they come."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = b""

    def until(self, wanted: str) -> list[str]:
        """Every line up to the first that starts with `wanted` (fails after `WAIT` seconds
        without one, or when the child closes the pipe first)."""
        seen: list[str] = []
        while True:
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                seen.append(line.decode())
                if seen[-1].startswith(wanted):
                    return seen
            ready, _, _ = select.select([self.fd], [], [], WAIT)
            assert ready, f"no {wanted!r} within {WAIT} s; got {seen}"
            chunk = os.read(self.fd, 4096)
            assert chunk, f"the process ended before {wanted!r}; got {seen}"
            self._buffer += chunk


def _drain(fd: int) -> None:
    """Read what the app draws (a full terminal would block it) until the terminal closes."""
    with contextlib.suppress(OSError):
        while os.read(fd, 65536):
            pass


def test_q_ends_the_app_at_once_while_the_warm_up_runs_and_keeps_a_bookmark(
    sample_dir: Path,
) -> None:
    """The warm-up never ends and a bookmark change waits for another writer's lock when
    `q` is pressed: the process still ends, after writing the bookmark."""
    master, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    report_read, report_write = os.pipe()
    env = dict(os.environ, PYTHONPATH=str(REPO), TERM="xterm-256color")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.tui.quit_driver", str(report_write),
         "--dumps", str(sample_dir)],
        stdin=terminal, stdout=terminal, stderr=terminal, pass_fds=(report_write,),
        env=env, cwd=REPO, start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    os.close(report_write)
    drawing = threading.Thread(target=_drain, args=(master,), daemon=True)
    drawing.start()
    store = BookmarkStore(resolve_locations().bookmarks_file)
    try:
        reports = Reports(report_read)
        seen = reports.until("warming")
        if not any(line.startswith("paper ") for line in seen):
            seen += reports.until("paper ")
        paper_id = next(line for line in seen if line.startswith("paper ")).split(" ", 1)[1]
        store.path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        with CrossProcessLock(store.lock_path, timeout=WAIT):  # another writer holds it
            os.write(master, b"b")  # bookmark the paper shown: the write waits for the lock
            os.write(master, b"q")
            reports.until("flushing")  # the app has closed; the bookmark is not written yet
        assert proc.wait(timeout=WAIT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(report_read)
        os.close(master)
    assert paper_id in BookmarkStore(store.path).ids()


def _search_all(library: Library, words: list[str]) -> dict[str, list[str]]:
    return {w: library.search(w, limit=None).ids for w in words}


KILL_AT = """
import os, sys
from pathlib import Path
from reader.search import Library

report = int(sys.argv[1])
library = Library([Path(sys.argv[2])], Path(sys.argv[3]))

def progress(done, total, label):
    os.write(report, (label + "\\n").encode())
    if label.startswith("indexing"):
        os.read(0, 1)  # killed here: its papers are being written to the index

library.sync(progress=progress, rebuild=sys.argv[4] == "rebuild")
"""


@pytest.mark.parametrize("how", ["update", "rebuild"])
def test_a_sync_killed_half_way_leaves_the_previous_index_in_use(
    sample_dir: Path, tmp_path: Path, how: str
) -> None:
    index = tmp_path / "index"
    words = ["diffusion", "language model", "abstract:transformer", "zzznotaword"]
    library = Library([sample_dir], index)
    library.sync()
    before = _search_all(library, words)
    count = library.paper_count()
    library.close()
    assert any(before.values())
    # A new dump: the next sync reads it and writes its papers (a rebuild: every paper).
    new = shutil.copy(next(SAMPLES.glob("*.txt")), sample_dir / "zz_new.txt")
    Path(new).write_text(
        Path(new).read_text(encoding="utf-8").replace("the", "zzznotaword the"), encoding="utf-8"
    )
    report_read, report_write = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_AT, str(report_write), str(sample_dir), str(index), how],
        stdin=subprocess.PIPE, pass_fds=(report_write,), env=dict(os.environ, PYTHONPATH=str(REPO)),
    )  # fmt: skip
    os.close(report_write)
    try:
        Reports(report_read).until("indexing")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(report_read)
    assert proc.returncode == -signal.SIGKILL
    reopened = Library([sample_dir], index)
    assert reopened.damage is None
    assert reopened.needs_sync()  # the new dump is still to be read
    assert reopened.paper_count() == count
    assert _search_all(reopened, words) == before
    reopened.sync()  # and the next sync brings it in
    assert reopened.search("zzznotaword").ids
    reopened.close()
