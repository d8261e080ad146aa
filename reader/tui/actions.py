"""What the keys do beyond the bookmarks and the triage: focus, panes, help, sort, "did you
mean", more like this, open, copy.

`Actions` is composed into `PaperReaderApp`, whose `action_*` methods delegate to it. The UI
thread never waits for the library: the paper an action needs is fetched in a worker when the
read pane does not show it yet.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.widgets import Input

from reader.diagnostics import unexpected
from reader.model import Paper
from reader.tui.messages import PaperFetched
from reader.tui.workers import in_thread

if TYPE_CHECKING:
    from reader.tui.app import PaperReaderApp


class Actions:
    """The app's keys that move around and act on the current paper."""

    def __init__(self, app: PaperReaderApp) -> None:
        self.app = app

    # -- focus and panes -----------------------------------------------------------------
    def focus_search(self) -> None:
        self.app.query_one("#query", Input).focus()

    def focus_filters(self) -> None:
        self.app.screen.add_class("-show-filters")
        self.app.filter_pane.first_control.focus()

    def back_to_list(self) -> None:
        """Leave "more like this", close the filter overlay, and focus the list."""
        app = self.app
        app.screen.remove_class("-show-filters")
        if app.similar_of is not None and app.pane == "results":
            app.searches.restore_selection = app.similar_of  # the paper "m" was pressed on
            app.similar_of = None
            app.run_search()
        app.active_list.focus()

    def show_pane(self, name: str) -> None:
        app = self.app
        if app.pane != name:
            app.set_pane(name)
            app.reading.load_current()
        app.active_list.focus()

    def help(self) -> None:
        from reader.tui.screens.help import HelpScreen  # loaded when first asked for

        app = self.app
        if not isinstance(app.screen, HelpScreen):
            app.push_screen(HelpScreen(app.settings.keymap))

    def cycle_sort(self) -> None:
        app = self.app
        sort = app.filter_pane.sort.next()
        app.filter_pane.set_sort(sort)
        app.notify(f"Sorted by {sort.value}", timeout=2)
        app.run_search()

    def check(self, action: str) -> bool:
        """ctrl+d is "did you mean" only while there is a suggestion (else the input's delete)."""
        if action == "accept_suggestion":
            return bool(self.app.searches.suggestion)
        return True

    def accept_suggestion(self) -> None:
        app = self.app
        if not app.searches.suggestion:
            app.notify("No suggestion to accept.", timeout=3)
            return
        app.query_one("#query", Input).value = app.searches.suggestion
        app.run_search()

    # -- the current paper ---------------------------------------------------------------------
    def with_current_paper(self, then: Callable[[Paper], None]) -> None:
        """Call `then` with the paper under the cursor: at once if the read pane shows it, else
        once a worker has fetched it (a notice instead when there is none)."""
        app = self.app
        pid = app.current_id
        if pid is None:
            app.notify("No paper selected.", severity="warning", timeout=3)
        elif app.paper is not None and app.paper.id == pid:
            then(app.paper)
        else:
            in_thread(app, partial(self._fetch_paper, pid, then), "fetch-paper")

    def _fetch_paper(self, paper_id: str, then: Callable[[Paper], None]) -> None:
        try:
            paper = self.app.library.get(paper_id)
        except Exception as exc:
            unexpected("fetching a paper for an action", exc)
            paper = None
        self.app.post_message(PaperFetched(paper_id, paper, then))

    def paper_fetched(self, message: PaperFetched) -> None:
        app = self.app
        paper = message.paper
        if paper is None and (bookmark := app.store.get(message.paper_id)):
            paper = bookmark.paper  # its dump is gone: the bookmark's snapshot
        if paper is None:
            app.notify("This paper is no longer in the index.", severity="warning")
            return
        message.then(paper)

    def more_like_this(self) -> None:
        app = self.app

        def more_like(paper: Paper) -> None:
            self.show_pane("results")
            app.similar_of = paper.id
            app.searches.restore_selection = None
            app.run_search()

        self.with_current_paper(more_like)

    def open_paper(self) -> None:
        def open_paper(paper: Paper) -> None:
            self.app.notify(f"Opening {paper.link}", markup=False, timeout=4)
            in_thread(self.app, partial(self._open_url, paper.link), "browser")

        self.with_current_paper(open_paper)

    def _open_url(self, url: str) -> None:
        opened = False
        with contextlib.suppress(Exception):
            import webbrowser

            opened = webbrowser.open(url)
        if not opened:
            self.app.notify(f"No browser found; the link is {url}", severity="warning",
                            markup=False)  # fmt: skip

    def copy_paper(self) -> None:
        def copy(paper: Paper) -> None:
            self.app.copy_to_clipboard(f"{paper.title}\n{paper.link}")
            self.app.notify(f"Copied: {paper.title}", markup=False, timeout=3)

        self.with_current_paper(copy)
