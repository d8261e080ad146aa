"""The bookmarks pane: bookmarked papers, newest first, with tags, a note preview and the date added."""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from reader.bookmarks import Bookmark
from reader.tui.widgets import ListRow, PaperList


def bookmark_row(bookmark: Bookmark) -> ListRow:
    """Two lines: marker, title and date added; then tags and the first line of the note."""
    tags = " ".join(f"#{t}" for t in bookmark.tags)
    note = " ".join(bookmark.note.split())
    if len(note) > 120:
        note = note[:119] + "…"
    detail = " · ".join(p for p in (tags, note) if p) or "(no tags or note)"
    return ListRow(
        id=bookmark.paper_id,
        title=bookmark.paper.title,
        meta=bookmark.added[:10],
        marker="★",
        detail=detail,
    )


class BookmarksPane(Vertical):
    """Bookmarked papers, newest first: a title line and a two-line-per-row `PaperList`.

    Both are mounted the first time they are needed (`reveal`, as the pane is first shown):
    most sessions start on the results, so the app's start does not mount and style a
    hidden list. Until then `show` keeps the bookmarks for it.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, ListRow] = {}
        self._title: Static | None = None
        self._list: PaperList | None = None

    @property
    def list(self) -> PaperList:
        """The bookmarks' list (mounted by this if the pane was never shown)."""
        return self.reveal()

    def reveal(self) -> PaperList:
        """Mount and fill the title and the list, the first time; the list."""
        if self._list is None:
            self._title = Static("", id="bookmarks-title", classes="pane-title", markup=False)
            self._list = PaperList(lines_per_row=2, id="bookmark-list")
            self._list.empty_text = "No bookmarks yet: press b on a paper to bookmark it."
            self.mount(self._title, self._list)
            self._fill(None)
        return self._list

    @property
    def current_id(self) -> str | None:
        """The bookmark under the cursor (None before the list was first shown)."""
        return self._list.current_id if self._list is not None else None

    def show(self, bookmarks: Sequence[Bookmark], keep: str | None = None) -> None:
        """Show `bookmarks` (newest first), keeping the cursor on `keep` when listed."""
        self._rows = {b.paper_id: bookmark_row(b) for b in bookmarks}
        if self._list is not None:
            self._fill(keep)

    def _fill(self, keep: str | None) -> None:
        rows = self._rows

        def fetch(ids: Sequence[str]) -> list[ListRow]:
            return [rows[i] for i in ids if i in rows]

        if self._title is None or self._list is None:
            return
        count = len(rows)
        self._title.update(Content(f"Bookmarks · {count}" if count else "Bookmarks"))
        self._list.set_ids(list(rows), keep=keep, fetch=fetch, fallback=self._list.cursor)
