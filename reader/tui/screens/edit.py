"""Modal editors for a bookmark's tags and note. They return the new value (None: cancelled)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from reader.tui.keys import EDIT_KEYS, bindings


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags (a tag may contain spaces); empties dropped."""
    return [t.strip() for t in text.split(",") if t.strip()]


class _Editor(ModalScreen[object]):
    BINDINGS: ClassVar[list[BindingType]] = bindings(EDIT_KEYS)

    def __init__(self, title: str, paper_title: str) -> None:
        super().__init__()
        self._heading = Content.assemble((title, "bold"), " · ", paper_title)

    def heading(self) -> Static:
        return Static(self._heading, classes="edit-heading", markup=False)

    def buttons(self) -> Horizontal:
        return Horizontal(
            Button("Save (ctrl+s)", id="save", variant="primary", compact=True),
            Button("Cancel (esc)", id="cancel", compact=True),
            classes="edit-buttons",
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    _answered = False

    def close(self, value: object) -> None:
        """Dismiss once (a second enter or click while closing is ignored)."""
        if not self._answered and self.is_current:
            self._answered = True
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.close(None)

    def action_save(self) -> None:
        raise NotImplementedError


class EditTagsScreen(_Editor):
    """One line of comma-separated tags; enter or ctrl+s saves."""

    def __init__(self, paper_title: str, tags: list[str]) -> None:
        super().__init__("Tags", paper_title)
        self._tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="edit-box"):
            yield self.heading()
            yield Input(", ".join(self._tags), placeholder="tag, another tag", id="tags-input")
            yield Static("comma-separated; empty removes all tags", classes="edit-hint")
            yield self.buttons()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        self.close(parse_tags(self.query_one("#tags-input", Input).value))


class EditNoteScreen(_Editor):
    """A multi-line note; ctrl+s saves, escape cancels."""

    def __init__(self, paper_title: str, note: str) -> None:
        super().__init__("Note", paper_title)
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="edit-box"):
            yield self.heading()
            yield TextArea(self._note, id="note-input", soft_wrap=True, show_line_numbers=False)
            yield self.buttons()

    def action_save(self) -> None:
        self.close(self.query_one("#note-input", TextArea).text)
