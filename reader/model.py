"""The `Paper` record shared by ingestion, the index, bookmarks and the UI.

Pure data: no I/O, no Textual, no Whoosh. Every text field has already been
cleaned of terminal control characters by ingestion.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Source:
    """One dump file a paper appears in, with that dump's page date (e.g. "Mar 14")."""

    name: str
    path: str = ""
    page_date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "page_date": self.page_date}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(
            name=str(data.get("name", "")),
            path=str(data.get("path", "") or ""),
            page_date=data.get("page_date") or None,
        )


@dataclass(slots=True)
class Paper:
    """One paper. `id` derives from the normalised title (see `reader.ingest.identity`)."""

    id: str
    title: str
    abstract: str = ""
    sources: list[Source] = field(default_factory=list)
    arxiv_id: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    organization: str | None = None
    #: Publication date as ISO `YYYY-MM-DD` (or `YYYY-MM` / `YYYY`) when known.
    published: str | None = None
    upvotes: int | None = None
    comments: int | None = None
    submitter: str | None = None
    #: One-sentence AI summary (HF `ai_summary`) when the page showed one.
    summary: str | None = None
    github: str | None = None
    github_stars: int | None = None
    #: arXiv categories, primary first (e.g. ["cs.CL", "cs.LG"]).
    categories: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = [s.to_dict() for s in self.sources]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        kwargs["sources"] = [
            s if isinstance(s, Source) else Source.from_dict(s) for s in data.get("sources", [])
        ]
        kwargs["authors"] = list(data.get("authors") or [])
        kwargs["categories"] = list(data.get("categories") or [])
        return cls(**kwargs)

    @property
    def source_names(self) -> list[str]:
        return [s.name for s in self.sources]

    @property
    def link(self) -> str:
        """The best page for this paper: its HF/arXiv page, else an HF papers search for the title."""
        if self.url:
            return self.url
        if self.arxiv_id:
            return f"https://huggingface.co/papers/{self.arxiv_id}"
        from urllib.parse import quote_plus

        return f"https://huggingface.co/papers?q={quote_plus(self.title)}"
