"""The result of reading one dump's text, shared by every text and JSON reader."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.model import Paper


@dataclass
class PageText:
    """Papers found in one page's text, plus page metadata and per-file warnings.

    `papers` carry no `sources`; the caller adds the dump file as their source.
    """

    papers: list[Paper] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = "unknown"
    page_date: str | None = None
    query: str | None = None
