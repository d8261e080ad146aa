"""The app's keys in one table: the bindings, the `?` help screen and the command palette use it."""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding

from reader.search import Sort


class Key(NamedTuple):
    """One app action: its key(s), a short footer label and a line of help."""

    keys: str
    action: str
    label: str
    help: str
    show: bool = True
    display: str | None = None
    priority: bool = False

    @property
    def id(self) -> str:
        return f"app.{self.action}"

    def binding(self) -> Binding:
        return Binding(
            self.keys, self.action, self.label, show=self.show, id=self.id,
            key_display=self.display, priority=self.priority,
        )  # fmt: skip


# fmt: off
APP_KEYS: tuple[Key, ...] = (
    Key("slash", "focus_search", "Search", "focus the search box (type to search)", display="/"),
    Key("escape", "back_to_list", "Back", "back to the list (leave 'more like this', close filters)",
        show=False, display="esc"),
    Key("b", "toggle_bookmark", "Bookmark", "bookmark the current paper, or remove its bookmark"),
    Key("B", "show_bookmarks", "Bookmarks", "show the bookmarks pane", display="B"),
    Key("1", "show_results", "Results", "show the results pane", show=False),
    Key("t", "edit_tags", "Tags", "edit the tags of the current paper (bookmarks it)", show=False),
    Key("n", "edit_note", "Note", "edit the note of the current paper (bookmarks it)", show=False),
    Key("f", "focus_filters", "Filters", "focus the filters (dumps, bookmarked only, tags, sort)"),
    Key("s", "cycle_sort", "Sort", "cycle the sort: " + ", ".join(s.value for s in Sort)),
    Key("m", "more_like_this", "Similar", "more like this: papers similar to the current one"),
    Key("o", "open_paper", "Open", "open the paper's page in the browser", show=False),
    Key("y", "copy_paper", "Copy", "copy the title and link (OSC 52 clipboard)", show=False),
    Key("ctrl+d", "accept_suggestion", "Did you mean", "search for the 'did you mean' suggestion",
        show=False, priority=True),
    Key("question_mark", "help", "Help", "show this help", display="?"),
    Key("q", "quit", "Quit", "quit (the query, filters and selection are restored next time)"),
)
# fmt: on

#: Keys of the lists and the read pane, for the help screen only (widgets bind them).
MOVE_KEYS: tuple[tuple[str, str], ...] = (
    ("j / k, ↓ / ↑", "move down / up (scroll in the read pane)"),
    ("home / end", "first / last paper"),
    ("pgup / pgdn", "a page up / down"),
    ("enter", "read the current paper (focus the read pane); in the search box: to the list"),
    ("tab / shift+tab", "next / previous control"),
    ("ctrl+p", "command palette (every action, and the theme)"),
)
