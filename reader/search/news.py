"""News and archives: which dumps feed the inbox, and in what order.

Page dumps (HF page text, HF daily-papers JSON, arXiv listings) are news. The arXiv
metadata snapshot, and any dump with more than `ARCHIVE_PAPERS` papers, is an archive:
searchable, never in the inbox. The inbox shows the newest dump first (its page date,
else the file's modification date), then each dump's papers in page order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime

from reader.ingest.merge import page_date_iso
from reader.search.activity import paused
from reader.search.types import SourceInfo

#: A dump with more papers than this is an archive (config can pass another threshold).
ARCHIVE_PAPERS = 2000
#: Formats that are archives whatever their size: the arXiv metadata snapshot.
ARCHIVE_FORMATS = frozenset({"arxiv-json", "arxiv-jsonl"})
#: Ids put in inbox order between two calls of `inbox_order`'s pause.
PAUSE_IDS = 8_192


def is_archive(source: SourceInfo, archive_papers: int = ARCHIVE_PAPERS) -> bool:
    """True for the arXiv snapshot and for any dump with more than `archive_papers` papers."""
    return source.format in ARCHIVE_FORMATS or source.papers > archive_papers


def dump_date(source: SourceInfo) -> str:
    """The dump's date, ISO: its page date (the year from the file's mtime), else its mtime."""
    iso = page_date_iso(source.page_date, source.mtime_ns or None)
    if iso:
        return iso
    if source.mtime_ns:
        return datetime.fromtimestamp(source.mtime_ns / 1e9, tz=UTC).strftime("%Y-%m-%d")
    return ""


def news_sources(
    sources: Iterable[SourceInfo], archive_papers: int = ARCHIVE_PAPERS
) -> list[SourceInfo]:
    """The news dumps, newest first (dump date, then mtime, then name, all descending)."""
    news = [s for s in sources if not is_archive(s, archive_papers) and s.papers > 0]
    return sorted(news, key=lambda s: (dump_date(s), s.mtime_ns, s.name), reverse=True)


def inbox_order(
    sources: Sequence[SourceInfo],
    ids_by_path: Mapping[str, Sequence[str]],
    pause: Callable[[], None] | None = None,
) -> list[str]:
    """Every news paper once, in inbox order: `sources` as given, each in page order.
    `pause()` is called after every `PAUSE_IDS` ids (a million at most: the library's
    gives the CPU to searches typed meanwhile)."""
    seen: dict[str, None] = {}
    for source in sources:
        for chunk in paused(ids_by_path.get(source.path, ()), PAUSE_IDS, pause):
            for pid in chunk:
                seen.setdefault(pid, None)
    return list(seen)
