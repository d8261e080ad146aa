"""The app's keys in one table: the bindings, the `?` help screen, the command palette and the
config file's `[keys]` section use it.

Every binding has an id (`Key.id`): the app's own actions are named plainly (`bookmark`),
a widget's are prefixed by its scope (`list.down`). Those ids are the action names a user
rebinds in `[keys]` (applied through Textual's keymap) and that `?` and `paper-reader config
show` list. This module imports no Textual (the CLI validates the config file with it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from reader.search import Sort

if TYPE_CHECKING:
    from textual.binding import Binding, BindingType


class Key(NamedTuple):
    """One action: its default key(s), a short footer label and a line of help."""

    keys: str
    action: str
    label: str
    help: str
    show: bool = True
    display: str | None = None
    priority: bool = False
    #: The action's name in `[keys]` and the binding id (default: `action`).
    name: str = ""
    #: "app", or the widget or screen whose binding this is ("list", "read", ...).
    scope: str = "app"

    @property
    def id(self) -> str:
        base = self.name or self.action
        return base if self.scope == "app" else f"{self.scope}.{base}"

    def binding(self) -> Binding:
        from textual.binding import Binding

        return Binding(
            self.keys, self.action, self.label, show=self.show, id=self.id,
            key_display=self.display, priority=self.priority,
        )  # fmt: skip


# fmt: off
APP_KEYS: tuple[Key, ...] = (
    Key("slash", "focus_search", "Search", "focus the search box (type to search)", display="/",
        name="search"),
    Key("escape", "back_to_list", "Back", "back to the list (leave the inbox or 'more like this', "
        "close filters)", display="esc", name="back"),
    Key("b", "toggle_bookmark", "Keep", "bookmark the paper (seen) or remove it; "
        "in the inbox: keep it and move on", name="bookmark"),
    Key("B", "show_bookmarks", "Bookmarks", "show the bookmarks pane", display="B",
        name="bookmarks"),
    Key("1", "show_results", "Results", "show the results pane (leaves the inbox)", show=False,
        name="results"),
    Key("t", "edit_tags", "Tags", "edit the tags of the current paper (bookmarks it)", show=False,
        name="tags"),
    Key("n", "edit_note", "Note", "edit the note of the current paper (bookmarks it)", show=False,
        name="note"),
    Key("f", "focus_filters", "Filters", "focus the filters (dumps, bookmarked only, tags, sort)",
        name="filters"),
    Key("s", "cycle_sort", "Sort", "cycle the sort: " + ", ".join(s.value for s in Sort),
        name="sort"),
    Key("m", "more_like_this", "Similar", "more like this: papers similar to the current one",
        name="similar"),
    Key("o", "open_paper", "Open", "open the paper's page in the browser", show=False,
        name="open"),
    Key("y", "copy_paper", "Copy", "copy the title and link (OSC 52 clipboard)", show=False,
        name="copy"),
    Key("ctrl+d", "accept_suggestion", "Did you mean", "search for the 'did you mean' suggestion",
        show=False, priority=True, name="suggestion"),
    Key("ctrl+r", "fetch", "Fetch", "fetch today's papers (and missed days) from Hugging Face",
        show=False),
    Key("i", "inbox", "Inbox", "the inbox: unread papers of the news dumps, newest dump first",
        name="inbox"),
    Key("x", "dismiss", "Dismiss", "in the inbox: dismiss the current paper (seen, not wanted) "
        "and move on", name="dismiss"),
    Key("u", "undo", "Undo", "undo the last triage action (keep, dismiss, mark; repeatable)",
        name="undo"),
    Key("r", "toggle_read", "Seen", "toggle the current paper between seen and unread",
        name="toggle_read"),
    Key("X", "mark_list_seen", "All seen", "mark every paper of the current list seen (asks first)",
        display="X", name="mark_list_seen"),
    Key("S", "save_search", "Save", "save the current query and filters under a name",
        display="S", name="save_search"),
    Key("question_mark", "help", "Help", "show this help", display="?"),
    Key("q", "quit", "Quit", "quit (the query, filters and selection are restored next time)"),
)

#: The keys of the widgets and screens, by scope (the widget's BINDINGS are built from these).
LIST_KEYS: tuple[Key, ...] = (
    Key("down,j", "cursor(1)", "Down", "next paper", show=False, name="down", scope="list"),
    Key("up,k", "cursor(-1)", "Up", "previous paper", show=False, name="up", scope="list"),
    Key("pagedown", "page(1)", "Page down", "a page down", show=False, name="pagedown",
        scope="list"),
    Key("pageup", "page(-1)", "Page up", "a page up", show=False, name="pageup", scope="list"),
    Key("home", "jump(0)", "First", "first paper", show=False, name="home", scope="list"),
    Key("end", "jump(-1)", "Last", "last paper", show=False, name="end", scope="list"),
    Key("enter", "choose", "Read", "read the current paper (marks it seen)", name="enter",
        scope="list"),
)
READ_KEYS: tuple[Key, ...] = (
    Key("j", "scroll_down", "Scroll down", "scroll the read pane down", show=False, name="down",
        scope="read"),
    Key("k", "scroll_up", "Scroll up", "scroll the read pane up", show=False, name="up",
        scope="read"),
)
CHOICE_KEYS: tuple[Key, ...] = (
    Key("down,right", "move(1)", "Next option", "sort choice: next option", show=False,
        name="next", scope="choice"),
    Key("up,left", "move(-1)", "Previous option", "sort choice: previous option", show=False,
        name="previous", scope="choice"),
    Key("enter,space", "choose", "Choose", "sort choice: choose", show=False, name="choose",
        scope="choice"),
)
TICK_KEYS: tuple[Key, ...] = (
    Key("enter,space", "flip", "Toggle", "a checkbox: tick or untick", show=False, name="flip",
        scope="tick"),
)
TICKS_KEYS: tuple[Key, ...] = (
    Key("down", "move(1)", "Next", "dump/tag list: next", show=False, name="down",
        scope="ticks"),
    Key("up", "move(-1)", "Previous", "dump/tag list: previous", show=False, name="up",
        scope="ticks"),
    Key("pagedown", "page(1)", "Page down", "dump/tag list: a page down", show=False,
        name="pagedown", scope="ticks"),
    Key("pageup", "page(-1)", "Page up", "dump/tag list: a page up", show=False, name="pageup",
        scope="ticks"),
    Key("home", "jump(0)", "First", "dump/tag list: first", show=False, name="home",
        scope="ticks"),
    Key("end", "jump(-1)", "Last", "dump/tag list: last", show=False, name="end",
        scope="ticks"),
    Key("enter,space", "flip", "Tick", "dump/tag list: tick or untick", show=False,
        name="flip", scope="ticks"),
)
EDIT_KEYS: tuple[Key, ...] = (
    Key("escape", "cancel", "Cancel", "tag/note editor: cancel", name="cancel", scope="edit"),
    Key("ctrl+s", "save", "Save", "tag/note editor: save", name="save", scope="edit"),
)
CONFIRM_KEYS: tuple[Key, ...] = (
    Key("y", "answer(True)", "Yes", "a yes/no question: yes", name="yes", scope="confirm"),
    Key("n,escape", "answer(False)", "No", "a yes/no question: no", name="no",
        scope="confirm"),
)
NAME_KEYS: tuple[Key, ...] = (
    Key("escape", "cancel", "Cancel", "naming a saved search: cancel", name="cancel",
        scope="name"),
)
HELP_KEYS: tuple[Key, ...] = (
    Key("escape,question_mark,q", "close", "Close", "close this help", name="close",
        scope="help"),
)
# fmt: on

#: The footer's hints by mode (every key works in both; `?` and the palette list them all):
#: the inbox shows the triage keys, the results the browsing keys, so each fits one line at
#: 120 columns. The search box teaches `/` with its own hint line.
INBOX_HIDES = frozenset(
    {"search", "bookmarks", "filters", "sort", "similar", "inbox", "save_search"}
)
RESULTS_HIDES = frozenset({"search", "dismiss", "back"})

#: Every rebindable key table, by scope.
SCOPES: dict[str, tuple[Key, ...]] = {
    "app": APP_KEYS,
    "list": LIST_KEYS,
    "read": READ_KEYS,
    "choice": CHOICE_KEYS,
    "tick": TICK_KEYS,
    "ticks": TICKS_KEYS,
    "edit": EDIT_KEYS,
    "confirm": CONFIRM_KEYS,
    "name": NAME_KEYS,
    "help": HELP_KEYS,
}
#: Widgets of the main screen: the app's keys work while one of them has focus, so a key
#: must not mean two things between the app and any one of them.
MAIN_SCREEN_SCOPES = ("list", "read", "choice", "tick", "ticks")
#: Keys Textual itself binds on the app (quit, interrupt, the command palette).
RESERVED_KEYS: dict[str, str] = {
    "ctrl+q": "quit (Textual)",
    "ctrl+c": "quit (Textual)",
    "ctrl+p": "the command palette",
}


def all_keys() -> tuple[Key, ...]:
    """Every rebindable key, app first."""
    return tuple(k for table in SCOPES.values() for k in table)


def bindings(table: tuple[Key, ...]) -> list[BindingType]:
    """Textual bindings for a key table (for a widget's BINDINGS)."""
    return [k.binding() for k in table]


#: Keys the help screen lists that no table binds (Textual's own).
MOVE_KEYS: tuple[tuple[str, str], ...] = (
    ("tab / shift+tab", "next / previous control"),
    ("ctrl+p", "command palette (every action, and the theme)"),
)

_SHORT = {"question_mark": "?", "slash": "/", "escape": "esc", "space": "space"}


def shown_keys(key: Key, keymap: dict[str, str] | None = None) -> str:
    """The key(s) an action is on now, as the help and the palette show them."""
    rebound = (keymap or {}).get(key.id)
    if rebound is None and key.display:
        return key.display
    keys = rebound if rebound is not None else key.keys
    return ", ".join(_SHORT.get(k.strip(), k.strip()) for k in keys.split(","))
