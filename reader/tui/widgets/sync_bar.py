"""A one-line indexing progress bar, drawn as text.

Textual's `ProgressBar` (with a label beside it) is five widgets to style at every start,
though the bar shows only while a sync runs; this is one.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget


class SyncBar(Widget):
    """What is being indexed, a bar and the percentage: `Reading x.txt  ━━━━━╺━━━━  40%`."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"sync-bar--done", "sync-bar--todo"}
    DEFAULT_CSS = """
    SyncBar {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: clip;
        & > .sync-bar--done { color: $accent; }
        & > .sync-bar--todo { color: $foreground 20%; }
    }
    """
    #: Columns of the bar itself (fewer on a narrow screen).
    BAR_WIDTH = 32

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = "Indexing…"
        self.done = 0
        self.total = 0

    def show(self, label: str, done: int | None = None, total: int | None = None) -> None:
        """Set the label (and the progress, if given) and redraw."""
        self.label = label
        if done is not None and total is not None:
            self.done, self.total = done, total
        self.refresh()

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total > 0 else 0.0

    def render(self) -> Text:
        width = self.content_size.width
        bar = max(0, min(self.BAR_WIDTH, width // 3))
        percent = f" {round(100 * self.fraction):>3}%" if self.total > 0 else ""
        room = max(0, width - bar - len(percent) - 2)
        label = self.label if len(self.label) <= room else self.label[: max(0, room - 1)] + "…"
        filled = round(bar * self.fraction)
        line = Text(label.ljust(room) + "  ", no_wrap=True)
        line.append("━" * filled, self.get_component_rich_style("sync-bar--done"))
        line.append("━" * (bar - filled), self.get_component_rich_style("sync-bar--todo"))
        line.append(percent)
        return line
