"""The read pane's paper: the one under the list's cursor, loaded in a worker.

`ReadController` is composed into `PaperReaderApp`. Loads are numbered (`generation`, the
newest asked for; `shown`, the newest drawn) so that an answer for a paper the cursor has
left is dropped; while a query is typed the load waits for a pause in typing, so each key's
list is drawn first.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.css.query import NoMatches
from textual.timer import Timer

from reader.errors import note_unexpected
from reader.model import Paper
from reader.tui.messages import CursorMoved, PaperLoaded
from reader.tui.workers import in_thread

if TYPE_CHECKING:
    from reader.tui.app import PaperReaderApp


class ReadController:
    """The paper the read pane shows, and the load in flight."""

    def __init__(self, app: PaperReaderApp, typing_delay: float) -> None:
        self.app = app
        #: While a query is typed, seconds of pause before the read pane shows the top paper.
        self.typing_delay = typing_delay
        self.generation = 0
        #: The generation last shown (equal to the above when none is loading).
        self.shown = 0
        self.paper: Paper | None = None
        self.timer: Timer | None = None

    def cursor_moved(self, message: CursorMoved) -> None:
        """A list's cursor moved: show its paper, at once or, while a query is typed, once
        typing pauses."""
        app = self.app
        if message.list_id != app.active_list.id:
            return
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        focused = app.focused
        if focused is not None and focused.id == "query":
            self.timer = app.set_timer(self.typing_delay, self.load_current)
            return
        if not self.generation:  # the first paper: after the first frame, not during it
            app.call_after_refresh(self.load_current)
            return
        self.load_current()

    def postpone(self) -> None:
        """Typing goes on: the read pane waits for the next pause."""
        if self.timer is not None:
            self.timer.reset()

    def load_current(self) -> None:
        app = self.app
        self.timer = None
        try:
            pid = app.current_id
        except NoMatches:  # a timer or refresh callback firing while the app closes its panes
            return
        self.generation += 1
        if pid is None:
            self.shown = self.generation
            self.paper = None
            app.read_pane.show_message("Nothing selected.")
            return
        in_thread(app, partial(self._load, self.generation, pid), "read", exclusive=True)

    def _load(self, generation: int, paper_id: str) -> None:
        try:
            paper = self.app.library.get(paper_id)
        except Exception as exc:  # the read pane says the paper cannot be shown
            note_unexpected("loading a paper for the read pane", exc)
            paper = None
        self.app.post_message(PaperLoaded(generation, paper if paper else None))

    def loaded(self, message: PaperLoaded) -> None:
        if message.generation != self.generation:
            return
        app = self.app
        try:
            pid = app.current_id
        except NoMatches:  # the paper arrived while the app closes its panes
            return
        self.shown = message.generation
        paper = message.paper
        if paper is None and pid is not None and (bookmark := app.store.get(pid)):
            paper = bookmark.paper  # its dump is gone: show the bookmark's snapshot
        self.paper = paper
        if paper is None:
            app.read_pane.show_message("This paper is no longer in the index.")
            return
        terms = app.searches.terms if app.pane == "results" else frozenset()
        lib = app.library

        def spans(text: str, field: str) -> list[tuple[int, int]]:
            return lib.highlight_spans(text, terms, field) if terms else []

        app.read_pane.show_paper(paper, app.store.get(paper.id), spans)
