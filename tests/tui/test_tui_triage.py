"""Triage in the app, key by key under Pilot: unread marks, the inbox, keep/dismiss/undo,
seen/unread, a bulk mark with its confirmation, saved searches, "unread only", the place in
the inbox across launches, and SVG snapshots of the inbox."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from reader.bookmarks.reading import ReadingStore, State
from reader.locations import resolve_locations
from reader.tui.screens.triage import ConfirmScreen, NameScreen


def _reading() -> ReadingStore:
    return ReadingStore(resolve_locations().reading_file)


def _title(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.query_one("#results-title").render())


async def test_header_and_list_marks_show_what_is_unread(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.sub_title == "205 papers · 3 dumps · 205 unread"
        first = app.results.list.ids[0]
        assert app.fetch_result_rows([first])[0].marker == " •"
        await pilot.press("r")  # seen
        await settle(pilot)
        assert app.sub_title.endswith("· 204 unread")
        assert app.fetch_result_rows([first])[0].marker == ""
        assert _reading().state(first) is State.SEEN
        await pilot.press("r")  # unread again
        await settle(pilot)
        assert app.sub_title.endswith("· 205 unread") and _reading().state(first) is State.UNREAD


async def test_enter_marks_seen_and_moving_past_leaves_unread(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ids = app.results.list.ids
        await pilot.press("j", "j", "j")  # moving past: still unread
        await settle(pilot)
        assert app.sub_title.endswith("· 205 unread")
        await pilot.press("enter")
        await settle(pilot)
        assert _reading().seen_ids() == {ids[3]}


async def test_the_inbox_keep_dismiss_and_undo_repeatedly(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert app.inbox_mode and _title(app).startswith("Inbox · 205 unread")
        inbox = list(app.results.list.ids)
        assert inbox == app.triage.inbox()
        await pilot.press("b")  # keep: bookmarked, seen, next
        await settle(pilot)
        assert app.store.get(inbox[0]) is not None
        assert app.results.list.cursor == 1
        await pilot.press("x")  # dismiss, next
        await settle(pilot)
        assert app.results.list.cursor == 2
        await pilot.press("j", "x")  # moving past inbox[2] leaves it unread
        await settle(pilot)
        reading = _reading()
        assert reading.state(inbox[1]) is State.DISMISSED
        assert reading.state(inbox[2]) is State.UNREAD
        assert reading.state(inbox[3]) is State.DISMISSED
        assert _title(app).startswith("Inbox · 202 unread")
        assert app.sub_title.endswith("· 202 unread")
        await pilot.press("u")  # undo the last dismiss: the cursor goes back to it
        await settle(pilot)
        assert _reading().state(inbox[3]) is State.UNREAD
        assert app.results.list.current_id == inbox[3]
        await pilot.press("u", "u")  # and the dismiss, and the keep (its bookmark too)
        await settle(pilot)
        assert _reading().seen_ids() == frozenset()
        assert app.store.get(inbox[0]) is None
        assert app.results.list.current_id == inbox[0]
        await pilot.press("u")
        await settle(pilot)
        assert _title(app).startswith("Inbox · 205 unread")


async def test_escape_and_1_leave_the_inbox(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "i")
        await settle(pilot)
        assert app.inbox_mode
        assert app.check_action("dismiss", ()) is True
        await pilot.press("escape")
        await settle(pilot)
        assert not app.inbox_mode and _title(app).startswith("Results")
        assert app.results.list.cursor == 2  # back where it was
        assert app.check_action("dismiss", ()) is False  # x belongs to the inbox
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert not app.inbox_mode and _title(app).startswith("Results")


async def test_mark_the_whole_list_seen_after_a_confirmation_and_undo_it(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        first = app.results.list.ids[0]
        await pilot.press("x", "X")  # dismiss the first, then mark the rest seen
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen) and _reading().seen_ids() == {first}
        await pilot.press("X")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert len(_reading().seen_ids()) == 205
        assert _reading().state(first) is State.DISMISSED  # a bulk mark leaves it dismissed
        assert app.sub_title.endswith("· 0 unread") and _title(app).startswith("Inbox · 0 unread")
        await pilot.press("u")  # one step
        await settle(pilot)
        assert _reading().seen_ids() == {first} and app.sub_title.endswith("· 204 unread")


async def test_save_a_search_count_it_run_it_and_rename_and_delete_it(
    new_app, settle, type_text
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "diffusion")
        await pilot.press("enter")
        await settle(pilot)
        found = list(app.results.list.ids)
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        await type_text(pilot, "diff")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(1.2)  # counted after a sync, a save or a mark
        await settle(pilot)
        assert app.feeds == [("diff", len(found))]
        options = app.query_one("#saved-searches", OptionList)
        assert str(options.get_option_at_index(0).prompt) == f"diff · {len(found)}"
        await pilot.press("enter")  # read the first: one fewer unread
        await pilot.pause(1.2)
        await settle(pilot)
        assert app.feeds == [("diff", len(found) - 1)]
        # choose it after clearing the query: the query comes back
        app.query_one("#query", Input).value = ""
        await settle(pilot)
        options.focus()
        options.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one("#query", Input).value == "diffusion"
        assert list(app.results.list.ids) == found
        # rename and delete from the command palette
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "rename saved")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        app.screen.query_one("#name-input", Input).value = "Diffusion"
        await pilot.press("enter")
        await pilot.pause(0.3)
        await settle(pilot)
        assert [s.name for s in _reading().searches()] == ["Diffusion"]
        app.delete_search("Diffusion")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause(0.3)
        await settle(pilot)
        assert _reading().searches() == []


async def test_unread_only_hides_what_was_read(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = app.results.list.ids[0]
        await pilot.press("r")
        await settle(pilot)
        app.filter_pane.set_unread_only(True)
        app.run_search()
        await settle(pilot)
        assert first not in app.results.list.ids and len(app.results.list.ids) == 204
        assert app.current_state().unread_only


async def test_the_inbox_comes_back_at_its_place_on_the_next_launch(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        inbox = list(app.results.list.ids)
        await pilot.press("b", "x", "j")  # keep 0, dismiss 1, later for 2: on 3
        await settle(pilot)
        assert app.results.list.current_id == inbox[3]
        await pilot.press("q")
    again = new_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert again.inbox_mode
        assert again.results.list.current_id == inbox[3]
        assert _title(again).startswith("Inbox · 203 unread")
        assert again.sub_title.endswith("· 203 unread")


def _inbox_runner(settle):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("b", "x", "x", "j")
        await settle(pilot)

    return run_before


def test_snapshot_inbox_80x24(snap_compare, new_app, settle) -> None:
    assert snap_compare(new_app(), terminal_size=(80, 24), run_before=_inbox_runner(settle))


def test_snapshot_inbox_120x40(snap_compare, new_app, settle) -> None:
    assert snap_compare(new_app(), terminal_size=(120, 40), run_before=_inbox_runner(settle))


async def test_a_corrupt_reading_state_is_moved_aside_with_a_message(new_app, settle) -> None:
    path = resolve_locations().reading_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"garbage, not SQLite\x00" * 100)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("moved to" in m and "reading.sqlite.corrupt-" in m for m in messages)
        assert app.sub_title.endswith("· 205 unread")  # a fresh state: everything unread
        await pilot.press("r")
        await settle(pilot)
        assert app.sub_title.endswith("· 204 unread")
    aside = [p for p in path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"garbage")
