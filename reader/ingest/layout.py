"""Strict title/abstract alternation: the fallback for text-only copies (docs/formats.md, "Text-only copies").

Layout A has one record per line, layout B one per paragraph. Once the header is gone,
titles and abstracts strictly alternate; a trailing title without an abstract is kept
with a warning.
"""

from __future__ import annotations

from reader.ingest.identity import paper_id
from reader.ingest.page import PageText
from reader.ingest.text import clean_field
from reader.model import Paper


def alternate(blocks: list[str], result: PageText) -> None:
    """Append title/abstract pairs from text blocks (header already removed) to `result`."""
    blocks = [b for b in (clean_field(b) for b in blocks) if b]
    for j in range(0, len(blocks), 2):
        title = blocks[j]
        abstract = blocks[j + 1] if j + 1 < len(blocks) else ""
        if j + 1 >= len(blocks):
            result.warnings.append(f"last title has no abstract: {title[:60]!r}")
        result.papers.append(Paper(id=paper_id(title), title=title, abstract=abstract))
