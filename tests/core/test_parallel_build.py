"""A large fresh build split across processes finds what a one-process build finds.

The thresholds are lowered so the three sample dumps build in three processes; papers that
several dumps share (the samples have some) end up in different parts and must come out
merged, once, as in a one-process build.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reader.search.parallel_build as parallel
from reader.search import IndexWriteFailed, Library

QUERIES = ["diffusion", "model", "language models", '"large language"', "title:vision",
           "gen*", "transfromer~", "agent NOT model", "reasoning AND math", "Fe/H"]  # fmt: skip


def build(dumps: Path, index: Path, processes: int, monkeypatch: pytest.MonkeyPatch) -> Library:
    monkeypatch.setattr(parallel, "PROCESSES", processes)
    monkeypatch.setattr(parallel, "MIN_BYTES_PER_PROCESS", 1)
    lib = Library([dumps], index)
    lib.sync(rebuild=True)
    return lib


def segments(index: Path) -> int:
    return len(list((index / "whoosh").glob("*.seg")))


def test_parallel_build_matches_one_process(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(next(sample_dir.glob("000_*")), sample_dir / "zzz_copy_of_the_first.txt")
    one = build(sample_dir, tmp_path / "one", 1, monkeypatch)
    many = build(sample_dir, tmp_path / "many", 3, monkeypatch)
    assert segments(tmp_path / "one") == 1
    assert segments(tmp_path / "many") >= 3  # the parts, plus the papers they share
    report_one, report_many = one.sync(), many.sync()
    assert report_many.papers == report_one.papers == 205
    assert report_many.duplicates_merged == report_one.duplicates_merged > 7
    assert [(f.name, f.papers) for f in report_many.files] == [
        (f.name, f.papers) for f in report_one.files
    ]
    assert one.search("").ids == many.search("").ids  # dump order, first appearance
    for query in QUERIES:
        a, b = one.search(query, limit=300), many.search(query, limit=300)
        assert a.total == b.total, query
        assert sorted(a.ids) == sorted(b.ids), query
        assert len(set(b.ids)) == len(b.ids), query  # a shared paper appears once
    for pid in one.search("").ids[:50]:
        assert one.get(pid) == many.get(pid)


def test_parallel_index_keeps_syncing(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = build(sample_dir, tmp_path / "index", 3, monkeypatch)
    before = lib.search("diffusion").total
    first = next(sample_dir.glob("000_*"))
    first.unlink()
    report = lib.sync()
    assert report.removed_files == 1
    assert lib.search("diffusion").total < before
    assert len(set(lib.search("").ids)) == report.papers


def test_a_failed_process_keeps_the_previous_index(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = build(sample_dir, tmp_path / "index", 1, monkeypatch)
    total = lib.search("model").total
    monkeypatch.setattr(parallel, "PROCESSES", 3)
    monkeypatch.setattr(sys, "executable", "/bin/false")  # every part process dies at once
    with pytest.raises(IndexWriteFailed, match="indexing process stopped"):
        lib.sync(rebuild=True)
    assert lib.search("model").total == total
    assert not (tmp_path / "index.new").exists()


def test_small_builds_stay_in_one_process() -> None:
    from reader.search.sync_apply import FileState, Plan

    states = [FileState(f"/d/{n}.txt", 100_000, 1, True) for n in range(10)]
    assert parallel.split(Plan(states=states, changed=states)) is None  # 1 MB in all
    big = [FileState(f"/d/{n}.txt", 10 << 20, 1, True) for n in range(10)]
    parts = parallel.split(Plan(states=big, changed=big))
    assert parts is None or (len(parts) > 1 and sum(map(len, parts)) == 10)


@pytest.mark.parametrize("processes", [2, 3, 4])
def test_a_large_build_makes_at_most_max_parts_segments(
    processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dumps of far more than `MAX_PARTS` parts' worth (a million papers) are split into at
    most that many parts, whole rounds of processes, each dump in one part and in order;
    fewer dumps than that keep a part per `MAX_BYTES_PER_PART`."""
    from reader.search.sync_apply import FileState, Plan

    monkeypatch.setattr(parallel, "PROCESSES", processes)
    size = parallel.MAX_BYTES_PER_PART
    huge = [FileState(f"/d/{n:03}.txt", size, 1, True) for n in range(100)]
    parts = parallel.split(Plan(states=huge, changed=huge))
    assert parts is not None
    assert len(parts) <= parallel.MAX_PARTS and len(parts) % processes == 0
    assert [s.path for part in parts for s in part] == [s.path for s in huge]
    some = huge[: 2 * processes]
    parts = parallel.split(Plan(states=some, changed=some))
    assert parts is not None and len(parts) == 2 * processes


class Stop(Exception):
    pass


def test_a_stopped_build_kills_its_processes_and_keeps_the_old_index(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = build(sample_dir, tmp_path / "index", 1, monkeypatch)
    total = lib.search("model").total
    monkeypatch.setattr(parallel, "PROCESSES", 3)
    started = []

    def progress(done: int, total: int, label: str) -> None:
        started.append(label)
        raise Stop  # what the app's progress callback does when it is closing

    with pytest.raises(Stop):
        lib.sync(progress=progress, rebuild=True)
    assert started
    assert lib.search("model").total == total
    assert not (tmp_path / "index.new").exists()


_ORPHAN_SCRIPT = """
import os, sys
from pathlib import Path
import reader.search.parallel_build as parallel
from reader.search import Library

parallel.PROCESSES = 3
parallel.MIN_BYTES_PER_PROCESS = 1
told = []

def progress(done, total, label):
    if told:
        return
    kids = [int(p) for p in os.listdir("/proc") if p.isdigit()
            and open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1] == str(os.getpid())]
    if not kids:
        return
    told.append(kids)
    print(" ".join(map(str, kids)), flush=True)
    sys.stdin.read()  # held here until the test kills this process

Library([Path(sys.argv[1])], Path(sys.argv[2])).sync(progress=progress, rebuild=True)
"""


@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and hasattr(os, "pidfd_open")), reason="Linux /proc"
)
def test_indexing_processes_end_when_their_parent_is_killed(
    sample_dir: Path, tmp_path: Path
) -> None:
    """A build's part processes stop when the process that started them dies (kill -9, or an
    app that quit without waiting for them): they see their stdin close."""
    parent = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_SCRIPT, str(sample_dir), str(tmp_path / "index")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert parent.stdout is not None
    kids = [int(p) for p in parent.stdout.readline().split()]
    assert kids, "the build started no part process"
    handles = [os.pidfd_open(pid) for pid in kids]
    parent.kill()
    parent.wait()
    try:
        for handle in handles:  # a pidfd turns readable when its process ends
            ready, _, _ = select.select([handle], [], [], 30)
            assert ready, "a part process outlived its parent"
    finally:
        for handle in handles:
            os.close(handle)
