"""One dump file in, `Paper` records out: format detection and per-file warnings, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.ingest import jsonfmt
from reader.ingest.files import DumpFileError, check_regular, read_capped
from reader.ingest.page import PageText
from reader.ingest.pagetext import read_page_text
from reader.ingest.text import NotText, decode, normalise
from reader.model import Paper, Source


@dataclass
class DumpInfo:
    """What reading one dump found: its format, page metadata, paper count and warnings."""

    path: str
    name: str
    format: str = "unknown"
    page_date: str | None = None
    query: str | None = None
    papers: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "name": self.name,
            "format": self.format,
            "page_date": self.page_date,
            "query": self.query,
            "papers": self.papers,
            "warnings": list(self.warnings),
        }


def parse_text(text: str) -> PageText:
    """Parse decoded page text of any supported text layout (FORMATS.md sections 0-9)."""
    return read_page_text(normalise(text))


def iter_dump(path: Path, info: DumpInfo | None = None) -> Iterator[Paper]:
    """Yield the papers of one dump; problems go to `info.warnings`, never raise.

    JSON Lines (the arXiv snapshot) is streamed with bounded memory; other formats are
    read whole, under the size cap.
    """
    path = Path(path)
    if info is None:
        info = DumpInfo(path=str(path), name=path.name)
    try:
        check_regular(path)
        kind = jsonfmt.sniff(path)
        if kind == "jsonl":
            info.format = "arxiv-jsonl"
            yield from _with_source(jsonfmt.iter_jsonl(path, info.warnings), info)
            return
        data = read_capped(path)
        if kind == "json":
            page = jsonfmt.parse_json_bytes(data)
        else:
            text, warnings = decode(data)
            info.warnings.extend(warnings)
            page = parse_text(text)
    except (DumpFileError, NotText) as exc:
        info.warnings.append(str(exc))
        return
    except MemoryError:
        info.warnings.append("too large to read into memory")
        return
    info.format = page.format
    info.page_date = page.page_date
    info.query = page.query
    info.warnings.extend(page.warnings)
    if not page.papers and not any("no papers" in w for w in info.warnings):
        info.warnings.append("no papers found")
    yield from _with_source(iter(page.papers), info)


def _with_source(papers: Iterator[Paper], info: DumpInfo) -> Iterator[Paper]:
    source = Source(name=info.name, path=info.path, page_date=info.page_date)
    seen: dict[str, Paper] = {}
    for paper in papers:
        paper.sources = [source]
        if paper.id in seen and info.format != "arxiv-jsonl":
            continue
        seen[paper.id] = paper
        info.papers += 1
        yield paper


def read_dump(path: Path) -> tuple[list[Paper], DumpInfo]:
    """Read a whole dump into memory: (papers, info)."""
    path = Path(path)
    info = DumpInfo(path=str(path), name=path.name)
    papers = list(iter_dump(path, info))
    return papers, info
