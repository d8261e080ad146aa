"""Bookmarks out (JSON, Markdown, BibTeX, the `list --json` rows) and back in (JSON import).

JSON export is the bookmarks file format itself, so an export, a backup or another
machine's `bookmarks.json` can all be imported. BibTeX is written by bibtexparser with
its LaTeX-encoding middleware: no hand-written escaping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from reader.bookmarks.codec import SCHEMA_VERSION, bookmark_from_data, dedupe, encode
from reader.bookmarks.model import Bookmark, BookmarkError, now_iso

FORMATS = ("json", "markdown", "bibtex")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_BIBKEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:.+/-]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def export(bookmarks: Sequence[Bookmark], fmt: str, extra: Mapping[str, Any] | None = None) -> str:
    """`bookmarks` (newest first, as `BookmarkStore.all()` gives them) in `fmt`; JSON also
    carries `extra` (the reading state and saved searches)."""
    if fmt == "json":
        # The file keeps oldest first; reversing keeps same-second bookmarks in their order.
        return encode(list(reversed(bookmarks)), extra).decode("utf-8")
    if fmt == "markdown":
        return to_markdown(bookmarks)
    if fmt == "bibtex":
        return to_bibtex(bookmarks)
    raise BookmarkError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")


# ----- list --json ---------------------------------------------------------------------


def row(bookmark: Bookmark) -> dict[str, Any]:
    """One flat object for `bookmarks list --json`."""
    paper = bookmark.paper
    return {
        "id": bookmark.paper_id,
        "title": paper.title,
        "tags": list(bookmark.tags),
        "note": bookmark.note,
        "added": bookmark.added,
        "updated": bookmark.updated,
        "arxiv_id": paper.arxiv_id,
        "url": paper.url,
        "link": paper.link,
        "sources": paper.source_names,
        "authors": list(paper.authors),
        "published": paper.published,
        "abstract": paper.abstract,
    }


def rows_json(bookmarks: Iterable[Bookmark]) -> str:
    return json.dumps([row(b) for b in bookmarks], indent=2, ensure_ascii=False)


# ----- Markdown ------------------------------------------------------------------------


def md_text(text: str) -> str:
    """Plain text that Markdown renders as itself (markup characters backslash-escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_link(url: str) -> str:
    safe = quote(url, safe=_URL_SAFE)
    return f"<{safe}>"


def to_markdown(bookmarks: Sequence[Bookmark]) -> str:
    """A readable list, newest first: title, link, tags, note."""
    count = len(bookmarks)
    lines = [
        "# Bookmarks",
        "",
        f"{count} bookmark{'s' if count != 1 else ''}, exported {now_iso()}",
    ]
    for bookmark in bookmarks:
        paper = bookmark.paper
        lines += ["", f"## {md_text(paper.title) or md_text(bookmark.paper_id)}", ""]
        lines.append(f"- Link: {_md_link(paper.link)}")
        if paper.arxiv_id:
            lines.append(f"- arXiv: {md_text(paper.arxiv_id)}")
        if paper.authors:
            lines.append(f"- Authors: {md_text(', '.join(paper.authors))}")
        if bookmark.tags:
            lines.append("- Tags: " + ", ".join(md_text(t) for t in bookmark.tags))
        lines.append(f"- Added: {bookmark.added}")
        lines.append(f"- Id: {md_text(bookmark.paper_id)}")
        if bookmark.note:
            lines += [
                "",
                *(f"> {md_text(line)}" if line else ">" for line in bookmark.note.split("\n")),
            ]
    return "\n".join(lines) + "\n"


# ----- BibTeX --------------------------------------------------------------------------


def bibtex_key(paper_id: str, taken: set[str]) -> str:
    """A citation key from the paper id (imported ids may hold unsafe characters)."""
    base = _BIBKEY_UNSAFE.sub("_", paper_id) or "paper"
    key, n = base, 1
    while key.lower() in taken:
        n += 1
        key = f"{base}_{n}"
    taken.add(key.lower())
    return key


def _encoder() -> Any:
    """pylatexenc's own escapes for LaTeX's ASCII specials; other characters stay UTF-8.

    (Its approximations for non-ASCII letters are lossy, e.g. `Ħ` becomes `\\=H`; UTF-8 BibTeX
    is read by biber and modern BibTeX alike.)
    """
    from bibtexparser.middlewares import LatexEncodingMiddleware
    from pylatexenc.latexencode import (  # type: ignore[import-untyped]
        RULE_DICT,
        UnicodeToLatexConversionRule,
        UnicodeToLatexEncoder,
        get_builtin_conversion_rules,
    )

    ascii_specials = {
        code: latex
        for rule in get_builtin_conversion_rules("defaults")
        if rule.rule_type == RULE_DICT
        for code, latex in rule.rule.items()
        if code < 128
    }
    encoder = UnicodeToLatexEncoder(
        conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, ascii_specials)],
        unknown_char_policy="keep",
        unknown_char_warning=False,
    )
    return LatexEncodingMiddleware(encoder=encoder)


def to_bibtex(bookmarks: Sequence[Bookmark]) -> str:
    """One `@misc` entry per bookmark: title, author, abstract, year, keywords, note, url/eprint."""
    import bibtexparser  # imported here: only exports need it, and the app starts faster
    from bibtexparser import Library
    from bibtexparser.model import Entry, Field

    text_library = Library()
    links: dict[str, list[Any]] = {}
    taken: set[str] = set()
    for bookmark in bookmarks:
        paper = bookmark.paper
        key = bibtex_key(bookmark.paper_id, taken)
        fields = [Field("title", paper.title)]
        if paper.authors:
            fields.append(Field("author", " and ".join(paper.authors)))
        if paper.published and paper.published[:4].isdigit():
            fields.append(Field("year", paper.published[:4]))
        if paper.abstract:
            fields.append(Field("abstract", paper.abstract))
        if bookmark.tags:
            fields.append(Field("keywords", ", ".join(bookmark.tags)))
        if bookmark.note:
            fields.append(Field("note", bookmark.note))
        text_library.add(Entry("misc", key, fields))
        # URLs and arXiv ids are not LaTeX text: percent-encoded, never LaTeX-escaped.
        extra = [Field("url", quote(paper.url or paper.link, safe=_URL_SAFE))]
        if paper.arxiv_id:
            extra += [
                Field("eprint", quote(paper.arxiv_id, safe=_URL_SAFE)),
                Field("archiveprefix", "arXiv"),
            ]
            if paper.categories:
                extra.append(Field("primaryclass", quote(paper.categories[0], safe=_URL_SAFE)))
        links[key] = extra
    encoded = _encoder().transform(library=text_library)
    for entry in encoded.entries:
        for field in links[entry.key]:
            entry.set_field(field)
    return str(bibtexparser.write_string(encoded))


# ----- import --------------------------------------------------------------------------


def _from_row(data: dict[str, Any]) -> dict[str, Any]:
    """A `list --json` row turned into the file's bookmark shape."""
    paper = {
        "id": data.get("id"),
        "title": data.get("title", ""),
        "abstract": data.get("abstract") or "",
        "arxiv_id": data.get("arxiv_id"),
        "url": data.get("url"),
        "published": data.get("published"),
        "authors": data.get("authors") or [],
        "sources": [{"name": s} if isinstance(s, str) else s for s in (data.get("sources") or [])],
    }
    return {**data, "paper": paper}


def parse_import(raw: bytes, name: str) -> list[Bookmark]:
    """Bookmarks from an exported JSON file, a `bookmarks.json` (or backup), or `list --json`.

    Raises `BookmarkError` with a one-line reason naming `name`.
    """
    head = raw.lstrip()[:1]
    if head in (b"@", b"%", b"#"):
        raise BookmarkError(
            f"cannot import {name}: it looks like a BibTeX or Markdown export; "
            "only JSON exports (or a bookmarks.json) can be imported"
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BookmarkError(f"cannot import {name}: not a UTF-8 JSON file") from None
    except json.JSONDecodeError as exc:
        raise BookmarkError(
            f"cannot import {name}: invalid JSON "
            f"({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise BookmarkError(f"cannot import {name}: JSON nested too deeply") from None
    if isinstance(data, dict):
        version = data.get("schema_version")
        if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
            raise BookmarkError(
                f"cannot import {name}: written by a newer paper-reader (schema version {version})"
            )
        items = data.get("bookmarks")
    else:
        items = data
    if not isinstance(items, list):
        raise BookmarkError(f"cannot import {name}: no list of bookmarks in it")
    result: list[Bookmark] = []
    for n, item in enumerate(items, 1):
        if isinstance(item, dict) and "paper" not in item:
            item = _from_row(item)
        try:
            result.append(bookmark_from_data(item))
        except ValueError as exc:
            raise BookmarkError(f"cannot import {name}: entry {n}: {exc}") from None
    return dedupe(result)
