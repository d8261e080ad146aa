"""The line-API paper list on its own: only visible rows are fetched, even with 100k ids."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult

from reader.tui.messages import CursorMoved, RowChosen
from reader.tui.widgets import ListRow, PaperList
from reader.tui.widgets.paper_list import _fit, _spans


class ListApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[int] = []
        self.moved: list[str | None] = []
        self.chosen: list[str] = []

    def fetch(self, ids: Sequence[str]) -> list[ListRow]:
        self.fetched.append(len(ids))
        return [ListRow(i, f"[b]Paper[/b] {i}", meta="Mar 14", title_spans=[(0, 3)]) for i in ids]

    def compose(self) -> ComposeResult:
        yield PaperList(self.fetch, id="papers")

    def on_mount(self) -> None:
        self.query_one(PaperList).set_ids([str(n) for n in range(100_000)])

    def on_cursor_moved(self, message: CursorMoved) -> None:
        self.moved.append(message.paper_id)

    def on_row_chosen(self, message: RowChosen) -> None:
        self.chosen.append(message.paper_id)


async def test_only_the_visible_window_is_fetched() -> None:
    app = ListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        paper_list = app.query_one(PaperList)
        paper_list.focus()
        await pilot.pause()
        assert paper_list.virtual_size.height == 100_000
        assert 0 < sum(app.fetched) <= 25
        app.fetched.clear()
        await pilot.press("end")
        await pilot.pause()
        assert paper_list.cursor == 99_999
        assert app.moved[-1] == "99999"
        assert 0 < sum(app.fetched) <= 25
        text = paper_list.render_line(paper_list.scrollable_content_region.height - 1).text
        assert "[b]Paper[/b] 99999" in text and "Mar 14" in text
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == ["99999"]
        await pilot.press("home", "pagedown")
        assert 10 <= paper_list.cursor <= 20


async def test_empty_list_shows_its_message() -> None:
    app = ListApp()
    async with app.run_test(size=(60, 10)) as pilot:
        paper_list = app.query_one(PaperList)
        paper_list.empty_text = "No results."
        paper_list.set_ids([])
        await pilot.pause()
        assert paper_list.current_id is None
        assert "No results." in paper_list.render_line(0).text
        assert app.moved[-1] is None


@given(
    text=st.text(alphabet=st.sampled_from("ab é漢字😀-"), max_size=40),
    width=st.integers(min_value=1, max_value=30),
)
def test_titles_are_cut_as_rich_cuts_them(text: str, width: int) -> None:
    """The list builds its lines without `Text`; its cut must still match `Text.truncate`
    (wide characters, the ellipsis and all)."""
    expected = Text(text)
    expected.truncate(width, overflow="ellipsis")
    assert _fit(text, width) == expected.plain
    assert cell_len(_fit(text, width)) <= width


def test_matches_are_styled_up_to_the_cut() -> None:
    plain, match = Style(), Style(bold=True)
    title = _fit("Diffusion models for images", 12)
    pieces = [(s.text, s.style == match) for s in _spans(title, [(0, 9), (20, 26)], plain, match)]
    assert pieces == [("Diffusion", True), (" m…", False)]
    pieces = [
        (s.text, s.style == match) for s in _spans(_fit("a Diffusion", 6), [(2, 11)], plain, match)
    ]
    assert pieces == [("a ", False), ("Dif…", True)]
