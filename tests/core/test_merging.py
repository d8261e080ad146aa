"""Merges rewrite only the small segments: adding a dump never rewrites the large segments a
build wrote (at a million papers Whoosh's default policy rewrote half the index to add a
hundred papers), and a sync never merges: the merges due are a commit of their own
(`Library.merge`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import reader.search.merging as merging
from reader.search import Library
from reader.search.types import MergeReport
from tests.core.test_rankings import assert_same_ranking


def _dump(path: Path, start: int, count: int) -> None:
    papers = [
        {"id": f"2401.{n:05d}", "title": f"Paper k{n:03d} on sparse kernels", "summary": f"Text {n}.",
         "authors": ["Ann Lee"]}
        for n in range(start, start + count)
    ]  # fmt: skip
    path.write_text(json.dumps(papers), encoding="utf-8")


def _segments(lib: Library) -> list[tuple[str, int]]:
    reader = lib._searcher.reader()
    leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
    return [(str(r.segment().segment_id()), r.doc_count_all()) for r, _ in leaves]


def _library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_docs: int, merge_at: int, big: int
) -> tuple[Path, Library]:
    """A library of one dump of `big` papers, synced, under a merge policy of these sizes."""
    monkeypatch.setattr(merging, "SMALL_DOCS", small_docs)
    monkeypatch.setattr(merging, "MERGE_AT", merge_at)
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    _dump(dumps / "a_big.json", 0, big)
    lib = Library([dumps], tmp_path / "index")
    try:
        lib.sync()
    except BaseException:
        lib.close()
        raise
    return dumps, lib


def test_a_merge_rewrites_only_the_small_segments_and_a_sync_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, lib = _library(tmp_path, monkeypatch, 10, 3, 40)
    try:
        ((big, size),) = _segments(lib)
        assert size == 40
        synced, merged, reports = [], [], []
        for n in range(5):
            _dump(dumps / f"b_day{n}.json", 100 + 5 * n, 5)
            lib.sync()
            synced.append(sorted(count for _, count in _segments(lib)))
            reports.append(lib.merge())
            layout = _segments(lib)
            merged.append(sorted(count for _, count in layout))
            assert (big, 40) in layout  # the large segment is never rewritten
            assert lib.search("sparse kernels", limit=None).total == 40 + 5 * (n + 1)
        # Small segments wait until three are there; then a merge makes one of them.
        assert synced == [[5, 40], [5, 5, 40], [5, 5, 5, 40], [5, 15, 40], [5, 5, 15, 40]]
        assert merged == [[5, 40], [5, 5, 40], [15, 40], [5, 15, 40], [5, 5, 15, 40]]
        assert reports == [None, None, MergeReport(segments=3, papers=15), None, None]
        for n in (0, 39, 42, 100, 124):
            assert lib.search(f"k{n:03d}", limit=None).total == (n < 40 or n >= 100)
        # The merged segment scores as Whoosh scores it (lengths and weights carried over).
        for query in ("sparse kernels", "k101 OR k000 OR paper", '"sparse kernels"', "text"):
            assert assert_same_ranking(lib, query), query
    finally:
        lib.close()


@pytest.mark.parametrize("fast", [True, False], ids=["bulk writer", "whoosh writer"])
def test_a_segment_whose_papers_were_all_removed_is_dropped_and_merges_write_papers_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    """A dump added and then removed leaves a segment of deleted documents: the sync that
    removes them drops it. A merge writes the live papers of the merged segments again
    (through the bulk writer, or Whoosh's with the fast paths off), and the answers are
    the same."""
    from whoosh.reading import SegmentReader
    from whoosh.writing import SegmentWriter

    from reader.search.sync_apply import Syncer

    if not fast:
        monkeypatch.setenv("PAPER_READER_FAST", "0")
    dumps, lib = _library(tmp_path, monkeypatch, 10, 2, 40)
    try:
        _dump(dumps / "b_gone.json", 100, 5)
        lib.sync()
        assert sorted(count for _, count in _segments(lib)) == [5, 40]
        (dumps / "b_gone.json").unlink()
        lib.sync()  # its five documents deleted: its segment dropped
        assert sorted(count for _, count in _segments(lib)) == [40]
        _dump(dumps / "c_day.json", 200, 5)
        lib.sync()
        assert lib.merge() is None  # one segment of its size: none merged
        added: list[int] = []
        readded: list[list[str]] = []
        real, real_readd = SegmentWriter.add_reader, Syncer._readd

        def add_reader(writer: SegmentWriter, reader: SegmentReader) -> None:
            segment = reader.segment()
            assert segment is not None
            added.append(segment.doc_count())
            real(writer, reader)

        def readd(syncer: Syncer, writer: object, db: object, ids: list[str], *rest: Any) -> int:
            readded.append(ids)
            return real_readd(syncer, writer, db, ids, *rest)

        monkeypatch.setattr(SegmentWriter, "add_reader", add_reader)
        monkeypatch.setattr(Syncer, "_readd", readd)
        _dump(dumps / "d_day.json", 300, 5)
        lib.sync()  # two of a size: a sync's commit merges nothing
        assert sorted(count for _, count in _segments(lib)) == [5, 5, 40] and readded == []
        assert lib.merge() == MergeReport(segments=2, papers=10)
        # The papers of the segments of live documents only, written again (no Whoosh merge).
        assert added == [] and [len(ids) for ids in readded] == [5, 5]
        assert sorted(count for _, count in _segments(lib)) == [10, 40]
        assert lib.search("sparse kernels", limit=None).total == 50
        assert lib.search("k100", limit=None).total == 0
        assert lib.search("k400 OR k300 OR k200", limit=None).total == 2
        for query in ("sparse kernels", "k201 OR k000 OR paper", '"sparse kernels"', "text"):
            assert assert_same_ranking(lib, query), query
    finally:
        lib.close()


def test_small_segments_are_merged_with_others_of_their_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A day's segment is merged with the days of its size, not into the growing merged
    one: each paper is rewritten about once per size class, not once every few days."""
    dumps, lib = _library(tmp_path, monkeypatch, 1_000, 2, 1_000)
    try:
        seen = []
        for n in range(7):
            _dump(dumps / f"b_day{n}.json", 2_000 + 5 * n, 5)
            lib.sync()
            lib.merge()
            seen.append(sorted(count for _, count in _segments(lib) if count < 1_000))
        assert seen == [[5], [10], [5, 10], [20], [5, 20], [10, 20], [5, 10, 20]]
        assert lib.search("sparse kernels", limit=None).total == 1_035
        for query in ("sparse kernels", "k2001 OR k2034 OR paper", "text"):
            assert assert_same_ranking(lib, query), query
    finally:
        lib.close()


def test_a_merge_given_up_leaves_the_index_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`stop()`, or a sync of the same process waiting for the lock, gives a merge up
    between papers: nothing is committed, no file is left, and the next merge does it."""
    dumps, lib = _library(tmp_path, monkeypatch, 10, 2, 40)
    try:
        for n in range(2):
            _dump(dumps / f"b_day{n}.json", 100 + 5 * n, 5)
            lib.sync()
        files = sorted(p.name for p in (tmp_path / "index").rglob("*"))
        layout = _segments(lib)
        asked: list[int] = []

        def stop() -> bool:
            asked.append(1)
            return len(asked) > 3

        assert lib.merge(stop) is None
        assert len(asked) >= 4  # asked as it goes, between papers, until it said so
        with lib._upkeep._syncs.running():  # a sync wants the lock
            assert lib.merge() is None
        assert _segments(lib) == layout
        assert sorted(p.name for p in (tmp_path / "index").rglob("*")) == files
        assert lib.search("sparse kernels", limit=None).total == 50
        assert lib.merge() == MergeReport(segments=2, papers=10)
        assert sorted(count for _, count in _segments(lib)) == [10, 40]
    finally:
        lib.close()


def test_a_merge_waits_while_searches_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typing comes first: a merge goes on only once no search has run for `MERGE_QUIET`."""
    import threading

    from reader.search import upkeep

    monkeypatch.setattr(upkeep, "MERGE_QUIET", 0.05)
    dumps, lib = _library(tmp_path, monkeypatch, 10, 2, 40)
    try:
        for n in range(2):
            _dump(dumps / f"b_day{n}.json", 100 + 5 * n, 5)
            lib.sync()
        layout = _segments(lib)
        done: list[MergeReport | None] = []
        merging_thread = threading.Thread(target=lambda: done.append(lib.merge()))
        with lib._activity.running():  # a search in flight
            merging_thread.start()
            merging_thread.join(1.5)  # longer than a search pauses other work (PAUSE_LIMIT)
            assert merging_thread.is_alive() and not done
            assert _segments(lib) == layout
        merging_thread.join(30)
        assert done == [MergeReport(segments=2, papers=10)]
    finally:
        lib.close()
