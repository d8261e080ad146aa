""" "Fetch today's papers" (ctrl+r, and the command palette): `reader.fetch` in a worker, with
progress in the sync bar, then a sync so the new papers show; errors are notifications.

A mixin for `PaperReaderApp`, as the startup sync is; it holds no fetch logic of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from reader.errors import error_message, failure_message, note_unexpected
from reader.tui.messages import FetchFinished, SyncFinished
from reader.tui.startup import SyncStopped

if TYPE_CHECKING:
    from textual.app import App

    from reader.config import Settings
    from reader.fetch.daily import FetchReport
    from reader.locations import Locations
    from reader.search import Library, SourceInfo

    _Base = App[None]
else:
    _Base = object


class FetchMixin(_Base):
    """The `fetch` action and its worker."""

    if TYPE_CHECKING:  # provided by PaperReaderApp
        library: Library
        locations: Locations
        settings: Settings
        inbox_mode: bool

        @property
        def current_id(self) -> str | None: ...
        def open_inbox(self, restore: str | None = None) -> None: ...

        def show_sync_bar(self, label: str) -> None: ...
        def _post_progress(self, done: int, total: int, label: str) -> None: ...

    def action_fetch(self) -> None:
        """Fetch today's (and missed days') papers in the background."""
        if any(w.group == "fetch" and w.is_running for w in self.workers):
            self.notify("A fetch is already running.", timeout=3)
            return
        self.show_sync_bar("Fetching today's papers…")
        self.fetch_worker()

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def fetch_worker(self) -> None:
        from reader.fetch.daily import FetchStopped, count_new, fetch_days, plan, today_utc
        from reader.fetch.http import Client
        from reader.fetch.store import DayStore

        worker = get_current_worker()
        store = DayStore(self.locations)
        try:
            days, _notes = plan(store, today_utc(), max_days=self.settings.fetch_days.value)
            report = fetch_days(
                days, store, Client(), self.settings.base_url.value,
                progress=self._post_progress, cancelled=lambda: worker.is_cancelled,
            )  # fmt: skip
        except (FetchStopped, SyncStopped):
            return  # the app is closing
        except Exception as exc:
            self.post_message(SyncFinished(None, None, *self._overview()))
            self.post_message(FetchFinished(f"Fetch failed: {error_message(exc)}", error=True))
            return
        sync_report, sync_error = None, None
        if report.fetched and not worker.is_cancelled:
            try:
                sync_report = self.library.sync(progress=self._post_progress)
                count_new(self.library, report)
            except SyncStopped:
                return
            except Exception as exc:
                sync_error = failure_message("indexing failed", exc)
        # The sync's end first (the lists, the counts), then the summary, which shows the inbox
        # again when it is open: the sync's new search would otherwise replace it.
        self.post_message(SyncFinished(sync_report, sync_error, *self._overview()))
        summary, failed = self._summary(report)
        self.post_message(FetchFinished(summary, failed, self.inbox_mode and bool(report.fetched)))

    def _overview(self) -> tuple[int, list[SourceInfo], bool]:
        lib = self.library
        try:
            return lib.paper_count(), lib.sources(), lib.has_metadata()
        except Exception as exc:
            note_unexpected("counting the papers after a fetch", exc)
            return 0, [], False

    def _summary(self, report: FetchReport) -> tuple[str, bool]:
        fetched = report.fetched
        days = len(fetched)
        papers = sum(d.papers for d in fetched)
        parts = [f"{report.new_papers} new paper{'s' if report.new_papers != 1 else ''}"]
        parts.append(f"{papers} papers from {days} day{'s' if days != 1 else ''}")
        summary = ", ".join(parts) + "."
        target = self.locations.user_dumps_dir
        if fetched and not any(target.is_relative_to(r) for r in self.library.roots):
            summary += f" They are saved in {target}, which this session does not read: " \
                       "restart paper-reader to see them."  # fmt: skip
        if report.error:
            return f"{summary} Fetch failed: {report.error}", True
        return summary, False

    def on_fetch_finished(self, message: FetchFinished) -> None:
        if message.reopen_inbox:
            self.open_inbox(restore=self.current_id)
        self.notify(message.summary, title="Fetch", markup=False,
                    severity="error" if message.error else "information",
                    timeout=15 if message.error else 8)  # fmt: skip
