"""The warm-up gives the CPU to searches: it pauses between its steps while one runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import reader.search.activity as activity
import reader.search.row_table as row_table
from reader.search import Library
from reader.search.activity import Activity


def test_a_pause_returns_at_once_when_no_search_runs() -> None:
    done = threading.Event()
    worker = threading.Thread(target=lambda: (Activity().pause(), done.set()))
    worker.start()
    assert done.wait(10)


def test_a_pause_lasts_until_the_searches_end() -> None:
    searches = Activity()
    paused, resumed = threading.Event(), threading.Event()

    def warm_step() -> None:
        paused.set()
        searches.pause()
        resumed.set()

    with searches.running(), searches.running():  # two searches at once
        worker = threading.Thread(target=warm_step)
        worker.start()
        assert paused.wait(10)
        assert not resumed.wait(0.05)  # still paused while they run
    assert resumed.wait(10)
    worker.join(10)
    assert not searches.busy


def test_a_pause_never_outlasts_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream of searches slows the warm-up but cannot stop it."""
    monkeypatch.setattr(activity, "PAUSE_LIMIT", 0.01)
    searches = Activity()
    resumed = threading.Event()
    with searches.running():
        worker = threading.Thread(target=lambda: (searches.pause(), resumed.set()))
        worker.start()
        assert resumed.wait(10)
    worker.join(10)


def test_the_warm_up_pauses_between_its_steps_and_its_rows(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Library.warm` asks its pause before each step and every `PAUSE_ROWS` rows, and
    answers stay the same."""
    monkeypatch.setattr(row_table, "PAUSE_ROWS", 10)
    lib = Library([sample_dir], sample_dir.parent / "index")
    try:
        lib.sync()
        papers = lib.paper_count()
        expected = lib.search("diffusion models")
        lib.close()
        lib = Library([sample_dir], sample_dir.parent / "index")
        lib.search("model")
        pauses: list[int] = []
        monkeypatch.setattr(lib._activity, "pause", lambda: pauses.append(1))
        lib.warm()
        assert len(pauses) >= -(-papers // 10) + 3  # the rows, then the warm-up's steps
        assert lib.search("diffusion models") == expected
    finally:
        lib.close()
