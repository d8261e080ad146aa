"""The UI thread never waits on the disk: the theme's state save and the bookmarks' first
load run in workers and post their results back."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from reader.locations import resolve_locations
from reader.tui import state as state_module
from reader.tui.state import UiState


async def test_a_theme_change_saves_the_state_off_the_ui_thread(
    new_app, settle, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = state_module.save_state
    writers: list[threading.Thread] = []

    def recording(path: Path, state: UiState) -> None:
        writers.append(threading.current_thread())
        real(path, state)

    monkeypatch.setattr(state_module, "save_state", recording)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ui_thread = threading.current_thread()
        assert writers == []
        app.theme = "nord"
        await settle(pilot)
        assert len(writers) == 1 and writers[0] is not ui_thread
        saved = json.loads(resolve_locations().state_file.read_text())
        assert saved["theme"] == "nord"
        app.theme = "dracula"
        await settle(pilot)
        assert len(writers) == 2 and writers[1] is not ui_thread
        assert json.loads(resolve_locations().state_file.read_text())["theme"] == "dracula"
        await pilot.press("q")
    assert writers[-1] is ui_thread  # quit writes at once: the file is whole before exit
    assert json.loads(resolve_locations().state_file.read_text())["theme"] == "dracula"


async def test_a_failed_theme_save_is_a_notice(
    new_app, settle, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(path: Path, state: UiState) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(state_module, "save_state", failing)
        app.theme = "nord"
        await settle(pilot)
        assert any("cannot save the UI state" in str(n.message) for n in app._notifications)
        monkeypatch.undo()
        await pilot.press("q")


async def test_the_bookmarks_are_read_off_the_ui_thread(
    new_app, settle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.bookmarks import BookmarkStore

    seed = new_app()
    paper = next(iter(seed.library.iter_papers()))
    BookmarkStore(resolve_locations().bookmarks_file).add(paper, tags=["later"])
    path = resolve_locations().bookmarks_file
    path.write_text(path.read_text()[:-5])  # corrupt: recovered under the cross-process lock
    real = BookmarkStore._load
    readers: list[threading.Thread] = []

    def recording(self: BookmarkStore) -> None:
        readers.append(threading.current_thread())
        real(self)

    monkeypatch.setattr(BookmarkStore, "_load", recording)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ui_thread = threading.current_thread()
        assert readers and all(t is not ui_thread for t in readers)
        assert any(n.title == "Bookmarks" for n in app._notifications)
        await pilot.press("q")


async def test_bookmarks_read_in_a_worker_restore_markers_and_the_tag_filter(
    new_app, settle
) -> None:
    from reader.bookmarks import BookmarkStore

    seed = new_app()
    paper = next(iter(seed.library.iter_papers()))
    BookmarkStore(resolve_locations().bookmarks_file).add(paper, tags=["later"])
    state_module.save_state(resolve_locations().state_file, UiState(tags=["later"]))
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert paper.id in app.bookmarked
        assert app.filter_pane.tags == ["later"]
        assert app.results.list.ids == [paper.id]
        await pilot.press("q")


async def test_the_reading_state_is_read_off_the_ui_thread(
    new_app, settle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.bookmarks.reading_file import ReadingFile

    real = ReadingFile.open
    openers: list[threading.Thread] = []

    def recording(self: ReadingFile):  # type: ignore[no-untyped-def]
        openers.append(threading.current_thread())
        return real(self)

    monkeypatch.setattr(ReadingFile, "open", recording)
    app = new_app()
    assert openers == []  # making the app reads nothing of it
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.triaging.reading_loaded
        assert openers and threading.current_thread() not in openers
        await pilot.press("q")
