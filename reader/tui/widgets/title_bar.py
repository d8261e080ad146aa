"""The top line: the command palette icon and the title, drawn as one widget.

Textual's `Header` is four widgets (icon, title, clock space and itself) for one line of
text; this draws the same line, and a click on the icon opens the command palette.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widget import Widget

#: Columns of the icon cell and of the space kept on the right (as in Textual's header).
ICON_WIDTH = 8
RIGHT_WIDTH = 10


class TitleBar(Widget):
    """`≡   paper-reader — 205 papers · 3 dumps` with the title centred."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, icon: str = "≡", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.icon = icon

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._title_changed, init=False)
        self.watch(self.app, "sub_title", self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    def render(self) -> Content:
        title = self.app.format_title(self.app.title, self.app.sub_title)
        room = max(0, self.content_size.width - ICON_WIDTH - RIGHT_WIDTH)
        if len(title) > room:
            title = title[: max(0, room - 1)] + "…"
        left = (room - len(title)) // 2
        icon = f" {self.icon}".ljust(ICON_WIDTH)
        return Content.assemble(icon, " " * left, title)

    def on_click(self, event: events.Click) -> None:
        if event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            self.app.action_command_palette()
