"""The `?` help screen: every key, from the same tables as the bindings, with the action names
that the config file's `[keys]` section rebinds."""

from __future__ import annotations

import textwrap
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.tui.keys import HELP_KEYS, MOVE_KEYS, SCOPES, bindings, shown_keys

#: The width the help is laid out for until its widget knows its own (the box's, less its
#: padding).
WIDTH = 98
#: Columns between the key, the description and the action name.
GAP = 2
#: The narrowest the description column gets (narrower terminals wrap the lines again).
MIN_TEXT = 20


def help_text(keymap: dict[str, str] | None = None, width: int = WIDTH) -> Content:
    """Three columns within `width`: key (as rebound by `keymap`), what it does (wrapped
    within its column), the action name (on the key's line)."""
    rows = [(shown_keys(k, keymap), k.help, k.id) for table in SCOPES.values() for k in table]
    rows += [(key, text, "") for key, text in MOVE_KEYS]
    key_width = max(len(key) for key, _, _ in rows) + GAP
    name_width = max(len(name) for _, _, name in rows)
    text_width = min(
        max(len(text) for _, text, _ in rows),
        max(MIN_TEXT, width - key_width - GAP - name_width),
    )
    lines: list[Content] = [Content.styled("paper-reader keys", "bold"), Content("")]
    for key, text, name in rows:
        parts = textwrap.wrap(text, text_width) or [""]
        lines.append(
            Content.assemble((key.ljust(key_width), "bold $accent"),
                             parts[0].ljust(text_width + GAP), (name, "dim"))
        )  # fmt: skip
        lines += [Content(" " * key_width + part) for part in parts[1:]]
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


class KeyHelp(Static):
    """The help text, laid out again whenever its width changes (`help_text`)."""

    def __init__(self, keymap: dict[str, str] | None, *, id: str | None = None) -> None:
        super().__init__(help_text(keymap), id=id, markup=False)
        self._keymap = keymap
        self._width = WIDTH

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.update(help_text(self._keymap, self._width))


class HelpScreen(ModalScreen[None]):
    """A scrollable list of keys; escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(HELP_KEYS)

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield KeyHelp(self._keymap, id="help-text")

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)
