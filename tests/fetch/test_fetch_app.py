"""ctrl+r / "Fetch today's papers" in the app: a worker fetches from the local server, the sync
bar shows it, and the new papers are in the list when it ends; errors are notifications."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from reader.bookmarks import BookmarkStore
from reader.locations import resolve_locations
from reader.tui import make_app

from ..tui.conftest import _settle as settle
from ..tui.conftest import palette_settled
from .conftest import HfServer, sample_items

SAMPLES = Path(__file__).resolve().parents[2] / "sample_dumps"
TODAY = datetime.now(UTC).date().isoformat()


def _app(server_url: str):
    loc = resolve_locations()
    mine = loc.user_dumps_dir / "mine"
    mine.mkdir(parents=True)
    shutil.copy(next(SAMPLES.glob("004_*")), mine)  # the data dir is the dump set in use
    loc.config_dir.mkdir(parents=True)
    (loc.config_dir / "config.toml").write_text(
        f'[fetch]\nbase_url = "{server_url}"\n[keys]\nfetch = "ctrl+g"\n', encoding="utf-8"
    )
    return make_app(None, locations=loc, store=BookmarkStore(loc.bookmarks_file))


async def _fetched(pilot) -> None:
    app = pilot.app
    for _ in range(500):
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        if any(n.title == "Fetch" for n in app._notifications):
            break
    await settle(pilot)


async def test_the_rebound_fetch_key_fetches_and_the_papers_show(hf_server: HfServer) -> None:
    items = sample_items()[:3]
    hf_server.days[TODAY] = items
    app = _app(hf_server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = app.library.paper_count()
        await pilot.press("ctrl+g")  # fetch, rebound in the config file from ctrl+r
        await _fetched(pilot)
        notes = [n.message for n in app._notifications if n.title == "Fetch"]
        assert notes == ["3 new papers, 3 papers from 2 days."], notes
        assert app.library.paper_count() == before + 3
        shown = {row.title for row in app.fetch_result_rows(app.results.list.ids)}
        titles = {" ".join(i["paper"]["title"].split()) for i in items}
        assert titles <= shown
        assert f"{TODAY}.json" in {s.name for s in app.library.sources()}
        assert not app.query("#sync-bar").first().display


async def test_a_fetch_error_is_a_notification(hf_server: HfServer) -> None:
    hf_server.special[TODAY] = lambda page: (500, {}, b"")
    app = _app(hf_server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.run_action("fetch")
        await _fetched(pilot)
        notes = [n for n in app._notifications if n.title == "Fetch"]
        assert len(notes) == 1 and notes[0].severity == "error"
        assert notes[0].message.endswith(f"Fetch failed: {TODAY}: HTTP 500 (server error)")


async def test_the_palette_offers_fetch(hf_server: HfServer) -> None:
    from textual.command import CommandPalette

    app = _app(hf_server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        for char in "fetch today":
            await pilot.press("space" if char == " " else char)
        await palette_settled(pilot, "fetch today")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press("enter")
        await _fetched(pilot)
        assert any(n.title == "Fetch" for n in app._notifications)
        assert hf_server.requests  # the command ran the fetch


async def test_a_session_on_other_dumps_says_where_the_days_went(
    hf_server: HfServer, sample_dir: Path
) -> None:
    hf_server.days[TODAY] = sample_items()[:2]
    loc = resolve_locations()
    loc.config_dir.mkdir(parents=True)
    (loc.config_dir / "config.toml").write_text(
        f'[fetch]\nbase_url = "{hf_server.url}"\n', encoding="utf-8"
    )
    app = make_app([str(sample_dir)], locations=loc, store=BookmarkStore(loc.bookmarks_file))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await _fetched(pilot)
        note = next(n.message for n in app._notifications if n.title == "Fetch")
        assert f"saved in {loc.user_dumps_dir}, which this session does not read" in note
        assert (loc.user_dumps_dir / "hf-daily" / f"{TODAY}.json").is_file()


async def test_fetched_papers_show_in_the_open_inbox(hf_server: HfServer) -> None:
    items = sample_items()[:3]
    hf_server.days[TODAY] = items
    app = _app(hf_server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert app.inbox_mode
        before = set(app.results.list.ids)
        await pilot.press("ctrl+g")
        await _fetched(pilot)
        assert app.inbox_mode
        ids = set(app.results.list.ids)
        assert len(ids - before) == 3 and before <= ids
        new_titles = {row.title for row in app.fetch_result_rows(sorted(ids - before))}
        assert new_titles == {" ".join(i["paper"]["title"].split()) for i in items}


async def test_quitting_during_a_fetch_does_not_wait_for_the_server(hf_server: HfServer) -> None:
    import threading

    arrived, release, answered = threading.Event(), threading.Event(), threading.Event()

    def blocked(page: int):
        arrived.set()
        release.wait(30)
        answered.set()
        return 200, {"Content-Type": "application/json"}, b"[]"

    hf_server.special[TODAY] = blocked
    app = _app(hf_server.url)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+g")
            while not arrived.is_set():
                await pilot.pause(0.02)
            await pilot.press("q")
        assert not answered.is_set()  # the app closed while the server still held the answer
    finally:
        release.set()
