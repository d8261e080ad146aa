"""A list of values with counts, any of them ticked: `▐X▌   12 name` per line.

The filter pane's dumps and tags. It replaces Textual's `SelectionList`, an `OptionList`
that styles nine component classes and lays out a prompt per option: this one is a
line-API `ScrollView` that draws only the visible lines from plain strings (a user may
keep hundreds of dumps), looks the same as the sort group beside it, and answers the
same keys and clicks as `SelectionList` did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.tui.keys import TICKS_KEYS, bindings
from reader.tui.widgets.choices import TOGGLE_CSS, side_background, toggle_line
from reader.tui.widgets.paper_list import scroll_lines_into_view


class TickList(ScrollView, can_focus=True):
    """Values (shown as their own labels, plain text) with a count each; any can be ticked.

    Keys: up/down, home/end and page up/down move the cursor; enter or space ticks or
    unticks the value under it; a click ticks or unticks the clicked one.
    Posts `TickList.Changed` when the user ticks or unticks (not when set in code).
    """

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = bindings(TICKS_KEYS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tick-list--button",
        "tick-list--on",
        "tick-list--cursor",
        "tick-list--count",
    }
    DEFAULT_CSS = (
        TOGGLE_CSS.format(name="TickList", prefix="tick-list", width="1fr")
        + """
    TickList {
        overflow-x: hidden;
        overflow-y: auto;
        & > .tick-list--count { text-style: dim; }
    }
    """
    )

    @dataclass(eq=False, repr=False)  # as in `reader.tui.messages`
    class Changed(Message):
        """The user ticked or unticked a value (`tick_list.selected` has the ticked ones)."""

        tick_list: TickList

        @property
        def control(self) -> TickList:
            return self.tick_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._values: list[str] = []
        self._counts: dict[str, int] = {}
        self._ticked: set[str] = set()
        self.cursor = 0
        #: The styles of the frame being drawn (see `render_lines`).
        self._paint: _Paint | None = None

    # -- data --------------------------------------------------------------------------
    @property
    def values(self) -> list[str]:
        return list(self._values)

    @property
    def selected(self) -> list[str]:
        """The ticked values, in list order."""
        return [value for value in self._values if value in self._ticked]

    def count(self, value: str) -> int:
        return self._counts.get(value, 0)

    def set_options(self, counts: Iterable[tuple[str, int]], selected: Iterable[str]) -> None:
        """Show these values with their counts, in this order; those in `selected` ticked.
        The cursor stays on its line (or the last one)."""
        pairs = list(counts)
        self._values = [value for value, _ in pairs]
        self._counts = dict(pairs)
        self._ticked = set(selected) & set(self._values)
        self.cursor = min(self.cursor, max(len(self._values) - 1, 0))
        self._resize()

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """New counts (missing values count 0); one redraw for the whole list."""
        new = {value: counts.get(value, 0) for value in self._values}
        if new != self._counts:
            self._counts = new
            self.refresh()

    def _resize(self) -> None:
        size = Size(self.scrollable_content_region.width, len(self._values))
        if size != self.virtual_size:  # a new height (`height: auto`) needs a layout pass
            self.virtual_size = size
            self.refresh(layout=True)
        else:
            self.refresh()
        if self.is_mounted:
            self._scroll_cursor_into_view()

    def on_resize(self, event: events.Resize) -> None:
        self._resize()

    # -- keys and clicks ---------------------------------------------------------------
    def _move_to(self, index: int) -> None:
        self.cursor = min(max(index, 0), max(len(self._values) - 1, 0))
        self._scroll_cursor_into_view()
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        scroll_lines_into_view(self, self.cursor, self.cursor + 1)

    def action_move(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, index: int) -> None:
        self._move_to(len(self._values) - 1 if index < 0 else index)

    def action_flip(self) -> None:
        if not self._values:
            return
        value = self._values[self.cursor]
        self._ticked ^= {value}
        self.refresh()
        self.post_message(self.Changed(self))

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y
        if 0 <= index < len(self._values):
            event.stop()
            self._move_to(index)
            self.action_flip()

    # -- drawing -----------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles once for all the lines, as the result list does: each walks the
        # ancestors' backgrounds, and asking five per line would dominate a redraw.
        self._paint = self._styles_now()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def _styles_now(self) -> _Paint:
        return _Paint(
            self.rich_style,
            side_background(self),
            {name: self.get_component_rich_style(name) for name in self.COMPONENT_CLASSES},
        )

    def render_line(self, y: int) -> Strip:
        base, background, styles = self._paint or self._styles_now()
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        if index >= len(self._values):
            return Strip.blank(width, base)
        value = self._values[index]
        button = styles["tick-list--on" if value in self._ticked else "tick-list--button"]
        cursor = styles["tick-list--cursor"] if index == self.cursor else None
        label = Text.assemble(
            (f"{self._counts.get(value, 0):>4}", styles["tick-list--count"]), " ", value
        )
        line = toggle_line(background, "X", label, button, cursor)
        line.truncate(width, overflow="ellipsis")
        segments = [
            Segment(s.text, base + s.style if s.style else base)
            for s in line.render(self.app.console)
            if s.text != "\n"
        ]
        return Strip(segments).adjust_cell_length(width, base)


class _Paint(NamedTuple):
    """The styles a frame of the list is drawn with."""

    base: Style
    background: RichColor | None
    components: dict[str, Style]
