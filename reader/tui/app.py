"""The Textual app: layout, startup sync, search as you type, and the list/read/bookmarks flow.

The startup sync lives in `reader.tui.startup`, the user's actions (bookmark, tags, note,
open, copy, sort, more like this) and the bookmark/state upkeep in `reader.tui.actions`;
this module lays out the screen and wires searching and reading to the Library.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Input

from reader.bookmarks import BookmarkStore
from reader.errors import error_message
from reader.locations import Locations
from reader.model import Paper
from reader.search import Filters, Library, SearchResult, Sort
from reader.search.types import Row
from reader.tui.actions import ActionsMixin
from reader.tui.commands import PaperCommands
from reader.tui.keys import APP_KEYS
from reader.tui.messages import (
    CursorMoved,
    EmptyListClicked,
    FacetsCounted,
    FiltersChanged,
    PaperLoaded,
    RowChosen,
    SearchFinished,
    SuggestionAccepted,
    SuggestionFound,
)
from reader.tui.panes import BookmarksPane, FilterPane, ReadPane, ResultsPane, SearchBar
from reader.tui.screens.main import MainScreen
from reader.tui.startup import FirstLook, SyncMixin
from reader.tui.state import load_state
from reader.tui.widgets import KeyFooter, ListRow, PaperList, TitleBar

#: Seconds of typing pause before searching (stale searches are also skipped in the worker).
DEBOUNCE = 0.01  # lets a pasted or auto-repeated burst of keys arrive before searching
#: A search running longer than this (seconds) no longer holds back the next one.
SEARCH_STUCK = 2.0
#: Seconds after a search's list before its per-dump counts are drawn (reset by typing).
FACETS_DELAY = 0.25
#: While a query is typed, seconds of pause before the read pane shows the top paper (each
#: key's list is drawn first; the abstract's layout would hold up the next key's).
READ_WHILE_TYPING_DELAY = 0.15


def row_meta(row: Row) -> str:
    """First source (short) and its page date, for a list row."""
    stem = row.first_source.rsplit(".", 1)[0]
    if len(stem) > 10:
        stem = stem[:9] + "…"
    date = (row.page_date or row.published or "")[:10]
    return f"{date:>6} {stem}"


class PaperReaderApp(SyncMixin, ActionsMixin, App[None]):
    """Search, read and bookmark papers from Hugging Face Papers dumps."""

    CSS_PATH = "app.tcss"
    TITLE = "paper-reader"
    BINDINGS: ClassVar[list[BindingType]] = [k.binding() for k in APP_KEYS]
    COMMANDS = App.COMMANDS | {PaperCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 - Textual's own type

    def __init__(self, library: Library, store: BookmarkStore, locations: Locations) -> None:
        super().__init__()
        self.library = library
        self.store = store
        self.locations = locations
        self.ui_state, self._state_problem = load_state(locations.state_file)
        sorts = {s.value for s in Sort}
        self.first_sort = (
            Sort(self.ui_state.sort) if self.ui_state.sort in sorts else Sort.RELEVANCE
        )
        #: Started now, so the first frame can already show the dumps and the papers.
        self.first_look = FirstLook(library, self.ui_state.query, self.first_sort)
        self.ready = False
        self._index_verified = False
        self.generation = 0
        self.read_generation = 0
        #: The generations last shown (equal to the above when nothing is in flight).
        self.search_shown = 0
        self.read_shown = 0
        self.terms: frozenset[tuple[str, str]] = frozenset()
        self.suggestion: str | None = None
        self.similar_of: str | None = None
        self.bookmarked: frozenset[str] = frozenset()
        self.paper: Paper | None = None
        self._debounce: Timer | None = None
        #: When the search in flight started (None: none is), and whether keys came meanwhile.
        self._searching: float | None = None
        self._search_pending = False
        self._search_filters = Filters()
        self._facets_timer: Timer | None = None
        self._read_timer: Timer | None = None
        self._restore_selection: str | None = self.ui_state.selected
        self._has_results = False

    # -- layout ----------------------------------------------------------------------------
    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def compose(self) -> ComposeResult:
        # `make_app` paused the cyclic collector (a full pass over the objects Textual and the
        # app have just made took 24 ms, and fell in the first frame): resume it after that.
        self.call_after_refresh(gc.enable)
        # The breakpoint class the first resize would set, set before the panes mount: set
        # after, it restyles every widget once more (a tenth of the start-up time).
        self.screen.update_classes(
            {name: False for _, name in self.HORIZONTAL_BREAKPOINTS}
            | {name: True for name in self.screen._get_breakpoint_classes(
                self.size.width, self.HORIZONTAL_BREAKPOINTS)},
            update=False,
        )  # fmt: skip
        yield TitleBar("≡")
        yield SearchBar(id="search-bar")
        with Horizontal(id="body"):
            yield FilterPane(id="filters")
            yield ResultsPane(id="results")  # the centre: results or bookmarks, one shown
            yield BookmarksPane(id="bookmarks")
            yield ReadPane(id="read")
        yield KeyFooter()

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
        gc.enable()  # closed before its first frame was out

    def on_mount(self) -> None:
        state = self.ui_state
        if state.theme and state.theme in self.available_themes:
            self.theme = state.theme
        self.theme_changed_signal.subscribe(self, lambda _theme: self.save_state())
        self.sub_title = "opening the index…"
        if self._state_problem:
            self.notify(self._state_problem, severity="warning", markup=False)
        if self.store.problem:
            self.notify(self.store.problem, title="Bookmarks", severity="error", markup=False,
                        timeout=15)  # fmt: skip
        self.results.list.set_ids([], fetch=self.fetch_result_rows)
        self.results.list.empty_text = "Loading…"
        self.results.set_title(Content.styled("Results", "bold"))
        self.query_one("#query", Input).value = state.query
        fp = self.filter_pane
        fp.set_sort(self.first_sort)
        fp.set_bookmarked_only(state.bookmarked_only)
        fp.set_extra(False, {"date-from": state.date_from, "date-to": state.date_to,
                             "min-upvotes": state.min_upvotes, "category": state.category})  # fmt: skip
        self.refresh_bookmarks()
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

    # -- searching -------------------------------------------------------------------------
    def current_filters(self) -> Filters:
        fp = self.filter_pane
        ids: frozenset[str] | None = None
        if fp.tags:
            ids = frozenset().union(*(self.store.ids_with_tag(t) for t in fp.tags))
        elif fp.bookmarked_only:
            ids = self.store.ids()
        extra = fp.extra_values(only_shown=True)
        upvotes = extra["min-upvotes"]
        return Filters(
            sources=frozenset(fp.sources),
            ids=ids,
            date_from=extra["date-from"] or None,
            date_to=extra["date-to"] or None,
            min_upvotes=int(upvotes) if upvotes.lstrip("-").isdigit() else None,
            category=extra["category"] or None,
        )

    def schedule_search(self) -> None:
        """Search for what was typed: at once if no search is running (a key answers without
        waiting), else when the running one has drawn its list (typing faster than searches
        answer runs one search per answer, for the newest text)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if self._searching is not None and time.monotonic() - self._searching < SEARCH_STUCK:
            self._search_pending = True
            return
        self._debounce = self.set_timer(DEBOUNCE, self.run_search)

    def run_search(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if not self.ready:
            return
        try:
            query = self.query_one("#query", Input).value
        except NoMatches:  # shutting down
            return
        self.generation += 1
        self._searching, self._search_pending = time.monotonic(), False
        self._search_filters = filters = self.current_filters()
        sort = self.filter_pane.sort
        first = self.first_look.take(query, filters, sort) if self.similar_of is None else None
        if first is not None:  # worked out while the app started: no worker round trip
            self.on_search_finished(SearchFinished(self.generation, first))
            return
        self.search_worker(self.generation, query, filters, sort, self.similar_of)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search_worker(
        self, generation: int, query: str, filters: Filters, sort: Sort, similar_of: str | None
    ) -> None:
        lib = self.library
        try:
            if similar_of is not None:
                similar = lib.similar(similar_of)
                paper = lib.get(similar_of)
                title = paper.title if paper else similar_of
                self.post_message(SearchFinished(generation, None, similar, title))
                return
            if generation != self.generation:
                return  # the user typed on: a newer search is queued
            result = lib.search(query, filters, sort, suggest=False)
            # The list only: per-dump counts and "did you mean" are asked for once typing
            # pauses (`details_worker`), so they never hold up the next key's search.
            self.post_message(SearchFinished(generation, result))
        except Exception as exc:
            self.notify(f"search failed: {error_message(exc)}", severity="error", markup=False)
            self.post_message(SearchFinished(generation, None))

    def on_search_finished(self, message: SearchFinished) -> None:
        if message.generation != self.generation:
            return  # a newer search is under way
        self._searching = None
        if self._search_pending:  # typed on while it ran: search the newest text now
            self._search_pending = False
            self.run_search()
            return
        if not self.search_shown:  # the first list: warm up once it is drawn
            self.call_after_refresh(self.warm_worker)
        self.search_shown = message.generation
        paper_list, bar = self.results.list, self.search_bar
        keep, self._restore_selection = self._restore_selection, None
        if message.similar is not None:
            sim = message.similar
            self.terms = frozenset(("words", t.casefold()) for t in sim.key_terms)
            paper_list.empty_text = "No similar papers found."
            paper_list.set_ids(sim.ids, keep=keep)
            title = Content.assemble(("More like this: ", "bold"), message.similar_title)
            if sim.key_terms:
                title = Content.assemble(title, ("  key terms: ", "dim"), ", ".join(sim.key_terms))
            self.results.set_title(Content.assemble(title, ("  (esc returns)", "dim")))
            bar.show_count(f"{len(sim.ids)} similar")
            return
        result = message.result
        if result is None:
            return  # the worker failed and said so
        bar.show_note(result.note)
        self.suggestion = result.suggestion if result.total == 0 else None
        bar.show_suggestion(self.suggestion)
        if result.total == 0 and result.note and self._has_results:
            return  # an invalid query: keep the last results, the note says why
        self.terms = result.terms
        paper_list.empty_text = "No results." if result.query.strip() else "No papers."
        paper_list.set_ids(result.ids, keep=keep)
        self._has_results = True
        self._schedule_details(message.generation, result)
        shown = len(result.ids)
        count = f"{result.total} results" if shown == result.total else f"{shown} of {result.total}"
        bar.show_count(count)
        sort = self.filter_pane.sort
        self.results.set_title(
            Content.assemble(("Results", "bold"), f" · {count} · by {sort.value}")
        )

    def _schedule_details(self, generation: int, result: SearchResult) -> None:
        """Count per-dump matches (and find "did you mean" for an empty result) once typing
        pauses: counting hundreds of dumps per key would hold up the list."""
        if self._facets_timer is not None:
            self._facets_timer.stop()
        filters = self._search_filters
        zero = result.total == 0 and bool(result.query.strip())

        def start() -> None:
            self._facets_timer = None
            if generation == self.generation == self.search_shown:
                self.details_worker(generation, result.query, filters, zero)

        self._facets_timer = self.set_timer(FACETS_DELAY, start)

    @work(thread=True, exclusive=True, group="details", exit_on_error=False)
    def details_worker(self, generation: int, query: str, filters: Filters, zero: bool) -> None:
        lib = self.library
        try:
            if generation != self.generation:
                return
            self.post_message(FacetsCounted(generation, lib.facets(query, filters)))
            if zero and generation == self.generation:
                suggestion = lib.suggest(query)
                if suggestion:
                    self.post_message(SuggestionFound(generation, suggestion))
        except Exception as exc:
            self.notify(f"counting failed: {error_message(exc)}", severity="error", markup=False)

    def on_facets_counted(self, message: FacetsCounted) -> None:
        if message.generation == self.generation == self.search_shown:
            self.filter_pane.set_facets(message.facets)

    def on_suggestion_found(self, message: SuggestionFound) -> None:
        if message.generation == self.generation == self.search_shown:
            self.suggestion = message.suggestion
            self.search_bar.show_suggestion(message.suggestion)

    def fetch_result_rows(self, ids: Sequence[str]) -> list[ListRow]:
        """Rows for the visible window of the results list."""
        lib, terms, marked = self.library, self.terms, self.bookmarked
        return [
            ListRow(
                id=row.id,
                title=row.title,
                meta=row_meta(row),
                short_meta=(row.page_date or row.published or "")[:10],
                marker="★" if row.id in marked else "",
                title_spans=lib.highlight_spans(row.title, terms, "title") if terms else [],
            )
            for row in lib.rows(ids)
        ]

    @on(Input.Changed, "#query")
    def query_changed(self) -> None:
        if self.similar_of is not None:
            self.similar_of = None
        if self._read_timer is not None:  # the read pane waits for a pause in typing
            self._read_timer.reset()
        self.schedule_search()

    @on(Input.Submitted, "#query")
    def query_submitted(self) -> None:
        self.run_search()
        self.active_list.focus()

    def on_filters_changed(self, _message: FiltersChanged) -> None:
        self.schedule_search()

    def on_suggestion_accepted(self, _message: SuggestionAccepted) -> None:
        self.action_accept_suggestion()

    def on_empty_list_clicked(self, message: EmptyListClicked) -> None:
        if message.list_id == "results-list" and self.suggestion:
            self.action_accept_suggestion()

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
        pid = self.current_id
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
        except Exception:
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
        terms = self.terms if self.pane == "results" else frozenset()
        lib = self.library

        def spans(text: str, field: str) -> list[tuple[int, int]]:
            return lib.highlight_spans(text, terms, field) if terms else []

        self.read_pane.show_paper(paper, self.store.get(paper.id), spans)

    def on_row_chosen(self, _message: RowChosen) -> None:
        self.read_pane.focus()
