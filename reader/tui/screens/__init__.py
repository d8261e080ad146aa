"""The main screen, and the modal ones: help, tag and note editors."""

from reader.tui.screens.edit import EditNoteScreen, EditTagsScreen, parse_tags
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen

__all__ = ["EditNoteScreen", "EditTagsScreen", "HelpScreen", "MainScreen", "parse_tags"]
