"""The results pane: a title line (count, sort, or "more like this") over the fast paper list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from reader.tui.widgets import PaperList


class ResultsPane(Vertical):
    """What the current query (or "more like this") found."""

    def compose(self) -> ComposeResult:
        yield Static("", id="results-title", classes="pane-title", markup=False)
        yield PaperList(id="results-list")

    @property
    def list(self) -> PaperList:
        return self.query_one("#results-list", PaperList)

    def set_title(self, content: Content) -> None:
        self.query_one("#results-title", Static).update(content)
