"""Saved searches in the app: save, rename and delete them, count their unread papers, run one.

`SavedSearchController` is composed into `PaperReaderApp`. Its changes go through the
reading state's write queue (`TriageController.submit`: one writer of that file, in key
order, flushed at exit); the counts run in a worker after a sync and after marks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.timer import Timer
from textual.widgets import Input

from reader.bookmarks.reading import SavedSearch
from reader.errors import error_message, failure_message
from reader.tui.messages import FeedsCounted, SavedSearchesChanged
from reader.tui.panes import FilterPane
from reader.tui.workers import in_thread

if TYPE_CHECKING:
    from reader.tui.app import PaperReaderApp
    from reader.tui.triage import TriageController

#: Seconds after a change in the reading state before the saved searches are counted again.
FEEDS_DELAY = 1.0


class SavedSearchController:
    """The saved searches and their unread counts."""

    def __init__(self, app: PaperReaderApp, triaging: TriageController) -> None:
        self.app = app
        self.triaging = triaging
        self.triage = triaging.triage
        #: The saved searches with their unread counts, as last counted.
        self.feeds: list[tuple[str, int]] = []
        self._timer: Timer | None = None

    def filters(self) -> dict[str, Any]:
        """The filter pane's settings, as a saved search keeps them."""
        fp = self.app.filter_pane
        extra = fp.extra_values(only_shown=True)
        return {
            "sources": fp.sources, "tags": fp.tags, "bookmarked_only": fp.bookmarked_only,
            "unread_only": fp.unread_only, "date_from": extra["date-from"],
            "date_to": extra["date-to"], "min_upvotes": extra["min-upvotes"],
            "category": extra["category"],
        }  # fmt: skip

    # -- changes ---------------------------------------------------------------------------
    def save(self) -> None:
        from reader.tui.screens.triage import NameScreen

        app = self.app
        query = app.query_one("#query", Input).value
        filters = self.filters()
        shown = query.strip() or "(every paper)"

        def done(name: str | None) -> None:
            if name:
                self._write(lambda r: r.save_search(name, query, filters), f"Saved search {name!r}")

        app.push_screen(NameScreen("Save this search", hint=f"query: {shown}"), done)

    def rename(self, old: str) -> None:
        from reader.tui.screens.triage import NameScreen

        def done(name: str | None) -> None:
            if name and name != old:
                self._write(lambda r: r.rename_search(old, name), f"Renamed {old!r} to {name!r}")

        self.app.push_screen(NameScreen(f"Rename the saved search {old!r}", old), done)

    def delete(self, name: str) -> None:
        from reader.tui.screens.triage import ConfirmScreen

        def done(answer: bool | None) -> None:
            if answer:
                self._write(lambda r: r.remove_search(name), f"Deleted {name!r}")

        self.app.push_screen(ConfirmScreen(f"Delete the saved search {name!r}?", "Delete"), done)

    def _write(self, change: Callable[[Any], object], done: str) -> None:
        """Change the saved searches (in the reading state's queue), then count them again."""
        app = self.app

        def write() -> str | None:
            try:
                change(self.triage.reading)
            except Exception as exc:
                problem = error_message(exc)
                app.notify(problem, title="Saved searches", severity="error", markup=False)
                return f"saved searches: {problem}"
            app.notify(done, timeout=3, markup=False)
            app.post_message(SavedSearchesChanged())
            return None

        self.triaging.submit(write)

    # -- counting ----------------------------------------------------------------------------
    def schedule_count(self) -> None:
        """Count again once the reading state has been still for `FEEDS_DELAY` seconds."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(FEEDS_DELAY, self._count_now)

    def _count_now(self) -> None:
        self._timer = None
        self.count()

    def count(self) -> None:
        """Count each saved search's unread papers in a worker (after a sync and after marks)."""
        in_thread(self.app, self._count, "feeds", exclusive=True)

    def _count(self) -> None:
        app = self.app
        try:
            searches = self.triage.reading.searches()
            counts = self.triage.feed_counts(searches)
        except Exception as exc:
            app.notify(failure_message("saved searches", exc), severity="error", markup=False)
            return
        app.post_message(FeedsCounted([(s.name, counts[s.name]) for s in searches]))

    def counted(self, message: FeedsCounted) -> None:
        self.feeds = message.feeds
        for pane in self.app.query("FilterPane").results(FilterPane):  # none while closing
            pane.set_saved_searches(message.feeds)

    # -- running one -----------------------------------------------------------------------
    def run(self, name: str) -> None:
        saved = self.triage.reading.search(name)
        if saved is None:
            self.app.notify(f"No saved search named {name!r}.", severity="warning", markup=False)
            return
        self.apply(saved)

    def apply(self, saved: SavedSearch) -> None:
        """Put the saved query and filters in place and search."""
        app = self.app
        app.filter_pane.apply_saved(saved.filters)
        self.triaging.set_inbox_mode(False)
        app.similar_of = None
        with app.prevent(Input.Changed):
            app.query_one("#query", Input).value = saved.query
        if app.pane != "results":
            app.actions.show_pane("results")
        app.run_search()
        app.results.list.focus()
        app.notify(f"Saved search: {saved.name}", timeout=2, markup=False)
