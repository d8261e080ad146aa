"""JSON dumps: the HF daily-papers/search API arrays and the arXiv metadata snapshot (JSON Lines)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reader.ingest.identity import paper_id
from reader.ingest.page import PageText
from reader.ingest.text import clean_field
from reader.model import Paper


def sniff(path: Path) -> str:
    """'json', 'jsonl' or 'text', from the first bytes of the file (not its name)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except OSError:
        return "text"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        first = stripped.split(b"\n", 1)[0]
        try:
            json.loads(first)
        except ValueError:
            return "json"
        return "jsonl"
    return "text"


def parse_json_bytes(data: bytes) -> PageText:
    """Parse an HF API response (an array of items, or one paper object)."""
    page = PageText(format="hf-api-json")
    try:
        doc = json.loads(data.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        page.warnings.append(f"invalid JSON: {exc}")
        return page
    items = doc if isinstance(doc, list) else [doc]
    for item in items:
        if not isinstance(item, dict):
            continue
        inner = item.get("paper") if isinstance(item.get("paper"), dict) else item
        title = clean_field(inner.get("title") or item.get("title"))
        if not title:
            continue
        abstract = clean_field(inner.get("summary") or item.get("summary"))
        arxiv = clean_field(inner.get("id")) or None
        page.papers.append(
            Paper(
                id=paper_id(title),
                title=title,
                abstract=abstract,
                arxiv_id=arxiv,
                url=f"https://huggingface.co/papers/{arxiv}" if arxiv else None,
            )
        )
    return page


def iter_jsonl(path: Path, warnings: list[str]) -> Iterator[Paper]:
    """Stream arXiv snapshot records, one line at a time."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                rec: Any = json.loads(raw)
            except ValueError:
                warnings.append(f"line {number}: invalid JSON")
                continue
            if not isinstance(rec, dict):
                continue
            title = clean_field(rec.get("title"))
            if title:
                yield Paper(id=paper_id(title), title=title, abstract=clean_field(rec.get("abstract")))
