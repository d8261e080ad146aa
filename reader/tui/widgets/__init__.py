"""Reusable widgets."""

from reader.tui.widgets.paper_list import ListRow, PaperList

__all__ = ["ListRow", "PaperList"]
