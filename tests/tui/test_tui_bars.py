"""The title and sync bars: one-line widgets drawn as text (Textual's are 4 and 5 widgets)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.command import CommandPalette

from reader.tui.widgets import SyncBar, TitleBar


async def test_the_title_bar_shows_the_counts_and_its_icon_opens_the_palette(
    new_app, settle
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = app.query_one(TitleBar).render_line(0).text
        papers = app.library.paper_count()
        assert line.startswith(" ≡ ")
        assert f"paper-reader — {papers} papers · 3 dumps" in line
        title = line.index("paper-reader")  # centred between the icon and the right edge
        assert abs((title - 8) - (120 - 10 - title - len(line[title:].rstrip()))) <= 1
        await pilot.click(TitleBar, offset=(1, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


class _BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SyncBar(id="bar")


async def test_the_sync_bar_draws_label_bar_and_percent_as_plain_text() -> None:
    app = _BarApp()
    async with app.run_test(size=(60, 3)) as pilot:
        bar = app.query_one(SyncBar)
        bar.show("Reading [b]x[/b].txt", 2, 5)
        await pilot.pause()
        line = bar.render_line(0).text
        assert line.strip().startswith("Reading [b]x[/b].txt ")  # markup in a name stays text
        assert line.rstrip().endswith("━  40%")
        assert line.count("━") == 58 // 3  # the bar: a third of the width
        bar.show("Reading " + "very-long-dump-name-" * 5 + ".txt", 5, 5)
        await pilot.pause()
        line = bar.render_line(0).text
        assert len(line.rstrip()) <= 60 and "…" in line and line.rstrip().endswith("100%")
