"""Baseline reader for the two sample-dump layouts (FORMATS.md section 0).

Layout A: one record per line; layout B: one record per paragraph. After the HF header
(whose last line may be glued to the first title, "SubscribePyTorch ..."), titles and
abstracts strictly alternate.
"""

from __future__ import annotations

import re

from reader.ingest.identity import paper_id
from reader.ingest.page import PageText
from reader.ingest.text import clean_field
from reader.model import Paper

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
PAGE_DATE = re.compile(rf"^(?:{MONTHS})[a-z]* \d{{1,2}}$")
_HEADER_LINES = {
    "new",
    "get trending papers in your email inbox once a day!",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "trending papers",
}
_BYLINE = re.compile(r"^by\s*\S*\s*AK\b.*research community$", re.IGNORECASE)


def blocks_of(text: str) -> tuple[list[str], str]:
    """Split normalised text into records: paragraphs if there are blank lines, else lines."""
    if re.search(r"\n[ ]*\n", text):
        paragraphs = re.split(r"\n[ ]*\n+", text)
        blocks = [" ".join(p.split()) for p in paragraphs]
        return [b for b in blocks if b], "hf-text-paragraphs"
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()], "hf-text-lines"


def parse_alternating(text: str) -> PageText:
    """Read a text-only HF listing: header dropped, then title/abstract pairs."""
    blocks, fmt = blocks_of(text)
    result = PageText(format=fmt)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        low = block.casefold()
        if low in _HEADER_LINES or _BYLINE.match(block):
            i += 1
            continue
        if PAGE_DATE.match(block):
            result.page_date = block
            i += 1
            continue
        if block.startswith("Subscribe") and len(block) > len("Subscribe"):
            blocks[i] = block[len("Subscribe") :].lstrip()
        break
    body = blocks[i:]
    for j in range(0, len(body), 2):
        title = clean_field(body[j])
        abstract = clean_field(body[j + 1]) if j + 1 < len(body) else ""
        if not title:
            continue
        if j + 1 >= len(body):
            result.warnings.append(f"last title has no abstract: {title[:60]!r}")
        result.papers.append(Paper(id=paper_id(title), title=title, abstract=abstract))
    return result
