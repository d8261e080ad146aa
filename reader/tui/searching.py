"""Search as you type: the query and filters to a search in a worker, its list, then the
per-dump counts and "did you mean" once typing pauses.

`SearchController` owns it all: the numbered searches (`generation`, the newest asked for;
`shown`, the newest drawn: an answer for an older one than the newest is dropped), the
debounce and details timers, the search in flight, and what the last answer found (its
terms, its suggestion). The app routes its messages and the query box's events to it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Input

from reader.errors import failure_message
from reader.search import Filters, SearchResult, Sort
from reader.search.types import LIST_LIMIT, Row, two_figures
from reader.tui.messages import FacetsCounted, SearchExtended, SearchFinished, SuggestionFound
from reader.tui.widgets import ListRow
from reader.tui.workers import in_thread

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.tui.app import PaperReaderApp

#: Seconds of typing pause before searching (stale searches are also skipped in the worker).
DEBOUNCE = 0.01  # lets a pasted or auto-repeated burst of keys arrive before searching
#: A search running longer than this (seconds) no longer holds back the next one.
SEARCH_STUCK = 2.0
#: Seconds after a search's list before its per-dump counts are drawn (reset by typing).
FACETS_DELAY = 0.25
#: A search's list (at most `LIST_LIMIT` papers) shows this many first and the rest once
#: typing pauses: ranking a common word's top 2,000 of a million papers costs 2-3x its 200.
FIRST_PAGE = 200


def row_meta(row: Row) -> str:
    """First source (short) and its page date, for a list row."""
    stem = row.first_source.rsplit(".", 1)[0]
    if len(stem) > 10:
        stem = stem[:9] + "…"
    date = (row.page_date or row.published or "")[:10]
    return f"{date:>6} {stem}"


def compact(n: int) -> str:
    """A count in at most five characters: 950, 5.3k, 190k, 2.7M."""
    if n < 1000:
        return str(n)
    scale, unit = (1_000_000, "M") if n >= 1_000_000 else (1000, "k")
    value = n / scale
    text = f"{value:.1f}" if value < 10 else str(round(value))
    return text.removesuffix(".0") + unit


class SearchController:
    """Searching as the query, filters and sort change, and showing what was found."""

    def __init__(self, app: PaperReaderApp, restore_selection: str | None = None) -> None:
        self.app = app
        #: The newest search asked for, and the newest whose list is drawn.
        self.generation = 0
        self.shown = 0
        #: What the shown answer matched (highlights) and its "did you mean".
        self.terms: frozenset[tuple[str, str]] = frozenset()
        self.suggestion: str | None = None
        #: The paper to select in the next list drawn (else the list keeps its cursor).
        self.restore_selection = restore_selection
        self.debounce: Timer | None = None
        self.details_timer: Timer | None = None
        #: When the search in flight started (None: none is), and whether keys came meanwhile.
        self._searching: float | None = None
        self._pending = False
        self._filters = Filters()
        self._has_results = False

    @property
    def settled(self) -> bool:
        """No search waits, runs or has its details pending."""
        return (
            self.debounce is None and self.details_timer is None and self.shown == self.generation
        )

    def supersede(self) -> None:
        """Something else replaces the list (the inbox): a search in flight must not draw."""
        self.generation += 1
        self.shown = self.generation

    def base_filters(self) -> Filters:
        """The filter pane's restrictions (the app's `current_filters` may add its own)."""
        app = self.app
        fp = app.filter_pane
        ids: frozenset[str] | None = None
        if fp.tags:
            ids = frozenset().union(*(app.store.ids_with_tag(t) for t in fp.tags))
        elif fp.bookmarked_only:
            ids = app.store.ids()
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

    def schedule(self) -> None:
        """Search for what was typed: at once if no search is running (a key answers without
        waiting), else when the running one has drawn its list (typing faster than searches
        answer runs one search per answer, for the newest text)."""
        if self.debounce is not None:
            self.debounce.stop()
            self.debounce = None
        if self._searching is not None and time.monotonic() - self._searching < SEARCH_STUCK:
            self._pending = True
            return
        self.debounce = self.app.set_timer(DEBOUNCE, self.run)

    def run(self) -> None:
        if self.debounce is not None:
            self.debounce.stop()
            self.debounce = None
        app = self.app
        if not app.ready:
            return
        try:
            query = app.query_one("#query", Input).value
        except NoMatches:  # shutting down
            return
        self.generation += 1
        self._searching, self._pending = time.monotonic(), False
        self._filters = filters = app.current_filters()
        sort = app.filter_pane.sort
        first = app.first_look.take(query, filters, sort) if app.similar_of is None else None
        if first is not None:  # worked out while the app started: no worker round trip
            app.on_search_finished(SearchFinished(self.generation, first))
            return
        self.start_worker(self.generation, query, filters, sort, app.similar_of)

    def start_worker(
        self, generation: int, query: str, filters: Filters, sort: Sort, similar_of: str | None
    ) -> None:
        """Search in a thread worker (one at a time: a newer one cancels the older)."""
        work = partial(self._search, generation, query, filters, sort, similar_of)
        in_thread(self.app, work, "search", exclusive=True)

    def _search(
        self, generation: int, query: str, filters: Filters, sort: Sort, similar_of: str | None
    ) -> None:
        app, lib = self.app, self.app.library
        try:
            if similar_of is not None:
                similar = lib.similar(similar_of)
                paper = lib.get(similar_of)
                title = paper.title if paper else similar_of
                app.post_message(SearchFinished(generation, None, similar, title))
                return
            if generation != self.generation:
                return  # the user typed on: a newer search is queued
            result = lib.search(
                query, filters, sort, limit=FIRST_PAGE, suggest=False, estimate=True
            )
            # The first page only: the rest of the list, the exact count (a phrase's may
            # be estimated here), per-dump counts and "did you mean" are asked for once
            # typing pauses (`_search_details`), so they never hold up the next key's
            # search or the drawing of this one.
            app.post_message(SearchFinished(generation, result))
        except Exception as exc:
            app.notify(failure_message("search failed", exc), severity="error", markup=False)
            app.post_message(SearchFinished(generation, None))

    def finished(self, message: SearchFinished) -> None:
        if message.generation != self.generation:
            return  # a newer search is under way
        app = self.app
        self._searching = None
        if self._pending:  # typed on while it ran: search the newest text now
            self._pending = False
            self.run()
            return
        if not self.shown:  # the first list: warm up once it is drawn
            app.call_after_refresh(app.syncing.warm)
        self.shown = message.generation
        paper_list, bar = app.results.list, app.search_bar
        keep, self.restore_selection = self.restore_selection, None
        if message.similar is not None:
            sim = message.similar
            self.terms = frozenset(("words", t.casefold()) for t in sim.key_terms)
            paper_list.empty_text = "No similar papers found."
            paper_list.set_ids(sim.ids, keep=keep)
            title = Content.assemble(("More like this: ", "bold"), message.similar_title)
            if sim.key_terms:
                title = Content.assemble(title, ("  key terms: ", "dim"), ", ".join(sim.key_terms))
            app.results.set_title(Content.assemble(title, ("  (esc returns)", "dim")))
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
        self._show_count(result)

    def extended(self, message: SearchExtended) -> None:
        """The rest of the list shown: the cursor, the scroll and the drawn rows stay."""
        if message.generation == self.generation == self.shown:
            self.app.results.list.extend(message.result.ids)
            self._show_count(message.result)

    def _show_count(self, result: SearchResult) -> None:
        """ "N results", or "2000 of N" when the list holds fewer than match (its first page
        is counted as the list it becomes); while the total is estimated (the exact one
        follows with the rest of the list), "2000 of about N" in the list's title and
        "2000 of ~190k" in the search bar's narrow cell."""
        listed = min(result.total, max(len(result.ids), LIST_LIMIT))
        total = result.total
        if not result.total_exact:
            near, short = result.total_text, f"~{compact(two_figures(total))}"
            if total <= LIST_LIMIT:
                count, bar = f"{near} results", f"{short} results"
            else:
                count, bar = f"{listed} of {near}", f"{listed} of {short}"
        else:
            count = f"{total} results" if listed == total else f"{listed} of {total}"
            bar = count
        self.app.search_bar.show_count(bar)
        sort = self.app.filter_pane.sort
        self.app.results.set_title(
            Content.assemble(("Results", "bold"), f" · {count} · by {sort.value}")
        )

    def _schedule_details(self, generation: int, result: SearchResult) -> None:
        """List the rest of the results, count per-dump matches (and find "did you mean"
        for an empty result) once typing pauses: ranking 2,000 papers or counting hundreds
        of dumps per key would hold up the list."""
        if self.details_timer is not None:
            self.details_timer.stop()
        filters, sort = self._filters, self.app.filter_pane.sort
        zero = result.total == 0 and bool(result.query.strip())
        more = len(result.ids) < min(result.total, LIST_LIMIT) or not result.total_exact

        def start() -> None:
            self.details_timer = None
            if generation == self.generation == self.shown:
                work = partial(
                    self._search_details, generation, result.query, filters, sort, zero, more
                )
                in_thread(self.app, work, "details", exclusive=True)

        self.details_timer = self.app.set_timer(FACETS_DELAY, start)

    def _search_details(
        self, generation: int, query: str, filters: Filters, sort: Sort, zero: bool, more: bool
    ) -> None:
        """The rest of the list (`more`: past the first page), then the per-dump counts, then
        "did you mean" (`zero`: nothing matched), each only while the query is current."""
        app, lib = self.app, self.app.library

        def stale() -> bool:  # a key typed since: nothing here is wanted any more
            return generation != self.generation

        try:
            if stale():
                return
            if more:
                rest = lib.search(query, filters, sort, limit=LIST_LIMIT, suggest=False)
                if stale():
                    return
                app.post_message(SearchExtended(generation, rest))
            # At the start the rows take seconds to load; the wait for them (and for the
            # facet table) ends once a key is typed, giving the worker's thread back.
            if not lib.load_rows(stale=stale) or stale():
                return
            counts = lib.facets(query, filters, stale=stale)
            if stale():
                return
            app.post_message(FacetsCounted(generation, counts))
            if zero and not stale():
                suggestion = lib.suggest(query)
                if suggestion:
                    app.post_message(SuggestionFound(generation, suggestion))
        except Exception as exc:
            app.notify(failure_message("counting failed", exc), severity="error", markup=False)

    def query_changed(self) -> None:
        """The query box changed: leave "more like this" and search once typing pauses."""
        self.app.similar_of = None
        self.app.reading.postpone()  # the read pane waits for a pause in typing
        self.schedule()

    def query_submitted(self) -> None:
        self.run()
        self.app.active_list.focus()

    def facets_counted(self, message: FacetsCounted) -> None:
        if message.generation == self.generation == self.shown:
            self.app.filter_pane.set_facets(message.facets)

    def suggestion_found(self, message: SuggestionFound) -> None:
        if message.generation == self.generation == self.shown:
            self.suggestion = message.suggestion
            self.app.search_bar.show_suggestion(message.suggestion)

    def result_rows(self, ids: Sequence[str]) -> list[ListRow]:
        """Rows for the visible window of the results list."""
        app = self.app
        lib, terms, marked = app.library, self.terms, app.bookmarked
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
