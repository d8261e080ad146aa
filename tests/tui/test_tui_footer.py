"""The key footer: hints follow the focus, fit the width, and a click presses the key."""

from __future__ import annotations

from reader.tui.widgets import KeyFooter


def _line(app) -> str:  # type: ignore[no-untyped-def]
    """The footer line as last drawn (a stale one if the footer missed a refresh)."""
    return app.query_one(KeyFooter).render_line(0).text


async def test_hints_follow_the_focused_pane(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = _line(app)
        assert "b Keep" in line and "q Quit" in line
        assert line.rstrip().endswith("^p palette")
        assert line.index("b Keep") < line.index("q Quit")
        await pilot.press("slash")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "query"
        assert "b Keep" not in _line(app)  # typing 'b' types a b
        await pilot.press("escape")
        await pilot.pause()
        assert "b Keep" in _line(app)


async def test_hints_that_do_not_fit_are_left_out_whole(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        line = _line(app)
        assert len(line) <= 60
        assert line.rstrip().endswith("^p palette")
        assert "q Quit" not in line  # the last hints give way
        kept = line.split("│")[0].split()
        assert kept and "Read" in kept  # no hint is cut in the middle


async def test_clicking_a_hint_presses_its_key(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        footer = app.query_one(KeyFooter)
        x = next(start for start, _end, key in footer._spans if key == "B")
        assert footer.key_at(x) == "B"
        await pilot.click(KeyFooter, offset=(x, 0))
        await settle(pilot)
        assert app.pane == "bookmarks" and app.bookmarks_pane.display
        assert footer.key_at(0) is None  # the gap before the first hint


async def test_each_mode_shows_all_its_keys_at_120_columns(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = _line(app)
        for hint in (
            "⏎ Read",
            "b Keep",
            "B Bookmarks",
            "f Filters",
            "s Sort",
            "m Similar",
            "i Inbox",
            "r Seen",
            "X All seen",
            "u Undo",
            "S Save",
            "? Help",
            "q Quit",
        ):
            assert hint in line, (hint, line)
        assert "x Dismiss" not in line  # x works in the inbox only
        await pilot.press("i")
        await settle(pilot)
        assert app.inbox_mode
        line = _line(app)
        for hint in (
            "⏎ Read",
            "esc Back",
            "b Keep",
            "x Dismiss",
            "u Undo",
            "r Seen",
            "X All seen",
            "? Help",
            "q Quit",
        ):
            assert hint in line, (hint, line)
        assert "m Similar" not in line and "s Sort" not in line
        await pilot.press("s")  # the hidden keys still work
        await settle(pilot)
        assert not app.inbox_mode
