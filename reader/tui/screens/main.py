"""The app's main screen (the four panes live on it; the modal screens open over it)."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.screen import Screen


class MainScreen(Screen[None]):
    """The default screen. Its first resume skips Textual's restyle of every widget: they
    were styled as they mounted a moment before, and restyling them again is a large part of
    the start. Later resumes (after a modal screen closes) restyle as usual.

    No auto focus: the app focuses the active list as it mounts. Textual's default would
    focus the query box first, and moving off it restyles it three times.
    """

    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__(id="_default")
        self._resumed = False

    def post_message(self, message: Message) -> bool:
        if isinstance(message, events.ScreenResume) and not self._resumed:
            self._resumed = True
            message.refresh_styles = False
        return super().post_message(message)
