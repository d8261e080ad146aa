"""The bookmarks pane: bookmarked papers, newest first, with tags, a note preview and the date added."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
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
    """A title line and a two-line-per-row `PaperList` of bookmarks."""

    def compose(self) -> ComposeResult:
        yield Static("", id="bookmarks-title", classes="pane-title", markup=False)
        yield PaperList(lines_per_row=2, id="bookmark-list")

    @property
    def list(self) -> PaperList:
        return self.query_one("#bookmark-list", PaperList)

    def show(self, bookmarks: Sequence[Bookmark], keep: str | None = None) -> None:
        """Show `bookmarks` (newest first), keeping the cursor on `keep` when listed."""
        rows = {b.paper_id: bookmark_row(b) for b in bookmarks}

        def fetch(ids: Sequence[str]) -> list[ListRow]:
            return [rows[i] for i in ids if i in rows]

        count = len(bookmarks)
        title = f"Bookmarks · {count}" if count else "Bookmarks"
        self.query_one("#bookmarks-title", Static).update(Content(title))
        paper_list = self.list
        paper_list.empty_text = "No bookmarks yet: press b on a paper to bookmark it."
        paper_list.set_ids(list(rows), keep=keep, fetch=fetch, fallback=paper_list.cursor)
