"""State across launches, bookmarks shared with the CLI and other instances, and untrusted text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input

from reader.bookmarks import BookmarkStore
from reader.locations import resolve_locations
from reader.search import Sort
from reader.tui.app import PaperReaderApp
from reader.tui.state import UiState, load_state
from reader.tui.widgets import SyncBar

REPO = Path(__file__).resolve().parents[2]


def screen_text(app: PaperReaderApp) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_query_sort_selection_pane_and_theme_are_restored(new_app, settle, type_text):
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "model")
        await pilot.press("enter", "s", "j", "j")
        await settle(pilot)
        selected = app.results.list.current_id
        app.theme = "nord"
        await pilot.press("q")
    state = json.loads(resolve_locations().state_file.read_text())
    assert state["query"] == "model" and state["sort"] == "title" and state["theme"] == "nord"

    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.query_one("#query", Input).value == "model"
        assert app.filter_pane.sort is Sort.TITLE
        assert app.results.list.ids == app.library.search("model", sort=Sort.TITLE).ids
        assert app.results.list.current_id == selected
        assert app.read_pane.paper_id == selected
        assert app.theme == "nord"
        await pilot.press("B")
        await pilot.press("q")
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.pane == "bookmarks"


async def test_a_broken_state_file_is_ignored_with_a_notice(new_app, settle) -> None:
    path = resolve_locations().state_file
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.results.list.ids == app.library.search("").ids
        assert any("broken UI state file" in str(n.message) for n in app._notifications)
        await pilot.press("q")
    state, problem = load_state(path)
    assert problem is None and isinstance(state, UiState)  # rewritten, atomically, on quit


async def test_bookmark_survives_a_restart_and_the_cli_sees_it(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "b", "t")
        app.screen.query_one(Input).value = "keep"
        await pilot.press("enter")
        await settle(pilot)
        pid = app.results.list.current_id
        title = app.library.get(pid).title
        await pilot.press("q")
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.results.list.current_id == pid
        assert app.fetch_result_rows([pid])[0].marker == "★"  # b keeps it: bookmarked and seen
        assert app.bookmarks_pane.list.ids == [pid]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "reader", "bookmarks", "list", "--json"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    entries = listed if isinstance(listed, list) else listed.get("bookmarks", [])
    assert [(e["title"] if "title" in e else e["paper"]["title"]) for e in entries] == [title]
    assert "keep" in json.dumps(entries)


async def test_bookmarks_changed_elsewhere_show_up(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pid = app.results.list.ids[0]
        other = BookmarkStore(resolve_locations().bookmarks_file)
        other.add(app.library.get(pid), tags=["from-cli"])
        app.poll_store()  # what the 2-second interval does
        await settle(pilot)
        assert app.fetch_result_rows([pid])[0].marker == "★•"  # bookmarked elsewhere, unread
        assert app.bookmarks_pane.list.ids == [pid]
        assert "from-cli" in app.read_pane.part("user")


async def test_a_store_problem_is_a_notification(new_app, settle) -> None:
    path = resolve_locations().bookmarks_file
    path.parent.mkdir(parents=True)
    path.write_text("{ this is not json")
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.store.problem
        assert any(n.title == "Bookmarks" for n in app._notifications)
        assert app.results.list.ids  # the app works regardless


async def test_markup_like_text_is_shown_literally(new_app, settle, markup_dir, type_text):
    app = new_app([markup_dir])
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "Escaping [bold]Bold[/bold] and [/] in Titles" in shown
        for text in ("[@click=app.quit]quit[/]", "[link=file:///etc/passwd]a link[/link]",
                     "Delta[Fe/H]/DeltaR"):  # fmt: skip
            assert text in shown.replace("\n", " ") or text in app.read_pane.part("abstract")
        await pilot.click("#read-body")
        await pilot.press("b", "t")
        app.screen.query_one(Input).value = "[red]tag[/], [@click=app.quit]x"
        await pilot.press("enter", "n")
        await type_text(pilot, "[b]note[/b]")
        await pilot.press("ctrl+s", "B")
        await settle(pilot)
        shown = screen_text(app)
        assert "#[red]tag[/] #[@click=app.quit]x · [b]note[/b]" in shown
        assert "Escaping [bold]Bold" in shown
        assert app.is_running  # no [@click=app.quit] fired


async def test_sync_progress_is_shown_while_indexing(new_app, settle, sample_dir, monkeypatch):
    seen: list[tuple[int, int]] = []
    original = PaperReaderApp.on_sync_progress

    def spy(self: PaperReaderApp, message):  # type: ignore[no-untyped-def]
        seen.append((message.done, message.total))
        original(self, message)

    monkeypatch.setattr(PaperReaderApp, "on_sync_progress", spy)
    app = new_app([sample_dir])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert seen and seen[-1][0] == seen[-1][1]
        assert not app.query_one("#sync-bar").display
        assert app.query_one("#sync-bar", SyncBar).fraction == 1.0
        order = [child.id for child in app.screen.children]
        assert order.index("sync-bar") == order.index("search-bar") + 1  # under the search bar
        assert app.sub_title.endswith("papers · 3 dumps · 205 unread")


async def test_indexing_under_a_modal_screen_shows_its_bar_on_the_main_screen(new_app, settle):
    """An index rebuilt while the help screen is open (the warm-up found it unreadable)
    puts its progress bar under the search bar, not on the help screen."""
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is not main
        app.show_sync_bar("Indexing…")
        await pilot.pause()
        order = [child.id for child in main.children]
        assert order.index("sync-bar") == order.index("search-bar") + 1
        assert not app.screen.query("#sync-bar")


async def test_no_dumps_is_a_notification_not_a_crash(new_app, settle, tmp_path) -> None:
    app = new_app([tmp_path / "missing"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.sub_title == "0 papers · 0 dumps · 0 unread"
        assert app._notifications
        assert app.results.list.ids == []
        await pilot.press("b", "m", "o", "y", "t")  # nothing selected: notices only
        assert app.is_running
