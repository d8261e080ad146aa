"""A one-line footer of key hints, drawn as text.

Textual's `Footer` mounts a widget per key and mounts them all again whenever the bindings
change (every focus change): about a fifth of the app's start-up went into styling them.
This draws the same hints (first key per action, disabled ones dimmed, the command palette
key on the right) as one line, and a click on a hint presses its key. The app may hide
hints that do not belong to its current mode (`hides`), so the ones that do fit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen


class KeyFooter(Widget):
    """Key hints for the focused widget's and the app's bindings, on one line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--disabled",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--disabled {
            text-style: dim;
        }
    }
    """

    def __init__(
        self,
        *,
        id: str | None = None,
        show_command_palette: bool = True,
        hides: Callable[[Binding], bool] | None = None,
    ) -> None:
        super().__init__(id=id)
        self.show_command_palette = show_command_palette
        #: True for a binding whose hint the current mode leaves out (the key still works).
        self.hides = hides
        #: (first column, last column + 1, key) of each hint drawn, for clicks.
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def hints(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        """The hints to show: one per action, in binding order; and the palette's key."""
        active = self.screen.active_bindings
        palette_key = self.app.COMMAND_PALETTE_BINDING
        shown: list[tuple[Binding, bool]] = []
        actions: set[str] = set()
        palette: tuple[Binding, bool] | None = None
        for key, (_node, binding, enabled, _tooltip) in active.items():
            if key == palette_key and self.show_command_palette:
                if self.app.ENABLE_COMMAND_PALETTE:
                    palette = (binding, enabled)
                continue
            if binding.show and binding.action not in actions:
                if self.hides is not None and self.hides(binding):
                    continue
                actions.add(binding.action)
                shown.append((binding, enabled))
        return shown, palette

    def _hint(self, binding: Binding, enabled: bool, styles: tuple[Style, Style, Style]) -> Text:
        key_style, text_style, disabled_style = styles
        hint = Text.assemble(
            (self.app.get_key_display(binding), key_style),
            (f" {binding.description}" if binding.description else "", text_style),
        )
        if not enabled:
            hint.stylize(disabled_style)
        return hint

    def render(self) -> Text:
        width = self.size.width
        shown, palette = self.hints()
        # Asked once, not per hint: each component style walks the ancestors' backgrounds.
        styles = (
            self.get_component_rich_style("key-footer--key"),
            self.get_component_rich_style("key-footer--description"),
            self.get_component_rich_style("key-footer--disabled"),
        )
        spans: list[tuple[int, int, str]] = []
        line = Text(no_wrap=True, overflow="crop")
        right = (self._hint(*palette, styles), palette[0].key) if palette is not None else None
        room = width - (right[0].cell_len + 3 if right is not None else 0)
        for binding, enabled in shown:
            hint = self._hint(binding, enabled, styles)
            start = line.cell_len + 1
            if start + hint.cell_len > room:
                break
            line.append(" ")
            line.append_text(hint)
            spans.append((start, line.cell_len, binding.key))
        if right is not None:
            hint, key = right
            start = width - hint.cell_len - 1
            line.append(" " * max(1, start - 1 - line.cell_len))
            line.append("│", Style(dim=True))
            line.append_text(hint)
            spans.append((line.cell_len - hint.cell_len, line.cell_len, key))
        self._spans = spans
        return line

    def key_at(self, x: int) -> str | None:
        """The key of the hint drawn at column `x`, if any."""
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is not None:
            self.app.simulate_key(key)
