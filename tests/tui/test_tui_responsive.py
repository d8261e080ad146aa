"""The UI thread never waits for the library or the bookmarks lock: keys are answered while a
paper is fetched or a bookmark change waits for another writer, and the change lands after."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.pilot import Pilot

from reader.bookmarks import BookmarkStore
from reader.locking import CrossProcessLock
from reader.model import Paper


async def _until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds (the test timeout bounds the wait)."""
    while not condition():
        await pilot.pause(0.01)
    assert condition(), what


async def test_keys_are_answered_while_the_library_is_busy(new_app, settle, monkeypatch) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        plist = app.results.list
        free = threading.Event()
        get = app.library.get
        waiting: list[str] = []

        def busy_get(key: str) -> Paper | None:  # as if a long search held the library
            assert threading.current_thread() is not threading.main_thread(), "UI thread waits"
            waiting.append(key)
            free.wait(60)
            return get(key)

        monkeypatch.setattr(app.library, "get", busy_get)
        first = plist.current_id
        await pilot.press("down")  # the read pane's load now waits for the library
        second = plist.current_id
        assert second is not None and second != first
        await _until(pilot, lambda: second in waiting, "the read pane asked for the paper")
        await pilot.press("b")  # not shown yet, so fetched in a worker, which waits too
        await pilot.press("down")
        assert plist.current_id not in (first, second), "the cursor moved meanwhile"
        assert app.store.get(second) is None
        free.set()
        await settle(pilot)
        assert app.store.get(second) is not None
        assert second in BookmarkStore(app.store.path).ids()  # on disk
        assert app.fetch_result_rows([second])[0].marker == "★"


async def test_a_bookmark_waits_for_the_lock_in_a_worker(new_app, settle, monkeypatch) -> None:
    lockers: list[threading.Thread] = []
    acquire = CrossProcessLock.acquire

    def spy(self: CrossProcessLock) -> None:
        lockers.append(threading.current_thread())
        acquire(self)

    monkeypatch.setattr(CrossProcessLock, "acquire", spy)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        plist = app.results.list
        pid = plist.current_id
        assert pid is not None and app.paper is not None and app.paper.id == pid
        app.store.path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        held, release = threading.Event(), threading.Event()

        def other_writer() -> None:  # another paper-reader, writing its bookmarks
            with CrossProcessLock(app.store.lock_path, timeout=5):
                held.set()
                release.wait(60)

        holder = threading.Thread(target=other_writer)
        holder.start()
        try:
            assert held.wait(10)
            await pilot.press("b")
            await _until(
                pilot,
                lambda: any(w.group == "bookmark-writes" and w.is_running for w in app.workers),
                "the write started",
            )
            await pilot.press("down")
            await pilot.press("down")
            assert plist.current_id != pid, "the cursor moved while the write waited"
            assert app.store.get(pid) is None and not app.store.path.exists()
        finally:
            release.set()
            holder.join()
        await settle(pilot)
        assert app.store.get(pid) is not None
        assert pid in BookmarkStore(app.store.path).ids()
        assert "Bookmarked" in [n.message for n in app._notifications]
    assert lockers and threading.main_thread() not in lockers, "the UI thread took the lock"


async def test_changes_are_written_in_the_order_they_were_made(new_app, settle) -> None:
    """Three quick toggles while another writer holds the lock: on, off, on."""
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pid = app.results.list.current_id
        assert pid is not None
        app.store.path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        with CrossProcessLock(app.store.lock_path, timeout=5):
            for _ in range(3):
                await pilot.press("b")
        await settle(pilot)
        assert pid in BookmarkStore(app.store.path).ids()
        notes = [n.message for n in app._notifications]
        assert notes[-3:] == ["Bookmarked", "Bookmark removed", "Bookmarked"]
