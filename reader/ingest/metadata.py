"""Small classifiers for the metadata pieces of HF Papers page text (docs/formats.md, "Listings with metadata").

Each page-text unit (a line or paragraph, with the URL of its link if it had one) is
tagged by regexes, never by fixed positions: upvotes, author counts, separators, dates,
comment counts, submitters, GitHub links. What is not metadata is text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

from reader.ingest.identity import find_arxiv_id
from reader.ingest.months import MONTH_NAMES, month_number

PAGE_DATE = re.compile(rf"^(?:{MONTH_NAMES})\.? \d{{1,2}}$")
DATE = re.compile(
    rf"^(?:[·•]\s*)?(?:Published on\s+|on\s+)?((?:{MONTH_NAMES}))\.?\s+(\d{{1,2}})(?:,?\s+(\d{{4}}))?$"
)
_UPVOTE_ICON = re.compile(r"^\[-\]\s*(\d+|-)$")
_UPVOTE_WORD = re.compile(r"^Upvote\s*(\d+|-)?$")
_NUMBER = re.compile(r"^\d{1,7}$")
_AUTHORS = re.compile(r"^(\d{1,5}) authors?$")
_GITHUB = re.compile(r"^(?:LINK:\s*)?GitHub\s+(\d+(?:[.,]\d+)?)\s*([kKmM]?)$")
_SUBMITTED = re.compile(r"^(?:[·•]\s*)?Submitted by\b:?\s*(\S*)$")
URL_ONLY = re.compile(r"^<?(https?://\S+?)>?$")
_HF = re.compile(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)(/[^?#\s]*)?(\?[^#\s]*)?(#\S*)?$")
_HF_PATHS = {
    "", "models", "datasets", "spaces", "docs", "enterprise", "pricing", "login", "join", "storage",
    "papers", "blog", "posts", "learn", "tasks", "chat", "collections", "languages", "organizations",
    "huggingchat", "pro", "inference-endpoints", "inference", "support", "settings", "new",
    "front", "avatars", "privacy", "huggingface", "terms-of-service", "jobs", "careers", "brand",
    "notifications",
}  # fmt: skip


@dataclass
class Unit:
    """One piece of page text: its (single-line) text, the URL it linked to, and its tag."""

    text: str
    url: str | None = None
    heading: bool = False
    kind: str = "text"
    number: int | None = None
    value: str | None = None


def url_kind(url: str | None) -> str:
    """What a URL points at: paper, login (upvote), community, org, github, arxiv, nav, other."""
    if not url:
        return ""
    match = _HF.match(url)
    if match:
        path = (match.group(1) or "/").strip("/")
        query = unquote(match.group(2) or "")
        fragment = match.group(3) or ""
        parts = path.split("/") if path else []
        if parts[:1] == ["login"]:
            return "login" if find_arxiv_id(query) else "nav"
        if len(parts) >= 2 and parts[0] == "papers" and find_arxiv_id(parts[1]):
            return "community" if fragment.startswith("#community") else "paper"
        if len(parts) == 1 and parts[0] not in _HF_PATHS:
            return "org"
        return "nav"
    if re.match(r"^https?://(?:www\.)?github\.com/[^/\s]+/[^/\s]+", url):
        return "github"
    if re.match(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/", url):
        return "arxiv"
    return "other"


def parse_count(number: str, suffix: str = "") -> int | None:
    """`843` -> 843, `3.29k` -> 3290, `110k` -> 110000, `1.2m` -> 1200000."""
    try:
        value = float(number.replace(",", "."))
    except ValueError:
        return None
    scale = {"k": 1_000, "m": 1_000_000}.get(suffix.lower(), 1)
    if not suffix and "," in number:
        value = float(number.replace(",", ""))
    return round(value * scale)


def classify(unit: Unit) -> Unit:
    """Tag one unit in place (and return it)."""
    text = unit.text
    ukind = url_kind(unit.url)
    if not text:
        unit.kind = "url" if unit.url else "empty"
        return unit
    if ukind == "community":
        num = re.sub(r"[^\d]", "", text)
        if num:
            unit.kind, unit.number = "comments", int(num)
            return unit
    if ukind == "login" or _UPVOTE_ICON.match(text) or _UPVOTE_WORD.match(text):
        count = _upvote_count(text)
        if count is not False:
            unit.kind = "upvote_word" if text.startswith("Upvote") else "upvote"
            unit.number = count if isinstance(count, int) else None
            return unit
    if text in {"·", "•"}:
        unit.kind = "sep"
        return unit
    match = _AUTHORS.match(text)
    if match:
        unit.kind, unit.number = "authors", int(match.group(1))
        return unit
    if DATE.match(text):
        unit.kind = "date"
        return unit
    match = _GITHUB.match(text)
    if match and ukind in ("github", ""):
        unit.kind, unit.number = "github", parse_count(match.group(1), match.group(2))
        return unit
    if text == "arXiv Page":
        unit.kind = "arxiv_page"
        return unit
    match = _SUBMITTED.match(text)
    if match:
        unit.kind, unit.value = "submitted", match.group(1) or None
        return unit
    if _NUMBER.match(text) and not unit.heading:
        unit.kind, unit.number = "number", int(text)
        return unit
    if text in {"-", "*", "+"}:
        unit.kind = "dash"
        return unit
    if ukind == "org":
        unit.kind = "org"
        return unit
    unit.kind = "text"
    return unit


def _upvote_count(text: str) -> int | bool | None:
    """The count in an upvote marker; None for `-` (no upvotes); False if not an upvote."""
    text = text.strip()
    for pattern in (_UPVOTE_ICON, _UPVOTE_WORD):
        match = pattern.match(text)
        if match:
            value = match.group(1)
            return int(value) if value and value.isdigit() else None
    if text == "-":
        return None
    if _NUMBER.match(text):
        return int(text)
    return False


def iso_date(text: str, default_year: int | None = None, arxiv_id: str | None = None) -> str | None:
    """`Published on Oct 4, 2026` -> `2026-10-04`; no year -> `default_year`, else the year
    of the paper's new-style arXiv id (`2510.04618` -> 2025), else this year."""
    match = DATE.match(text.strip())
    if not match:
        return None
    month = month_number(match.group(1))
    day = int(match.group(2))
    if month is None or not 1 <= day <= 31:
        return None
    year = (
        int(match.group(3))
        if match.group(3)
        else (default_year or _year_from_id(arxiv_id, month) or current_year())
    )
    return f"{year:04d}-{month:02d}-{day:02d}"


def _year_from_id(arxiv_id: str | None, month: int) -> int | None:
    """The year of a year-less date on a paper with id `YYMM.NNNNN`, when the date's month is
    the id's month or the one before (Dec date, Jan id: the year before); else None."""
    found = re.match(r"^(\d{2})(\d{2})\.\d{4,5}$", arxiv_id or "")
    if not found or not 1 <= int(found.group(2)) <= 12:
        return None
    year, id_month = 2000 + int(found.group(1)), int(found.group(2))
    if month == id_month or month == id_month - 1:
        return year
    if month == 12 and id_month == 1:
        return year - 1
    return None


def current_year() -> int:
    return datetime.now(UTC).year


def paper_url(url: str) -> str:
    """A paper URL without its `#community` fragment or query."""
    return re.split(r"[?#]", url, maxsplit=1)[0]
