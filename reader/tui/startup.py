"""Opening the index: the startup sync (with a progress bar) in a worker, then the first search.

A mixin for `PaperReaderApp`; the sync runs in a thread and reports through messages.
`FirstLook` works out the first frame's counts and list while Textual starts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from reader.errors import failure_message, note_unexpected
from reader.search import Filters, IndexBusy, SearchResult, Sort, SourceInfo
from reader.tui import collector
from reader.tui.messages import SyncFinished, SyncProgress
from reader.tui.widgets import SyncBar


class SyncStopped(Exception):
    """Raised from the progress callback when the app closes during a sync."""


@dataclass
class Overview:
    """What the index holds, for the title, the dump list and the extra filters."""

    papers: int
    sources: list[SourceInfo] = field(default_factory=list)
    has_extra_filters: bool = False


class FirstLook:
    """The startup check and the first list, worked out in a thread while Textual starts.

    When the catalog is current with the dumps, the first frame can show the dumps, the
    counts and (for an empty query) the papers at once, with no worker round trip and no
    second layout. The app uses the list only if its query, filters and sort match.
    """

    #: How long the app's mount waits for a look still running (seconds). It usually ends
    #: before the mount; when it does not, a first frame without the list (and the worker
    #: round trip and second layout after it) would cost more than the wait.
    MOUNT_WAIT = 0.5

    def __init__(self, library: Library, query: str, sort: Sort) -> None:
        self._library, self.query, self.sort = library, query, sort
        self._done = threading.Event()
        #: None when a sync is needed (or the check failed: the startup worker says why).
        self.overview: Overview | None = None
        self._result: SearchResult | None = None
        threading.Thread(target=self._run, name="first-look", daemon=True).start()

    def _run(self) -> None:
        lib = self._library
        try:
            if lib.needs_sync(verify_index=False):
                return
            self.overview = Overview(lib.paper_count(), lib.sources(), lib.has_metadata())
            if not self.query.strip():  # the catalog's list; a query would need Whoosh
                self._result = lib.search(self.query, Filters(), self.sort, suggest=False)
        except Exception as exc:  # the list comes from the sync instead
            note_unexpected("the first look at the catalog", exc)
            self.overview = None
        finally:
            self._done.set()

    def finished(self, timeout: float | None = 0.0) -> SyncFinished | None:
        """The startup check's answer when no sync is needed, waiting up to `timeout`
        seconds for it (None: until it is done)."""
        if timeout != 0.0:
            self._done.wait(timeout)
        o = self.overview if self._done.is_set() else None
        return None if o is None else SyncFinished(None, None, o.papers, o.sources,
                                                   o.has_extra_filters)  # fmt: skip

    def take(self, query: str, filters: Filters, sort: Sort) -> SearchResult | None:
        """The first list, once, if it answers this search; else None."""
        result, self._result = self._result, None
        if result is None or (query, filters, sort) != (self.query, Filters(), self.sort):
            return None
        return result


if TYPE_CHECKING:
    from textual.app import App

    from reader.search import Library
    from reader.tui.panes import FilterPane
    from reader.tui.searching import SearchController
    from reader.tui.state import UiState

    _Base = App[None]
else:
    _Base = object


class SyncMixin(_Base):
    """Sync the index if the dumps changed, show progress, then report what is there."""

    if TYPE_CHECKING:  # provided by PaperReaderApp
        library: Library
        ui_state: UiState
        ready: bool
        first_look: FirstLook
        #: Set once the Whoosh index has been opened and checked (or rebuilt) after the start.
        _index_verified: bool

        @property
        def filter_pane(self) -> FilterPane: ...
        def run_search(self) -> None: ...

        searches: SearchController

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def startup_worker(self, verify_index: bool = False) -> None:
        """Sync the index if the dumps changed (with a progress bar), then report what is there.

        At start the catalog alone is checked (`verify_index=False`): the first list needs no
        Whoosh, whose import and opening would delay it; `warm_worker` opens and checks the
        index right after, and brings it back here to rebuild it if it cannot be read.
        """
        lib, report, error = self.library, None, None
        if not verify_index:
            finished = self.first_look.finished(timeout=None)
            if finished is not None:  # nothing to sync: say what is there
                self.post_message(finished)
                return
        try:
            if lib.needs_sync(verify_index=verify_index):
                self.call_from_thread(self.show_sync_bar, "Indexing…")
                report = lib.sync(
                    progress=self._post_progress,
                    on_wait=lambda: self.call_from_thread(
                        self.show_sync_bar, "Waiting for another paper-reader to finish indexing…"
                    ),
                )
        except SyncStopped:
            return  # the app is closing; the previous index stays in use
        except IndexBusy as exc:
            error = f"{exc}; using the last committed index"
        except Exception as exc:
            error = failure_message("indexing failed", exc)
        try:
            papers, sources = lib.paper_count(), lib.sources()
            extra = lib.has_metadata()
        except Exception as exc:
            papers, sources, extra = 0, [], False
            error = error or failure_message("cannot read the index", exc)
        self.post_message(SyncFinished(report, error, papers, sources, extra))

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False)
    def warm_worker(self) -> None:
        """Open the index, load the vocabulary and score common terms, so the first keystrokes
        do not wait for them; started once the first list is drawn, which it would otherwise
        slow. An index that cannot be read is rebuilt (once), with the progress bar."""
        self.library.warm()
        if self.library.damage and not self._index_verified:
            self._index_verified = True
            self.call_from_thread(self.startup_worker, True)
            return
        self._index_verified = True
        collector.settle_after_warmup()

    def _post_progress(self, done: int, total: int, file_name: str) -> None:
        if get_current_worker().is_cancelled:
            raise SyncStopped  # quitting must not wait for a long build to end
        self.post_message(SyncProgress(done, total, file_name))

    def _sync_bar(self) -> SyncBar:
        """The progress bar under the search bar, mounted the first time an index is built
        (most starts build none)."""
        found = self.query("#sync-bar")
        if found:
            return found.first(SyncBar)
        bar = SyncBar(id="sync-bar")
        search_bar = self.query_one("#search-bar")  # its own screen, not a modal one on top
        search_bar.screen.mount(bar, after=search_bar)
        return bar

    def show_sync_bar(self, label: str) -> None:
        bar = self._sync_bar()
        bar.display = True
        bar.show(label)
        self.sub_title = "indexing…"

    def on_sync_progress(self, message: SyncProgress) -> None:
        label = message.file_name or "indexing"
        bar = self._sync_bar()
        bar.show(label[:1].upper() + label[1:], message.done, message.total)
        percent = 100 * message.done // max(message.total, 1)
        self.sub_title = f"indexing… {percent}%"

    def on_sync_finished(self, message: SyncFinished) -> None:
        for bar in self.query("#sync-bar"):
            bar.display = False
        dumps = len(message.sources)
        self.sub_title = f"{message.papers} papers · {dumps} dump{'s' if dumps != 1 else ''}"
        if message.error:
            self.notify(message.error, title="Index", severity="error", markup=False, timeout=15)
        report = message.report
        for problem in report.problems if report else []:
            self.notify(problem, title="Dumps", severity="warning", markup=False, timeout=10)
        fp = self.filter_pane
        fp.set_sources(message.sources, self.ui_state.sources)
        fp.set_extra(message.has_extra_filters)
        self.ready = True
        if report is not None and report.rebuilt and self.searches.shown:
            self.warm_worker()  # rebuilt after the first list (an unreadable index): warm it
        self.run_search()
