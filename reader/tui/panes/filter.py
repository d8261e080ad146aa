"""The search bar (query input, count, query notes, "did you mean") and the filter pane.

Widgets only: they report changes with `FiltersChanged`/`SuggestionAccepted` and are
filled by the app from what the Library and the bookmark store say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from reader.search import Sort, SourceInfo
from reader.tui.messages import FiltersChanged, SuggestionAccepted
from reader.tui.widgets.choices import ChoiceList, Tick
from reader.tui.widgets.tick_list import TickList

QUERY_HINT = 'search: words  "a phrase"  title:x  a OR b  NOT x  diffus*  typo~'


class SuggestionBar(Static):
    """ "No results. Did you mean: …?" — clicking it accepts the suggestion."""

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(SuggestionAccepted())


class SearchBar(Vertical):
    """The query input, with the result count and messages about the query under it."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Input(placeholder=QUERY_HINT, id="query", compact=True)
            yield Static("", id="result-count", markup=False)
        yield Static("", id="query-note", markup=False)
        yield SuggestionBar("", id="suggestion", markup=False)

    def on_mount(self) -> None:
        self.show_note(None)
        self.show_suggestion(None)

    def show_count(self, text: str) -> None:
        widget = self.query_one("#result-count", Static)
        if str(widget.content) != text:
            widget.update(Content(text), layout=False)  # a fixed-width cell

    def show_note(self, note: str | None) -> None:
        widget = self.query_one("#query-note", Static)
        if not note and not widget.display:
            return  # nothing shown, nothing to show: no layout pass per keystroke
        widget.update(Content(note or ""))
        widget.display = bool(note)

    def show_suggestion(self, suggestion: str | None) -> None:
        widget = self.query_one("#suggestion", SuggestionBar)
        if not suggestion and not widget.display:
            return
        if suggestion:
            widget.update(
                Content.assemble(
                    "No results. Did you mean: ",
                    (suggestion, "bold underline"),
                    "? (press ctrl+d / click)",
                )
            )
        widget.display = bool(suggestion)


#: The extra filters' inputs: (id, placeholder, input type).
EXTRA_INPUTS: tuple[tuple[str, str, Literal["integer", "text"]], ...] = (
    ("date-from", "YYYY-MM-DD", "text"),
    ("date-to", "YYYY-MM-DD", "text"),
    ("min-upvotes", "0", "integer"),
    ("category", "e.g. cs.CL", "text"),
)


class FilterPane(VerticalScroll):
    """Dumps (with per-dump counts), bookmarked only, tags, sort, and optional extra filters.

    The extra filters (dates, upvotes, category) are mounted the first time an index with
    such metadata is shown: most dumps have none, and their nine widgets slowed every start.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: The extra filters' values as typed (kept while they are hidden or not mounted).
        self._extra: dict[str, str] = {key: "" for key, _, _ in EXTRA_INPUTS}
        self._extra_shown = False

    def compose(self) -> ComposeResult:
        yield Label("Dumps", classes="filter-heading")
        yield TickList(id="sources")
        yield Tick("bookmarked only", id="bookmarked-only")
        yield Tick("unread only", id="unread-only")
        yield Label("Tags", classes="filter-heading")
        yield Static("none yet: t tags a paper", id="no-tags", classes="filter-hint")
        yield Label("Sort", classes="filter-heading")
        yield ChoiceList([sort.value for sort in Sort], Sort.RELEVANCE.value, id="sort")

    def _extra_filters(self) -> Vertical:
        """The extra filters' widgets, filled with the values kept so far."""
        inputs = {
            key: Input(self._extra[key], placeholder=hint, id=key, type=kind, compact=True)
            for key, hint, kind in EXTRA_INPUTS
        }
        return Vertical(
            Label("Published from / to", classes="filter-heading"),
            inputs["date-from"],
            inputs["date-to"],
            Label("Min upvotes", classes="filter-heading"),
            inputs["min-upvotes"],
            Label("arXiv category", classes="filter-heading"),
            inputs["category"],
            id="extra-filters",
        )

    # -- filling -------------------------------------------------------------------------
    def set_sources(self, sources: Iterable[SourceInfo], selected: Iterable[str]) -> None:
        """The dumps in the index, in dump order, with their paper counts; `selected` ticked."""
        self.query_one("#sources", TickList).set_options(
            [(s.name, s.papers) for s in sources], selected
        )

    def set_facets(self, counts: Mapping[str, int]) -> None:
        """Per-dump counts for the current query."""
        self.query_one("#sources", TickList).set_counts(counts)

    def set_tags(self, counts: Mapping[str, int], selected: Iterable[str]) -> None:
        """The tags with their counts, `selected` ones ticked; the list is mounted with the
        first tag (a start with no tags has none to build)."""
        found = self.query("#tags")
        if found:
            tags = found.first(TickList)
        elif counts:
            tags = TickList(id="tags")
            self.mount(tags, after="#no-tags")
        else:
            return
        tags.set_options(sorted(counts.items()), selected)
        tags.display = bool(counts)
        self.query_one("#no-tags").display = not counts

    def set_sort(self, sort: Sort) -> None:
        """Show `sort` as chosen."""
        self.query_one("#sort", ChoiceList).set_value(sort.value)

    def set_bookmarked_only(self, value: bool) -> None:
        self.query_one("#bookmarked-only", Tick).set_value(value)

    def set_unread_only(self, value: bool) -> None:
        self.query_one("#unread-only", Tick).set_value(value)

    def set_saved_searches(self, feeds: Sequence[tuple[str, int]]) -> None:
        """The saved searches as "name · unread", mounted with the first one (under the
        filters' heading, so most starts build nothing)."""
        found = self.query("#saved-searches")
        if not found:
            if not feeds:
                return
            self.mount(Label("Saved searches", classes="filter-heading", id="saved-heading"),
                       before=0)  # fmt: skip
            self.mount(OptionList(id="saved-searches", compact=True), after="#saved-heading")
            found = self.query("#saved-searches")
        options = found.first(OptionList)
        highlighted = options.highlighted
        options.set_options(
            Option(Content.assemble(name, (f" · {count}", "bold" if count else "dim")), id=name)
            for name, count in feeds
        )
        if highlighted is not None and feeds:
            options.highlighted = min(highlighted, len(feeds) - 1)
        options.display = bool(feeds)
        self.query_one("#saved-heading").display = bool(feeds)

    def apply_saved(self, filters: Mapping[str, object]) -> None:
        """Tick and fill the filters a saved search stored (no messages: the caller searches)."""

        def names(key: str) -> list[str]:
            value = filters.get(key)
            return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

        for list_id, key in (("#sources", "sources"), ("#tags", "tags")):
            for ticks in self.query(list_id).results(TickList):
                ticks.set_options([(v, ticks.count(v)) for v in ticks.values], names(key))
        self.set_bookmarked_only(filters.get("bookmarked_only") is True)
        self.set_unread_only(filters.get("unread_only") is True)
        extra = {key: str(filters.get(key.replace("-", "_")) or "") for key in self._extra}
        self.set_extra(self._extra_shown, extra)

    def set_extra(self, shown: bool, values: Mapping[str, str] | None = None) -> None:
        """Show or hide the extra filters (mounting them the first time), with `values`."""
        self._extra.update(
            {key: value for key, value in (values or {}).items() if key in self._extra}
        )
        self._extra_shown = shown
        found = self.query("#extra-filters")
        if not found:
            if shown:
                self.mount(self._extra_filters())
            return
        for key, value in (values or {}).items():
            with self.prevent(Input.Changed):
                self.query_one(f"#{key}", Input).value = value
        found.first().display = shown

    # -- reading -------------------------------------------------------------------------
    @property
    def sources(self) -> list[str]:
        return self.query_one("#sources", TickList).selected

    @property
    def tags(self) -> list[str]:
        return [tag for found in self.query("#tags").results(TickList) for tag in found.selected]

    @property
    def bookmarked_only(self) -> bool:
        return self.query_one("#bookmarked-only", Tick).value

    @property
    def unread_only(self) -> bool:
        return self.query_one("#unread-only", Tick).value

    @property
    def sort(self) -> Sort:
        return Sort(self.query_one("#sort", ChoiceList).value)

    def extra_values(self, only_shown: bool = False) -> dict[str, str]:
        """Date range, min upvotes and category as typed (empty when hidden and `only_shown`)."""
        hidden = only_shown and not self._extra_shown
        return {key: "" if hidden else value.strip() for key, value in self._extra.items()}

    @property
    def first_control(self) -> Widget:
        return self.query_one("#sources", TickList)

    # -- changes ---------------------------------------------------------------------------
    @on(TickList.Changed)
    @on(Tick.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        self.post_message(FiltersChanged())

    @on(ChoiceList.Changed, "#sort")
    def _sort_changed(self, event: ChoiceList.Changed) -> None:
        event.stop()  # posted only when the user picks another sort
        self.post_message(FiltersChanged())

    @on(Input.Changed, "#extra-filters Input")
    def _extra_changed(self, event: Input.Changed) -> None:
        event.stop()
        key = event.input.id or ""
        if key in self._extra and self._extra[key] != event.value:
            self._extra[key] = event.value
            self.post_message(FiltersChanged())
