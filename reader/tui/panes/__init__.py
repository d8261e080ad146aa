"""The app's panes."""

from reader.tui.panes.bookmarks import BookmarksPane
from reader.tui.panes.filter import FilterPane, SearchBar, SuggestionBar
from reader.tui.panes.read import ReadPane
from reader.tui.panes.results import ResultsPane

__all__ = ["BookmarksPane", "FilterPane", "ReadPane", "ResultsPane", "SearchBar", "SuggestionBar"]
