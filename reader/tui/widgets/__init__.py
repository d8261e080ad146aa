"""Reusable widgets."""

from reader.tui.widgets.choices import ChoiceList, Tick
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.paper_list import ListRow, PaperList
from reader.tui.widgets.sync_bar import SyncBar
from reader.tui.widgets.tick_list import TickList
from reader.tui.widgets.title_bar import TitleBar

__all__ = [
    "ChoiceList",
    "KeyFooter",
    "ListRow",
    "PaperList",
    "SyncBar",
    "Tick",
    "TickList",
    "TitleBar",
]
