"""A radio group and a checkbox, each one widget drawn as text.

Textual's `RadioSet` is a widget per option plus itself, and `Checkbox`/`RadioButton` are
toggle buttons with their own layout: the filter pane's sort group and its "bookmarked
only" box are these instead, which mount, style and lay out in a fraction of the time (the
app's start pays for every widget). They look the same
(`▐●▌ relevance`, `▐X▌ bookmarked only`) and answer the same keys and clicks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.widget import Widget

from reader.tui.keys import CHOICE_KEYS, TICK_KEYS, bindings

TOGGLE_CSS = """
{name} {{
    width: {width};
    height: auto;
    background: $surface;
    pointer: pointer;
    text-wrap: nowrap;
    text-overflow: ellipsis;
    & > .{prefix}--button {{ color: $panel-darken-2; background: $panel; }}
    & > .{prefix}--on {{ color: $text-success; background: $panel; }}
    & > .{prefix}--cursor {{ background: $block-cursor-blurred-background; }}
    &:focus {{
        background-tint: $foreground 5%;
        & > .{prefix}--cursor {{
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }}
    }}
}}
"""


def side_background(widget: Widget) -> RichColor | None:
    """What a toggle line's half-block sides are drawn on: the widget's own background.
    Asked once per drawing, not per line: it walks the ancestors' backgrounds."""
    return widget.background_colors[1].rich_color


def toggle_line(
    background: RichColor | None,
    inner: str,
    label: str | Text,
    button: Style,
    label_style: Style | None,
) -> Text:
    """`▐●▌ label `: the button (its half-block sides in the button's background, on
    `background`, as Textual's toggle buttons draw them), then the label as plain text,
    padded by a space."""
    side = Style(color=button.bgcolor, bgcolor=background)
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append("▐", side)
    line.append(inner, button)
    line.append("▌", side)
    start = len(line)
    line.append(" ")
    line.append_text(Text(label) if isinstance(label, str) else label)
    line.append(" ")
    if label_style is not None:
        line.stylize(label_style, start)
    return line


class ChoiceList(Widget, can_focus=True):
    """One of several values, one per line; the chosen one's button is lit.

    Keys: up/left and down/right move the cursor, enter/space choose; a click chooses.
    Posts `ChoiceList.Changed` when the user picks a new value (not when set in code).
    """

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = bindings(CHOICE_KEYS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "choice-list--button",
        "choice-list--on",
        "choice-list--cursor",
    }
    DEFAULT_CSS = TOGGLE_CSS.format(name="ChoiceList", prefix="choice-list", width="1fr")

    @dataclass(eq=False, repr=False)  # as in `reader.tui.messages`
    class Changed(Message):
        """The user chose `value`."""

        choice_list: ChoiceList
        value: str

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    def __init__(
        self, options: Sequence[str], value: str | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.options = list(options)
        self.value = value if value in self.options else self.options[0]
        self.cursor = self.options.index(self.value)

    def set_value(self, value: str) -> None:
        """Show `value` as chosen (no message: the caller knows)."""
        if value in self.options:
            self.value = value
            self.cursor = self.options.index(value)
            self.refresh()

    def render(self) -> Text:
        on = self.get_component_rich_style("choice-list--on")
        off = self.get_component_rich_style("choice-list--button")
        cursor = self.get_component_rich_style("choice-list--cursor")
        background = side_background(self)
        return Text("\n").join(
            toggle_line(
                background,
                "●",
                option,
                on if option == self.value else off,
                cursor if y == self.cursor else None,
            )
            for y, option in enumerate(self.options)
        )

    def action_move(self, delta: int) -> None:
        self.cursor = (self.cursor + delta) % len(self.options)
        self.refresh()

    def action_choose(self) -> None:
        self._choose(self.cursor)

    def _choose(self, index: int) -> None:
        self.cursor = index
        value = self.options[index]
        self.refresh()
        if value != self.value:
            self.value = value
            self.post_message(self.Changed(self, value))

    def on_click(self, event: events.Click) -> None:
        if 0 <= event.y < len(self.options):
            event.stop()
            self._choose(event.y)


class Tick(Widget, can_focus=True):
    """A checkbox: `▐X▌ label`, lit when on. Enter, space or a click toggles it.

    Posts `Tick.Changed` when the user toggles it (not when set in code).
    """

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = bindings(TICK_KEYS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {"tick--button", "tick--on", "tick--cursor"}
    DEFAULT_CSS = TOGGLE_CSS.format(name="Tick", prefix="tick", width="auto")

    @dataclass(eq=False, repr=False)  # as in `reader.tui.messages`
    class Changed(Message):
        """The user turned the tick on or off."""

        tick: Tick
        value: bool

        @property
        def control(self) -> Tick:
            return self.tick

    def __init__(self, label: str, value: bool = False, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.value = value

    def set_value(self, value: bool) -> None:
        """Show `value` (no message: the caller knows)."""
        self.value = value
        self.refresh()

    def render(self) -> Text:
        button = self.get_component_rich_style("tick--on" if self.value else "tick--button")
        label = self.get_component_rich_style("tick--cursor") if self.has_focus else None
        return toggle_line(side_background(self), "X", self.label, button, label)

    def action_flip(self) -> None:
        self.value = not self.value
        self.refresh()
        self.post_message(self.Changed(self, self.value))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_flip()
