"""Everything around the papers: capture-tool wrappers, site navigation, the HF page header
and page footers (docs/formats.md section 2).

Wrappers are stripped from the raw text (front matter, capture headers, code fences,
HTML anchors); the header and footer are stripped from the tagged units. The page date
and an echoed search query are kept as page metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from reader.ingest.metadata import PAGE_DATE, Unit, url_kind

_FRONT_MATTER = re.compile(r"\A---[ ]*\n((?:[^\n]*\n){0,60}?)---[ ]*(?:\n|\Z)")
_KEY_LINE = re.compile(
    r"^\s*(?:[-*]\s*)?(?:\*\*)?(URL|Title|Captured \(UTC\)|Captured|Source(?: HTML| URL| SHA256)?"
    r"|Generated from|Extraction|Accessed|Year|Page Title|SOURCE-URL|FETCHED|HTTP|Fetched"
    r"|Retrieved|Exported|Date)(?:\*\*)?\s*:(?:\*\*)?\s*(.*)$",
    re.IGNORECASE,
)
_CUT_LINE = re.compile(
    r"^(?:#{1,3}\s*(?:Extracted Text|Fetched Snapshot\b.*|Page Text|Content)|-{8,}|={8,})$"
)
_FENCE = re.compile(r"^\s*(?:```|~~~)[\w-]*\s*$")
_HTML_ONLY = re.compile(r"^\s*(?:<[a-zA-Z/][^<>\n]*>\s*)+$")
_PAGE_TITLE = re.compile(r"^\s*(?:#{1,6}\s*)?(?:Daily|Trending)? ?Papers - Hugging Face\s*$")
_RULE = re.compile(r"^\s*(?:-{3,}|={3,}|\*{3,}|_{3,})\s*$")
_DATE_KEYS = {"retrieved", "exported", "captured (utc)", "captured", "accessed", "fetched", "date"}
_YEAR = re.compile(r"\b((?:19|20)\d{2})-\d{2}-\d{2}")

NAV_WORDS = {
    "hugging face", "models", "datasets", "spaces", "buckets", "buckets new", "docs", "enterprise",
    "pricing", "log in", "sign up", "website", "tasks", "huggingchat", "collections", "languages",
    "organizations", "community", "blog", "posts", "daily papers", "hardware", "learn", "discord",
    "forum", "github", "solutions", "team & enterprise", "hugging face pro", "enterprise support",
    "inference providers", "inference endpoints", "storage buckets", "new", "papers",
}  # fmt: skip
HEADER_WORDS = {
    "get trending papers in your email inbox once a day!",
    "get trending papers in your email inbox!",
    "subscribe", "trending papers", "daily", "weekly", "monthly", "by", "ak",
    "and the research community", "daily papers - hugging face", "trending papers - hugging face",
    "papers - hugging face", "-", "*", "+",
}  # fmt: skip
FOOTER_WORDS = {
    "system theme", "company", "tos", "privacy", "about", "jobs", "careers", "website", "models",
    "datasets", "spaces", "pricing", "docs", "previous", "next", "load more", "[content truncated]",
    "content truncated", "trending papers ranked by github stars activity", "-", "*", "·", "•",
}  # fmt: skip


@dataclass
class Wrapper:
    """What the capture tool said about the page: its URL and the capture year."""

    url: str | None = None
    year: int | None = None
    title: str | None = None
    #: The capture tool cut the page (`[Content truncated]`): the last paper may be cut too.
    truncated: bool = False

    @property
    def query(self) -> str | None:
        if not self.url or "?" not in self.url:
            return None
        try:
            query = urlsplit(self.url).query
        except ValueError:  # not a URL urllib can split ("https://x.y[?"): no search to name
            return None
        values = parse_qs(query).get("q")
        return values[0].strip() or None if values else None


def strip_wrappers(text: str) -> tuple[str, Wrapper]:
    """Remove front matter, capture headers, code fences, anchors and rules."""
    info = Wrapper()
    match = _FRONT_MATTER.match(text)
    if match and all(":" in line or not line.strip() or line.startswith((" ", "-"))
                     for line in match.group(1).splitlines()):  # fmt: skip
        for line in match.group(1).splitlines():
            key, _, value = line.partition(":")
            _note(info, key.strip(), value.strip().strip("\"'"))
        text = text[match.end() :]
    lines = text.split("\n")
    lines = _strip_capture_header(lines, info)
    cut = ("[Content truncated]", "Content truncated", "[truncated]")
    info.truncated = any(line.strip() in cut for line in lines)
    kept = [
        line
        for line in lines
        if not (_FENCE.match(line) or _HTML_ONLY.match(line) or _RULE.match(line))
        and line.strip() not in cut
        and not _PAGE_TITLE.match(line)
    ]
    return "\n".join(kept), info


def _note(info: Wrapper, key: str, value: str) -> None:
    key = key.casefold()
    if key in ("url", "source url", "source-url", "source_url") and value.startswith("http"):
        info.url = info.url or value.split()[0]
    elif key in ("title", "page title"):
        info.title = info.title or value
    elif key in _DATE_KEYS:
        found = _YEAR.search(value)
        if found and info.year is None:
            info.year = int(found.group(1))


def _strong_key(line: str) -> bool:
    match = _KEY_LINE.match(line)
    return match is not None and match.group(1).casefold() not in ("title", "date", "year")


def _strip_capture_header(lines: list[str], info: Wrapper) -> list[str]:
    head = [i for i, line in enumerate(lines[:80]) if line.strip()]
    if not head:
        return lines
    first = lines[head[0]].strip()
    keyed = [i for i in head[:25] if _KEY_LINE.match(lines[i])]
    strong = [i for i in keyed if _strong_key(lines[i])]
    if not strong:  # "Title:" or "Date:" alone is page content (arXiv listings), not a capture
        return lines
    if not (first.startswith("#") or _KEY_LINE.match(first)):
        return lines
    for i in keyed:
        key_match = _KEY_LINE.match(lines[i])
        if key_match:
            _note(info, key_match.group(1), key_match.group(2).strip().strip("`"))
    for i in head[:40]:
        if i > keyed[0] and _CUT_LINE.match(lines[i].strip()):
            return lines[i + 1 :]
    end = head[0]
    for i in head[:25]:
        if i == head[0] or _KEY_LINE.match(lines[i]):
            end = i
        else:
            break
    return lines[end + 1 :]


def is_header_text(text: str) -> bool:
    low = text.casefold().strip()
    if low in NAV_WORDS or low in HEADER_WORDS or low.startswith("paper page - "):
        return True
    return is_byline(text)


def is_byline(text: str) -> bool:
    low = " ".join(text.casefold().split())
    return len(low) < 100 and low.startswith("by") and low.endswith("research community")


@dataclass
class Header:
    """Where the papers start, and the page metadata the header held."""

    start: int = 0
    page_date: str | None = None
    query: str | None = None
    seen: bool = False
    trending: bool = False


def strip_header(units: list[Unit]) -> Header:
    """Skip navigation and the HF header at the start; note page date, query, page kind."""
    header = Header()
    byline = False
    i = 0
    while i < len(units):
        unit = units[i]
        text = unit.text
        low = text.casefold()
        if unit.kind in ("url", "empty") or (
            unit.url and url_kind(unit.url) == "nav" and len(text) < 40
        ):
            i += 1
            continue
        if is_header_text(text) or unit.kind == "dash" or (low == "ak" and unit.kind == "org"):
            header.seen = True
            byline = byline or is_byline(text) or low in ("ak", "by")
            header.trending = header.trending or (low == "trending papers" and unit.heading)
            i += 1
            continue
        if header.seen and text.startswith("Subscribe") and len(text) > len("Subscribe"):
            unit.text = text[len("Subscribe") :].lstrip()
            break
        if header.seen and unit.kind == "date" and PAGE_DATE.match(text):
            header.page_date = text
            i += 1
            break
        if byline and header.query is None and unit.kind in ("text", "number") and not unit.heading:
            nxt = units[i + 1] if i + 1 < len(units) else None
            if nxt is not None and (
                is_header_text(nxt.text) or nxt.kind in ("date", "dash", "url")
            ):
                header.query = text
                i += 1
                continue
        break
    header.start = i
    return header


_REPEATED = {
    "get trending papers in your email inbox once a day!", "get trending papers in your email inbox!",
    "subscribe", "daily papers", "trending papers", "new", "daily", "weekly", "monthly",
}  # fmt: skip


def drop_repeated_headers(units: list[Unit]) -> list[Unit]:
    """Drop a second HF header inside the body (two captures pasted into one file)."""
    out: list[Unit] = []
    dropping = False
    for i, unit in enumerate(units):
        low = unit.text.casefold()
        nxt = units[i + 1].text.casefold() if i + 1 < len(units) else ""
        starts = low.startswith("get trending papers in your email inbox") or (
            low == "new" and nxt.startswith("get trending papers")
        )
        if starts or (
            dropping and (low in _REPEATED or is_byline(unit.text) or low in ("by", "ak"))
        ):
            dropping = True
            continue
        if dropping and unit.kind in ("dash", "url", "empty"):
            continue
        if dropping and unit.kind == "date" and PAGE_DATE.match(unit.text):
            dropping = False
            continue
        dropping = False
        out.append(unit)
    return out


def strip_footer(units: list[Unit]) -> list[Unit]:
    """Drop pagination links, footer menus (even cut mid-word) and end markers."""
    units = [
        u for u in units
        if not (u.url and url_kind(u.url) == "nav" and len(u.text) < 40)
        and u.text.casefold() not in ("previous", "next", "trending papers ranked by github stars activity")
    ]  # fmt: skip
    end = len(units)
    while end > 0:
        unit = units[end - 1]
        low = unit.text.casefold()
        if (
            low in FOOTER_WORDS
            or unit.kind in ("empty", "url", "dash")
            or (
                end == len(units)
                and 2 <= len(low) <= 12
                and any(w.startswith(low) for w in FOOTER_WORDS)
            )
        ):
            end -= 1
        else:
            break
    return units[:end]
