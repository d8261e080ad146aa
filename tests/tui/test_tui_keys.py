"""Every key: moving, reading, bookmarking, tags, notes, panes, more like this, open, copy, help."""

from __future__ import annotations

import webbrowser

import pytest
from textual.command import CommandPalette
from textual.geometry import Region
from textual.widgets import Input, TextArea

from reader.tui.keys import all_keys, shown_keys
from reader.tui.screens import EditNoteScreen, EditTagsScreen, HelpScreen

from .conftest import palette_settled


async def test_moving_through_the_list_and_the_read_pane_follows(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper_list = app.results.list
        ids = paper_list.ids
        assert app.focused is paper_list
        steps = [("j", 1), ("down", 2), ("k", 1), ("up", 0), ("end", len(ids) - 1), ("home", 0)]
        for key, index in steps:
            await pilot.press(key)
            await settle(pilot)
            assert paper_list.cursor == index, key
            assert app.read_pane.paper_id == ids[index]
        await pilot.press("pagedown")
        page = paper_list.cursor
        assert page > 5
        await pilot.press("pagedown", "pageup")
        assert paper_list.cursor == page
        await pilot.press("pageup")
        assert paper_list.cursor == 0


async def test_enter_reads_and_escape_returns_to_the_list(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert app.focused is app.read_pane
        title = app.read_pane.part("title")
        assert title == app.library.get(app.results.list.ids[0]).title
        await pilot.press("j", "j", "j", "pagedown")
        assert app.read_pane.scroll_y > 0  # the abstract scrolls from the keyboard
        await pilot.press("escape")
        assert app.focused is app.results.list
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press("escape")
        assert app.focused is app.results.list


async def test_b_toggles_a_bookmark_shown_in_the_list_and_the_bookmarks_pane(new_app, settle):
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "b")
        await settle(pilot)
        pid = app.results.list.ids[1]
        assert app.store.get(pid) is not None
        assert app.fetch_result_rows([pid])[0].marker == "★"
        assert "bookmarked" in app.read_pane.part("user")
        await pilot.press("B")
        await settle(pilot)
        assert app.pane == "bookmarks"
        assert app.bookmarks_pane.list.ids == [pid]
        assert app.read_pane.paper_id == pid
        assert app.focused is app.bookmarks_pane.list
        await pilot.press("1")
        assert app.pane == "results"
        await pilot.press("b")
        await settle(pilot)
        assert app.store.get(pid) is None
        assert app.fetch_result_rows([pid])[0].marker == ""


async def test_bookmarks_pane_lists_newest_first_and_the_read_pane_follows(new_app, settle):
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ids = app.results.list.ids
        for pid in ids[:3]:
            paper = app.library.get(pid)
            assert paper
            app.store.add(paper, tags=["x"], note=f"note on {pid}")
        app.refresh_bookmarks()
        await pilot.press("B")
        await settle(pilot)
        listed = app.bookmarks_pane.list.ids
        assert listed == [b.paper_id for b in app.store.all()]
        assert set(listed) == set(ids[:3])
        await pilot.press("j")
        await settle(pilot)
        assert app.read_pane.paper_id == listed[1]
        assert f"note on {listed[1]}" in app.read_pane.part("user")
        await pilot.press("b")  # unbookmark from the pane: the cursor stays in place
        await settle(pilot)
        assert app.bookmarks_pane.list.ids == [listed[0], listed[2]]
        assert app.bookmarks_pane.list.cursor == 1


async def test_t_edits_tags_and_n_edits_the_note(new_app, settle, type_text) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pid = app.results.list.ids[0]
        await pilot.press("t")
        assert isinstance(app.screen, EditTagsScreen)
        await type_text(pilot, "to read, diffusion")
        await pilot.press("enter")
        await settle(pilot)
        assert app.store.get(pid).tags == ["to read", "diffusion"]
        assert "to read, diffusion" in app.read_pane.part("user")
        await pilot.press("n")
        assert isinstance(app.screen, EditNoteScreen)
        await type_text(pilot, "great [bold]paper[/]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.store.get(pid).note == "great [bold]paper[/]"
        await pilot.press("n")
        assert app.screen.query_one(TextArea).text == "great [bold]paper[/]"
        await pilot.press("x", "escape")  # cancelled: nothing changes
        await settle(pilot)
        assert app.store.get(pid).note == "great [bold]paper[/]"
        await pilot.press("t")
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert app.store.get(pid).tags == []


async def test_m_shows_more_like_this_and_escape_returns(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = list(app.results.list.ids)
        await pilot.press("j", "j")
        pid = app.results.list.current_id
        await pilot.press("m")
        await settle(pilot)
        similar = app.library.similar(pid)
        assert similar.ids
        assert app.results.list.ids == similar.ids
        title = app.results.query_one("#results-title").render().plain
        assert title.startswith("More like this: " + app.library.get(pid).title)
        assert similar.key_terms[0] in title
        await pilot.press("escape")
        await settle(pilot)
        assert app.results.list.ids == before
        assert app.results.list.current_id == pid
        assert app.similar_of is None


async def test_o_opens_the_paper_link_in_a_thread(new_app, settle, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper = app.library.get(app.results.list.ids[0])
        await pilot.press("o")
        await settle(pilot)
        assert opened == [paper.link]
        assert any(paper.link in str(n.message) for n in app._notifications)


async def test_y_copies_title_and_link(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper = app.library.get(app.results.list.ids[0])
        await pilot.press("y")
        assert app.clipboard == f"{paper.title}\n{paper.link}"


async def test_question_mark_shows_help_with_every_key(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text").render().plain
        for key in ("/", "esc", "b", "B", "1", "t", "n", "f", "s", "m", "o", "y", "?", "q",
                    "ctrl+d", "down, j", "home", "pageup", "enter", "ctrl+p"):  # fmt: skip
            assert f"\n{key}" in text, key
        lines = text.splitlines()
        for key in all_keys():  # every action with the name [keys] rebinds it by
            assert any(line.rstrip().endswith(f" {key.id}") for line in lines), key.id
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_help_keeps_each_action_name_on_its_key_s_line(new_app, settle, size) -> None:
    """As drawn (not as one logical line that the terminal wraps): each key's line ends
    with the action name `[keys]` rebinds it by, a long description wraps within its
    column, and every line fits the box."""
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        widget = app.screen.query_one("#help-text")
        width, height = widget.size
        drawn = [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]
        assert drawn and all(len(line) <= width for line in drawn)
        for key in all_keys():
            line = next(line for line in drawn if line.endswith(f" {key.id}"))
            assert line.startswith(shown_keys(key) + " "), (key.id, line)
            at = drawn.index(line)
            text = [line.removesuffix(key.id).strip().removeprefix(shown_keys(key)).strip()]
            for more in drawn[at + 1 :]:
                if not more.startswith(" "):
                    break
                text.append(more.strip())
            assert " ".join(text) == key.help, key.id


@pytest.mark.parametrize(
    ("words", "check"), [("bookmarks pane", "pane"), ("cycle the sort", "sort")]
)
async def test_command_palette_runs_actions(new_app, settle, type_text, words, check) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, words)
        await palette_settled(pilot, words)
        await pilot.press("enter")
        await settle(pilot)
        if check == "pane":
            assert app.pane == "bookmarks"
        else:
            assert app.filter_pane.sort.value == "title"


async def test_q_quits(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
