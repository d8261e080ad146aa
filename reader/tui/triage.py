"""Daily triage in the app: unread marks, the inbox, keep/dismiss/undo, bulk marks.

`TriageController` is composed into `PaperReaderApp`, which routes the triage keys and
messages to it and asks it to add the inbox to `b`, `1`, `escape`, the list's rows and the
filters. The domain logic is `reader.triage`; here are the keys and the screen. Every write
to the reading state runs in a thread worker, in the order the keys were pressed (one
`WriteQueue`, also used by the saved searches, `reader.tui.saved_searches`, and flushed at
exit): the UI thread never waits on the disk or on another process's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content

from reader.bookmarks.reading import State
from reader.errors import failure_message
from reader.search import Filters
from reader.triage import Action, Triage
from reader.tui.keys import INBOX_HIDES, RESULTS_HIDES
from reader.tui.messages import BookmarksReloaded, InboxReady, ReadingChanged, SearchFinished
from reader.tui.widgets.paper_list import ListRow
from reader.tui.workers import in_thread
from reader.tui.write_queue import WriteQueue

if TYPE_CHECKING:
    from textual.binding import Binding

    from reader.model import Paper
    from reader.tui.app import PaperReaderApp
    from reader.tui.state import UiState

_UNREAD_SUFFIX = re.compile(r" · \d+ unread$")
UNREAD_MARK = "•"


class TriageController:
    """The inbox and the reading state on screen."""

    def __init__(self, app: PaperReaderApp, triage: Triage) -> None:
        self.app = app
        self.triage = triage
        #: The unread news papers (empty until the reading state is loaded, in a worker).
        self.unread: frozenset[str] = frozenset()
        self.reading_loaded = False
        self.inbox_mode = False
        #: Marks, keeps, undos and saved-search changes, written in key order (flushed at exit).
        self.writes = WriteQueue("reading-state changes")
        self._inbox_back: str | None = None
        self._inbox_ids: frozenset[str] = frozenset()

    # -- loading ---------------------------------------------------------------------------
    def sub_title_changed(self, new: str) -> None:
        """A sync finished (it writes "N papers · D dumps"): load the reading state again (the
        news papers may have changed) and keep "· N unread" in the header meanwhile."""
        if "papers" not in new or _UNREAD_SUFFIX.search(new):
            return
        app = self.app
        if self.reading_loaded:
            app.sub_title = f"{new} · {len(self.unread)} unread"
        # After the frame being built (the first one, at start): the load competes for the GIL.
        app.call_after_refresh(self.load)

    def load(self) -> None:
        """Read the reading state (its first disk read) in a worker."""
        in_thread(self.app, self._load, "reading-load", exclusive=True)

    def _load(self) -> None:
        app = self.app
        try:
            problem = self.triage.reading.problem
            unread = self.triage.unread_ids()
        except Exception as exc:
            app.notify(failure_message("reading state", exc), severity="error", markup=False)
            return
        app.post_message(ReadingChanged(unread, note=problem))
        app.saved.count()

    def reading_changed(self, message: ReadingChanged) -> None:
        app = self.app
        if not app.query("FilterPane"):
            return  # the app is closing
        first = not self.reading_loaded
        self.reading_loaded = True
        self.unread = message.unread
        if message.note:
            app.notify(message.note, title="Reading state", severity="error", markup=False,
                       timeout=15)  # fmt: skip
        self._show_unread_count()
        app.results.list.invalidate()
        if self.inbox_mode:
            self._inbox_title()
        if message.focus is not None:
            paper_list = app.active_list
            if message.focus in paper_list.ids:
                paper_list.move_to(paper_list.ids.index(message.focus))
        if first and app.ui_state.inbox and not self.inbox_mode:
            self.open_inbox(restore=app.ui_state.inbox_paper)
        elif app.filter_pane.unread_only and app.ready and not self.inbox_mode:
            app.schedule_search()
        app.saved.schedule_count()

    def _show_unread_count(self) -> None:
        app = self.app
        base = _UNREAD_SUFFIX.sub("", app.sub_title)
        if base and "papers" in base:
            app.sub_title = f"{base} · {len(self.unread)} unread"

    # -- the list's marks, filter, state and keys -------------------------------------------
    def mark_rows(self, rows: list[ListRow]) -> list[ListRow]:
        """The list's rows with the unread papers marked."""
        unread = self.unread
        for row in rows:
            if row.id in unread:
                row.marker = (row.marker or " ")[:1] + UNREAD_MARK
        return rows

    def restrict(self, filters: Filters) -> Filters:
        """`filters` restricted to the unread papers when "unread only" is ticked."""
        if not self.app.filter_pane.unread_only:
            return filters
        ids = self.unread if filters.ids is None else filters.ids & self.unread
        return filters._replace(ids=ids)

    def add_state(self, state: UiState) -> UiState:
        """The triage's part of the UI state (unread only, the inbox and its paper)."""
        app = self.app
        state.unread_only = app.filter_pane.unread_only
        state.inbox = self.inbox_mode
        state.inbox_paper = app.current_id if self.inbox_mode else app.ui_state.inbox_paper
        if self.inbox_mode:
            state.selected = self._inbox_back
        return state

    def footer_hides(self, binding: Binding) -> bool:
        """The footer shows the triage keys in the inbox and the browsing keys elsewhere, so
        each mode's keys fit on one line at 120 columns; every key works in both."""
        hidden = INBOX_HIDES if self.inbox_mode else RESULTS_HIDES
        return binding.id in hidden

    def set_inbox_mode(self, value: bool) -> None:
        if self.inbox_mode != value:
            self.inbox_mode = value
            self.app.refresh_bindings()

    # -- the inbox -----------------------------------------------------------------------------
    def open_inbox(self, restore: str | None = None) -> None:
        if not self.inbox_mode:
            self._inbox_back = self.app.results.list.current_id
        in_thread(self.app, partial(self._inbox, restore), "inbox", exclusive=True)

    def _inbox(self, restore: str | None) -> None:
        try:
            ids = self.triage.inbox()
            keep = restore
            if restore is not None and restore not in ids:
                keep = _next_unread(self.triage.news_ids(), restore, set(ids))
        except Exception as exc:
            self.app.notify(failure_message("inbox", exc), severity="error", markup=False)
            return
        self.app.post_message(InboxReady(ids, keep))

    def inbox_ready(self, message: InboxReady) -> None:
        app = self.app
        self.set_inbox_mode(True)
        app.similar_of = None
        app.searches.supersede()  # a search still in flight must not replace the inbox
        if app.pane != "results":
            app.actions.show_pane("results")
        paper_list = app.results.list
        paper_list.empty_text = "Inbox empty: nothing unread in the news dumps."
        paper_list.set_ids(message.ids, keep=message.keep)
        self._inbox_ids = frozenset(message.ids)
        self._inbox_title()
        app.search_bar.show_count(f"{len(message.ids)} papers")
        paper_list.focus()

    def _inbox_title(self) -> None:
        left = len(self._inbox_ids & self.unread)
        self.app.results.set_title(Content.assemble(("Inbox", "bold"), f" · {left} unread"))

    def leave_inbox(self) -> None:
        app = self.app
        self.set_inbox_mode(False)
        app.searches.restore_selection = self._inbox_back
        app.run_search()
        app.results.list.focus()

    def search_finished(self, message: SearchFinished) -> None:
        """A search (typed, or a filter) replaces the inbox."""
        if message.generation == self.app.searches.generation and self.inbox_mode:
            self.set_inbox_mode(False)

    def show_results(self) -> None:
        if self.inbox_mode:
            self.leave_inbox()
            return
        self.app.actions.show_pane("results")

    def back_to_list(self) -> None:
        app = self.app
        if self.inbox_mode and app.focused is not None and app.focused.id != "query":
            app.screen.remove_class("-show-filters")
            self.leave_inbox()
            return
        app.actions.back_to_list()

    def _next(self) -> None:
        paper_list = self.app.active_list
        paper_list.move_to(paper_list.cursor + 1)

    # -- marking (every write in the worker, in key order) --------------------------------
    def _queue(self, job: Callable[[], ReadingChanged | None]) -> None:
        """Write a change to the reading state, then show the unread papers it leaves."""
        app, writes = self.app, self.writes

        def write() -> str | None:
            problem = None
            try:
                message = job()
            except Exception as exc:
                problem = failure_message("reading state", exc)
                app.notify(problem, severity="error", markup=False)
                message = None
            if writes.closing:  # the app is gone: nothing to show the count on
                return problem
            try:
                unread = self.triage.unread_ids()
            except Exception as exc:
                app.notify(failure_message("reading state", exc), severity="error", markup=False)
                return problem
            if message is None:
                message = ReadingChanged(unread)
            message.unread = unread
            app.post_message(message)
            return problem

        self.submit(write)

    def submit(self, write: Callable[[], str | None]) -> None:
        """Queue a write to the reading state and start a worker to make it."""
        self.writes.submit(write)
        in_thread(self.app, self.writes.drain, "reading-write")

    def _mark(self, action: Callable[[Triage], Action]) -> None:
        triage = self.triage

        def job() -> ReadingChanged | None:
            action(triage)
            return None

        self._queue(job)

    def toggle_bookmark(self) -> None:
        app = self.app
        pid = app.current_id
        if pid is None:
            app.notify("No paper selected.", severity="warning", timeout=3)
            return
        if not self.inbox_mode:  # bookmarking is keeping: the paper is seen too
            adding = app.store.get(pid) is None
            app.bookmarking.toggle()
            if adding and pid in self.unread:
                self._mark(lambda t: t.mark_seen(pid))
            return

        def keep(paper: Paper) -> None:
            def job() -> ReadingChanged | None:
                self.triage.keep(paper)
                app.post_message(BookmarksReloaded())
                return None

            self._queue(job)

        app.actions.with_current_paper(keep)  # the paper under the cursor now, before moving on
        self._next()

    def dismiss(self) -> None:
        pid = self.app.current_id
        if pid is None:
            self.app.notify("No paper selected.", severity="warning", timeout=3)
            return
        self._next()
        self._mark(lambda t: t.dismiss(pid))

    def toggle_read(self) -> None:
        pid = self.app.current_id
        if pid is None:
            self.app.notify("No paper selected.", severity="warning", timeout=3)
            return
        self._mark(lambda t: t.toggle(pid))

    def row_chosen(self, paper_id: str) -> None:
        """enter opens the paper: it is seen (an archive paper is never unread)."""
        if paper_id in self.unread:
            self._mark(lambda t: t.mark_seen(paper_id))

    def undo(self) -> None:
        app = self.app
        if not self.triage.can_undo and not self.writes.pending:
            app.notify("Nothing to undo.", timeout=2)
            return

        def job() -> ReadingChanged | None:
            action = self.triage.undo()
            if action is None:
                return ReadingChanged(frozenset(), note=None)
            if action.bookmarked is not None:
                app.post_message(BookmarksReloaded())
            what = {"keep": "keep", "dismiss": "dismiss", "bulk": f"{action.changed} marks"}
            app.notify(f"Undone: {what.get(action.label, action.label)}", timeout=2)
            return ReadingChanged(frozenset(), focus=action.paper_id)

        self._queue(job)

    def mark_list_seen(self) -> None:
        from reader.tui.screens.triage import ConfirmScreen

        app = self.app
        unread = self.unread  # a dismissed paper stays dismissed; archive papers are never unread
        ids = [pid for pid in app.active_list.ids if pid in unread]
        if not ids:
            app.notify("Nothing unread in this list.", timeout=2)
            return
        where = "the inbox" if self.inbox_mode else "this list"

        def done(answer: bool | None) -> None:
            if answer:
                self._mark(lambda t: t.mark_many(ids, State.SEEN))
                app.notify(f"Marked {len(ids)} papers seen (u undoes)", timeout=3)

        app.push_screen(ConfirmScreen(
            f"Mark the {len(ids)} unread papers of {where} seen? (u undoes it)", "Mark seen"), done)  # fmt: skip


def _next_unread(order: Sequence[str], last: str, unread: set[str]) -> str | None:
    """The first unread paper at or after `last` in inbox order (the place to come back to)."""
    try:
        start = order.index(last)
    except ValueError:
        return None
    return next((pid for pid in order[start:] if pid in unread), None)
