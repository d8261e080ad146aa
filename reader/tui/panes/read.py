"""The read pane: one paper's title, metadata, tags and note, abstract and AI summary.

Everything from a dump or a bookmark is shown as plain `Content` with highlight spans
added by position, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from reader.bookmarks import Bookmark
from reader.model import Paper

Highlighter = Callable[[str, str], list[tuple[int, int]]]
MATCH_STYLE = "bold underline $text-warning"


def highlighted(text: str, spans: list[tuple[int, int]], base: str = "") -> Content:
    """`text` as plain content with `spans` styled as matches."""
    content = Content(text)
    if base:
        content = content.stylize(base)
    for start, end in spans:
        content = content.stylize(MATCH_STYLE, start, end)
    return content


def metadata_line(paper: Paper) -> str:
    """Sources and page dates, arXiv id and URL, upvotes, authors, dates, comments, GitHub."""
    parts: list[str] = []
    sources = [s.name + (f" ({s.page_date})" if s.page_date else "") for s in paper.sources]
    if sources:
        parts.append("from " + ", ".join(sources))
    if paper.arxiv_id:
        parts.append(f"arXiv {paper.arxiv_id}")
    if paper.url or paper.arxiv_id:
        parts.append(paper.link)
    if paper.upvotes is not None:
        parts.append(f"▲ {paper.upvotes}")
    if paper.authors:
        shown = ", ".join(paper.authors[:6]) + (" et al." if len(paper.authors) > 6 else "")
        parts.append(shown)
    if paper.organization:
        parts.append(paper.organization)
    if paper.published:
        parts.append(f"published {paper.published}")
    if paper.categories:
        parts.append(" ".join(paper.categories))
    if paper.comments is not None:
        parts.append(f"{paper.comments} comments")
    if paper.github:
        stars = f" ★{paper.github_stars}" if paper.github_stars is not None else ""
        parts.append(f"GitHub {paper.github}{stars}")
    return " · ".join(parts)


class ReadPane(VerticalScroll, can_focus=True):
    """Scrollable view of the current paper."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="read.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="read.up"),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.paper_id: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="read-title", markup=False)
        yield Static("", id="read-meta", markup=False)
        yield Static("", id="read-user", markup=False)
        yield Static("", id="read-abstract", markup=False)
        yield Static("", id="read-summary", markup=False)

    def _set(self, widget_id: str, content: Content | str) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        if not str(content) and not widget.display:
            return  # hidden and staying hidden: no layout pass
        widget.update(content if isinstance(content, Content) else Content(content))
        widget.display = bool(str(content))

    def show_message(self, text: str) -> None:
        """No paper: a plain message instead."""
        self.paper_id = None
        for name in ("meta", "user", "abstract", "summary"):
            self._set(f"read-{name}", "")
        self._set("read-title", Content(text).stylize("dim"))

    def show_paper(
        self, paper: Paper, bookmark: Bookmark | None, highlight: Highlighter | None = None
    ) -> None:
        """Show `paper`; `highlight(text, field)` gives the spans of query terms."""
        spans = highlight or (lambda text, field: [])
        if paper.id != self.paper_id:
            self.scroll_home(animate=False)
        self.paper_id = paper.id
        self._set("read-title", highlighted(paper.title, spans(paper.title, "title"), "bold"))
        self._set("read-meta", metadata_line(paper))
        self.show_bookmark(bookmark)
        abstract = paper.abstract or "(no abstract in the dump)"
        self._set("read-abstract", highlighted(abstract, spans(abstract, "abstract")))
        if paper.summary:
            summary = Content.assemble(
                ("AI summary: ", "bold"),
                highlighted(paper.summary, spans(paper.summary, "abstract")),
            )
            self._set("read-summary", summary)
        else:
            self._set("read-summary", "")

    def show_bookmark(self, bookmark: Bookmark | None) -> None:
        """The tags and note line (empty when the paper is not bookmarked)."""
        if bookmark is None:
            self._set("read-user", "")
            return
        parts: list[Content] = [Content.styled("★ bookmarked", "$text-warning")]
        if bookmark.added:
            parts.append(Content(f" {bookmark.added[:10]}").stylize("dim"))
        if bookmark.tags:
            parts.append(Content("  tags: ").stylize("bold"))
            parts.append(Content(", ".join(bookmark.tags)))
        if bookmark.note:
            parts.append(Content("\nnote: ").stylize("bold"))
            parts.append(Content(bookmark.note))
        self._set("read-user", Content.assemble(*parts))
