"""Opening the index: the startup sync (with a progress bar) in a worker, then the first search.

`SyncController` runs the sync in a thread, which reports through messages, and the warm-up
after the first list. `FirstLook` works out the first frame's counts and list while Textual
starts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.errors import failure_message, note_unexpected
from reader.search import Filters, IndexBusy, SearchResult, Sort, SourceInfo
from reader.tui import collector
from reader.tui.messages import SyncFinished, SyncProgress
from reader.tui.widgets import SyncBar
from reader.tui.workers import in_thread

if TYPE_CHECKING:
    from reader.search import Library
    from reader.tui.app import PaperReaderApp

#: Seconds without a search (typing paused) before the collection after the warm-up runs.
SETTLE_QUIET = 1.0


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


class SyncController:
    """Syncs the index if the dumps changed (with the progress bar), warms it up once the
    first list is drawn, reports what is there (`SyncFinished`), and merges the small
    segments syncs left once typing pauses after the warm-up."""

    def __init__(self, app: PaperReaderApp, first_look: FirstLook) -> None:
        self.app = app
        self.first_look = first_look
        #: Set once the Whoosh index has been opened and checked (or rebuilt) after the start.
        self.index_verified = False

    def start(self, verify_index: bool = False) -> None:
        """Sync in a worker (a newer sync replaces one still running)."""
        in_thread(self.app, partial(self._startup, verify_index), "sync", exclusive=True)

    def _startup(self, verify_index: bool) -> None:
        """Sync the index if the dumps changed (with a progress bar), then report what is there.

        At start the catalog alone is checked (`verify_index=False`): the first list needs no
        Whoosh, whose import and opening would delay it; `warm` opens and checks the index
        right after, and brings it back here to rebuild it if it cannot be read.
        """
        app = self.app
        lib, report, error = app.library, None, None
        if not verify_index:
            finished = self.first_look.finished(timeout=None)
            if finished is not None:  # nothing to sync: say what is there
                app.post_message(finished)
                return
        try:
            if lib.needs_sync(verify_index=verify_index):
                app.call_from_thread(self.show_bar, "Indexing…")
                report = lib.sync(
                    progress=self.post_progress,
                    on_wait=lambda: app.call_from_thread(
                        self.show_bar, "Waiting for another paper-reader to finish indexing…"
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
        app.post_message(SyncFinished(report, error, papers, sources, extra))

    def warm(self) -> None:
        """Open the index, load the vocabulary and build the common terms' impacts in a worker, so the
        first keystrokes do not wait for them; started once the first list is drawn, which
        it would otherwise slow. An index that cannot be read is rebuilt (once), with the
        progress bar."""
        in_thread(self.app, self._warm, "warm", exclusive=True)

    def _warm(self) -> None:
        library = self.app.library
        collector.pause_for_warmup()
        try:
            library.warm()
        finally:
            collector.resume_after_warmup()
        if library.damage and not self.index_verified:
            self.index_verified = True
            self.app.call_from_thread(self.start, True)
            return
        self.index_verified = True
        # The collection after the warm-up holds every thread for a moment (a tenth of a
        # second at a million papers): once typing has paused, not under a keystroke.
        worker = get_current_worker()
        if not library.wait_quiet(SETTLE_QUIET, lambda: worker.is_cancelled):
            return
        collector.settle_after_warmup()
        self._merge(library, lambda: worker.is_cancelled)

    def _merge(self, library: Library, cancelled: Callable[[], bool]) -> None:
        """Merge the small segments the syncs left (`Library.merge`: it waits while the user
        types); then warm the new commit up. Quitting, or a sync, gives it up."""
        app = self.app
        try:
            merged = library.merge(cancelled)
        except Exception as exc:  # the index stays as it was; a bug is logged (strict: raised)
            message = failure_message("merging the index failed", exc)
            app.call_from_thread(
                app.notify, message, title="Index", severity="error", markup=False, timeout=15
            )
            return
        if merged is not None and not cancelled():
            app.call_from_thread(self.warm)

    def post_progress(self, done: int, total: int, file_name: str) -> None:
        """A sync's or a fetch's progress, from its worker (`SyncStopped` once cancelled)."""
        if get_current_worker().is_cancelled:
            raise SyncStopped  # quitting must not wait for a long build to end
        self.app.post_message(SyncProgress(done, total, file_name))

    def _bar(self) -> SyncBar:
        """The progress bar under the search bar, mounted the first time an index is built
        (most starts build none)."""
        app = self.app
        found = app.query("#sync-bar")
        if found:
            return found.first(SyncBar)
        bar = SyncBar(id="sync-bar")
        search_bar = app.query_one("#search-bar")  # its own screen, not a modal one on top
        search_bar.screen.mount(bar, after=search_bar)
        return bar

    def show_bar(self, label: str) -> None:
        bar = self._bar()
        bar.display = True
        bar.show(label)
        self.app.sub_title = "indexing…"

    def progress(self, message: SyncProgress) -> None:
        label = message.file_name or "indexing"
        self._bar().show(label[:1].upper() + label[1:], message.done, message.total)
        percent = 100 * message.done // max(message.total, 1)
        self.app.sub_title = f"indexing… {percent}%"

    def finished(self, message: SyncFinished) -> None:
        app = self.app
        for bar in app.query("#sync-bar"):
            bar.display = False
        dumps = len(message.sources)
        app.sub_title = f"{message.papers} papers · {dumps} dump{'s' if dumps != 1 else ''}"
        if message.error:
            app.notify(message.error, title="Index", severity="error", markup=False, timeout=15)
        report = message.report
        for problem in report.problems if report else []:
            app.notify(problem, title="Dumps", severity="warning", markup=False, timeout=10)
        fp = app.filter_pane
        fp.set_sources(message.sources, app.ui_state.sources)
        fp.set_extra(message.has_extra_filters)
        app.ready = True
        changed = report is not None and (
            report.rebuilt or report.changed_files or report.removed_files
        )
        if changed and app.searches.shown:
            self.warm()  # a new index after the first list (rebuilt, or dumps changed)
        app.run_search()
