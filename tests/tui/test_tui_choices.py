"""The filter pane's sort group and "bookmarked only" box: keys and clicks change the list."""

from __future__ import annotations

from reader.search import Sort
from reader.tui.widgets import ChoiceList, Tick


async def test_the_sort_group_answers_keys_and_clicks(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        group = app.query_one("#sort", ChoiceList)
        group.focus()
        await pilot.press("down")  # the cursor moves; nothing is chosen yet
        await settle(pilot)
        assert app.filter_pane.sort is Sort.RELEVANCE
        await pilot.press("space")
        await settle(pilot)
        assert app.filter_pane.sort is Sort.TITLE
        assert app.results.list.ids == app.library.search("", sort=Sort.TITLE).ids
        await pilot.click(ChoiceList, offset=(5, 2))  # the third line: date
        await settle(pilot)
        assert app.filter_pane.sort is Sort.DATE
        assert "by date" in str(app.results.query_one("#results-title").render())
        await pilot.press("up", "up", "enter")  # wraps from date through title to relevance
        await settle(pilot)
        assert app.filter_pane.sort is Sort.RELEVANCE
        await pilot.press("escape", "s")  # the key cycles the sort and the group follows
        await settle(pilot)
        assert group.value == "title" and app.filter_pane.sort is Sort.TITLE


async def test_bookmarked_only_toggles_by_click(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper = app.library.get(app.results.list.ids[1])
        assert paper is not None
        app.store.add(paper)
        app.refresh_bookmarks()
        tick = app.query_one("#bookmarked-only", Tick)
        await pilot.click(Tick)
        await settle(pilot)
        assert tick.value and app.results.list.ids == [paper.id]
        await pilot.click(Tick)
        await settle(pilot)
        assert not tick.value and len(app.results.list.ids) > 100


async def test_labels_are_plain_text(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        group = app.query_one("#sort", ChoiceList)
        group.options = ["[b]bold[/b]", *group.options[1:]]
        group.refresh()
        await pilot.pause()
        assert "▐●▌ [b]bold[/b] " in group.render_line(0).text
