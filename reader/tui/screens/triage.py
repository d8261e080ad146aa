"""Modal screens for triage: a yes/no confirmation (mark a whole list seen, delete a saved
search) and a one-line name (save or rename a saved search). Each returns its answer
through `dismiss` (None: cancelled)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from reader.tui.keys import CONFIRM_KEYS, NAME_KEYS, bindings


class ConfirmScreen(ModalScreen[bool]):
    """A question; `y`/enter answers yes, `n`/escape no."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(CONFIRM_KEYS)

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self._question = question
        self._yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="edit-box", id="confirm-box"):
            yield Static(Content(self._question), classes="edit-heading", markup=False)
            yield Horizontal(
                Button(f"{self._yes} (y)", id="yes", variant="primary", compact=True),
                Button("Cancel (n / esc)", id="no", compact=True),
                classes="edit-buttons",
            )

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        if self.is_current:
            self.dismiss(value)


class NameScreen(ModalScreen[str | None]):
    """One line of text (a saved search's name); enter saves, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(NAME_KEYS)

    def __init__(self, heading: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self._heading, self._value, self._hint = heading, value, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="edit-box", id="name-box"):
            yield Static(Content.styled(self._heading, "bold"), classes="edit-heading")
            yield Input(self._value, placeholder="a name", id="name-input")
            if self._hint:
                yield Static(Content(self._hint), classes="edit-hint", markup=False)
            yield Horizontal(
                Button("Save (enter)", id="save", variant="primary", compact=True),
                Button("Cancel (esc)", id="cancel", compact=True),
                classes="edit-buttons",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self._save()
        else:
            self.action_cancel()

    def _save(self) -> None:
        name = self.query_one("#name-input", Input).value.strip()
        if not name:
            self.notify("A saved search needs a name.", severity="warning", timeout=3)
            return
        if self.is_current:
            self.dismiss(name)

    def action_cancel(self) -> None:
        if self.is_current:
            self.dismiss(None)
