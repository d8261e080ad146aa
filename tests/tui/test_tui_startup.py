"""Starting up: the first list comes from the catalog, and an unreadable index is rebuilt."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from reader.locations import resolve_locations
from reader.search import Library
from reader.tui import collector
from reader.tui.app import PaperReaderApp
from reader.tui.messages import PaperLoaded, SyncFinished
from reader.tui.panes.bookmarks import BookmarksPane
from reader.tui.startup import FirstLook
from reader.tui.widgets import PaperList


def _build(dumps: Path) -> Path:
    """Index `dumps` where the app will look for it; the index folder."""
    index_dir = resolve_locations().index_dir([dumps])
    library = Library([dumps], index_dir)
    library.sync()
    library.close()
    return index_dir


def _lists_drawn(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """The length of the result list each time it is drawn."""
    drawn: list[int] = []
    render_lines = PaperList.render_lines

    def spy(self: PaperList, crop):  # type: ignore[no-untyped-def]
        if self.id == "results-list":
            drawn.append(len(self.ids))
        return render_lines(self, crop)

    monkeypatch.setattr(PaperList, "render_lines", spy)
    return drawn


async def test_an_unreadable_index_is_rebuilt_after_the_first_list(
    new_app, settle, type_text, sample_dir, monkeypatch
) -> None:
    index_dir = _build(sample_dir)
    toc = next((index_dir / "whoosh").glob("_MAIN_*.toc"))
    toc.write_bytes(os.urandom(4096))  # Whoosh cannot read it; the catalog is intact
    lists: list[int] = []
    progress: list[int] = []
    original = PaperReaderApp.on_sync_progress

    def spy(self: PaperReaderApp, message) -> None:  # type: ignore[no-untyped-def]
        progress.append(len(lists))
        original(self, message)

    monkeypatch.setattr(PaperReaderApp, "on_sync_progress", spy)
    set_ids = PaperList.set_ids

    def record(self: PaperList, ids, *args, **kwargs):  # type: ignore[no-untyped-def]
        if ids and self.id == "results-list":
            lists.append(len(ids))
        return set_ids(self, ids, *args, **kwargs)

    monkeypatch.setattr(PaperList, "set_ids", record)
    app = new_app([sample_dir])
    async with app.run_test(size=(120, 40)) as pilot:
        paper_list = app.results.list
        await settle(pilot)
        # The papers were listed from the catalog first; the rebuild (with its progress
        # bar) came after, and the list is still all the papers.
        assert lists and lists[0] == len(paper_list.ids) > 100
        assert progress and progress[0] >= 1
        assert app.library.damage is None
        assert not app.query_one("#sync-bar").display
        await pilot.press("slash")
        await type_text(pilot, "diffusion")
        await settle(pilot)
        assert 0 < len(paper_list.ids) < lists[0]


async def test_the_first_frame_already_shows_the_papers(new_app, settle, monkeypatch) -> None:
    """With the index current, the dumps, counts and papers worked out while Textual starts
    are in the first frame: no "Loading…" frame, no second layout."""
    drawn = _lists_drawn(monkeypatch)
    app = new_app()
    assert app.first_look.finished(timeout=None) is not None  # the look ran beside the start
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        papers = app.library.paper_count()
        assert drawn and drawn[0] == papers > 100
        assert app.sub_title == f"{papers} papers · 3 dumps · {papers} unread"
        assert not app.query("#sync-bar")  # nothing to build: no progress bar is mounted
        assert not app.query("#bookmark-list")  # mounted when the bookmarks are first shown
        app.store.add(app.library.get(app.results.list.ids[0]))  # type: ignore[arg-type]
        app.refresh_bookmarks()
        await pilot.press("B")
        await settle(pilot)
        assert app.bookmarks_pane.list.ids == [app.results.list.ids[0]]
        assert app.focused is app.bookmarks_pane.list
        assert "Bookmarks · 1" in str(app.query_one("#bookmarks-title").render())


async def test_a_slow_first_look_is_waited_for_not_drawn_as_loading(
    new_app, settle, monkeypatch
) -> None:
    """The catalog check usually ends before the app mounts; when it is late (a busy
    machine), the mount waits for it instead of drawing "Loading…" and laying out again."""
    drawn = _lists_drawn(monkeypatch)
    run, finished = FirstLook._run, FirstLook.finished
    mount_waits = threading.Event()

    def late(self: FirstLook) -> None:  # starts only once the mount is waiting for it
        mount_waits.wait(30)
        run(self)

    def waited_for(self: FirstLook, timeout: float | None = 0.0) -> SyncFinished | None:
        if timeout:
            mount_waits.set()
        return finished(self, timeout)

    monkeypatch.setattr(FirstLook, "_run", late)
    monkeypatch.setattr(FirstLook, "finished", waited_for)
    monkeypatch.setattr(FirstLook, "MOUNT_WAIT", 30.0)  # a slow machine must not lose the race
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert mount_waits.is_set()
        assert drawn and drawn[0] == app.library.paper_count() > 100


async def test_the_collector_pauses_at_start_and_skips_the_warmed_objects(new_app, settle) -> None:
    """`reader.tui.collector`, the app's one process-wide setting: the collector is paused
    until the first frame (or the close) and the warmed objects are frozen; the thread
    switch interval is never touched."""
    switch = sys.getswitchinterval()
    gc.unfreeze()
    async with new_app().run_test(size=(120, 40)):
        pass  # closed at once, perhaps before its first frame
    assert gc.isenabled()
    async with new_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    assert sys.getswitchinterval() == switch


async def test_the_collector_is_paused_while_the_index_warms_up(
    new_app, settle, monkeypatch
) -> None:
    """The warm-up makes most of the long-lived objects: the collector's full passes over
    them meanwhile would stop the keystrokes typed then. It runs again once the warm-up
    ends, even when the warm-up raised."""
    seen: list[bool] = []
    real = Library.warm

    def warm(self: Library) -> None:
        seen.append(gc.isenabled())
        real(self)

    monkeypatch.setattr(Library, "warm", warm)
    gc.unfreeze()
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert await asyncio.to_thread(app.library.warmed.wait, 60)
        await settle(pilot)
        assert seen == [False]
        assert gc.isenabled() and gc.get_freeze_count() > 0

    def broken(self: Library) -> None:
        seen.append(gc.isenabled())
        raise RuntimeError("a bug in the warm-up")

    monkeypatch.setattr(Library, "warm", broken)
    monkeypatch.delenv("PAPER_READER_STRICT", raising=False)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        assert seen == [False, False]
        assert gc.isenabled()


async def test_the_collection_after_the_warm_up_waits_for_typing_to_pause(
    new_app, settle, type_text, monkeypatch
) -> None:
    """The full collection after the warm-up holds every thread for a moment (a tenth of a
    second at a million papers): it runs once no search has run for `SETTLE_QUIET`
    seconds, not under a keystroke; quitting meanwhile does not wait for it."""
    import time

    from reader.tui import startup

    settled: list[float] = []
    monkeypatch.setattr(collector, "settle_after_warmup", lambda: settled.append(time.monotonic()))
    monkeypatch.setattr(startup, "SETTLE_QUIET", 0.3)
    warming, typed = threading.Event(), threading.Event()
    real = Library.warm

    def warm(self: Library) -> None:  # the warm-up ends once a query was typed
        real(self)
        warming.set()
        assert typed.wait(60)

    monkeypatch.setattr(Library, "warm", warm)
    app = new_app()
    lib = app.library
    ended: list[float] = []
    for name in ("search", "facets"):  # what counts as a search (typing, its counts)
        monkeypatch.setattr(lib, name, _timed(getattr(lib, name), ended))
    async with app.run_test(size=(120, 40)) as pilot:
        assert await asyncio.to_thread(warming.wait, 60)
        app.query_one("#query", Input).focus()
        await type_text(pilot, "diffusion")
        searches = app.searches
        for _ in range(1000):
            if searches.shown == searches.generation and searches.terms:
                break
            await pilot.pause(0.01)
        else:
            raise AssertionError("the typed query was not listed")
        typed_end = max(ended)
        typed.set()
        await settle(pilot)  # the warm-up's worker included
        assert len(settled) == 1
        before = [end for end in ended if end <= settled[0]]
        assert typed_end in before and settled[0] >= max(before) + 0.25
    monkeypatch.setattr(startup, "SETTLE_QUIET", 3600.0)
    settled.clear()
    app = new_app()
    async with app.run_test(size=(120, 40)):
        assert await asyncio.to_thread(app.library.warmed.wait, 60)
    assert not settled  # closed at once, without the collection


def _timed(call: Any, ended: list[float]) -> Any:
    """`call`, noting when each call returns (`time.monotonic()`)."""
    import time

    def timed(*args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        finally:
            ended.append(time.monotonic())

    return timed


async def test_with_the_kill_switch_the_collector_is_left_alone(
    new_app, settle, monkeypatch
) -> None:
    monkeypatch.setenv(collector.ENV, "0")
    gc.unfreeze()
    gc.disable()  # a host program's choice: the app keeps it
    try:
        app = new_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.results.list.ids
            assert (gc.isenabled(), gc.get_freeze_count()) == (False, 0)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("width", "on", "off"), [(80, "-narrow", "-wide"), (120, "-wide", "-narrow")]
)
async def test_the_first_frame_has_the_breakpoint_class_of_its_width(
    new_app, settle, width: int, on: str, off: str
) -> None:
    app = new_app()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        assert app.screen.has_class(on) and not app.screen.has_class(off)
        other = 200 - width
        await pilot.resize_terminal(other, 30)
        await settle(pilot)
        assert app.screen.has_class(off) and not app.screen.has_class(on)


async def test_a_sync_that_changes_the_index_warms_the_new_one(new_app, settle, sample_dir) -> None:
    """A sync after the start (a fetch, a dump saved meanwhile) makes a new index; it is
    warmed as the first was, so its common words rank from impacts built in the background,
    not on the next keystrokes."""
    from tests.tui.conftest import MARKUP_DUMP

    app = new_app([sample_dir])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        library = app.library
        assert await asyncio.to_thread(library.warmed.wait, 60)
        with library._lock:
            first = library._engine()
        assert first.primed
        (sample_dir / "added.txt").write_text(MARKUP_DUMP, encoding="utf-8")
        library.warmed.clear()
        app.syncing.start(True)
        assert await asyncio.to_thread(library.warmed.wait, 60)
        await settle(pilot)
        with library._lock:
            engine = library._engine()
        assert engine is not first and engine.primed
        assert engine.impacts.has("abstract", "model")


async def test_the_small_segments_syncs_left_are_merged_once_typing_pauses(
    new_app, settle, type_text, sample_dir, monkeypatch
) -> None:
    """Syncs only add segments; the app merges the small ones in the background after the
    warm-up (`Library.merge`), then warms the new commit up, and searches find the same."""
    import json

    from reader.search import merging

    monkeypatch.setattr(merging, "SMALL_DOCS", 50)
    monkeypatch.setattr(merging, "MERGE_AT", 2)
    _build(sample_dir)
    for day in range(2):
        papers = [
            {"id": f"2402.{day}{n:04d}", "title": f"Quokka day {day} paper {n}",
             "summary": "Marsupial studies.", "authors": ["Ann Lee"]}
            for n in range(5)
        ]  # fmt: skip
        (sample_dir / f"zz_day{day}.json").write_text(json.dumps(papers), encoding="utf-8")
        _build(sample_dir)  # a sync: one small segment more
    merged, warmed = [], []
    real_merge, real_warm = Library.merge, Library.warm

    def merge(self: Library, *args: Any) -> Any:
        merged.append(real_merge(self, *args))
        return merged[-1]

    def warm(self: Library) -> None:
        warmed.append(len(merged))
        real_warm(self)

    monkeypatch.setattr(Library, "merge", merge)
    monkeypatch.setattr(Library, "warm", warm)
    app = new_app([sample_dir])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(1000):  # the second warm-up's merge finds nothing more to do
            if len(merged) == 2:
                break
            await pilot.pause(0.01)
        await settle(pilot)
        assert [m and (m.segments, m.papers) for m in merged] == [(2, 10), None]
        assert warmed == [0, 1]  # warmed again after the merge
        reader = app.library._searcher.reader()
        sizes = sorted(leaf.doc_count_all() for leaf, _ in reader.leaf_readers())
        assert sizes[0] == 10 and len(sizes) == 2
        app.query_one("#query", Input).focus()
        await type_text(pilot, "quokka")
        await settle(pilot)
        assert app.searches.shown == app.searches.generation
        assert len(app.query_one("#results-list", PaperList).ids) == 10


async def test_a_merge_that_cannot_write_is_one_message(new_app, settle, monkeypatch) -> None:
    """A full disk during the background merge: a one-line notification, the app goes on."""
    from reader.search import IndexWriteFailed

    def merge(self: Library, *args: Any) -> Any:
        raise IndexWriteFailed(
            "cannot update the index in /x: no space left; the previous index is kept"
        )

    monkeypatch.setattr(Library, "merge", merge)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notes = [str(n.message) for n in app._notifications if n.title == "Index"]
        assert notes == [
            "merging the index failed: cannot update the index in /x: no space left; "
            "the previous index is kept"
        ]
        assert app.query_one("#results-list", PaperList).ids


async def test_a_paper_loaded_while_the_app_closes_its_panes_is_dropped(new_app, settle) -> None:
    """A paper's record can arrive from its worker after the app began removing its panes
    (quitting under load): it is dropped, not an error."""
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reading = app.reading
        shown = reading.shown
        await app.query_one(BookmarksPane).remove()  # as closing removes the panes
        reading.loaded(PaperLoaded(reading.generation, None))
        assert reading.shown == shown
