"""The main screen, and the modal ones: help, tag and note editors.

Re-exported lazily (`reader._lazy`): the editors pull in Textual's TextArea, which the
first screen does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader._lazy import lazy_exports

if TYPE_CHECKING:
    from reader.tui.screens.edit import EditNoteScreen, EditTagsScreen, parse_tags
    from reader.tui.screens.help import HelpScreen
    from reader.tui.screens.main import MainScreen

__all__ = ["EditNoteScreen", "EditTagsScreen", "HelpScreen", "MainScreen", "parse_tags"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "EditNoteScreen": "edit", "EditTagsScreen": "edit", "parse_tags": "edit",
        "HelpScreen": "help",
        "MainScreen": "main",
    },
)  # fmt: skip
