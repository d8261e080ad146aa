"""One JSON record to one `Paper`: HF API items/paper objects and arXiv snapshot records.

Lenient by design: a field of the wrong type (a string where a list belongs, a null, a
float id) is skipped, never raised on. Every text value goes through `clean_field`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

from reader.ingest.identity import paper_id
from reader.ingest.months import month_number
from reader.ingest.text import clean_field
from reader.model import Paper

_HF_KEYS = ("summary", "upvotes", "publishedAt", "ai_summary", "numComments", "discussionId",
            "submittedOnDailyAt", "submittedBy", "githubRepo")  # fmt: skip
_ARXIV_KEYS = ("abstract", "versions", "update_date", "authors_parsed", "categories",
               "journal-ref", "report-no")  # fmt: skip
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,63}$")
_VERSION = re.compile(r"v\d+$")
_MAX_COUNT = 2**53
_RFC2822 = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\b")


def record_kind(rec: Mapping[str, Any]) -> str | None:
    """'hf' for an HF item or paper object, 'arxiv' for a snapshot record, else None."""
    if isinstance(rec.get("paper"), dict) or any(k in rec for k in _HF_KEYS):
        return "hf"
    if any(k in rec for k in _ARXIV_KEYS):
        return "arxiv"
    if "title" in rec:
        return "hf"
    return None


def text_of(value: object) -> str:
    """A string value cleaned to one line; anything that is not a string gives ""."""
    return clean_field(value) if isinstance(value, str) else ""


def count_of(value: object) -> int | None:
    """A non-negative count from an int, an integral float or a digit string; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= _MAX_COUNT else None
    if isinstance(value, float):
        ok = math.isfinite(value) and value.is_integer() and 0 <= value <= _MAX_COUNT
        return int(value) if ok else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip()
        return int(digits) if len(digits) <= 15 else None
    return None


def iso_date(value: object) -> str | None:
    """`YYYY-MM-DD` from an ISO date or timestamp string ("2026-02-26T17:08:18.000Z")."""
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def rfc2822_date(value: object) -> str | None:
    """`YYYY-MM-DD` from an RFC 2822 date ("Sat, 31 Mar 2007 02:26:18 GMT")."""
    if not isinstance(value, str) or len(value) > 100:
        return None
    match = _RFC2822.match(value)
    month = month_number(match[2]) if match else None
    if match and month is not None:
        try:
            return date(int(match[3]), month, int(match[1])).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def ident_of(value: object) -> str | None:
    """An arXiv-style id from a string (never a number: 0704.0002 is not 704.0002)."""
    if not isinstance(value, str):
        return None
    ident = clean_field(value)
    if not _ID.match(ident):
        return None
    return _VERSION.sub("", ident) if re.search(r"\d", ident) else None


def _name_of(value: object, *keys: str) -> str:
    """A name from a string, or from the first string key of an object."""
    if isinstance(value, str):
        return clean_field(value)
    if isinstance(value, dict):
        for key in keys:
            name = text_of(value.get(key))
            if name:
                return name
    return ""


# ---------------------------------------------------------------- Hugging Face


def hf_paper(item: Mapping[str, Any]) -> tuple[Paper | None, str]:
    """A paper from an HF daily-papers/search item or a bare paper object, or (None, reason)."""
    inner: Mapping[str, Any] = item["paper"] if isinstance(item.get("paper"), dict) else item

    def pick(key: str) -> Any:
        value = inner.get(key)
        return value if value is not None else item.get(key)

    title = text_of(pick("title"))
    if not title:
        return None, "no title"
    arxiv_id = ident_of(inner.get("id")) or ident_of(item.get("id"))
    comments = None
    for source in (item, inner):
        for key in ("numComments", "num_comments"):
            if comments is None:
                comments = count_of(source.get(key))
    github = text_of(pick("githubRepo"))
    submitter = _name_of(item.get("submittedBy"), "name", "fullname") or _name_of(
        pick("submittedOnDailyBy"), "name", "fullname"
    )
    organization = _name_of(inner.get("organization"), "fullname", "name") or _name_of(
        item.get("organization"), "fullname", "name"
    )
    paper = Paper(
        id=paper_id(title),
        title=title,
        abstract=text_of(pick("summary")) or text_of(pick("abstract")),
        arxiv_id=arxiv_id,
        url=f"https://huggingface.co/papers/{quote(arxiv_id, safe='/.-')}" if arxiv_id else None,
        authors=_hf_authors(pick("authors")),
        organization=organization or None,
        published=iso_date(inner.get("publishedAt")) or iso_date(item.get("publishedAt")),
        upvotes=count_of(pick("upvotes")),
        comments=comments,
        submitter=submitter or None,
        summary=text_of(pick("ai_summary")) or None,
        github=github if github.startswith(("https://", "http://")) else None,
        github_stars=count_of(pick("githubStars")),
    )
    return paper, ""


def _hf_authors(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    names: list[str] = []
    for author in value:
        if isinstance(author, dict):
            if author.get("hidden") is True:
                continue
            name = text_of(author.get("name"))
        else:
            name = text_of(author)
        if name:
            names.append(name)
    return names


# ---------------------------------------------------------------- arXiv snapshot


def arxiv_paper(rec: Mapping[str, Any]) -> tuple[Paper | None, str]:
    """A paper from one arXiv metadata snapshot record, or (None, reason)."""
    title = text_of(rec.get("title"))
    if not title:
        return None, "no title"
    arxiv_id = ident_of(rec.get("id"))
    categories = rec.get("categories")
    versions = rec.get("versions")
    first = versions[0] if isinstance(versions, list) and versions else None
    published = rfc2822_date(first.get("created")) if isinstance(first, dict) else None
    authors = _parsed_authors(rec.get("authors_parsed"))
    if not authors and isinstance(rec.get("authors"), str):
        authors = split_authors(rec["authors"])
    paper = Paper(
        id=paper_id(title),
        title=title,
        abstract=text_of(rec.get("abstract")),
        arxiv_id=arxiv_id,
        url=f"https://arxiv.org/abs/{quote(arxiv_id, safe='/.-')}" if arxiv_id else None,
        authors=authors,
        published=published or iso_date(rec.get("update_date")),
        submitter=text_of(rec.get("submitter")) or None,
        categories=[c for c in clean_field(categories).split()]
        if isinstance(categories, str)
        else [],
    )
    return paper, ""


def _parsed_authors(value: object) -> list[str]:
    """Names from `authors_parsed` ([last, first, suffix, ...] lists) as "First Last Suffix"."""
    if not isinstance(value, list):
        return []
    names: list[str] = []
    for entry in value:
        if isinstance(entry, str):
            parts = [entry]
        elif isinstance(entry, list):
            strings = [p if isinstance(p, str) else "" for p in entry[:3]]
            last, first, suffix = [*strings, "", "", ""][:3]
            parts = [first, last, suffix]
        else:
            continue
        name = clean_field(delatex(" ".join(p for p in parts if p)))
        if name:
            names.append(name)
    return names


_PARENS = re.compile(r"\([^()]*\)")
_AND = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+", re.IGNORECASE)


def split_authors(value: str) -> list[str]:
    """Names from arXiv's free-text authors string ("A, B and C (MIT)")."""
    text = value[:100_000]
    for _ in range(3):
        text = _PARENS.sub(" ", text)
    names = (clean_field(delatex(part)) for part in _AND.split(text))
    return [n for n in names if n and n.casefold() not in ("and", "et al", "et al.")]


_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306",
            "H": "\u030b", "r": "\u030a", "k": "\u0328"}  # fmt: skip
_SYMBOLS = {"ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "aa": "å", "AA": "Å",
            "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "i": "ı", "j": "ȷ"}  # fmt: skip
_ACCENT = re.compile(
    r"\\([`'^\"~=.])\s*\{?\s*\\?([A-Za-z])\}?|\\([cvuHrk])(?:\s*\{\s*\\?([A-Za-z])\}|\s+([A-Za-z]))"
)
_SYMBOL = re.compile(r"\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])\s*")


def delatex(text: str) -> str:
    """Common LaTeX accents and letters in names to Unicode (`Bal\\'azs` -> `Balázs`)."""
    if "\\" not in text and "{" not in text:
        return text

    def accent(match: re.Match[str]) -> str:
        mark = _ACCENTS[match[1] or match[3]]
        base = match[2] or match[4] or match[5] or ""
        base = {"i": "i", "j": "j"}.get(base, base)
        return base + mark

    text = _ACCENT.sub(accent, text)
    text = _SYMBOL.sub(lambda m: _SYMBOLS[m[1]], text)
    text = text.replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", text)
