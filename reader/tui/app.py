"""The Textual app: the layout, and the objects it is composed of.

Each part of the app is an object that owns its state: the first frame's layout and what it
shows (`reader.tui.opening`), the startup sync and warm-up
(`reader.tui.startup.SyncController`), search as you type (`reader.tui.searching`), the read
pane's paper (`reader.tui.read_view`), the bookmarks (`reader.tui.bookmarking`), the triage
and the inbox (`reader.tui.triage`), saved searches (`reader.tui.saved_searches`), fetching
(`reader.tui.fetching`), the other keys (`reader.tui.actions`) and the UI state
(`reader.tui.state_keeper`). Textual looks for `action_*` methods and for the workers'
message handlers on the app, so those are here, each handing on to its object; the widgets'
messages are handled by `MainScreen`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer

from reader.bookmarks import BookmarkStore
from reader.bookmarks.reading import ReadingStore
from reader.config import Settings, default_settings
from reader.locations import Locations
from reader.model import Paper
from reader.search import Filters, Library, Sort
from reader.triage import Triage
from reader.tui.actions import Actions
from reader.tui.bookmarking import BookmarkController
from reader.tui.commands import PaperCommands, SavedSearchCommands
from reader.tui.fetching import FetchController
from reader.tui.keys import APP_KEYS
from reader.tui.messages import (
    BookmarksLoaded,
    BookmarksReloaded,
    BookmarksWritten,
    FacetsCounted,
    FeedsCounted,
    FetchFinished,
    InboxReady,
    PaperFetched,
    PaperLoaded,
    ReadingChanged,
    SavedSearchesChanged,
    SearchExtended,
    SearchFinished,
    StateSaved,
    SuggestionFound,
    SyncFinished,
    SyncProgress,
)
from reader.tui.opening import Opening
from reader.tui.panes import BookmarksPane, FilterPane, ReadPane, ResultsPane, SearchBar
from reader.tui.read_view import ReadController
from reader.tui.saved_searches import SavedSearchController
from reader.tui.screens.main import MainScreen
from reader.tui.searching import SearchController
from reader.tui.startup import FirstLook, SyncController
from reader.tui.state import UiState, load_state
from reader.tui.state_keeper import StateKeeper
from reader.tui.triage import TriageController
from reader.tui.widgets import ListRow, PaperList

#: While a query is typed, seconds of pause before the read pane shows the top paper (each
#: key's list is drawn first; the abstract's layout would hold up the next key's).
READ_WHILE_TYPING_DELAY = 0.15


class PaperReaderApp(App[None]):
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
        store.defer_loading()  # read by `BookmarkController.load`, off the UI thread
        self.locations = locations
        #: The config file's settings (the defaults when it is broken: `config_problem` says why).
        self.settings = settings or default_settings(locations)
        self.config_problem = config_problem
        self.set_keymap(self.settings.keymap)
        # Opened by its first use, in `TriageController.load`'s worker after the first frame.
        reading = reading or ReadingStore(locations.reading_file)
        self.triage = Triage(library, reading, store, self.settings.archive_papers.value)
        self.ui_state, state_problem = load_state(locations.state_file)
        sorts = {s.value for s in Sort}
        self.first_sort = (
            Sort(self.ui_state.sort) if self.ui_state.sort in sorts else Sort.RELEVANCE
        )
        #: Started now, so the first frame can already show the dumps and the papers.
        self.first_look = FirstLook(library, self.ui_state.query, self.first_sort)
        self.ready = False
        self.similar_of: str | None = None
        # The parts of the app, each owning its state.
        self.reading = ReadController(self, READ_WHILE_TYPING_DELAY)
        self.syncing = SyncController(self, self.first_look)
        #: Search as you type: numbered searches, their timers, what the last one found.
        self.searches = SearchController(self, self.ui_state.selected)
        self.actions = Actions(self)
        self.bookmarking = BookmarkController(self)
        self.triaging = TriageController(self, self.triage)
        self.saved = SavedSearchController(self, self.triaging)
        self.fetching = FetchController(self, self.syncing)
        self.keeper = StateKeeper(self)
        self.opening = Opening(self, state_problem)

    # -- layout ----------------------------------------------------------------------------
    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def compose(self) -> ComposeResult:
        yield from self.opening.compose()

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
        self.opening.unmount()

    def on_mount(self) -> None:
        self.opening.mount()

    # -- exit --------------------------------------------------------------------------------
    def flush_user_data(self, timeout: float) -> list[str]:
        """Once the app has closed: make the user-data writes still queued or in flight
        (bookmarks, reading state and saved searches, UI state), waiting at most `timeout`
        seconds in all; the problems, one line each (`reader.tui.exiting`)."""
        deadline = time.monotonic() + timeout
        return [
            *self.bookmarking.writes.flush(deadline),
            *self.triaging.writes.flush(deadline),
            *self.keeper.writes.flush(deadline),
        ]

    # -- what the controllers share -------------------------------------------------------------
    @property
    def bookmarked(self) -> frozenset[str]:
        return self.bookmarking.ids

    @property
    def inbox_mode(self) -> bool:
        return self.triaging.inbox_mode

    @property
    def feeds(self) -> list[tuple[str, int]]:
        return self.saved.feeds

    def run_search(self) -> None:
        """Search now for the query box, filters and sort."""
        self.searches.run()

    def schedule_search(self) -> None:
        """Search once typing pauses (or the running search answers)."""
        self.searches.schedule()

    def current_filters(self) -> Filters:
        """What a search is restricted to: the filter pane's choices and unread only."""
        return self.triaging.restrict(self.searches.base_filters())

    def fetch_result_rows(self, ids: Sequence[str]) -> list[ListRow]:
        """Rows for the visible window of the results list, the unread ones marked."""
        return self.triaging.mark_rows(self.searches.result_rows(ids))

    def current_state(self) -> UiState:
        return self.keeper.current()

    def footer_hides(self, binding: Binding) -> bool:
        return self.triaging.footer_hides(binding)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`x` (dismiss) belongs to the inbox: hidden from the footer, and inactive, elsewhere;
        ctrl+d is "did you mean" only while there is a suggestion."""
        if action == "dismiss":
            return self.triaging.inbox_mode
        return self.actions.check(action)

    def show_sync_bar(self, label: str) -> None:
        self.syncing.show_bar(label)

    def refresh_bookmarks(self, tags: list[str] | None = None) -> None:
        self.bookmarking.refresh(tags)

    def poll_store(self) -> None:
        """Pick up bookmarks changed by another paper-reader (CLI or a second app)."""
        self.bookmarking.poll()

    def delete_search(self, name: str) -> None:
        self.saved.delete(name)

    def watch_sub_title(self, _old: str, new: str) -> None:
        self.triaging.sub_title_changed(new)

    # -- the keys (APP_KEYS) ------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.actions.focus_search()

    def action_focus_filters(self) -> None:
        self.actions.focus_filters()

    def action_back_to_list(self) -> None:
        self.triaging.back_to_list()

    def action_show_bookmarks(self) -> None:
        self.actions.show_pane("bookmarks")

    def action_show_results(self) -> None:
        self.triaging.show_results()

    def action_help(self) -> None:
        self.actions.help()

    def action_cycle_sort(self) -> None:
        self.actions.cycle_sort()

    def action_accept_suggestion(self) -> None:
        self.actions.accept_suggestion()

    def action_toggle_bookmark(self) -> None:
        self.triaging.toggle_bookmark()

    def action_edit_tags(self) -> None:
        self.bookmarking.edit_tags()

    def action_edit_note(self) -> None:
        self.bookmarking.edit_note()

    def action_more_like_this(self) -> None:
        self.actions.more_like_this()

    def action_open_paper(self) -> None:
        self.actions.open_paper()

    def action_copy_paper(self) -> None:
        self.actions.copy_paper()

    def action_fetch(self) -> None:
        self.fetching.start()

    def action_inbox(self) -> None:
        self.triaging.open_inbox()

    def action_dismiss(self) -> None:
        self.triaging.dismiss()

    def action_undo(self) -> None:
        self.triaging.undo()

    def action_toggle_read(self) -> None:
        self.triaging.toggle_read()

    def action_mark_list_seen(self) -> None:
        self.triaging.mark_list_seen()

    def action_save_search(self) -> None:
        self.saved.save()

    async def action_quit(self) -> None:
        self.keeper.save()
        self.exit()

    # -- the workers' messages ----------------------------------------------------------------
    def on_sync_progress(self, message: SyncProgress) -> None:
        self.syncing.progress(message)

    def on_sync_finished(self, message: SyncFinished) -> None:
        self.syncing.finished(message)

    def on_search_finished(self, message: SearchFinished) -> None:
        """A search's list (the searches also call this directly with the first list)."""
        self.triaging.search_finished(message)
        self.searches.finished(message)

    def on_search_extended(self, message: SearchExtended) -> None:
        self.searches.extended(message)

    def on_facets_counted(self, message: FacetsCounted) -> None:
        self.searches.facets_counted(message)

    def on_suggestion_found(self, message: SuggestionFound) -> None:
        self.searches.suggestion_found(message)

    def on_paper_fetched(self, message: PaperFetched) -> None:
        self.actions.paper_fetched(message)

    def on_bookmarks_loaded(self, message: BookmarksLoaded) -> None:
        self.bookmarking.loaded(message, self.keeper.start_tags)

    def on_bookmarks_written(self, message: BookmarksWritten) -> None:
        self.bookmarking.written(message)

    def on_bookmarks_reloaded(self, _message: BookmarksReloaded) -> None:
        self.bookmarking.refresh()

    def on_reading_changed(self, message: ReadingChanged) -> None:
        self.triaging.reading_changed(message)

    def on_inbox_ready(self, message: InboxReady) -> None:
        self.triaging.inbox_ready(message)

    def on_feeds_counted(self, message: FeedsCounted) -> None:
        self.saved.counted(message)

    def on_saved_searches_changed(self, _message: SavedSearchesChanged) -> None:
        self.saved.count()

    def on_fetch_finished(self, message: FetchFinished) -> None:
        self.fetching.finished(message)

    def on_state_saved(self, message: StateSaved) -> None:
        self.keeper.saved(message)

    # -- the read pane -------------------------------------------------------------------------
    @property
    def paper(self) -> Paper | None:
        """The paper the read pane shows."""
        return self.reading.paper

    @property
    def read_generation(self) -> int:
        return self.reading.generation

    @property
    def read_shown(self) -> int:
        return self.reading.shown

    @property
    def _read_timer(self) -> Timer | None:
        return self.reading.timer

    def on_paper_loaded(self, message: PaperLoaded) -> None:
        self.reading.loaded(message)
