"""Search as you type: the query and filters to a search in a worker, its list, then the
per-dump counts and "did you mean" once typing pauses.

A mixin for `PaperReaderApp`, kept apart so each module stays small. Searches are numbered
(`generation`); an answer for an older one than the newest is dropped.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Input

from reader.errors import error_message
from reader.search import Filters, SearchResult, Sort
from reader.search.types import Row
from reader.tui.messages import (
    EmptyListClicked,
    FacetsCounted,
    FiltersChanged,
    SearchFinished,
    SuggestionAccepted,
    SuggestionFound,
)
from reader.tui.widgets import ListRow

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer
    from textual.worker import Worker

    from reader.bookmarks import BookmarkStore
    from reader.search import Library
    from reader.tui.panes import FilterPane, ResultsPane, SearchBar
    from reader.tui.startup import FirstLook
    from reader.tui.widgets import PaperList

    _Base = App[None]
else:
    _Base = object

#: Seconds of typing pause before searching (stale searches are also skipped in the worker).
DEBOUNCE = 0.01  # lets a pasted or auto-repeated burst of keys arrive before searching
#: A search running longer than this (seconds) no longer holds back the next one.
SEARCH_STUCK = 2.0
#: Seconds after a search's list before its per-dump counts are drawn (reset by typing).
FACETS_DELAY = 0.25


def row_meta(row: Row) -> str:
    """First source (short) and its page date, for a list row."""
    stem = row.first_source.rsplit(".", 1)[0]
    if len(stem) > 10:
        stem = stem[:9] + "…"
    date = (row.page_date or row.published or "")[:10]
    return f"{date:>6} {stem}"


class SearchMixin(_Base):
    """Searching as the query, filters and sort change, and showing what was found."""

    if TYPE_CHECKING:  # provided by PaperReaderApp
        library: Library
        store: BookmarkStore
        ready: bool
        first_look: FirstLook
        generation: int
        search_shown: int
        terms: frozenset[tuple[str, str]]
        suggestion: str | None
        similar_of: str | None
        bookmarked: frozenset[str]
        _debounce: Timer | None
        _searching: float | None
        _search_pending: bool
        _search_filters: Filters
        _facets_timer: Timer | None
        _read_timer: Timer | None
        _restore_selection: str | None
        _has_results: bool

        @property
        def filter_pane(self) -> FilterPane: ...
        @property
        def search_bar(self) -> SearchBar: ...
        @property
        def results(self) -> ResultsPane: ...
        @property
        def active_list(self) -> PaperList: ...
        def warm_worker(self) -> Worker[None]: ...
        def action_accept_suggestion(self) -> None: ...

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

    # Handlers by name, not `@on(..., "#query")`: Textual collects `@on` handlers from the
    # classes its metaclass builds, and this mixin is not one of them.
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "query":
            self.query_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "query":
            self.query_submitted()

    def query_changed(self) -> None:
        if self.similar_of is not None:
            self.similar_of = None
        if self._read_timer is not None:  # the read pane waits for a pause in typing
            self._read_timer.reset()
        self.schedule_search()

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
