"""HF listing records: daily, search, week/month and trending pages.

See docs/formats.md, "Listings with metadata".

Metadata units mark record boundaries: an upvote marker, a `Submitted by`, a heading or a
thumbnail link to another paper starts a record; text after a record's trailing metadata
(authors, `·`, date, comments, GitHub) starts the next one. Within a record the first
text is the title and the rest is the abstract. Adjacent duplicate cards are merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.ingest.fragments import ends_sentence, is_one_sentence, join_fragments
from reader.ingest.identity import find_arxiv_id, paper_id
from reader.ingest.metadata import Unit, iso_date, paper_url, url_kind
from reader.ingest.text import clean_field
from reader.model import Paper

RECORD_KINDS = {"upvote", "upvote_word", "authors", "sep", "date", "comments", "submitted", "github",
                "arxiv_page", "org"}  # fmt: skip


@dataclass
class Record:
    """One paper's pieces while its units are read."""

    title: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    started: bool = False  # opened by a marker (upvote, submitter, heading, thumbnail)
    post: bool = False  # trailing metadata seen: the next text starts a new record
    heading: bool = False
    has_upvote: bool = False
    url: str | None = None
    arxiv_id: str | None = None
    upvotes: int | None = None
    organization: str | None = None
    published: str | None = None
    comments: int | None = None
    submitter: str | None = None
    github: str | None = None
    github_stars: int | None = None

    def set_link(self, url: str | None) -> None:
        if not url:
            return
        kind = url_kind(url)
        if kind in ("paper", "community"):
            self.url = self.url or paper_url(url)
            self.arxiv_id = self.arxiv_id or find_arxiv_id(paper_url(url))
        elif kind in ("login", "arxiv"):
            self.arxiv_id = self.arxiv_id or find_arxiv_id(url)

    def other_paper(self, url: str | None) -> bool:
        """True when `url` points at a different paper than this record's."""
        if not url or url_kind(url) not in ("paper", "login", "community"):
            return False
        other = find_arxiv_id(paper_url(url) if url_kind(url) != "login" else url)
        return bool(self.arxiv_id and other and other != self.arxiv_id)


def has_record_markers(units: list[Unit]) -> bool:
    """Whether metadata lines exist to mark records (else strict alternation is the fallback)."""
    return any(u.kind in RECORD_KINDS or u.heading or url_kind(u.url) == "paper" for u in units)


def is_trending(units: list[Unit]) -> bool:
    return any(u.kind in ("submitted", "upvote_word", "github", "arxiv_page") for u in units)


def read_records(units: list[Unit]) -> list[Record]:
    """Group tagged units into records."""
    records: list[Record] = []
    cur = Record()
    want_submitter = False

    def new() -> Record:
        if cur.title or cur.body:
            records.append(cur)
        return Record(started=True)

    for i, unit in enumerate(units):
        kind = unit.kind
        nxt = units[i + 1] if i + 1 < len(units) else None
        if want_submitter and kind in ("text", "org") and not unit.heading and " " not in unit.text:
            cur.submitter, want_submitter = unit.text[:80], False
            continue
        want_submitter = False
        if kind in ("empty", "dash"):
            continue
        if kind == "url":
            if cur.title and cur.other_paper(unit.url):
                cur = new()
            if url_kind(unit.url) == "github" and cur.title:
                cur.github = cur.github or unit.url
            cur.set_link(unit.url)
            continue
        if kind == "number":
            if cur.title and not cur.post:
                kind = "text"
            elif (
                cur.title
                and cur.published
                and cur.comments is None
                and nxt is not None
                and (nxt.kind in ("number", "upvote", "dash"))
            ):
                cur.comments = unit.number
                continue
            else:
                kind = "upvote"
        if kind == "upvote":
            if cur.title or cur.has_upvote or cur.other_paper(unit.url):
                cur = new()
            cur.started, cur.has_upvote, cur.upvotes = True, True, unit.number
            cur.set_link(unit.url)
            continue
        if kind == "upvote_word":
            if cur.has_upvote or cur.other_paper(unit.url) or not cur.title:
                cur = new() if cur.title else cur
            cur.has_upvote, cur.upvotes, cur.started = True, unit.number, True
            cur.post = cur.post or bool(cur.title)
            cur.set_link(unit.url)
            continue
        if kind == "submitted":
            if cur.title:
                cur = new()
            cur.started = True
            if unit.value:
                cur.submitter = unit.value
            else:
                want_submitter = True
            continue
        if (
            kind in ("authors", "sep", "date", "comments", "github", "arxiv_page", "org")
            and cur.title
        ):
            _trailing(cur, unit)
            continue
        if kind != "text" and kind != "org":
            continue  # trailing metadata with no title before it: a fragment, nothing to keep
        if cur.title and (unit.heading or cur.post or cur.other_paper(unit.url)):
            cur = new()
        if not cur.title:
            cur.title, cur.heading = [unit.text], unit.heading
            cur.started = cur.started or unit.heading
        else:
            cur.body.append(unit.text)
        cur.set_link(unit.url)
    if cur.title or cur.body:
        records.append(cur)
    return records


def _trailing(cur: Record, unit: Unit) -> None:
    if unit.kind in ("sep", "date") and not cur.post and cur.organization is None:
        _org_from_body(cur, unit)
    cur.post = True
    if unit.kind == "org":
        cur.organization = cur.organization or clean_field(unit.text)
    elif unit.kind == "date":
        cur.published = cur.published or unit.text
    elif unit.kind == "comments":
        cur.comments = unit.number
    elif unit.kind == "github":
        cur.github = cur.github or unit.url
        cur.github_stars = unit.number if cur.github_stars is None else cur.github_stars
    elif unit.kind == "arxiv_page" and unit.url:
        cur.arxiv_id = cur.arxiv_id or find_arxiv_id(unit.url)
    if unit.url and unit.kind in ("authors", "comments"):
        cur.set_link(unit.url)


def _org_from_body(cur: Record, unit: Unit) -> None:
    """A plain-text copy loses the org link: a short last line before `·` is the organisation."""
    if unit.kind == "date" and not unit.text.startswith(("·", "•")):
        return
    if len(cur.body) < 2:
        return
    last = cur.body[-1]
    if len(last) <= 60 and not ends_sentence(last) and not last.endswith((",", ":", ";")):
        cur.organization = clean_field(cur.body.pop())


def to_papers(
    records: list[Record], year: int | None, trending: bool, warnings: list[str]
) -> list[Paper]:
    """Records to papers: fields cleaned, dates made ISO, adjacent duplicates merged."""
    papers: list[Paper] = []
    for rec in records:
        title = clean_field(join_fragments(rec.title))
        abstract = clean_field(join_fragments(rec.body))
        if not title:
            continue
        summary = None
        if trending and abstract and is_one_sentence(abstract):
            summary = abstract
        paper = Paper(
            id=paper_id(title), title=title, abstract=abstract, arxiv_id=rec.arxiv_id, url=rec.url,
            organization=rec.organization, upvotes=rec.upvotes, comments=rec.comments,
            published=iso_date(rec.published, year, rec.arxiv_id) if rec.published else None,
            submitter=clean_field(rec.submitter) or None, summary=summary, github=rec.github,
            github_stars=rec.github_stars,
        )  # fmt: skip
        if papers and _same(papers[-1], paper):
            _fill(papers[-1], paper)
            continue
        papers.append(paper)
    for paper in papers:
        if not paper.abstract:
            warnings.append(f"paper without abstract: {paper.title[:60]!r}")
    return papers


def _same(a: Paper, b: Paper) -> bool:
    return a.id == b.id or bool(a.arxiv_id and a.arxiv_id == b.arxiv_id and a.title == b.title)


def _fill(first: Paper, second: Paper) -> None:
    """Keep the first copy's metadata; fill its gaps from the second."""
    for name in ("abstract", "arxiv_id", "url", "organization", "published", "upvotes", "comments",
                 "submitter", "summary", "github", "github_stars"):  # fmt: skip
        if getattr(first, name) in (None, "") and getattr(second, name) not in (None, ""):
            setattr(first, name, getattr(second, name))
