"""Daily triage in the app: unread marks, the inbox, keep/dismiss/undo, bulk marks, saved searches.

A mixin for `PaperReaderApp` (placed before the other mixins, so it can add the inbox to
`b`, `1`, `escape`, the list's rows and the filters). The domain logic is `reader.triage`;
here are the keys and the screen. Every write to the reading state runs in a thread worker,
in the order the keys were pressed (one queue, drained under a lock): the UI thread never
waits on the disk or on another process's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual import work
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, OptionList

from reader.bookmarks.reading import SavedSearch, State
from reader.errors import error_message, failure_message
from reader.search import Filters
from reader.triage import Action, Triage
from reader.tui.keys import INBOX_HIDES, RESULTS_HIDES
from reader.tui.messages import (
    BookmarksReloaded,
    FeedsCounted,
    InboxReady,
    ReadingChanged,
    RowChosen,
    SearchFinished,
)
from reader.tui.panes import FilterPane
from reader.tui.widgets.paper_list import ListRow
from reader.tui.write_queue import WriteQueue

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import Binding

    from reader.bookmarks import BookmarkStore
    from reader.model import Paper
    from reader.search import Library
    from reader.tui.panes import ReadPane, ResultsPane, SearchBar
    from reader.tui.searching import SearchController
    from reader.tui.state import UiState
    from reader.tui.widgets import PaperList

    _Base = App[None]
else:
    _Base = object

#: Seconds after a change in the reading state before the saved searches are counted again.
FEEDS_DELAY = 1.0
_UNREAD_SUFFIX = re.compile(r" · \d+ unread$")
UNREAD_MARK = "•"


class TriageMixin(_Base):
    """The inbox and the reading state on screen."""

    if TYPE_CHECKING:  # provided by PaperReaderApp and the other mixins
        library: Library
        store: BookmarkStore
        ui_state: UiState
        ready: bool
        searches: SearchController
        similar_of: str | None
        paper: Paper | None

        @property
        def filter_pane(self) -> FilterPane: ...
        @property
        def results(self) -> ResultsPane: ...
        @property
        def search_bar(self) -> SearchBar: ...
        @property
        def read_pane(self) -> ReadPane: ...
        @property
        def pane(self) -> str: ...
        @property
        def active_list(self) -> PaperList: ...
        @property
        def current_id(self) -> str | None: ...
        def show_pane(self, name: str) -> None: ...
        def run_search(self) -> None: ...
        def schedule_search(self) -> None: ...
        def with_current_paper(self, then: Callable[[Paper], None]) -> None: ...
        def refresh_bookmarks(self, tags: list[str] | None = None) -> None: ...

    triage: Triage
    #: The unread news papers (empty until the reading state is loaded, in a worker).
    unread: frozenset[str] = frozenset()
    reading_loaded = False
    inbox_mode = False
    #: The saved searches with their unread counts, as last counted.
    feeds: list[tuple[str, int]]

    def setup_triage(self, triage: Triage) -> None:
        self.triage = triage
        self.feeds = []
        #: Marks, keeps, undos and saved-search changes, written in key order (flushed at exit).
        self.reading_writes = WriteQueue("reading-state changes")
        self._feeds_timer: Timer | None = None
        self._inbox_back: str | None = None
        self._inbox_ids: frozenset[str] = frozenset()

    # -- loading ---------------------------------------------------------------------------
    def watch_sub_title(self, _old: str, new: str) -> None:
        """A sync finished (it writes "N papers · D dumps"): load the reading state again (the
        news papers may have changed) and keep "· N unread" in the header meanwhile."""
        if "papers" not in new or _UNREAD_SUFFIX.search(new):
            return
        if self.reading_loaded:
            self.sub_title = f"{new} · {len(self.unread)} unread"
        # After the frame being built (the first one, at start): the load competes for the GIL.
        self.call_after_refresh(self.reading_worker)

    @work(thread=True, exclusive=True, group="reading-load", exit_on_error=False)
    def reading_worker(self) -> None:
        try:
            problem = self.triage.reading.problem
            unread = self.triage.unread_ids()
        except Exception as exc:
            self.notify(failure_message("reading state", exc), severity="error", markup=False)
            return
        self.post_message(ReadingChanged(unread, note=problem))
        self.feeds_worker()

    def on_reading_changed(self, message: ReadingChanged) -> None:
        if not self.query("FilterPane"):
            return  # the app is closing
        first = not self.reading_loaded
        self.reading_loaded = True
        self.unread = message.unread
        if message.note:
            self.notify(message.note, title="Reading state", severity="error", markup=False,
                        timeout=15)  # fmt: skip
        self._show_unread_count()
        self.results.list.invalidate()
        if self.inbox_mode:
            self._inbox_title()
        if message.focus is not None:
            paper_list = self.active_list
            if message.focus in paper_list.ids:
                paper_list.move_to(paper_list.ids.index(message.focus))
        if first and self.ui_state.inbox and not self.inbox_mode:
            self.open_inbox(restore=self.ui_state.inbox_paper)
        elif self.filter_pane.unread_only and self.ready and not self.inbox_mode:
            self.schedule_search()
        self._schedule_feeds()

    def _show_unread_count(self) -> None:
        base = _UNREAD_SUFFIX.sub("", self.sub_title)
        if base and "papers" in base:
            self.sub_title = f"{base} · {len(self.unread)} unread"

    # -- the list's marks and filter ----------------------------------------------------------
    def fetch_result_rows(self, ids: Sequence[str]) -> list[ListRow]:
        rows: list[ListRow] = super().fetch_result_rows(ids)  # type: ignore[misc]
        unread = self.unread
        for row in rows:
            if row.id in unread:
                row.marker = (row.marker or " ")[:1] + UNREAD_MARK
        return rows

    def current_filters(self) -> Filters:
        filters: Filters = super().current_filters()  # type: ignore[misc]
        if not self.filter_pane.unread_only:
            return filters
        ids = self.unread if filters.ids is None else filters.ids & self.unread
        return filters._replace(ids=ids)

    def current_state(self) -> UiState:
        state: UiState = super().current_state()  # type: ignore[misc]
        state.unread_only = self.filter_pane.unread_only
        state.inbox = self.inbox_mode
        state.inbox_paper = self.current_id if self.inbox_mode else self.ui_state.inbox_paper
        if self.inbox_mode:
            state.selected = self._inbox_back
        return state

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`x` (dismiss) belongs to the inbox: hidden from the footer, and inactive, elsewhere."""
        if action == "dismiss":
            return self.inbox_mode
        result: bool | None = super().check_action(action, parameters)
        return result

    def footer_hides(self, binding: Binding) -> bool:
        """The footer shows the triage keys in the inbox and the browsing keys elsewhere, so
        each mode's keys fit on one line at 120 columns; every key works in both."""
        hidden = INBOX_HIDES if self.inbox_mode else RESULTS_HIDES
        return binding.id in hidden

    def _set_inbox_mode(self, value: bool) -> None:
        if self.inbox_mode != value:
            self.inbox_mode = value
            self.refresh_bindings()

    # -- the inbox -----------------------------------------------------------------------------
    def action_inbox(self) -> None:
        self.open_inbox()

    def open_inbox(self, restore: str | None = None) -> None:
        if not self.inbox_mode:
            self._inbox_back = self.results.list.current_id
        self.inbox_worker(restore)

    @work(thread=True, exclusive=True, group="inbox", exit_on_error=False)
    def inbox_worker(self, restore: str | None) -> None:
        try:
            ids = self.triage.inbox()
            keep = restore
            if restore is not None and restore not in ids:
                keep = _next_unread(self.triage.news_ids(), restore, set(ids))
        except Exception as exc:
            self.notify(failure_message("inbox", exc), severity="error", markup=False)
            return
        self.post_message(InboxReady(ids, keep))

    def on_inbox_ready(self, message: InboxReady) -> None:
        self._set_inbox_mode(True)
        self.similar_of = None
        self.searches.supersede()  # a search still in flight must not replace the inbox
        if self.pane != "results":
            self.show_pane("results")
        paper_list = self.results.list
        paper_list.empty_text = "Inbox empty: nothing unread in the news dumps."
        paper_list.set_ids(message.ids, keep=message.keep)
        self._inbox_ids = frozenset(message.ids)
        self._inbox_title()
        self.search_bar.show_count(f"{len(message.ids)} papers")
        paper_list.focus()

    def _inbox_title(self) -> None:
        left = len(self._inbox_ids & self.unread)
        self.results.set_title(Content.assemble(("Inbox", "bold"), f" · {left} unread"))

    def leave_inbox(self) -> None:
        self._set_inbox_mode(False)
        self.searches.restore_selection = self._inbox_back
        self.run_search()
        self.results.list.focus()

    def on_search_finished(self, message: SearchFinished) -> None:
        """A search (typed, or a filter) replaces the inbox. The app also calls this directly
        (the first list), so it hands on to the search's own handler itself, once."""
        if message.generation == self.searches.generation and self.inbox_mode:
            self._set_inbox_mode(False)
        super().on_search_finished(message)  # type: ignore[misc]
        message.prevent_default()

    def action_show_results(self) -> None:
        if self.inbox_mode:
            self.leave_inbox()
            return
        super().action_show_results()  # type: ignore[misc]

    def action_back_to_list(self) -> None:
        if self.inbox_mode and self.focused is not None and self.focused.id != "query":
            self.screen.remove_class("-show-filters")
            self.leave_inbox()
            return
        super().action_back_to_list()  # type: ignore[misc]

    def _next(self) -> None:
        paper_list = self.active_list
        paper_list.move_to(paper_list.cursor + 1)

    # -- marking (every write in the worker, in key order) --------------------------------
    def _queue(self, job: Callable[[], ReadingChanged | None]) -> None:
        """Write a change to the reading state, then show the unread papers it leaves."""
        writes = self.reading_writes

        def write() -> str | None:
            problem = None
            try:
                message = job()
            except Exception as exc:
                problem = failure_message("reading state", exc)
                self.notify(problem, severity="error", markup=False)
                message = None
            if writes.closing:  # the app is gone: nothing to show the count on
                return problem
            try:
                unread = self.triage.unread_ids()
            except Exception as exc:
                self.notify(failure_message("reading state", exc), severity="error", markup=False)
                return problem
            if message is None:
                message = ReadingChanged(unread)
            message.unread = unread
            self.post_message(message)
            return problem

        writes.submit(write)
        self.writer_worker()

    @work(thread=True, group="reading-write", exit_on_error=False)
    def writer_worker(self) -> None:
        self.reading_writes.drain()

    def _mark(self, action: Callable[[Triage], Action]) -> None:
        triage = self.triage

        def job() -> ReadingChanged | None:
            action(triage)
            return None

        self._queue(job)

    def action_toggle_bookmark(self) -> None:
        pid = self.current_id
        if pid is None:
            self.notify("No paper selected.", severity="warning", timeout=3)
            return
        if not self.inbox_mode:  # bookmarking is keeping: the paper is seen too
            adding = self.store.get(pid) is None
            super().action_toggle_bookmark()  # type: ignore[misc]
            if adding and pid in self.unread:
                self._mark(lambda t: t.mark_seen(pid))
            return

        def keep(paper: Paper) -> None:
            def job() -> ReadingChanged | None:
                self.triage.keep(paper)
                self.post_message(BookmarksReloaded())
                return None

            self._queue(job)

        self.with_current_paper(keep)  # the paper under the cursor now, before moving on
        self._next()

    def action_dismiss(self) -> None:
        pid = self.current_id
        if pid is None:
            self.notify("No paper selected.", severity="warning", timeout=3)
            return
        self._next()
        self._mark(lambda t: t.dismiss(pid))

    def action_toggle_read(self) -> None:
        pid = self.current_id
        if pid is None:
            self.notify("No paper selected.", severity="warning", timeout=3)
            return
        self._mark(lambda t: t.toggle(pid))

    def on_row_chosen(self, message: RowChosen) -> None:
        """enter opens the paper: it is seen (an archive paper is never unread)."""
        pid = message.paper_id
        if pid in self.unread:
            self._mark(lambda t: t.mark_seen(pid))

    def action_undo(self) -> None:
        if not self.triage.can_undo and not self.reading_writes.pending:
            self.notify("Nothing to undo.", timeout=2)
            return

        def job() -> ReadingChanged | None:
            action = self.triage.undo()
            if action is None:
                return ReadingChanged(frozenset(), note=None)
            if action.bookmarked is not None:
                self.post_message(BookmarksReloaded())
            what = {"keep": "keep", "dismiss": "dismiss", "bulk": f"{action.changed} marks"}
            self.notify(f"Undone: {what.get(action.label, action.label)}", timeout=2)
            return ReadingChanged(frozenset(), focus=action.paper_id)

        self._queue(job)

    def action_mark_list_seen(self) -> None:
        from reader.tui.screens.triage import ConfirmScreen

        unread = self.unread  # a dismissed paper stays dismissed; archive papers are never unread
        ids = [pid for pid in self.active_list.ids if pid in unread]
        if not ids:
            self.notify("Nothing unread in this list.", timeout=2)
            return
        where = "the inbox" if self.inbox_mode else "this list"

        def done(answer: bool | None) -> None:
            if answer:
                self._mark(lambda t: t.mark_many(ids, State.SEEN))
                self.notify(f"Marked {len(ids)} papers seen (u undoes)", timeout=3)

        self.push_screen(ConfirmScreen(
            f"Mark the {len(ids)} unread papers of {where} seen? (u undoes it)", "Mark seen"), done)  # fmt: skip

    # -- saved searches ------------------------------------------------------------------------
    def saved_filters(self) -> dict[str, Any]:
        fp = self.filter_pane
        extra = fp.extra_values(only_shown=True)
        return {
            "sources": fp.sources, "tags": fp.tags, "bookmarked_only": fp.bookmarked_only,
            "unread_only": fp.unread_only, "date_from": extra["date-from"],
            "date_to": extra["date-to"], "min_upvotes": extra["min-upvotes"],
            "category": extra["category"],
        }  # fmt: skip

    def action_save_search(self) -> None:
        from reader.tui.screens.triage import NameScreen

        query = self.query_one("#query", Input).value
        filters = self.saved_filters()
        shown = query.strip() or "(every paper)"

        def done(name: str | None) -> None:
            if name:
                self.feed_write_worker(lambda r: r.save_search(name, query, filters),
                                       f"Saved search {name!r}")  # fmt: skip

        self.push_screen(NameScreen("Save this search", hint=f"query: {shown}"), done)

    def rename_search(self, old: str) -> None:
        from reader.tui.screens.triage import NameScreen

        def done(name: str | None) -> None:
            if name and name != old:
                self.feed_write_worker(lambda r: r.rename_search(old, name),
                                       f"Renamed {old!r} to {name!r}")  # fmt: skip

        self.push_screen(NameScreen(f"Rename the saved search {old!r}", old), done)

    def delete_search(self, name: str) -> None:
        from reader.tui.screens.triage import ConfirmScreen

        def done(answer: bool | None) -> None:
            if answer:
                self.feed_write_worker(lambda r: r.remove_search(name), f"Deleted {name!r}")

        self.push_screen(ConfirmScreen(f"Delete the saved search {name!r}?", "Delete"), done)

    def feed_write_worker(self, change: Callable[[Any], object], done: str) -> None:
        """Change the saved searches (in the reading state's queue), then count them again."""
        writes = self.reading_writes

        def write() -> str | None:
            try:
                change(self.triage.reading)
            except Exception as exc:
                problem = error_message(exc)
                self.notify(problem, title="Saved searches", severity="error", markup=False)
                return f"saved searches: {problem}"
            self.notify(done, timeout=3, markup=False)
            if not writes.closing:
                self.feeds_worker()
            return None

        writes.submit(write)
        self.writer_worker()

    def _schedule_feeds(self) -> None:
        if self._feeds_timer is not None:
            self._feeds_timer.stop()
        self._feeds_timer = self.set_timer(FEEDS_DELAY, self._count_feeds)

    def _count_feeds(self) -> None:
        self._feeds_timer = None
        self.feeds_worker()

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def feeds_worker(self) -> None:
        """Count each saved search's unread papers (after a sync and after marks)."""
        try:
            searches = self.triage.reading.searches()
            counts = self.triage.feed_counts(searches)
        except Exception as exc:
            self.notify(failure_message("saved searches", exc), severity="error", markup=False)
            return
        self.post_message(FeedsCounted([(s.name, counts[s.name]) for s in searches]))

    def on_feeds_counted(self, message: FeedsCounted) -> None:
        self.feeds = message.feeds
        for pane in self.query("FilterPane").results(FilterPane):  # none while closing
            pane.set_saved_searches(message.feeds)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "saved-searches" and event.option.id:
            event.stop()
            self.run_saved_search(event.option.id)

    def run_saved_search(self, name: str) -> None:
        saved = self.triage.reading.search(name)
        if saved is None:
            self.notify(f"No saved search named {name!r}.", severity="warning", markup=False)
            return
        self.apply_saved_search(saved)

    def apply_saved_search(self, saved: SavedSearch) -> None:
        """Put the saved query and filters in place and search."""
        f = saved.filters
        fp = self.filter_pane
        fp.apply_saved(f)
        self._set_inbox_mode(False)
        self.similar_of = None
        with self.prevent(Input.Changed):
            self.query_one("#query", Input).value = saved.query
        if self.pane != "results":
            self.show_pane("results")
        self.run_search()
        self.results.list.focus()
        self.notify(f"Saved search: {saved.name}", timeout=2, markup=False)


def _next_unread(order: Sequence[str], last: str, unread: set[str]) -> str | None:
    """The first unread paper at or after `last` in inbox order (the place to come back to)."""
    try:
        start = order.index(last)
    except ValueError:
        return None
    return next((pid for pid in order[start:] if pid in unread), None)
