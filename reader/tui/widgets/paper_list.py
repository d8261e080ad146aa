"""A fast list of papers: a line-API `ScrollView` that draws only the visible rows.

It holds just the ordered ids; the text of a row is fetched lazily, for the visible
window only, through a `fetch(ids) -> list[ListRow]` callback. No widget per row,
so 100k results scroll as fast as 10.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.tui.keys import LIST_KEYS, bindings
from reader.tui.messages import CursorMoved, EmptyListClicked, RowChosen


@dataclass
class ListRow:
    """What one row shows. All text is plain; `title_spans` are (start, end) to highlight."""

    id: str
    title: str
    meta: str = ""
    #: A shorter `meta` for narrow lists (e.g. the date without the dump), so titles keep room.
    short_meta: str | None = None
    #: Up to two one-cell marks: the bookmark star and the unread dot.
    marker: str = ""
    title_spans: list[tuple[int, int]] = field(default_factory=list)
    detail: str = ""


Fetch = Callable[[Sequence[str]], Sequence[ListRow]]
_CACHE_LIMIT = 4000


class PaperList(ScrollView, can_focus=True):
    """Ids plus a cursor; rows rendered on demand. Posts `CursorMoved` and `RowChosen`."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(LIST_KEYS)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--cursor",
        "paper-list--match",
        "paper-list--meta",
        "paper-list--marker",
        "paper-list--detail",
        "paper-list--empty",
    }

    DEFAULT_CSS = """
    PaperList {
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        & > .paper-list--cursor { background: $surface-lighten-2; }
        &:focus > .paper-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
        & > .paper-list--match { color: $text-warning; text-style: bold underline; }
        & > .paper-list--meta { color: $text-muted; }
        & > .paper-list--marker { color: $text-warning; }
        & > .paper-list--detail { color: $text-muted; text-style: italic; }
        & > .paper-list--empty { color: $text-muted; }
    }
    """

    def __init__(
        self,
        fetch: Fetch | None = None,
        *,
        lines_per_row: int = 1,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._fetch: Fetch = fetch or (lambda ids: [ListRow(i, i) for i in ids])
        self.lines_per_row = max(1, lines_per_row)
        self._ids: list[str] = []
        self._cache: dict[str, ListRow] = {}
        self.cursor = 0
        self.empty_text = ""
        #: The base style and component styles for the lines being drawn (see `render_lines`).
        self._paint: tuple[Style, dict[str, Style]] | None = None

    # -- data --------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        return self._ids

    @property
    def current_id(self) -> str | None:
        return self._ids[self.cursor] if 0 <= self.cursor < len(self._ids) else None

    def set_ids(
        self,
        ids: Sequence[str],
        keep: str | None = None,
        fetch: Fetch | None = None,
        fallback: int = 0,
    ) -> None:
        """Show `ids`; the cursor stays on `keep` (or the current paper) if it is still listed,
        else goes to row `fallback`."""
        keep = keep if keep is not None else self.current_id
        if fetch is not None:
            self._fetch = fetch
        self._ids = list(ids)
        self._cache.clear()
        try:
            index = self._ids.index(keep) if keep is not None else 0
        except ValueError:
            index = fallback
        self._update_virtual_size()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.move_to(index, force_message=True)
        self.refresh()

    def extend(self, ids: Sequence[str]) -> None:
        """Show a longer list that begins with the one shown (the rest of a search's
        results): the cursor, the scroll and the rows already fetched stay. Any other list
        is shown as `set_ids` shows it."""
        if list(ids[: len(self._ids)]) != self._ids:
            self.set_ids(ids)
            return
        self._ids = list(ids)
        self._update_virtual_size()
        self.refresh()

    def invalidate(self) -> None:
        """Forget fetched rows (markers, tags) and draw again."""
        self._cache.clear()
        self.refresh()

    def _update_virtual_size(self) -> None:
        width = max(1, self.scrollable_content_region.width)
        self.virtual_size = Size(width, len(self._ids) * self.lines_per_row)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    # -- cursor ------------------------------------------------------------------------
    def move_to(self, index: int, force_message: bool = False) -> None:
        old = self.current_id
        count = len(self._ids)
        self.cursor = min(max(index, 0), max(count - 1, 0))
        self._scroll_cursor_into_view()
        self.refresh()
        if force_message or self.current_id != old:
            self.post_message(CursorMoved(self.id or "", self.current_id))

    def _scroll_cursor_into_view(self) -> None:
        top = self.cursor * self.lines_per_row
        scroll_lines_into_view(self, top, top + self.lines_per_row)

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // self.lines_per_row - 1)

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * self._page_rows())

    def action_jump(self, index: int) -> None:
        self.move_to(len(self._ids) - 1 if index < 0 else index)

    def action_choose(self) -> None:
        if self.current_id is not None:
            self.post_message(RowChosen(self.id or "", self.current_id))

    async def _on_click(self, event: events.Click) -> None:
        if not self._ids:
            self.post_message(EmptyListClicked(self.id or ""))
            return
        line = round(self.scroll_y) + event.y
        index = line // self.lines_per_row
        if 0 <= index < len(self._ids):
            if index == self.cursor and event.chain > 1:
                self.action_choose()
            self.move_to(index)

    # -- drawing -----------------------------------------------------------------------
    def _rows_for(self, first: int, last: int) -> None:
        """Fetch the rows in [first, last) that are not cached, in one call."""
        missing = [i for i in self._ids[first:last] if i not in self._cache]
        if not missing:
            return
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
            missing = self._ids[first:last]
        for row in self._fetch(missing):
            self._cache[row.id] = row

    def render_lines(self, crop: Region) -> list[Strip]:
        first = round(self.scroll_y) // self.lines_per_row
        visible = self.scrollable_content_region.height // self.lines_per_row + 2
        self._rows_for(first, min(len(self._ids), first + visible))
        # Work the styles out once for all the lines: each `rich_style` walks the ancestors'
        # backgrounds, and asking per line (six styles a row) would dominate drawing.
        self._paint = self._styles_now()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def _styles_now(self) -> tuple[Style, dict[str, Style]]:
        return self.rich_style, {
            name: self.get_component_rich_style(name, partial=True)
            for name in self.COMPONENT_CLASSES
        }

    def _style(self, name: str) -> Style:
        return (self._paint or self._styles_now())[1][name]

    def render_line(self, y: int) -> Strip:
        if self._paint is None:  # called on its own (not from `render_lines`)
            self._paint = self._styles_now()
            try:
                return self.render_line(y)
            finally:
                self._paint = None
        width = self.scrollable_content_region.width
        base = self._paint[0]
        line = round(self.scroll_y) + y
        index, offset = divmod(line, self.lines_per_row)
        if not self._ids:
            if line == 0 and self.empty_text:
                text = Text(self.empty_text, style=self._style("paper-list--empty"), no_wrap=True)
                return self._strip(Text(" ") + text, width, base)
            return Strip.blank(width, base)
        if index >= len(self._ids):
            return Strip.blank(width, base)
        row = self._cache.get(self._ids[index]) or ListRow(self._ids[index], "…")
        style = base
        if index == self.cursor:
            style = base + self._style("paper-list--cursor")
        return Strip(self._row_segments(row, offset, width, style)).adjust_cell_length(width, style)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text.truncate(width, overflow="ellipsis")
        segments = [Segment(s.text, style + s.style if s.style else style) for s in text.render(
            self.app.console
        ) if s.text != "\n"]  # fmt: skip
        return Strip(segments).adjust_cell_length(width, style)

    def _row_segments(self, row: ListRow, offset: int, width: int, style: Style) -> list[Segment]:
        """One line of a row as segments: marker, title (matches styled), gap, meta; or the
        detail line. Built directly, not through a `Text` and its render (half the time)."""
        if offset > 0:
            detail = _fit(row.detail, width - 3)
            return [
                Segment("   ", style),
                Segment(detail, style + self._style("paper-list--detail")),
            ]
        marker = (row.marker or " ")[:2].ljust(2)  # the bookmark star, then the unread dot
        used = cell_len(marker)
        meta = row.meta
        room = width - used - (cell_len(meta) + 2 if meta else 0) - 1
        title_cells = cell_len(row.title)
        if row.short_meta is not None and room < min(48, title_cells):
            meta = row.short_meta
            room = width - used - (cell_len(meta) + 2 if meta else 0) - 1
        if room < 12 and meta:
            meta, room = "", width - used - 1
        title = _fit(row.title, max(1, room), title_cells)
        segments = [Segment(marker, style + self._style("paper-list--marker"))]
        segments += _spans(title, row.title_spans, style, style + self._style("paper-list--match"))
        gap = max(1, width - used - cell_len(title) - cell_len(meta) - 1)
        segments.append(Segment(" " * gap, style))
        if meta:
            segments.append(Segment(meta, style + self._style("paper-list--meta")))
        return segments


def scroll_lines_into_view(view: ScrollView, top: int, bottom: int) -> None:
    """Scroll `view` as little as it takes to show its lines [top, bottom), at once."""
    height = max(1, view.scrollable_content_region.height)
    y = round(view.scroll_y)
    if top < y:
        view.scroll_to(y=top, animate=False, immediate=True)
    elif bottom > y + height:
        view.scroll_to(y=bottom - height, animate=False, immediate=True)


def _fit(text: str, width: int, cells: int | None = None) -> str:
    """`text` cut to `width` cells with an ellipsis, as `Text.truncate(overflow="ellipsis")`."""
    if (cell_len(text) if cells is None else cells) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""


def _spans(
    text: str, spans: Sequence[tuple[int, int]], plain: Style, match: Style
) -> list[Segment]:
    """`text` as segments, the (start, end) spans in `match` (a match cut by the ellipsis
    takes it in, as `Text.truncate` does)."""
    out: list[Segment] = []
    at = 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            out.append(Segment(text[at:start], plain))
        out.append(Segment(text[start:end], match))
        at = end
    if at < len(text):
        out.append(Segment(text[at:], plain))
    return out
