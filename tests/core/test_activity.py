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


def test_a_wait_for_quiet_lasts_while_searches_run_and_then_the_quiet_time() -> None:
    """The collection after the warm-up waits for typing to pause: no search running, and
    none for `quiet` seconds since the last one ended."""
    import time

    searches = Activity()
    assert searches.wait_quiet(0.0, lambda: False)  # nothing ran: at once
    waiting, quiet = threading.Event(), threading.Event()
    ended: list[float] = []

    def settle() -> None:
        waiting.set()
        if searches.wait_quiet(0.05, lambda: False):
            ended.append(time.monotonic())
            quiet.set()

    with searches.running():
        worker = threading.Thread(target=settle)
        worker.start()
        assert waiting.wait(10)
        assert not quiet.wait(0.1)  # a search runs: still waiting
        stopped = time.monotonic()
    assert quiet.wait(10)
    worker.join(10)
    assert ended[0] >= stopped + 0.05  # and not before the quiet time after it


def test_a_wait_for_quiet_ends_when_cancelled() -> None:
    """Quitting the app cancels the warm-up's worker: its wait for a pause in typing ends."""
    searches = Activity()
    cancelled, done = threading.Event(), threading.Event()
    results: list[bool] = []

    def settle() -> None:
        results.append(searches.wait_quiet(3600.0, cancelled.is_set))
        done.set()

    with searches.running():
        worker = threading.Thread(target=settle)
        worker.start()
        assert not done.wait(0.1)
        cancelled.set()
        assert done.wait(10)
    worker.join(10)
    assert results == [False]
