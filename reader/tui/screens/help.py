"""The `?` help screen: every key, from the same tables as the bindings, with the action names
that the config file's `[keys]` section rebinds."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.tui.keys import HELP_KEYS, MOVE_KEYS, SCOPES, bindings, shown_keys


def help_text(keymap: dict[str, str] | None = None) -> Content:
    """Three columns: key (as rebound by `keymap`), what it does, the action name."""
    rows = [(shown_keys(k, keymap), k.help, k.id) for table in SCOPES.values() for k in table]
    rows += [(key, text, "") for key, text in MOVE_KEYS]
    width = max(len(key) for key, _, _ in rows) + 2
    text_width = max(len(text) for _, text, _ in rows) + 2
    lines: list[Content] = [Content.styled("paper-reader keys", "bold"), Content("")]
    for key, text, name in rows:
        lines.append(
            Content.assemble((key.ljust(width), "bold $accent"), text.ljust(text_width),
                             (name, "dim"))
        )  # fmt: skip
    lines += [
        Content(""),
        Content('Query syntax: words (all must match), "a phrase", title:word, abstract:word,'),
        Content("a OR b, NOT word, diffus* (prefix), typo~ (fuzzy). Filters narrow any query."),
        Content(""),
        Content("Rebind a key in the config file's [keys] section by the name in the last"),
        Content('column, e.g. bookmark = "z" (paper-reader config path shows where it is).'),
        Content(""),
        Content.styled("escape, ? or q closes this help", "dim"),
    ]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """A scrollable list of keys; escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(HELP_KEYS)

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(help_text(self._keymap), id="help-text", markup=False)

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)
