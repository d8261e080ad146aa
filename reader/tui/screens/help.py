"""The `?` help screen: every key, from the same table as the bindings."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.tui.keys import APP_KEYS, MOVE_KEYS


def help_text() -> Content:
    """Two columns: key, what it does."""
    rows = [(k.display or k.keys, k.help) for k in APP_KEYS] + list(MOVE_KEYS)
    width = max(len(key) for key, _ in rows) + 2
    lines: list[Content] = [Content.styled("paper-reader keys", "bold"), Content("")]
    for key, text in rows:
        lines.append(Content.assemble((key.ljust(width), "bold $accent"), text))
    lines += [
        Content(""),
        Content('Query syntax: words (all must match), "a phrase", title:word, abstract:word,'),
        Content("a OR b, NOT word, diffus* (prefix), typo~ (fuzzy). Filters narrow any query."),
        Content(""),
        Content.styled("escape, ? or q closes this help", "dim"),
    ]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """A scrollable list of keys; escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(help_text(), id="help-text", markup=False)

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)
