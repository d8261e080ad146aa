"""Merging several dumps' records of one paper into the record the user sees."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from reader.ingest.months import month_number
from reader.model import Paper, Source

_PAGE_DATE = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:, (\d{4}))?$")


def merge_records(records: Sequence[Paper]) -> Paper:
    """One paper from its records in dump order.

    The first record names the paper; the longest abstract wins (a full abstract beats an
    AI summary); other fields are filled from the first record that has them; sources are
    the union in dump order; upvotes and comments take the largest count seen.
    """
    first = records[0]
    merged = Paper.from_dict(first.to_dict())
    if len(records) == 1:
        return merged
    sources: dict[str, Source] = {s.name: s for s in merged.sources}
    for rec in records[1:]:
        for source in rec.sources:
            sources.setdefault(source.name, source)
        if len(rec.abstract) > len(merged.abstract):
            merged.abstract = rec.abstract
        for name in ("arxiv_id", "url", "organization", "published", "submitter", "summary",
                     "github", "github_stars"):  # fmt: skip
            if getattr(merged, name) in (None, "") and getattr(rec, name) not in (None, ""):
                setattr(merged, name, getattr(rec, name))
        if not merged.authors and rec.authors:
            merged.authors = list(rec.authors)
        if not merged.categories and rec.categories:
            merged.categories = list(rec.categories)
        for name in ("upvotes", "comments"):
            value = getattr(rec, name)
            if value is not None and (
                getattr(merged, name) is None or value > getattr(merged, name)
            ):
                setattr(merged, name, value)
    merged.sources = list(sources.values())
    return merged


def page_date_iso(page_date: str | None, mtime_ns: int | None = None) -> str | None:
    """'Mar 14' -> 'YYYY-03-14', the year taken from the dump file's mtime (else this year)."""
    if not page_date:
        return None
    match = _PAGE_DATE.match(page_date.strip())
    if not match:
        return None
    month = month_number(match.group(1))
    if month is None:
        return None
    if match.group(3):
        year = int(match.group(3))
    elif mtime_ns:
        year = datetime.fromtimestamp(mtime_ns / 1e9, tz=UTC).year
    else:
        year = datetime.now(tz=UTC).year
    return f"{year:04d}-{month:02d}-{int(match.group(2)):02d}"


def date_key(paper: Paper, mtimes: Mapping[str, int] | None = None) -> str:
    """Sort key for "newest first": the publication date, else the first page date, else ''.

    A page date has no year; it is taken from the dump's mtime (`mtimes` by source path).
    """
    if paper.published:
        return paper.published
    for source in paper.sources:
        iso = page_date_iso(source.page_date, (mtimes or {}).get(source.path))
        if iso:
            return iso
    return ""
