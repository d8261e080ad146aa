"""Reusable widgets."""

from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.paper_list import ListRow, PaperList

__all__ = ["KeyFooter", "ListRow", "PaperList"]
