""" "Fetch today's papers" (ctrl+r, and the command palette): `reader.fetch` in a worker, with
progress in the sync bar, then a sync so the new papers show; errors are notifications.

`FetchController` holds no fetch logic of its own; it shows its progress through the
startup's `SyncController`, whose bar and progress messages it shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.errors import error_message, failure_message, note_unexpected
from reader.tui.messages import FetchFinished, SyncFinished
from reader.tui.startup import SyncStopped
from reader.tui.workers import in_thread

if TYPE_CHECKING:
    from reader.fetch.daily import FetchReport
    from reader.search import SourceInfo
    from reader.tui.app import PaperReaderApp
    from reader.tui.startup import SyncController


class FetchController:
    """The `fetch` action and its worker."""

    def __init__(self, app: PaperReaderApp, sync: SyncController) -> None:
        self.app = app
        self.sync = sync

    def start(self) -> None:
        """Fetch today's (and missed days') papers in the background."""
        app = self.app
        if any(w.group == "fetch" and w.is_running for w in app.workers):
            app.notify("A fetch is already running.", timeout=3)
            return
        self.sync.show_bar("Fetching today's papers…")
        in_thread(app, self._fetch, "fetch", exclusive=True)

    def _fetch(self) -> None:
        from reader.fetch.daily import FetchStopped, count_new, fetch_days, plan, today_utc
        from reader.fetch.http import Client
        from reader.fetch.store import DayStore

        app, progress = self.app, self.sync.post_progress
        worker = get_current_worker()
        store = DayStore(app.locations)
        try:
            days, _notes = plan(store, today_utc(), max_days=app.settings.fetch_days.value)
            report = fetch_days(
                days, store, Client(), app.settings.base_url.value,
                progress=progress, cancelled=lambda: worker.is_cancelled,
            )  # fmt: skip
        except (FetchStopped, SyncStopped):
            return  # the app is closing
        except Exception as exc:
            app.post_message(SyncFinished(None, None, *self._overview()))
            app.post_message(FetchFinished(f"Fetch failed: {error_message(exc)}", error=True))
            return
        sync_report, sync_error = None, None
        if report.fetched and not worker.is_cancelled:
            try:
                sync_report = app.library.sync(progress=progress)
                count_new(app.library, report)
            except SyncStopped:
                return
            except Exception as exc:
                sync_error = failure_message("indexing failed", exc)
        # The sync's end first (the lists, the counts), then the summary, which shows the inbox
        # again when it is open: the sync's new search would otherwise replace it.
        app.post_message(SyncFinished(sync_report, sync_error, *self._overview()))
        summary, failed = self._summary(report)
        app.post_message(FetchFinished(summary, failed, app.inbox_mode and bool(report.fetched)))

    def _overview(self) -> tuple[int, list[SourceInfo], bool]:
        lib = self.app.library
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
        target = self.app.locations.user_dumps_dir
        if fetched and not any(target.is_relative_to(r) for r in self.app.library.roots):
            summary += f" They are saved in {target}, which this session does not read: " \
                       "restart paper-reader to see them."  # fmt: skip
        if report.error:
            return f"{summary} Fetch failed: {report.error}", True
        return summary, False

    def finished(self, message: FetchFinished) -> None:
        app = self.app
        if message.reopen_inbox:
            app.triaging.open_inbox(restore=app.current_id)
        app.notify(message.summary, title="Fetch", markup=False,
                   severity="error" if message.error else "information",
                   timeout=15 if message.error else 8)  # fmt: skip
