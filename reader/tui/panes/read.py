"""The read pane: one paper's title, metadata, tags and note, abstract and AI summary.

Everything from a dump or a bookmark is shown as plain `Content` with highlight spans
added by position, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget

from reader.bookmarks import Bookmark
from reader.model import Paper
from reader.tui.keys import READ_KEYS, bindings

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


#: The read pane's parts, top to bottom, each with the component class it is drawn in.
PARTS: tuple[tuple[str, str], ...] = (
    ("title", ""),
    ("meta", "read-body--meta"),
    ("user", "read-body--user"),
    ("abstract", ""),
    ("summary", "read-body--summary"),
)


class ReadBody(Widget):
    """The paper's parts drawn as one text, a blank line between them (none under the
    title). The parts' colours are component styles looked up as it draws, so a theme
    change recolours them."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "read-body--meta",
        "read-body--user",
        "read-body--summary",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.parts: dict[str, Content] = {name: Content() for name, _ in PARTS}

    def render(self) -> Content:
        pieces: list[Content] = []
        for name, component in PARTS:
            content = self.parts[name]
            if not content.plain:
                continue
            if pieces:
                pieces.append(Content("\n" if name == "meta" else "\n\n"))
            if component:
                content = content.stylize_before(self.get_visual_style(component, partial=True))
            pieces.append(content)
        return Content.assemble(*pieces)


class ReadPane(VerticalScroll, can_focus=True):
    """Scrollable view of the current paper. One widget draws it all, not one per part: a
    paper change lays out and draws one text, and the app starts with four widgets fewer."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(READ_KEYS)

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.paper_id: str | None = None

    def compose(self) -> ComposeResult:
        yield ReadBody(id="read-body")

    def part(self, name: str) -> str:
        """The plain text of one part (`title`, `meta`, `user`, `abstract`, `summary`)."""
        return self.query_one(ReadBody).parts[name].plain

    def _show(self, **parts: Content | str) -> None:
        """Replace these parts and draw the whole text again."""
        body = self.query_one(ReadBody)
        for name, content in parts.items():
            body.parts[name] = content if isinstance(content, Content) else Content(content)
        body.refresh(layout=True)

    def show_message(self, text: str) -> None:
        """No paper: a plain message instead."""
        self.paper_id = None
        self._show(title=Content(text).stylize("dim"), meta="", user="", abstract="", summary="")

    def show_paper(
        self, paper: Paper, bookmark: Bookmark | None, highlight: Highlighter | None = None
    ) -> None:
        """Show `paper`; `highlight(text, field)` gives the spans of query terms."""
        spans = highlight or (lambda text, field: [])
        if paper.id != self.paper_id:
            self.scroll_home(animate=False)
        self.paper_id = paper.id
        abstract = paper.abstract or "(no abstract in the dump)"
        summary: Content | str = ""
        if paper.summary:
            summary = Content.assemble(
                ("AI summary: ", "bold"),
                highlighted(paper.summary, spans(paper.summary, "abstract")),
            )
        self._show(
            title=highlighted(paper.title, spans(paper.title, "title"), "bold"),
            meta=metadata_line(paper),
            user=self._bookmark_line(bookmark),
            abstract=highlighted(abstract, spans(abstract, "abstract")),
            summary=summary,
        )

    def show_bookmark(self, bookmark: Bookmark | None) -> None:
        """The tags and note line (empty when the paper is not bookmarked)."""
        self._show(user=self._bookmark_line(bookmark))

    @staticmethod
    def _bookmark_line(bookmark: Bookmark | None) -> Content:
        if bookmark is None:
            return Content()
        parts: list[Content] = [Content.styled("★ bookmarked", "$text-warning")]
        if bookmark.added:
            parts.append(Content(f" {bookmark.added[:10]}").stylize("dim"))
        if bookmark.tags:
            parts.append(Content("  tags: ").stylize("bold"))
            parts.append(Content(", ".join(bookmark.tags)))
        if bookmark.note:
            parts.append(Content("\nnote: ").stylize("bold"))
            parts.append(Content(bookmark.note))
        return Content.assemble(*parts)
