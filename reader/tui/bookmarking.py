"""The bookmarks in the app: loading them, writing changes in order, tags and notes, and
picking up changes made by another paper-reader.

`BookmarkController` is composed into `PaperReaderApp`, which routes the bookmark keys and
messages to it. Changes are written by workers, in order (`reader.tui.bookmark_writes`),
and flushed at exit; failures become notifications.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.diagnostics import unexpected
from reader.errors import failure_message, is_expected
from reader.model import Paper
from reader.tui.bookmark_writes import BookmarkWrites, Change, Describe
from reader.tui.messages import BookmarksLoaded, BookmarksReloaded, BookmarksWritten
from reader.tui.workers import in_thread

if TYPE_CHECKING:
    from reader.tui.app import PaperReaderApp


class BookmarkController:
    """The bookmark store as the app shows and changes it."""

    def __init__(self, app: PaperReaderApp) -> None:
        self.app = app
        self.store = app.store
        #: The bookmarked ids, as last drawn (the list's markers).
        self.ids: frozenset[str] = frozenset()
        self.writes = BookmarkWrites(app.post_message)

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> None:
        """Read the bookmarks file in a worker (a corrupt one is recovered under the
        cross-process lock)."""
        in_thread(self.app, self._load, "bookmark-load")

    def _load(self) -> None:
        try:
            self.store.load()
            problem = self.store.problem
        except Exception as exc:
            if not is_expected(exc):
                unexpected("loading the bookmarks", exc)
            problem = failure_message("bookmarks", exc)
        self.app.post_message(BookmarksLoaded(problem))

    def loaded(self, message: BookmarksLoaded, start_tags: list[str] | None) -> None:
        if message.problem:
            self.app.notify(message.problem, title="Bookmarks", severity="error", markup=False,
                            timeout=15)  # fmt: skip
        self.refresh(tags=start_tags)

    def refresh(self, tags: list[str] | None = None) -> None:
        """Markers, the bookmarks pane, tag counts and the read pane after a change; `tags`
        are ticked in the filter pane (the start's, once the bookmarks are read)."""
        app, store = self.app, self.store
        self.ids = store.ids()
        app.results.list.invalidate()
        app.bookmarks_pane.show(store.all(), keep=app.bookmarks_pane.current_id)
        fp = app.filter_pane
        if tags is None:
            tags = app.ui_state.tags if not app.ready else fp.tags
        fp.set_tags(store.tag_counts(), tags)
        if app.paper is not None:
            app.read_pane.show_bookmark(store.get(app.paper.id))
        if app.ready and (fp.bookmarked_only or fp.tags):
            app.schedule_search()

    def poll(self) -> None:
        """Pick up bookmarks changed by another paper-reader (CLI or a second app)."""
        in_thread(self.app, self._poll, "bookmark-poll", exclusive=True)

    def _poll(self) -> None:
        try:
            changed = self.store.reload_if_changed()
        except Exception as exc:
            self.app.notify(failure_message("bookmarks", exc), severity="error", markup=False)
            return
        if changed:
            self.app.post_message(BookmarksReloaded())

    # -- changes ---------------------------------------------------------------------------
    def write(self, change: Change, describe: Describe = lambda _result: None) -> None:
        """Save a change to the bookmarks in a worker, after every change made before it."""
        self.writes.submit_change(change, describe)
        in_thread(self.app, self.writes.drain, "bookmark-writes")

    def written(self, message: BookmarksWritten) -> None:
        if message.error is not None:
            self.app.notify(message.error, title="Bookmarks", severity="error", markup=False)
            return
        self.refresh()
        if message.note:
            self.app.notify(message.note, timeout=2)

    def toggle(self) -> None:
        store = self.store

        def toggle(paper: Paper) -> None:
            self.write(
                lambda: store.toggle(paper),
                lambda added: "Bookmarked" if added else "Bookmark removed",
            )

        self.app.actions.with_current_paper(toggle)

    def edit_tags(self) -> None:
        self.app.actions.with_current_paper(self._edit_tags)

    def _edit_tags(self, paper: Paper) -> None:
        from reader.tui.screens.edit import EditTagsScreen  # loaded when first asked for

        store = self.store
        bookmark = store.get(paper.id)

        def done(tags: object) -> None:
            if isinstance(tags, list):
                self.write(
                    lambda: (
                        store.add(paper, tags=tags)
                        if store.get(paper.id) is None
                        else store.set_tags(paper.id, tags)
                    )
                )

        self.app.push_screen(EditTagsScreen(paper.title, bookmark.tags if bookmark else []), done)

    def edit_note(self) -> None:
        self.app.actions.with_current_paper(self._edit_note)

    def _edit_note(self, paper: Paper) -> None:
        from reader.tui.screens.edit import EditNoteScreen  # loaded when first asked for

        store = self.store
        bookmark = store.get(paper.id)

        def done(note: object) -> None:
            if isinstance(note, str):
                self.write(
                    lambda: (
                        store.add(paper, note=note)
                        if store.get(paper.id) is None
                        else store.set_note(paper.id, note)
                    )
                )

        self.app.push_screen(EditNoteScreen(paper.title, bookmark.note if bookmark else ""), done)
