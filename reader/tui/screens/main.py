"""The app's main screen (the four panes live on it; the modal screens open over it).

The messages its widgets send (the query box, the filters, the lists, the saved searches)
are handled here, each handed on to the app's controller that owns it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList

from reader.tui.messages import (
    CursorMoved,
    EmptyListClicked,
    FiltersChanged,
    RowChosen,
    SuggestionAccepted,
)

if TYPE_CHECKING:
    from reader.tui.app import PaperReaderApp


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

    @property
    def reader(self) -> PaperReaderApp:
        return cast("PaperReaderApp", self.app)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "query":
            self.reader.searches.query_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "query":
            self.reader.searches.query_submitted()

    def on_filters_changed(self, _message: FiltersChanged) -> None:
        self.reader.searches.schedule()

    def on_suggestion_accepted(self, _message: SuggestionAccepted) -> None:
        self.reader.actions.accept_suggestion()

    def on_empty_list_clicked(self, message: EmptyListClicked) -> None:
        if message.list_id == "results-list" and self.reader.searches.suggestion:
            self.reader.actions.accept_suggestion()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "saved-searches" and event.option.id:
            event.stop()
            self.reader.saved.run(event.option.id)

    def on_cursor_moved(self, message: CursorMoved) -> None:
        self.reader.reading.cursor_moved(message)

    def on_row_chosen(self, message: RowChosen) -> None:
        """enter opens the paper: the read pane is focused, and the paper is seen."""
        self.reader.read_pane.focus()
        self.reader.triaging.row_chosen(message.paper_id)
