"""The app's first frame: the widgets it composes and what it shows before the first search.

`Opening` is composed into `PaperReaderApp`, whose `compose`, `on_mount` and `on_unmount`
hand on to it. The first frame is drawn once: the screen's breakpoint class is set before the
panes mount (set by the first resize, it would restyle every widget again), the results say
"Loading…" until the catalog answers, and the filters, pane and theme of the last session
are restored. The garbage collector, paused by `make_app`, runs again once the first frame
is out, or when the app closes before one (`reader.tui.collector`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content

from reader.tui import collector
from reader.tui.panes import BookmarksPane, FilterPane, ReadPane, ResultsPane, SearchBar
from reader.tui.startup import FirstLook
from reader.tui.widgets import KeyFooter, TitleBar

if TYPE_CHECKING:
    from reader.tui.app import PaperReaderApp


def breakpoint_classes(width: int, breakpoints: list[tuple[int, str]]) -> dict[str, bool]:
    """Each breakpoint class on or off for `width`, as Textual sets them on a resize: on for
    the widest breakpoint that `width` reaches."""
    reached = [(minimum, name) for minimum, name in breakpoints if width >= minimum]
    on = max(reached)[1] if reached else None
    return {name: name == on for _, name in breakpoints}


class Opening:
    """The layout the app composes and the state its first frame shows."""

    def __init__(self, app: PaperReaderApp, state_problem: str | None) -> None:
        self.app = app
        #: Why the saved UI state could not be read (shown once mounted), else None.
        self.state_problem = state_problem

    def compose(self) -> ComposeResult:
        app = self.app
        app.call_after_refresh(collector.resume_after_start)  # paused by `make_app`
        # The breakpoint class the first resize would set, set before the panes mount: set
        # after, it would restyle every widget once more.
        app.screen.update_classes(
            breakpoint_classes(app.size.width, app.HORIZONTAL_BREAKPOINTS), update=False
        )
        yield TitleBar("≡")
        yield SearchBar(id="search-bar")
        with Horizontal(id="body"):
            yield FilterPane(id="filters")
            yield ResultsPane(id="results")  # the centre: results or bookmarks, one shown
            yield BookmarksPane(id="bookmarks")
            yield ReadPane(id="read")
        yield KeyFooter(hides=app.footer_hides)

    def mount(self) -> None:
        app = self.app
        app.keeper.apply_theme()
        app.theme_changed_signal.subscribe(app, lambda _theme: app.keeper.save_soon())
        app.sub_title = "opening the index…"
        if self.state_problem:
            app.notify(self.state_problem, severity="warning", markup=False)
        app.results.list.set_ids([], fetch=app.fetch_result_rows)
        app.results.list.empty_text = "Loading…"
        app.results.set_title(Content.styled("Results", "bold"))
        app.keeper.restore_filters(app.first_sort)
        app.bookmarking.load()
        app.read_pane.show_message("Nothing selected.")
        if app.ui_state.pane == "bookmarks":
            app.set_pane("bookmarks")
        app.active_list.focus()
        app.set_interval(2.0, app.poll_store)
        finished = app.first_look.finished(timeout=FirstLook.MOUNT_WAIT)
        if finished is not None:  # the catalog is current: show it in the first frame
            app.on_sync_finished(finished)
        else:
            app.syncing.start()

    def unmount(self) -> None:
        collector.resume_after_start()  # closed before its first frame was out
