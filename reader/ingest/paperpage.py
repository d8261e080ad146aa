"""A single HF paper page (`/papers/<arxiv-id>`, FORMATS.md section 5): one paper.

Title after `arxiv:<id>` / `Copy markdown`, then `Published on`, an optional submitter,
upvotes, `Authors:` (one name per line, `,` lines between), `Abstract` with the AI
summary (labelled `AI-generated summary`, before or after it) and the full abstract,
whose keyword-split fragments are rejoined. Comments and everything after are ignored,
so papers recommended in comments never become records.
"""

from __future__ import annotations

import re

from reader.ingest.chrome import is_header_text
from reader.ingest.fragments import ends_sentence, is_one_sentence, join_fragments
from reader.ingest.identity import find_arxiv_id, paper_id
from reader.ingest.metadata import DATE, Unit, iso_date
from reader.ingest.page import PageText
from reader.ingest.text import clean_field
from reader.model import Paper

_PAPER_URL = re.compile(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/papers/\d{4}\.\d{4,5}")
_ARXIV_LINE = re.compile(r"^arxiv:\s*(\S+)$", re.IGNORECASE)
_PAPER_OF_DAY = re.compile(r"^#?\d+ Paper of the (?:day|week|month)$", re.IGNORECASE)
_UPVOTE = re.compile(r"^(?:Upvote\s*(\d+)?|\+\d+)$")
_AUTHORS_HEAD = re.compile(r"^Authors?\s*:\s*(.*)$")
_SUMMARY_LABEL = "ai-generated summary"
_CITE = re.compile(r"^Cite arxiv\.org/abs/(\S+) in a (?:model|dataset|Space) README")
_PAGE_SECTIONS = (
    "Get this paper in your agent", "Models citing this paper", "Datasets citing this paper",
    "Spaces citing this paper", "Collections including this paper",
)  # fmt: skip
_SECTION_END = (
    "view arxiv page", "view pdf", "add to collection", "community", "get this paper in your agent",
    "models citing this paper", "datasets citing this paper", "spaces citing this paper",
    "collections including this paper", "edit preview", "sign up or log in to comment",
)  # fmt: skip


def looks_like_paper_page(
    units: list[Unit], page_title: str | None = None, page_url: str | None = None
) -> bool:
    """A paper page has `Copy markdown` or `arxiv:<id>`, and an `Abstract` or `Authors:` line.

    A capture wrapper that names a paper page (`Page Title: Paper page - …`, or a
    `/papers/<id>` URL) stands in for the anchor: some tools drop the lines above the title.
    """
    texts = [u.text for u in units]
    anchor = any(
        t == "Copy markdown" or _ARXIV_LINE.match(t) or t.startswith("Paper page - ") for t in texts
    ) or _wrapper_names_paper_page(page_title, page_url)
    body = any(t in ("Abstract", "Authors:") for t in texts)
    if not anchor and body:  # a copy that starts at the title: the page's own sections
        anchor = "Abstract" in texts and any(
            t.startswith(_PAGE_SECTIONS) or _CITE.match(t) for t in texts
        )
    listing = any(t.startswith("Get trending papers in your email inbox") for t in texts)
    return anchor and body and not listing


def _wrapper_names_paper_page(page_title: str | None, page_url: str | None) -> bool:
    if page_title and page_title.startswith("Paper page - "):
        return True
    return bool(page_url and _PAPER_URL.match(page_url))


def parse_paper_page(
    units: list[Unit],
    year: int | None,
    page_url: str | None = None,
    page_title: str | None = None,
) -> PageText:
    result = PageText(format="hf-paper-page")
    texts = [u.text for u in units]
    arxiv_id = next((find_arxiv_id(t) for t in texts if _ARXIV_LINE.match(t)), None)
    if arxiv_id is None:  # `Cite arxiv.org/abs/<id> in a model README.md …` names the paper
        arxiv_id = next((find_arxiv_id(t) for t in texts if _CITE.match(t)), None)
    if arxiv_id is None and page_url:
        arxiv_id = find_arxiv_id(page_url)
    start = _index(texts, lambda t: t == "Copy markdown")
    if start is None:
        start = _index(texts, lambda t: bool(_ARXIV_LINE.match(t)))
    title_parts: list[str] = []
    if start is None:  # no `arxiv:` line: the title comes from the `Paper page - ` line
        i = next((k for k, u in enumerate(units) if _is_after_title(u)), len(units))
    else:
        i = start + 1
        while i < len(units) and not _is_after_title(units[i]):
            if units[i].text and units[i].kind != "url":
                title_parts.append(units[i].text)
            i += 1
    title = clean_field(join_fragments(title_parts))
    if not title:
        title = _title_from_page_line(texts)
    if not title and start is None:
        title = _title_before(units, i, page_title)
    paper = Paper(id=paper_id(title) if title else "", title=title, arxiv_id=arxiv_id)
    authors: list[str] = []
    abstract_start: int | None = None
    want_submitter = False
    while i < len(units):
        text = units[i].text.lstrip("·• ")
        low = text.casefold()
        if want_submitter and text:
            paper.submitter, want_submitter = clean_field(text), False
        elif text.startswith("Submitted by"):
            rest = text[len("Submitted by") :].strip()
            paper.submitter = clean_field(rest) or None
            want_submitter = not rest
        elif DATE.match(text):
            if text.startswith("Published") or (
                paper.published is None and not text.startswith("on ")
            ):
                paper.published = iso_date(text, year, arxiv_id)
        elif _UPVOTE.match(text) and paper.upvotes is None:
            match = _UPVOTE.match(text)
            count = match.group(1) if match else None
            paper.upvotes = int(count) if count else int(text[1:]) if text.startswith("+") else None
        elif _AUTHORS_HEAD.match(text):
            inline = _AUTHORS_HEAD.match(text)
            i = _read_authors(units, i + 1, authors, inline.group(1) if inline else "")
            continue
        elif low == "abstract":
            abstract_start = i + 1
            break
        i += 1
    paper.authors = authors
    if abstract_start is not None:
        summary, abstract = _abstract(units, abstract_start)
        paper.summary = summary or None
        paper.abstract = abstract or summary
    if paper.arxiv_id:
        paper.url = f"https://huggingface.co/papers/{paper.arxiv_id}"
    if not paper.title:
        result.warnings.append("paper page without a title")
        return result
    if not paper.abstract:
        result.warnings.append(f"paper page without an abstract: {paper.title[:60]!r}")
    result.papers.append(paper)
    return result


def _index(texts: list[str], test: object) -> int | None:
    for i, text in enumerate(texts):
        if callable(test) and test(text):
            return i
    return None


def _is_after_title(unit: Unit) -> bool:
    text = unit.text
    return bool(
        DATE.match(text)
        or text.lstrip("·• ").startswith("Submitted by")
        or _UPVOTE.match(text)
        or _AUTHORS_HEAD.match(text)
        or _PAPER_OF_DAY.match(text)
        or text == "Abstract"
    )


def _title_before(units: list[Unit], end: int, page_title: str | None) -> str:
    """No anchor line: the last heading before the metadata, else the wrapper's page title."""
    for unit in reversed(units[:end]):
        if unit.heading and unit.text and unit.kind == "text":
            return clean_field(unit.text)
    parts: list[str] = []  # plain text: the (at most two, wrapped) lines just before
    for unit in reversed(units[:end]):
        if unit.kind != "text" or not unit.text or is_header_text(unit.text) or len(parts) == 2:
            break
        parts.insert(0, unit.text)
    if parts and (len(parts) == 1 or parts[1][:1].islower()):
        return clean_field(" ".join(parts))
    if parts:
        return clean_field(parts[-1])
    if page_title and page_title.startswith("Paper page - "):
        return clean_field(page_title[len("Paper page - ") :])
    return ""


def _title_from_page_line(texts: list[str]) -> str:
    for i, text in enumerate(texts):
        if text.startswith("Paper page - "):
            parts = [text[len("Paper page - ") :]]
            nxt = texts[i + 1] if i + 1 < len(texts) else ""
            if nxt and nxt[:1].islower():
                parts.append(nxt)
            return clean_field(" ".join(parts))
    return ""


def _read_authors(units: list[Unit], i: int, authors: list[str], inline: str) -> int:
    """Names after `Authors:` up to `Abstract`; `,` lines and `+N`/`·` bits skipped."""
    pieces = [inline] if inline else []
    while i < len(units) and units[i].text != "Abstract" and not _is_after_title(units[i]):
        pieces.append(units[i].text)
        i += 1
    for piece in pieces:
        for name in re.split(r"\s*,\s*|\s+and\s+", piece):
            name = clean_field(name.strip(" ·•"))
            if name and not re.fullmatch(r"\+?\d+|[,·•-]", name) and name not in authors:
                authors.append(name)
    return i


def _abstract(units: list[Unit], start: int) -> tuple[str, str]:
    """(AI summary, full abstract) from the units after `Abstract`."""
    parts: list[str] = []
    label_at: int | None = None
    for unit in units[start:]:
        low = unit.text.casefold().rstrip(":")
        if any(low.startswith(end) for end in _SECTION_END):
            break
        if low == _SUMMARY_LABEL:
            label_at = len(parts)
            continue
        if unit.text and unit.kind != "url":
            parts.append(unit.text)
    if label_at is None:
        if (
            len(parts) >= 2
            and ends_sentence(parts[0])
            and is_one_sentence(parts[0])
            and len(join_fragments(parts[1:])) > len(parts[0])
        ):  # an unlabelled AI summary: one sentence paragraph before the abstract
            return clean_field(parts[0]), join_fragments(parts[1:])
        return "", join_fragments(parts)
    if label_at == 0:  # label before the sentence: the first paragraph is the summary
        return clean_field(parts[0]) if parts else "", join_fragments(parts[1:])
    return clean_field(join_fragments(parts[:label_at])), join_fragments(parts[label_at:])
