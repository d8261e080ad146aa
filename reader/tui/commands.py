"""Command palette provider: every app action from the key table, searchable by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from reader.tui.keys import APP_KEYS, Key, shown_keys


def _title(key: Key) -> str:
    return f"{key.help[0].upper()}{key.help[1:]}"


class PaperCommands(Provider):
    """Lists each action with its key; choosing one runs it."""

    def _command(self, key: Key) -> Callable[[], Any]:
        return partial(self.app.run_action, key.action)

    def _keys(self, key: Key) -> str:
        settings = getattr(self.app, "settings", None)
        return shown_keys(key, settings.keymap if settings is not None else None)

    async def discover(self) -> Hits:
        for key in APP_KEYS:
            title = _title(key)
            yield DiscoveryHit(Content(title), self._command(key), text=title,
                               help=f"key: {self._keys(key)}")  # fmt: skip

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for key in APP_KEYS:
            title = _title(key)
            score = matcher.match(f"{key.label} {title}")
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._command(key), text=title,
                          help=f"key: {self._keys(key)}")  # fmt: skip


class SavedSearchCommands(Provider):
    """Run, rename or delete a saved search, by name."""

    def _entries(self) -> list[tuple[str, Callable[[], Any]]]:
        saved: Any = getattr(self.app, "saved", None)  # the app's `SavedSearchController`
        out: list[tuple[str, Callable[[], Any]]] = []
        for name, count in saved.feeds if saved is not None else []:
            out.append((f"Saved search: {name} · {count} unread", partial(saved.run, name)))
            out.append((f"Rename saved search: {name}", partial(saved.rename, name)))
            out.append((f"Delete saved search: {name}", partial(saved.delete, name)))
        return out

    async def discover(self) -> Hits:
        for title, command in self._entries():
            yield DiscoveryHit(Content(title), command, text=title)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, text=title)
