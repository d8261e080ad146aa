"""Modal screens: help, tag and note editors."""

from reader.tui.screens.edit import EditNoteScreen, EditTagsScreen, parse_tags
from reader.tui.screens.help import HelpScreen

__all__ = ["EditNoteScreen", "EditTagsScreen", "HelpScreen", "parse_tags"]
