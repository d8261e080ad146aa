"""arXiv list pages (`/list/<cat>/recent`, `/new`; docs/formats.md section 3).

Each entry: `[n]` / `arXiv:<id>` / `[pdf, html, other]` / `Title:` (title on the same or
the next line) / authors / optional `Comments:`, `Journal-ref:` / `Subjects:`; on `/new`
pages the abstract follows. `/recent` entries have no abstract and still give papers.
"""

from __future__ import annotations

import re

from reader.ingest.fragments import join_fragments
from reader.ingest.identity import paper_id
from reader.ingest.metadata import Unit
from reader.ingest.page import PageText
from reader.ingest.text import clean_field
from reader.model import Paper

_ID = re.compile(
    r"^(?:\[\d+\]\s*)?arXiv:\s*(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b(.*)$"
)
_FIELD = re.compile(
    r"^(Title|Authors?|Comments|Journal-ref|Subjects|DOI|Report-no|MSC-class|ACM-class)\s*:\s*(.*)$"
)
_CATEGORY = re.compile(r"\(([a-z\-]+(?:\.[A-Za-z\-]+)?)\)")
_SKIP = re.compile(
    r"^(?:\[\d+\]|\[(?:pdf|html|other|ps|src)(?:,\s*(?:pdf|html|other|ps|src))*\]|pdf|html|other|,)$",
    re.IGNORECASE,
)
_GROUP = re.compile(
    r"^(?:(?:New|Cross|Replacement) submissions\b|Showing new listings\b|Total of \d+ entries"
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*, \d{1,2} [A-Z][a-z]+ \d{4}\b)|\(showing [^()]*entries\s*\)$"
)
_MIN_ABSTRACT = 100


def looks_like_arxiv_listing(units: list[Unit]) -> bool:
    ids = sum(1 for u in units if _ID.match(u.text))
    titles = sum(1 for u in units if u.text.startswith("Title:"))
    return ids >= 1 and titles >= 1


def parse_arxiv_listing(units: list[Unit]) -> PageText:
    result = PageText(format="arxiv-listing")
    entries: list[list[Unit]] = []
    for unit in units:
        if _ID.match(unit.text):
            entries.append([unit])
        elif entries:
            entries[-1].append(unit)
    for entry in entries:
        paper = _entry(entry)
        if paper is None:
            result.warnings.append(f"arXiv entry without a title: {entry[0].text[:40]!r}")
        else:
            result.papers.append(paper)
    return result


def _entry(units: list[Unit]) -> Paper | None:
    head = _ID.match(units[0].text)
    arxiv_id = head.group(1) if head else None
    fields: dict[str, list[str]] = {}
    current: str | None = None
    after_subjects: list[str] = []
    linked = False  # author names are links (Markdown copy): one name per unit, no title wrap
    for unit in units[1:]:
        text = unit.text
        if not text or _SKIP.match(text) or _GROUP.search(text) or unit.kind == "url":
            continue
        match = _FIELD.match(text)
        if match:
            current = match.group(1).rstrip("s") if match.group(1) == "Authors" else match.group(1)
            fields.setdefault(current, [])
            if match.group(2):
                fields[current].append(match.group(2))
            continue
        if current == "Subjects" and fields.get("Subjects"):
            after_subjects.append(text)
        elif current == "Title" and fields.get("Title"):
            fields.setdefault("Author", []).append(text)
            current = "Author"
            linked = linked or unit.url is not None
        elif current is not None:
            fields[current].append(text)
            linked = linked or (current == "Author" and unit.url is not None)
    title_parts = list(fields.get("Title", []))
    author_parts = list(fields.get("Author", []))
    # A title wrapped over two lines: its tail has no comma and is not the last (author) line.
    while not linked and len(author_parts) > 1 and "," not in author_parts[0] and title_parts:
        title_parts.append(author_parts.pop(0))
    fields["Author"] = author_parts
    title = clean_field(join_fragments(title_parts))
    if not title:
        return None
    authors: list[str] = []
    for piece in fields.get("Author", []):
        for name in re.split(r"\s*,\s*|\s+and\s+", piece):
            name = clean_field(name)
            if name and name not in authors:
                authors.append(name)
    categories = _CATEGORY.findall(" ".join(fields.get("Subjects", [])))
    abstract = clean_field(join_fragments(after_subjects))
    if len(abstract) < _MIN_ABSTRACT:
        abstract = ""  # page footers and group headers, not an abstract
    return Paper(
        id=paper_id(title), title=title, abstract=abstract, arxiv_id=arxiv_id,
        url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
        authors=authors, categories=list(dict.fromkeys(categories)),
    )  # fmt: skip
