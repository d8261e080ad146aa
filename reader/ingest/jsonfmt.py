"""JSON dumps: HF API responses and page data (a whole document) and JSON Lines (streamed).

Formats (docs/formats.md sections 4-5): an HF `/api/daily_papers` or search array ("hf-api-json"),
a bare `/api/papers/{id}` object ("hf-paper-json"), a page's `data-props` object
(`{"dailyPapers": [...]}`, "hf-page-json"), arXiv snapshot records as JSON ("arxiv-json")
and the arXiv metadata snapshot as JSON Lines ("arxiv-jsonl", or "hf-api-jsonl" for lines
of HF items). The kind is sniffed from the content, not the file name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from reader.ingest.files import DumpFileError, max_dump_bytes, open_regular
from reader.ingest.jsonrecords import arxiv_paper, hf_paper, record_kind
from reader.ingest.page import PageText
from reader.model import Paper

SNIFF_BYTES = 65536
#: Individual warnings kept per file for bad items or lines; the rest are counted in one line.
MAX_ITEM_WARNINGS = 20
_LIST_KEYS = ("dailyPapers", "papers", "items", "results", "data")
_STRONG_JSON = re.compile(r"^(?:\[\s*[{\]]|\{\s*[\"}])")
_JSON_START = re.compile(r"^[\[{]")


def sniff(path: Path) -> str:
    """'json', 'jsonl' or 'text', from the first bytes of the file (not its name)."""
    try:
        handle, _ = open_regular(path)
        with handle:
            head = handle.read(SNIFF_BYTES)
    except (OSError, DumpFileError):
        return "text"
    return sniff_bytes(head, Path(path).suffix)


def sniff_bytes(head: bytes, suffix: str = "") -> str:
    """The kind of a UTF-8 (or ASCII) file from its first bytes; see `sniff_text`."""
    return sniff_text(head[:SNIFF_BYTES].decode("utf-8", errors="replace"), suffix)


def sniff_text(head: str, suffix: str = "") -> str:
    """'jsonl', 'json' or 'text' from the start of a file's content.

    JSON needs a clear start (`[{`, `[]`, `{"`); a bare `[` or `{` counts only in a file
    named `.json`/`.jsonl` (page text may begin with "[2401.00001] ..."). JSON Lines is
    an object on the first line followed by another line that starts with `{`, or one
    complete object line in a `.jsonl` file.
    """
    text = head.lstrip("\ufeff \t\r\n")
    named_json = suffix.lower() in (".json", ".jsonl")
    if not _STRONG_JSON.match(text) and not (named_json and _JSON_START.match(text)):
        return "text"
    if not text.startswith("{"):
        return "json"
    first, _, rest = text.partition("\n")
    try:
        is_object = isinstance(json.loads(first), dict)
    except ValueError:
        return "json"
    if not is_object:
        return "json"
    following = rest.lstrip(" \t\r\n")
    if following.startswith("{") or (not following and suffix.lower() == ".jsonl"):
        return "jsonl"
    return "json"


# ---------------------------------------------------------------- whole documents


def parse_json_bytes(data: bytes) -> PageText:
    """Parse a whole JSON document from UTF-8 bytes (BOM allowed)."""
    return parse_json_text(data.decode("utf-8-sig", errors="replace"))


def parse_json_text(text: str) -> PageText:
    """Parse a whole JSON document: an HF array/object/page data, or arXiv records.

    Invalid JSON gives no papers and one warning with the reason and position; several
    objects one per line (JSON Lines read under the size cap) are read as such.
    """
    page = PageText(format="hf-api-json")
    text = text.lstrip("\ufeff")
    try:
        doc: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        pasted = _pasted_elements(text) if exc.msg == "Extra data" else None
        if pasted is not None:
            doc = pasted
        elif exc.msg == "Extra data" and text.lstrip().startswith("{"):
            return _parse_lines_in_memory(text)
        else:
            page.format = "json"
            page.warnings.append(
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            )
            return page
    except RecursionError:
        page.format = "json"
        page.warnings.append("invalid JSON: nested too deeply")
        return page
    except ValueError as exc:  # e.g. an integer with too many digits
        page.format = "json"
        page.warnings.append(f"invalid JSON: {_one_line(str(exc))}")
        return page
    items, page.format = _items_of(doc)
    if items is None:
        page.warnings.append(f"JSON holds no papers ({_describe(doc)})")
        return page
    collector = _Collector(page.warnings, "item")
    for index, item in enumerate(items):
        paper, kind = collector.take(index, item)
        if paper is not None:
            if kind == "arxiv" and page.format == "hf-api-json":
                page.format = "arxiv-json"
            page.papers.append(paper)
    collector.finish()
    if not items:
        page.warnings.append("empty JSON list: no papers")
    return page


def _pasted_elements(text: str) -> list[Any] | None:
    """Elements cut out of a JSON array (`{…},` or `{…},\n{…}`, as quoted in notes): a list,
    else None. JSON Lines (no commas between objects) does not parse this way."""
    body = text.strip().rstrip(",").rstrip()
    if not body.startswith("{") or not body.endswith("}"):
        return None
    try:
        doc = json.loads(f"[{body}]")
    except (ValueError, RecursionError):
        return None
    return doc if isinstance(doc, list) else None


def _items_of(doc: Any) -> tuple[list[Any] | None, str]:
    """The list of records in a document and the format name, or (None, "json")."""
    if isinstance(doc, list):
        return doc, "hf-api-json"
    if not isinstance(doc, dict):
        return None, "json"
    for key in _LIST_KEYS:
        if isinstance(doc.get(key), list):
            return doc[key], "hf-page-json" if key == "dailyPapers" else "hf-api-json"
    kind = record_kind(doc)
    if kind == "arxiv":
        return [doc], "arxiv-json"
    if kind == "hf":
        return [doc], "hf-page-json" if isinstance(doc.get("paper"), dict) else "hf-paper-json"
    return None, "json"


def _describe(doc: Any) -> str:
    if isinstance(doc, dict):
        keys = ", ".join(repr(k) for k in list(doc)[:5])
        return f"an object with keys {keys}" if keys else "an empty object"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", type(None): "null"}  # fmt: skip
    return names.get(type(doc), "a value")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


class _Collector:
    """Turns records into papers, keeping the first few skip warnings and counting the rest."""

    def __init__(self, warnings: list[str], what: str) -> None:
        self.warnings = warnings
        self.what = what
        self.skipped = 0

    def skip(self, where: str, reason: str) -> None:
        self.skipped += 1
        if self.skipped <= MAX_ITEM_WARNINGS:
            self.warnings.append(f"{where}: {reason} (skipped)")

    def take(self, index: int, rec: object, where: str = "") -> tuple[Paper | None, str]:
        where = where or f"{self.what} {index}"
        if not isinstance(rec, Mapping):
            self.skip(where, f"not an object but {_describe(rec)}")
            return None, ""
        kind = record_kind(rec) or "hf"
        try:
            paper, reason = arxiv_paper(rec) if kind == "arxiv" else hf_paper(rec)
        except RecursionError:
            paper, reason = None, "nested too deeply"
        if paper is None:
            self.skip(where, reason)
        return paper, kind

    def finish(self) -> None:
        extra = self.skipped - MAX_ITEM_WARNINGS
        if extra > 0:
            noun = "lines" if self.what == "line" else "items"
            self.warnings.append(f"{extra} more bad {noun}")


# ---------------------------------------------------------------- JSON Lines


class JsonLines:
    """Streams papers from JSON Lines, one line at a time, with bounded memory.

    A bad line costs only itself: the first few get a warning with their line number,
    the rest one summary warning. `format` names what the records turned out to be.
    """

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        self.format = "jsonl"
        self.replaced = 0

    def read(self, lines: Iterable[tuple[int, bytes | str | None]]) -> Iterator[Paper]:
        collector = _Collector(self.warnings, "line")
        try:
            for number, raw in lines:
                paper = self._line(collector, number, raw)
                if paper is not None:
                    yield paper
        finally:
            collector.finish()
            if self.replaced:
                self.warnings.append(
                    f"not valid UTF-8: {self.replaced} lines had undecodable bytes replaced"
                )

    def _line(self, collector: _Collector, number: int, raw: bytes | str | None) -> Paper | None:
        where = f"line {number}"
        if raw is None:
            collector.skip(where, "line too long")
            return None
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode("utf-8", errors="replace")
                self.replaced += 1
        else:
            line = raw
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            return None
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            collector.skip(where, f"invalid JSON at column {exc.colno}: {exc.msg}")
            return None
        except (ValueError, RecursionError) as exc:
            collector.skip(where, f"invalid JSON: {_one_line(str(exc)) or 'nested too deeply'}")
            return None
        paper, kind = collector.take(number, rec, where)
        if paper is not None and self.format == "jsonl":
            self.format = "arxiv-jsonl" if kind == "arxiv" else "hf-api-jsonl"
        return paper


def numbered_lines(handle: BinaryIO, max_line: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None for a line over `max_line` bytes (skipped
    by reading on in blocks, so one giant line never sits in memory)."""
    number = 0
    while True:
        line = handle.readline(max_line + 1)
        if not line:
            return
        number += 1
        if len(line) > max_line and not line.endswith(b"\n"):
            while True:
                more = handle.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def _parse_lines_in_memory(text: str) -> PageText:
    page = PageText()
    reader = JsonLines(page.warnings)
    lines = ((n, line) for n, line in enumerate(text.split("\n"), 1))
    page.papers = list(reader.read(lines))
    page.format = reader.format
    return page


def iter_jsonl(path: Path, warnings: list[str], max_line: int | None = None) -> Iterator[Paper]:
    """Stream the papers of a JSON Lines file (e.g. the 4 GB arXiv snapshot) by path."""
    handle, _ = open_regular(path)
    with handle:
        yield from JsonLines(warnings).read(numbered_lines(handle, max_line or max_dump_bytes()))
