"""Layout at 80x24 and SVG snapshots of the main screen, the bookmarks pane and the help screen."""

from __future__ import annotations

from textual.pilot import Pilot

from reader.tui.app import PaperReaderApp


async def test_small_terminal_stacks_the_list_over_the_read_pane(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        assert not app.filter_pane.display or app.filter_pane.region.width == 0
        lst, read = app.results.list.region, app.read_pane.region
        assert lst.height >= 5 and read.height >= 5
        assert lst.bottom <= read.y  # stacked
        assert lst.width >= 70
        await pilot.press("f")
        await pilot.pause()
        assert app.filter_pane.region.width > 20  # shown over the left side
        assert app.focused is app.filter_pane.first_control
        await pilot.press("escape")
        await pilot.pause()
        assert app.filter_pane.region.width == 0
        assert app.focused is app.results.list
        await pilot.press("enter", "j")
        assert app.focused is app.read_pane


async def test_wide_terminal_shows_three_panes_side_by_side(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-wide")
        f, lst, read = app.filter_pane.region, app.results.list.region, app.read_pane.region
        assert f.right <= lst.x and lst.right <= read.x
        assert lst.height > 30


def _bookmark_some(app: PaperReaderApp) -> None:
    for index, pid in enumerate(app.results.list.ids[:3]):
        paper = app.library.get(pid)
        assert paper
        app.store.add(paper, tags=["diffusion", f"t{index}"], note=f"Note {index}: [b]kept[/b]")
    app.refresh_bookmarks()


def _runner(settle, *keys: str, bookmarks: bool = False):  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if bookmarks:
            assert isinstance(pilot.app, PaperReaderApp)
            _bookmark_some(pilot.app)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run_before


def test_snapshot_main_80x24(snap_compare, new_app, settle) -> None:
    assert snap_compare(new_app(), terminal_size=(80, 24), run_before=_runner(settle))


def test_snapshot_main_120x40(snap_compare, new_app, settle) -> None:
    run = _runner(settle, "slash", "d", "i", "f", "f", "u", "s", "i", "o", "n", "enter", "j")
    assert snap_compare(new_app(), terminal_size=(120, 40), run_before=run)


def test_snapshot_bookmarks_pane(snap_compare, new_app, settle) -> None:
    run = _runner(settle, "B", bookmarks=True)
    assert snap_compare(new_app(), terminal_size=(120, 40), run_before=run)


def test_snapshot_help_screen(snap_compare, new_app, settle) -> None:
    assert snap_compare(
        new_app(), terminal_size=(120, 40), run_before=_runner(settle, "question_mark")
    )
