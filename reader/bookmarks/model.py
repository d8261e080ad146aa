"""The `Bookmark` record and the rules for its text: tags, notes, timestamps.

Everything that enters a bookmark (from the app, the command line, an import or a
hand-edited file) passes through these functions, so the store only ever holds clean,
normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from reader.ingest.text import clean_field as _clean_field
from reader.ingest.text import strip_controls
from reader.model import Paper, Source

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# Lone surrogates (e.g. undecodable bytes in argv) cannot be written as UTF-8.
_SURROGATES = re.compile("[\ud800-\udfff]")
# More combining marks in a row than `strip_controls` keeps.
_LONG_COMBINING = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{5}"
)
_ARXIV_PREFIX = re.compile(r"^(?:arxiv:|https?://(?:www\.)?arxiv\.org/abs/)", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$", re.IGNORECASE)


class BookmarkError(Exception):
    """A bookmark operation failed; the message is one line, fit to show to the user."""


@dataclass
class Bookmark:
    """One bookmarked paper: a snapshot of the paper plus the user's tags and note.

    The snapshot keeps the bookmark readable after its dump is deleted or edited.
    Treat instances handed out by the store as read-only: the store replaces, never mutates.
    """

    paper_id: str
    paper: Paper
    tags: list[str] = field(default_factory=list)
    note: str = ""
    added: str = ""
    updated: str = ""

    @property
    def title(self) -> str:
        return self.paper.title


def _line_is_clean(line: str) -> bool:
    """Cheap C-level checks: True only if cleaning cannot change this line.

    `isprintable()` is False for every character cleaning removes or rewrites (C0/C1,
    ESC, bidi and zero-width formats, surrogates, tabs, odd spaces), so only long
    combining runs and (for fields) NFC remain to check.
    """
    return (
        line.isprintable()
        and line == line.rstrip()
        and (line.isascii() or not _LONG_COMBINING.search(line))
    )


def clean_field(value: object) -> str:
    """A single-line text (title, tag, id): `reader.ingest.text.clean_field`, UTF-8 safe."""
    if value is None:
        return ""
    text = str(value)
    if (
        _line_is_clean(text)
        and text == text.lstrip()
        and "  " not in text
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
    ):
        return text  # fast path: loading a large file re-checks every text
    return _clean_field(_SURROGATES.sub("\ufffd", text))


def format_time(moment: datetime) -> str:
    """ISO 8601, UTC, whole seconds, e.g. `2026-11-22T07:49:18Z`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def now_iso() -> str:
    return format_time(datetime.now(UTC))


def normalise_time(value: object) -> str:
    """A timestamp from a file in our format; raises `ValueError` if it is not one."""
    if not isinstance(value, str):
        raise ValueError(f"timestamp must be a string, got {type(value).__name__}")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 timestamp: {text[:40]!r}") from None
    return format_time(moment)


def normalise_tags(tags: Iterable[str] | str) -> list[str]:
    """Tags cleaned (controls stripped, spaces collapsed), case kept, no empties or duplicates."""
    if isinstance(tags, str):
        tags = [tags]
    result: list[str] = []
    for raw in tags:
        tag = clean_field(raw)
        if tag and tag not in result:
            result.append(tag)
    return result


def clean_note(note: object) -> str:
    """A note: controls stripped, line ends made LF (newlines kept), outer blank space trimmed."""
    if note is None:
        return ""
    text = str(note)
    if text == text.strip() and all(_line_is_clean(line) for line in text.split("\n")):
        return text
    text = _SURROGATES.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = strip_controls(text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def arxiv_key(value: str | None) -> str:
    """An arXiv id reduced for comparison: no `arXiv:` prefix, no version, lower case."""
    if not value:
        return ""
    text = _ARXIV_PREFIX.sub("", value.strip())
    return _ARXIV_VERSION.sub("", text).lower()


_TEXT_FIELDS = ("arxiv_id", "url", "organization", "published", "submitter", "github")
_INT_FIELDS = ("upvotes", "comments", "github_stars")


def clean_paper(paper: Paper) -> Paper:
    """A copy of `paper` with every text field cleaned (snapshots may come from untrusted files)."""
    changes: dict[str, object] = {
        "id": clean_field(paper.id),
        "title": clean_field(paper.title),
        "abstract": clean_note(paper.abstract),
        "summary": clean_note(paper.summary) or None if paper.summary is not None else None,
        "authors": [a for a in (clean_field(x) for x in paper.authors) if a],
        "categories": [c for c in (clean_field(x) for x in paper.categories) if c],
        "sources": [
            Source(
                name=clean_field(s.name),
                path=clean_field(s.path),
                page_date=clean_field(s.page_date) or None,
            )
            for s in paper.sources
        ],
    }
    for name in _TEXT_FIELDS:
        value = getattr(paper, name)
        changes[name] = clean_field(value) or None if value is not None else None
    return replace(paper, **changes)  # type: ignore[arg-type]


def paper_from_data(data: object) -> Paper:
    """A `Paper` from a JSON object, type-checked field by field; raises `ValueError`."""
    if not isinstance(data, dict):
        raise ValueError("paper snapshot is not an object")
    pid = data.get("id")
    if not isinstance(pid, str) or not clean_field(pid):
        raise ValueError("paper snapshot has no id")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise ValueError(f"paper {pid}: title is not a string")
    for name in ("abstract", "summary", *_TEXT_FIELDS):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValueError(f"paper {pid}: {name} is not a string")
    for name in _INT_FIELDS:
        value = data.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"paper {pid}: {name} is not an integer")
    for name in ("authors", "categories"):
        value = data.get(name)
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(x, str) for x in value)
        ):
            raise ValueError(f"paper {pid}: {name} is not a list of strings")
    sources = data.get("sources") or []
    if not isinstance(sources, list):
        raise ValueError(f"paper {pid}: sources is not a list")
    for source in sources:
        if not isinstance(source, dict) or not isinstance(source.get("name", ""), str):
            raise ValueError(f"paper {pid}: a source is not an object with a name")
        for key in ("path", "page_date"):
            if source.get(key) is not None and not isinstance(source[key], str):
                raise ValueError(f"paper {pid}: source {key} is not a string")
    clean = dict(data)
    clean["abstract"] = data.get("abstract") or ""
    clean["sources"] = sources
    return clean_paper(Paper.from_dict(clean))
