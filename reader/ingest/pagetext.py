"""Entry point for page text of any supported layout (docs/formats.md sections 2-3).

Wrappers go first, then the text becomes tagged units; an arXiv listing or a single HF
paper page is read by its own reader; an HF listing loses its header and footer and is
read record by record where metadata marks the records, else by strict title/abstract
alternation (the text-only sample layouts). Never raises: problems become warnings.
"""

from __future__ import annotations

from reader.ingest.arxiv_listing import looks_like_arxiv_listing, parse_arxiv_listing
from reader.ingest.chrome import (
    Header,
    Wrapper,
    drop_repeated_headers,
    strip_footer,
    strip_header,
    strip_wrappers,
)
from reader.ingest.fragments import ends_sentence
from reader.ingest.identity import find_arxiv_id
from reader.ingest.layout import alternate
from reader.ingest.listing import has_record_markers, is_trending, read_records, to_papers
from reader.ingest.metadata import Unit, url_kind
from reader.ingest.page import PageText
from reader.ingest.paperpage import looks_like_paper_page, parse_paper_page
from reader.ingest.units import build_units, has_blank_lines

_FRAGMENT_MIN = 150


def read_page_text(text: str, *, allow_markers: bool = True) -> PageText:
    """Papers, page metadata and warnings from normalised page text; never raises."""
    try:
        return _read(text, allow_markers)
    except Exception as exc:  # a reader bug must cost one file, never the whole run
        result = PageText(format="unknown")
        result.warnings.append(f"could not read this page text ({type(exc).__name__}: {exc})")
        return result


def _read(text: str, allow_markers: bool) -> PageText:
    text = text.lstrip("\ufeff")
    body_text, wrapper = strip_wrappers(text)
    units = build_units(body_text)
    if looks_like_arxiv_listing(units):
        return parse_arxiv_listing(units)
    if looks_like_paper_page(units, wrapper.title, wrapper.url):
        return parse_paper_page(units, wrapper.year, wrapper.url, wrapper.title)
    header = strip_header(units)
    body = strip_footer(drop_repeated_headers(units[header.start :]))
    if allow_markers and has_record_markers(body):
        result = _listing(body, header, wrapper)
    else:
        result = PageText(
            format="hf-text-paragraphs" if has_blank_lines(body_text) else "hf-text-lines"
        )
        alternate([u.text or u.url or "" for u in body], result)
    if len(result.papers) == 1 and url_kind(wrapper.url) == "paper":
        only = result.papers[0]  # a one-paper note whose capture header names its page
        if only.arxiv_id is None and wrapper.url:
            only.arxiv_id = find_arxiv_id(wrapper.url)
            only.url = only.url or (
                f"https://huggingface.co/papers/{only.arxiv_id}" if only.arxiv_id else None
            )
    last = result.papers[-1] if result.papers else None
    if wrapper.truncated and last is not None and not ends_sentence(last.abstract):
        result.warnings.append(
            f"the capture was truncated; the last paper may be cut: {last.title[:60]!r}"
        )
    result.page_date = header.page_date
    result.query = header.query or wrapper.query
    if not result.papers and not any("no papers" in w for w in result.warnings):
        result.warnings.append("no papers found")
    return result


def _listing(body: list[Unit], header: Header, wrapper: Wrapper) -> PageText:
    trending = header.trending or is_trending(body)
    if trending:
        fmt = "hf-trending"
    elif any(u.heading for u in body):
        fmt = "hf-markdown"
    elif any(u.url for u in body):
        fmt = "hf-text-links"
    else:
        fmt = "hf-text-metadata"
    result = PageText(format=fmt)
    records = read_records(body)
    if len(records) > 1 and not header.seen:
        first = records[0]
        text = " ".join(first.title + first.body)
        if (
            not first.started
            and not first.body
            and (len(text) >= _FRAGMENT_MIN or ends_sentence(text))
        ):
            result.warnings.append(
                f"text before the first paper skipped (copy starts mid-paper): {text[:60]!r}"
            )
            records = records[1:]
    result.papers = to_papers(records, wrapper.year, trending, result.warnings)
    return result
