"""The Textual app: layout, startup sync, search as you type, and the list/read/bookmarks flow.

The startup sync lives in `reader.tui.startup`, search as you type in `reader.tui.searching`,
the user's actions (bookmark, tags, note, open, copy, sort, more like this) and the
bookmark/state upkeep in `reader.tui.actions`; this module lays out the screen and wires
reading to the Library.
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Input

from reader.bookmarks import BookmarkStore
from reader.bookmarks.reading import ReadingStore
from reader.config import Settings, default_settings
from reader.errors import note_unexpected
from reader.locations import Locations
from reader.model import Paper
from reader.search import Library, Sort
from reader.triage import Triage
from reader.tui import collector
from reader.tui.actions import ActionsMixin
from reader.tui.commands import PaperCommands, SavedSearchCommands
from reader.tui.fetching import FetchMixin
from reader.tui.keys import APP_KEYS
from reader.tui.messages import (
    CursorMoved,
    PaperLoaded,
    RowChosen,
)
from reader.tui.panes import BookmarksPane, FilterPane, ReadPane, ResultsPane, SearchBar
from reader.tui.screens.main import MainScreen
from reader.tui.searching import SearchController, SearchMixin
from reader.tui.startup import FirstLook, SyncMixin
from reader.tui.state import load_state
from reader.tui.triage import TriageMixin
from reader.tui.widgets import KeyFooter, PaperList, TitleBar

#: While a query is typed, seconds of pause before the read pane shows the top paper (each
#: key's list is drawn first; the abstract's layout would hold up the next key's).
READ_WHILE_TYPING_DELAY = 0.15


def breakpoint_classes(width: int, breakpoints: list[tuple[int, str]]) -> dict[str, bool]:
    """Each breakpoint class on or off for `width`, as Textual sets them on a resize: on for
    the widest breakpoint that `width` reaches."""
    reached = [(minimum, name) for minimum, name in breakpoints if width >= minimum]
    on = max(reached)[1] if reached else None
    return {name: name == on for _, name in breakpoints}


class PaperReaderApp(TriageMixin, SyncMixin, SearchMixin, ActionsMixin, FetchMixin, App[None]):
    """Search, read and bookmark papers from Hugging Face Papers dumps."""

    CSS_PATH = "app.tcss"
    TITLE = "paper-reader"
    BINDINGS: ClassVar[list[BindingType]] = [k.binding() for k in APP_KEYS]
    COMMANDS = App.COMMANDS | {PaperCommands, SavedSearchCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 - Textual's own type

    def __init__(
        self,
        library: Library,
        store: BookmarkStore,
        locations: Locations,
        settings: Settings | None = None,
        config_problem: str | None = None,
        reading: ReadingStore | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.store = store
        store.defer_loading()  # read by `load_bookmarks_worker`, off the UI thread
        self.locations = locations
        #: The config file's settings (the defaults when it is broken: `config_problem` says why).
        self.settings = settings or default_settings(locations)
        self.config_problem = config_problem
        self.set_keymap(self.settings.keymap)
        reading = reading or ReadingStore(locations.reading_file)
        self.setup_triage(Triage(library, reading, store, self.settings.archive_papers.value))
        self.ui_state, self._state_problem = load_state(locations.state_file)
        sorts = {s.value for s in Sort}
        self.first_sort = (
            Sort(self.ui_state.sort) if self.ui_state.sort in sorts else Sort.RELEVANCE
        )
        #: Started now, so the first frame can already show the dumps and the papers.
        self.first_look = FirstLook(library, self.ui_state.query, self.first_sort)
        self.ready = False
        self._index_verified = False
        #: Search as you type: numbered searches, their timers, what the last one found.
        self.searches = SearchController(self, self.ui_state.selected)
        self.read_generation = 0
        #: The read pane's generation last shown (equal to the above when none is loading).
        self.read_shown = 0
        self.similar_of: str | None = None
        self.bookmarked: frozenset[str] = frozenset()
        self.paper: Paper | None = None
        self._read_timer: Timer | None = None

    # -- layout ----------------------------------------------------------------------------
    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def compose(self) -> ComposeResult:
        self.call_after_refresh(collector.resume_after_start)  # paused by `make_app`
        # The breakpoint class the first resize would set, set before the panes mount: set
        # after, it would restyle every widget once more.
        self.screen.update_classes(
            breakpoint_classes(self.size.width, self.HORIZONTAL_BREAKPOINTS), update=False
        )
        yield TitleBar("≡")
        yield SearchBar(id="search-bar")
        with Horizontal(id="body"):
            yield FilterPane(id="filters")
            yield ResultsPane(id="results")  # the centre: results or bookmarks, one shown
            yield BookmarksPane(id="bookmarks")
            yield ReadPane(id="read")
        yield KeyFooter(hides=self.footer_hides)

    @property
    def filter_pane(self) -> FilterPane:
        return self.query_one(FilterPane)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def results(self) -> ResultsPane:
        return self.query_one(ResultsPane)

    @property
    def bookmarks_pane(self) -> BookmarksPane:
        return self.query_one(BookmarksPane)

    @property
    def read_pane(self) -> ReadPane:
        return self.query_one(ReadPane)

    @property
    def pane(self) -> str:
        return "bookmarks" if self.bookmarks_pane.display else "results"

    def set_pane(self, name: str) -> None:
        """Show the results or the bookmarks in the centre."""
        if name == "bookmarks":
            self.bookmarks_pane.reveal()  # mounted the first time it is shown
        self.results.display = name == "results"
        self.bookmarks_pane.display = name == "bookmarks"

    @property
    def active_list(self) -> PaperList:
        return self.bookmarks_pane.list if self.pane == "bookmarks" else self.results.list

    @property
    def current_id(self) -> str | None:
        return self.active_list.current_id

    # -- startup ---------------------------------------------------------------------------
    def on_unmount(self) -> None:
        collector.resume_after_start()  # closed before its first frame was out

    def on_mount(self) -> None:
        state = self.ui_state
        self.apply_theme()
        self.theme_changed_signal.subscribe(self, lambda _theme: self.save_state_soon())
        self.sub_title = "opening the index…"
        if self._state_problem:
            self.notify(self._state_problem, severity="warning", markup=False)
        self.results.list.set_ids([], fetch=self.fetch_result_rows)
        self.results.list.empty_text = "Loading…"
        self.results.set_title(Content.styled("Results", "bold"))
        self.query_one("#query", Input).value = state.query
        fp = self.filter_pane
        fp.set_sort(self.first_sort)
        fp.set_bookmarked_only(state.bookmarked_only)
        fp.set_unread_only(state.unread_only)
        fp.set_extra(False, {"date-from": state.date_from, "date-to": state.date_to,
                             "min-upvotes": state.min_upvotes, "category": state.category})  # fmt: skip
        self.start_tags = list(state.tags)
        self.load_bookmarks_worker()
        self.read_pane.show_message("Nothing selected.")
        if state.pane == "bookmarks":
            self.set_pane("bookmarks")
        self.active_list.focus()
        self.set_interval(2.0, self.poll_store)
        finished = self.first_look.finished(timeout=FirstLook.MOUNT_WAIT)
        if finished is not None:  # the catalog is current: show it in the first frame
            self.on_sync_finished(finished)
        else:
            self.startup_worker()

    def apply_theme(self) -> None:
        """The config file's theme when it sets one (at every start), else the one last
        picked in the palette; a broken config file or an unknown theme is a notification."""
        if self.config_problem:
            self.notify(f"{self.config_problem}. Using the default settings.", title="Config",
                        severity="error", markup=False, timeout=20)  # fmt: skip
        configured = self.settings.theme.value
        if configured and configured not in self.available_themes:
            self.notify(f"{self.settings.path}: theme = \"{configured}\": expected one of "
                        f"{', '.join(sorted(self.available_themes))}", title="Config",
                        severity="warning", markup=False, timeout=20)  # fmt: skip
            configured = None
        theme = configured or self.ui_state.theme
        if theme and theme in self.available_themes:
            self.theme = theme

    # -- exit --------------------------------------------------------------------------------
    def flush_user_data(self, timeout: float) -> list[str]:
        """Once the app has closed: make the user-data writes still queued or in flight
        (bookmarks, reading state and saved searches, UI state), waiting at most `timeout`
        seconds in all; the problems, one line each (`reader.tui.exiting`)."""
        deadline = time.monotonic() + timeout
        return [
            *self.bookmark_writes.flush(deadline),
            *self.reading_writes.flush(deadline),
            *self.state_writes.flush(deadline),
        ]

    # -- the current paper -----------------------------------------------------------------
    def on_cursor_moved(self, message: CursorMoved) -> None:
        if message.list_id != self.active_list.id:
            return
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        focused = self.focused
        if focused is not None and focused.id == "query":
            self._read_timer = self.set_timer(READ_WHILE_TYPING_DELAY, self.load_current)
            return
        if not self.read_generation:  # the first paper: after the first frame, not during it
            self.call_after_refresh(self.load_current)
            return
        self.load_current()

    def load_current(self) -> None:
        self._read_timer = None
        try:
            pid = self.current_id
        except NoMatches:  # a timer or refresh callback firing while the app closes its panes
            return
        self.read_generation += 1
        if pid is None:
            self.read_shown = self.read_generation
            self.paper = None
            self.read_pane.show_message("Nothing selected.")
            return
        self.load_paper_worker(self.read_generation, pid)

    @work(thread=True, exclusive=True, group="read", exit_on_error=False)
    def load_paper_worker(self, generation: int, paper_id: str) -> None:
        try:
            paper = self.library.get(paper_id)
        except Exception as exc:  # the read pane says the paper cannot be shown
            note_unexpected("loading a paper for the read pane", exc)
            paper = None
        self.post_message(PaperLoaded(generation, paper if paper else None))

    def on_paper_loaded(self, message: PaperLoaded) -> None:
        if message.generation != self.read_generation:
            return
        self.read_shown = message.generation
        pid = self.current_id
        paper = message.paper
        if paper is None and pid is not None and (bookmark := self.store.get(pid)):
            paper = bookmark.paper  # its dump is gone: show the bookmark's snapshot
        self.paper = paper
        if paper is None:
            self.read_pane.show_message("This paper is no longer in the index.")
            return
        terms = self.searches.terms if self.pane == "results" else frozenset()
        lib = self.library

        def spans(text: str, field: str) -> list[tuple[int, int]]:
            return lib.highlight_spans(text, terms, field) if terms else []

        self.read_pane.show_paper(paper, self.store.get(paper.id), spans)

    def on_row_chosen(self, _message: RowChosen) -> None:
        self.read_pane.focus()
