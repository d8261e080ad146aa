"""Starting up: the first list comes from the catalog, and an unreadable index is rebuilt."""

from __future__ import annotations

import os
from pathlib import Path

from reader.locations import resolve_locations
from reader.search import Library
from reader.tui.app import PaperReaderApp


def _build(dumps: Path) -> Path:
    """Index `dumps` where the app will look for it; the index folder."""
    index_dir = resolve_locations().index_dir([dumps])
    library = Library([dumps], index_dir)
    library.sync()
    library.close()
    return index_dir


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
    app = new_app([sample_dir])
    async with app.run_test(size=(120, 40)) as pilot:
        paper_list = app.results.list
        set_ids = paper_list.set_ids

        def record(ids, *args, **kwargs):  # type: ignore[no-untyped-def]
            if ids:
                lists.append(len(ids))
            return set_ids(ids, *args, **kwargs)

        paper_list.set_ids = record  # type: ignore[method-assign]
        await settle(pilot)
        # The papers were listed from the catalog first; the rebuild (with its progress
        # bar) came after, and the list is still all the papers.
        assert lists and lists[0] == lists[-1] > 100
        assert progress and progress[0] >= 1
        assert app.library.damage is None
        assert not app.query_one("#sync-bar").display
        await pilot.press("slash")
        await type_text(pilot, "diffusion")
        await settle(pilot)
        assert 0 < len(paper_list.ids) < lists[0]
