"""The UI state the next launch restores (query, filters, sort, selection, pane, theme, inbox).

`StateKeeper` is composed into `PaperReaderApp`: it puts the saved state back at mount, reads
the state off the screen and saves it, in a worker while the app runs (`StateWrites` orders the writes) and on the UI thread at
quit, because the file must be complete before the process exits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

from reader.tui.messages import StateSaved
from reader.tui.state import UiState
from reader.tui.state_writes import StateWrites
from reader.tui.workers import in_thread

if TYPE_CHECKING:
    from reader.search import Sort
    from reader.tui.app import PaperReaderApp


class StateKeeper:
    """Reads the UI state off the screen and saves it."""

    def __init__(self, app: PaperReaderApp) -> None:
        self.app = app
        self.writes = StateWrites(app.locations.state_file)
        #: The tags ticked at the last quit, ticked again once the bookmarks are read.
        self.start_tags: list[str] | None = None

    def restore_filters(self, sort: Sort) -> None:
        """The query box and the filter pane as the last launch left them (at mount)."""
        app, state = self.app, self.app.ui_state
        app.query_one("#query", Input).value = state.query
        fp = app.filter_pane
        fp.set_sort(sort)
        fp.set_bookmarked_only(state.bookmarked_only)
        fp.set_unread_only(state.unread_only)
        fp.set_extra(False, {"date-from": state.date_from, "date-to": state.date_to,
                             "min-upvotes": state.min_upvotes, "category": state.category})  # fmt: skip
        self.start_tags = list(state.tags)

    def current(self) -> UiState:
        """The state shown now (the triage adds the inbox's part)."""
        app = self.app
        fp = app.filter_pane
        extra = fp.extra_values()
        state = UiState(
            query=app.query_one("#query", Input).value,
            sources=fp.sources,
            bookmarked_only=fp.bookmarked_only,
            tags=fp.tags,
            sort=fp.sort.value,
            selected=app.current_id,
            pane=app.pane,
            theme=app.theme,
            date_from=extra["date-from"],
            date_to=extra["date-to"],
            min_upvotes=extra["min-upvotes"],
            category=extra["category"],
        )
        return app.triaging.add_state(state)

    def to_save(self) -> UiState:
        """Query, filters, sort, selection, pane and theme, as the next launch restores them."""
        app = self.app
        if not app.ready:
            state = app.ui_state
            state.theme = app.theme
        else:
            state = self.current()
        app.ui_state = state
        return state

    def save(self) -> None:
        """Remember the state for the next launch, written on this thread: quit calls it,
        and the file must be complete before the process exits."""
        problem = self.writes.write_now(self.to_save())
        if problem:
            self.app.notify(problem, severity="warning", markup=False)

    def save_soon(self) -> None:
        """Remember the state for the next launch, written by a worker (the UI thread never
        waits on the disk while the app runs)."""
        self.writes.submit(self.to_save())
        in_thread(self.app, self._save_latest, "state-save")

    def _save_latest(self) -> None:
        self.app.post_message(StateSaved(self.writes.write_latest()))

    def saved(self, message: StateSaved) -> None:
        if message.error:
            self.app.notify(message.error, severity="warning", markup=False)

    def apply_theme(self) -> None:
        """The config file's theme when it sets one (at every start), else the one last
        picked in the palette; a broken config file or an unknown theme is a notification."""
        app = self.app
        if app.config_problem:
            app.notify(f"{app.config_problem}. Using the default settings.", title="Config",
                       severity="error", markup=False, timeout=20)  # fmt: skip
        configured = app.settings.theme.value
        if configured and configured not in app.available_themes:
            app.notify(f"{app.settings.path}: theme = \"{configured}\": expected one of "
                       f"{', '.join(sorted(app.available_themes))}", title="Config",
                       severity="warning", markup=False, timeout=20)  # fmt: skip
            configured = None
        theme = configured or app.ui_state.theme
        if theme and theme in app.available_themes:
            app.theme = theme
