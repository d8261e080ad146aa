"""The filter pane's sort group, "bookmarked only" box and dump/tag lists: keys and clicks
change the list."""

from __future__ import annotations

from textual.app import App, ComposeResult

from reader.search import Filters, Sort
from reader.tui.widgets import ChoiceList, Tick, TickList


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


async def test_the_dump_list_ticks_by_keys_and_clicks(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dumps = app.query_one("#sources", TickList)
        first, second, third = dumps.values
        everything = len(app.results.list.ids)
        dumps.focus()
        await pilot.press("down", "space")  # tick the second dump
        await settle(pilot)
        assert dumps.selected == [second]
        assert (
            app.results.list.ids == app.library.search("", Filters(sources=frozenset({second}))).ids
        )
        await pilot.click(TickList, offset=(2, 2))  # tick the third as well
        await settle(pilot)
        assert dumps.selected == [second, third] and dumps.cursor == 2
        both = app.library.search("", Filters(sources=frozenset({second, third}))).ids
        assert app.results.list.ids == both and len(both) > dumps.count(second)
        await pilot.press(
            "home", "enter", "end", "enter", "up", "enter"
        )  # first on, third off, second off
        await settle(pilot)
        assert dumps.selected == [first]
        assert len(app.results.list.ids) == dumps.count(first) < everything  # counts per dump


class _Long(App[None]):
    CSS = "TickList { max-height: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[list[str]] = []

    def on_tick_list_changed(self, event: TickList.Changed) -> None:
        self.changes.append(event.tick_list.selected)

    def compose(self) -> ComposeResult:
        yield TickList(id="long")

    def on_mount(self) -> None:
        self.query_one(TickList).set_options(
            [(f"dump-{n:03}.txt", n) for n in range(300)], ["dump-007.txt"]
        )


async def test_a_long_list_is_one_widget_that_scrolls_to_its_cursor() -> None:
    app = _Long()
    async with app.run_test(size=(60, 12)) as pilot:
        ticks = app.query_one(TickList)
        ticks.focus()
        await pilot.pause()
        assert ticks.size.height == 12 and not ticks.children
        assert "dump-000.txt" in ticks.render_line(0).text
        await pilot.press("end", "space")
        await pilot.pause()
        assert ticks.scroll_y == 300 - 12
        assert ticks.render_line(11).text.startswith("▐X▌  299 dump-299.txt ")
        assert ticks.selected == ["dump-007.txt", "dump-299.txt"]
        ticks.set_counts({"dump-299.txt": 5})  # counts change without a message
        await pilot.pause()
        assert ticks.render_line(11).text.startswith("▐X▌    5 dump-299.txt ")
        assert app.changes == [["dump-007.txt", "dump-299.txt"]]


async def test_dump_and_tag_names_are_plain_text(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dumps = app.query_one("#sources", TickList)
        dumps.set_options([("[b]x[/b]", 3)], [])
        await pilot.pause()
        assert "▐X▌    3 [b]x[/b] " in dumps.render_line(0).text
