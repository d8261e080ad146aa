"""What the keys do: focus, panes, bookmark, tags, note, sort, more like this, open, copy, quit.

A mixin for `PaperReaderApp`, kept apart so each module stays small. The UI thread never
waits for the library or the disk: the paper an action needs is fetched in a worker when the
read pane does not show it yet, and bookmark changes are written in order by workers
(`reader.tui.bookmark_writes`); failures become notifications.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Input

from reader.diagnostics import unexpected
from reader.errors import failure_message, is_expected
from reader.model import Paper
from reader.tui.bookmark_writes import BookmarkWrites, Change, Describe
from reader.tui.messages import (
    BookmarksLoaded,
    BookmarksReloaded,
    BookmarksWritten,
    PaperFetched,
    StateSaved,
)
from reader.tui.state import UiState
from reader.tui.state_writes import StateWrites

if TYPE_CHECKING:
    from textual.app import App

    from reader.bookmarks import BookmarkStore
    from reader.config import Settings
    from reader.locations import Locations
    from reader.search import Library
    from reader.tui.panes import BookmarksPane, FilterPane, ReadPane, ResultsPane
    from reader.tui.searching import SearchController
    from reader.tui.widgets import PaperList

    _Base = App[None]
else:
    _Base = object


class ActionsMixin(_Base):
    """The `action_*` methods bound in `reader.tui.keys.APP_KEYS`."""

    if TYPE_CHECKING:  # provided by PaperReaderApp
        library: Library
        store: BookmarkStore
        locations: Locations
        settings: Settings
        ready: bool
        similar_of: str | None
        paper: Paper | None
        ui_state: UiState
        searches: SearchController

        @property
        def filter_pane(self) -> FilterPane: ...
        @property
        def pane(self) -> str: ...
        def set_pane(self, name: str) -> None: ...
        @property
        def active_list(self) -> PaperList: ...
        @property
        def current_id(self) -> str | None: ...
        def run_search(self) -> None: ...
        def load_current(self) -> None: ...
        @property
        def results(self) -> ResultsPane: ...
        @property
        def bookmarks_pane(self) -> BookmarksPane: ...
        @property
        def read_pane(self) -> ReadPane: ...
        def schedule_search(self) -> None: ...

    # -- focus and panes -----------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#query", Input).focus()

    def action_focus_filters(self) -> None:
        self.screen.add_class("-show-filters")
        self.filter_pane.first_control.focus()

    def action_back_to_list(self) -> None:
        """Leave "more like this", close the filter overlay, and focus the list."""
        self.screen.remove_class("-show-filters")
        if self.similar_of is not None and self.pane == "results":
            self.searches.restore_selection = (
                self.similar_of
            )  # back to the paper "m" was pressed on
            self.similar_of = None
            self.run_search()
        self.active_list.focus()

    def show_pane(self, name: str) -> None:
        if self.pane != name:
            self.set_pane(name)
            self.load_current()
        self.active_list.focus()

    def action_show_bookmarks(self) -> None:
        self.show_pane("bookmarks")

    def action_show_results(self) -> None:
        self.show_pane("results")

    def action_help(self) -> None:
        from reader.tui.screens.help import HelpScreen  # loaded when first asked for

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.settings.keymap))

    def action_cycle_sort(self) -> None:
        sort = self.filter_pane.sort.next()
        self.filter_pane.set_sort(sort)
        self.notify(f"Sorted by {sort.value}", timeout=2)
        self.run_search()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+d is "did you mean" only while there is a suggestion (else the input's delete)."""
        if action == "accept_suggestion":
            return bool(self.searches.suggestion)
        return True

    def action_accept_suggestion(self) -> None:
        if not self.searches.suggestion:
            self.notify("No suggestion to accept.", timeout=3)
            return
        self.query_one("#query", Input).value = self.searches.suggestion
        self.run_search()

    async def action_quit(self) -> None:
        self.save_state()
        self.exit()

    @property
    def state_writes(self) -> StateWrites:
        writes: StateWrites | None = getattr(self, "_state_writes", None)
        if writes is None:
            writes = self._state_writes = StateWrites(self.locations.state_file)
        return writes

    def state_to_save(self) -> UiState:
        """Query, filters, sort, selection, pane and theme, as the next launch restores them."""
        if not self.ready:
            state = self.ui_state
            state.theme = self.theme
        else:
            state = self.current_state()
        self.ui_state = state
        return state

    def save_state(self) -> None:
        """Remember the state for the next launch, written on this thread: quit calls it,
        and the file must be complete before the process exits."""
        problem = self.state_writes.write_now(self.state_to_save())
        if problem:
            self.notify(problem, severity="warning", markup=False)

    def save_state_soon(self) -> None:
        """Remember the state for the next launch, written by a worker (the UI thread never
        waits on the disk while the app runs)."""
        self.state_writes.submit(self.state_to_save())
        self.state_save_worker()

    @work(thread=True, group="state-save", exit_on_error=False)
    def state_save_worker(self) -> None:
        self.post_message(StateSaved(self.state_writes.write_latest()))

    def on_state_saved(self, message: StateSaved) -> None:
        if message.error:
            self.notify(message.error, severity="warning", markup=False)

    # -- the current paper ---------------------------------------------------------------------
    def with_current_paper(self, then: Callable[[Paper], None]) -> None:
        """Call `then` with the paper under the cursor: at once if the read pane shows it, else
        once a worker has fetched it (a notice instead when there is none)."""
        pid = self.current_id
        if pid is None:
            self.notify("No paper selected.", severity="warning", timeout=3)
        elif self.paper is not None and self.paper.id == pid:
            then(self.paper)
        else:
            self.fetch_paper_worker(pid, then)

    @work(thread=True, group="fetch-paper", exit_on_error=False)
    def fetch_paper_worker(self, paper_id: str, then: Callable[[Paper], None]) -> None:
        try:
            paper = self.library.get(paper_id)
        except Exception as exc:
            unexpected("fetching a paper for an action", exc)
            paper = None
        self.post_message(PaperFetched(paper_id, paper, then))

    def on_paper_fetched(self, message: PaperFetched) -> None:
        paper = message.paper
        if paper is None and (bookmark := self.store.get(message.paper_id)):
            paper = bookmark.paper  # its dump is gone: the bookmark's snapshot
        if paper is None:
            self.notify("This paper is no longer in the index.", severity="warning")
            return
        message.then(paper)

    # -- bookmark changes ----------------------------------------------------------------------
    @property
    def bookmark_writes(self) -> BookmarkWrites:
        writes: BookmarkWrites | None = getattr(self, "_bookmark_writes", None)
        if writes is None:
            writes = self._bookmark_writes = BookmarkWrites(self.post_message)
        return writes

    def write_bookmarks(self, change: Change, describe: Describe = lambda _result: None) -> None:
        """Save a change to the bookmarks in a worker, after every change made before it."""
        self.bookmark_writes.submit_change(change, describe)
        self.bookmark_write_worker()

    @work(thread=True, group="bookmark-writes", exit_on_error=False)
    def bookmark_write_worker(self) -> None:
        self.bookmark_writes.drain()

    def on_bookmarks_written(self, message: BookmarksWritten) -> None:
        if message.error is not None:
            self.notify(message.error, title="Bookmarks", severity="error", markup=False)
            return
        self.refresh_bookmarks()
        if message.note:
            self.notify(message.note, timeout=2)

    def action_toggle_bookmark(self) -> None:
        def toggle(paper: Paper) -> None:
            self.write_bookmarks(
                lambda: self.store.toggle(paper),
                lambda added: "Bookmarked" if added else "Bookmark removed",
            )

        self.with_current_paper(toggle)

    def action_edit_tags(self) -> None:
        self.with_current_paper(self._edit_tags)

    def _edit_tags(self, paper: Paper) -> None:
        from reader.tui.screens.edit import EditTagsScreen  # loaded when first asked for

        bookmark = self.store.get(paper.id)
        store = self.store

        def done(tags: object) -> None:
            if isinstance(tags, list):
                self.write_bookmarks(
                    lambda: (
                        store.add(paper, tags=tags)
                        if store.get(paper.id) is None
                        else store.set_tags(paper.id, tags)
                    )
                )

        self.push_screen(EditTagsScreen(paper.title, bookmark.tags if bookmark else []), done)

    def action_edit_note(self) -> None:
        self.with_current_paper(self._edit_note)

    def _edit_note(self, paper: Paper) -> None:
        from reader.tui.screens.edit import EditNoteScreen  # loaded when first asked for

        bookmark = self.store.get(paper.id)
        store = self.store

        def done(note: object) -> None:
            if isinstance(note, str):
                self.write_bookmarks(
                    lambda: (
                        store.add(paper, note=note)
                        if store.get(paper.id) is None
                        else store.set_note(paper.id, note)
                    )
                )

        self.push_screen(EditNoteScreen(paper.title, bookmark.note if bookmark else ""), done)

    def action_more_like_this(self) -> None:
        def more_like(paper: Paper) -> None:
            self.show_pane("results")
            self.similar_of = paper.id
            self.searches.restore_selection = None
            self.run_search()

        self.with_current_paper(more_like)

    def action_open_paper(self) -> None:
        def open_paper(paper: Paper) -> None:
            self.notify(f"Opening {paper.link}", markup=False, timeout=4)
            self.open_url_worker(paper.link)

        self.with_current_paper(open_paper)

    @work(thread=True, group="browser", exit_on_error=False)
    def open_url_worker(self, url: str) -> None:
        opened = False
        with contextlib.suppress(Exception):
            import webbrowser

            opened = webbrowser.open(url)
        if not opened:
            self.notify(f"No browser found; the link is {url}", severity="warning", markup=False)

    def action_copy_paper(self) -> None:
        def copy(paper: Paper) -> None:
            self.copy_to_clipboard(f"{paper.title}\n{paper.link}")
            self.notify(f"Copied: {paper.title}", markup=False, timeout=3)

        self.with_current_paper(copy)

    # -- bookmarks ---------------------------------------------------------------------------
    @work(thread=True, group="bookmark-load", exit_on_error=False)
    def load_bookmarks_worker(self) -> None:
        """Read the bookmarks file (a corrupt one is recovered under the cross-process lock)."""
        try:
            self.store.load()
            problem = self.store.problem
        except Exception as exc:
            if not is_expected(exc):
                unexpected("loading the bookmarks", exc)
            problem = failure_message("bookmarks", exc)
        self.post_message(BookmarksLoaded(problem))

    def on_bookmarks_loaded(self, message: BookmarksLoaded) -> None:
        if message.problem:
            self.notify(message.problem, title="Bookmarks", severity="error", markup=False,
                        timeout=15)  # fmt: skip
        self.refresh_bookmarks(tags=getattr(self, "start_tags", None))

    def refresh_bookmarks(self, tags: list[str] | None = None) -> None:
        """Markers, the bookmarks pane, tag counts and the read pane after a change; `tags`
        are ticked in the filter pane (the start's, once the bookmarks are read)."""
        store = self.store
        self.bookmarked = store.ids()
        self.results.list.invalidate()
        self.bookmarks_pane.show(store.all(), keep=self.bookmarks_pane.current_id)
        if tags is None:
            tags = self.ui_state.tags if not self.ready else self.filter_pane.tags
        self.filter_pane.set_tags(store.tag_counts(), tags)
        if self.paper is not None:
            self.read_pane.show_bookmark(store.get(self.paper.id))
        fp = self.filter_pane
        if self.ready and (fp.bookmarked_only or fp.tags):
            self.schedule_search()

    def poll_store(self) -> None:
        """Pick up bookmarks changed by another paper-reader (CLI or a second app)."""
        self.poll_store_worker()

    @work(thread=True, exclusive=True, group="bookmark-poll", exit_on_error=False)
    def poll_store_worker(self) -> None:
        try:
            changed = self.store.reload_if_changed()
        except Exception as exc:
            self.notify(failure_message("bookmarks", exc), severity="error", markup=False)
            return
        if changed:
            self.post_message(BookmarksReloaded())

    def on_bookmarks_reloaded(self, _message: BookmarksReloaded) -> None:
        self.refresh_bookmarks()

    # -- state -------------------------------------------------------------------------------
    def current_state(self) -> UiState:
        fp = self.filter_pane
        extra = fp.extra_values()
        return UiState(
            query=self.query_one("#query", Input).value,
            sources=fp.sources,
            bookmarked_only=fp.bookmarked_only,
            tags=fp.tags,
            sort=fp.sort.value,
            selected=self.current_id,
            pane=self.pane,
            theme=self.theme,
            date_from=extra["date-from"],
            date_to=extra["date-to"],
            min_upvotes=extra["min-upvotes"],
            category=extra["category"],
        )
