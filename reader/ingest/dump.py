"""One dump file in, `Paper` records out: format detection and per-file warnings, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.ingest.files import DumpFileError, max_dump_bytes, open_regular, too_large
from reader.ingest.jsonfmt import (
    SNIFF_BYTES,
    JsonLines,
    numbered_lines,
    parse_json_text,
    sniff_bytes,
    sniff_text,
)
from reader.ingest.page import PageText
from reader.ingest.pagetext import read_page_text
from reader.ingest.text import NotText, binary_kind, clean_field, decode, normalise, strip_controls
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
    """Parse decoded page text of any supported text layout (docs/formats.md sections 2-3)."""
    return read_page_text(normalise(text))


def iter_dump(path: Path, info: DumpInfo | None = None) -> Iterator[Paper]:
    """Yield the papers of one dump; problems go to `info.warnings`, never raise.

    The format is sniffed from the content. JSON Lines (the arXiv snapshot) is streamed
    with bounded memory and no size cap; anything else is read whole, under the cap
    (`PAPER_READER_MAX_DUMP_MB`). Every warning is one line; `info.name` names the file.
    """
    path = Path(path)
    if info is None:
        info = DumpInfo(path=str(path), name=path.name)
    # File names are untrusted text too (controls, undecodable bytes as lone surrogates).
    info.name = clean_field(info.name) or "(unnamed)"
    try:
        yield from _read(path, info)
    except (DumpFileError, NotText) as exc:
        info.warnings.append(str(exc))
    except MemoryError:
        info.warnings.append("too large to read into memory")
    except OSError as exc:
        info.warnings.append(f"read error: {(exc.strerror or str(exc)).lower()}")
    except Exception as exc:  # a reader bug must cost one file, never the whole run
        info.warnings.append(f"could not read this file ({type(exc).__name__}: {exc})")
    finally:
        info.warnings[:] = [_one_line(w) for w in info.warnings]


def _read(path: Path, info: DumpInfo) -> Iterator[Paper]:
    handle, st = open_regular(path)
    with handle:
        head = handle.read(SNIFF_BYTES)
        what = binary_kind(head)
        if what:
            raise NotText(f"binary file ({what})")
        if b"\x00" not in head and sniff_bytes(head, path.suffix) == "jsonl":
            handle.seek(0)
            reader = JsonLines(info.warnings)
            info.format = reader.format
            source = Source(name=info.name, path=info.path, page_date=None)
            for paper in reader.read(numbered_lines(handle, max_dump_bytes())):
                info.format = reader.format
                paper.sources = [source]
                info.papers += 1
                yield paper
            info.format = reader.format
            if not info.papers:
                info.warnings.append("no papers found")
            return
        limit = max_dump_bytes()
        if st.st_size > limit:
            raise too_large(st.st_size, limit)
        data = head + handle.read(limit + 1 - len(head))
        if len(data) > limit:
            raise too_large(len(data), limit)
    if not data:
        info.format = "empty"
        info.warnings.append("empty file")
        return
    text, warnings = decode(data)
    del data
    info.warnings.extend(warnings)
    if not text.strip(" \t\r\n\x0b\x0c\x00\ufeff\u00a0"):
        info.format = "empty"
        info.warnings.append("file holds only whitespace")
        return
    if sniff_text(text[:SNIFF_BYTES], path.suffix) == "text":
        page = parse_text(text)
    else:
        page = parse_json_text(text)
    del text
    info.format = page.format
    info.page_date = page.page_date
    info.query = page.query
    info.warnings.extend(page.warnings)
    if not page.papers and not any(w.startswith(_EXPLAINED) for w in info.warnings):
        info.warnings.append("no papers found")
    yield from _with_source(iter(page.papers), info)


_EXPLAINED = ("invalid JSON", "JSON holds no papers", "empty JSON list", "no papers")


def _with_source(papers: Iterator[Paper], info: DumpInfo) -> Iterator[Paper]:
    """Papers of one whole-read dump with their source set, each paper once."""
    source = Source(name=info.name, path=info.path, page_date=info.page_date)
    seen: set[str] = set()
    for paper in papers:
        if paper.id in seen:
            continue
        seen.add(paper.id)
        paper.sources = [source]
        info.papers += 1
        yield paper


def _one_line(text: str) -> str:
    """A warning as one short line (exception texts may hold newlines or be long)."""
    line = " ".join(strip_controls(str(text)).split())
    return line if len(line) <= 300 else line[:299] + "…"


def read_dump(path: Path) -> tuple[list[Paper], DumpInfo]:
    """Read a whole dump into memory: (papers, info)."""
    path = Path(path)
    info = DumpInfo(path=str(path), name=path.name)
    papers = list(iter_dump(path, info))
    return papers, info
