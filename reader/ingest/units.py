"""Page text to a flat list of tagged units (lines or paragraphs, each with its link URL).

Text with no blank line at all is read line by line (layout A); otherwise paragraph by
paragraph, where a paragraph's hard-wrapped prose lines are rejoined but structural
lines (headings, bullets, links, metadata) stay units of their own. A bare URL line
right after a text unit is that unit's link (the plain-URL capture format).
"""

from __future__ import annotations

import re

from reader.ingest.chrome import is_header_text
from reader.ingest.fragments import ends_sentence
from reader.ingest.markdown import HEADING_MARK, LINK_SEP, clean_line, unwrap_links
from reader.ingest.metadata import URL_ONLY, Unit, classify, url_kind

_BULLET_START = re.compile(r"^\s*[*+\-](?:\s|$)")
# Paper-page lines that stay units of their own when a copy has no blank lines between them
# (`Authors:` / one name per line / `,` / `Abstract` / section headings; arXiv fields).
_PAGE_LINE = re.compile(
    r"^(?:Abstract|Authors?:.*|,|Community|AI-generated summary"
    r"|(?:Models|Datasets|Spaces) citing this paper(?: \d+)?|Collections including this paper(?: \d+)?)$"
    # arXiv listing lines, which a reformatted copy may keep in one paragraph
    r"|^(?:\[\d+\]\s*)?arXiv:\s*\d{4}\.\d{4,5}\b.*$|^(?:Title|Comments|Subjects|Journal-ref):.*$"
)


def has_blank_lines(text: str) -> bool:
    return "\n\n" in text.strip("\n")


def build_units(text: str) -> list[Unit]:
    """Tagged units of (wrapper-free, normalised) page text."""
    line_mode = not has_blank_lines(text)
    text = unwrap_links(text)
    raw: list[Unit] = []
    if line_mode:
        for line in text.split("\n"):
            unit = _line_unit(line)
            if unit is None:
                continue
            prev = raw[-1] if raw else None
            if prev is not None and not prev.heading and _continues_prose(prev, unit):
                prev.text = f"{prev.text} {unit.url}"  # a wrapped abstract's last line
                continue
            raw.append(unit)
    else:
        for paragraph in re.split(r"\n[ \t]*\n", text):
            raw.extend(_paragraph_units(paragraph))
    return _pair_and_merge([classify(u) for u in _pair_urls(raw)])


def _line_unit(line: str) -> Unit | None:
    if not line.strip():
        return None
    if LINK_SEP in line:
        label, _, url = line.partition(LINK_SEP)
        heading = label.startswith(HEADING_MARK)
        label = label.removeprefix(HEADING_MARK)
        return Unit(text=" ".join(label.split()), url=url.strip() or None, heading=heading)
    match = URL_ONLY.match(line.strip())
    if match:
        return Unit(text="", url=match.group(1))
    text, heading = clean_line(line)
    text = " ".join(text.split())
    if not text and not _BULLET_START.match(line):
        return None
    return Unit(text=text or "-", heading=heading)


def _paragraph_units(paragraph: str) -> list[Unit]:
    units: list[Unit] = []
    joinable = False  # the last unit is prose (or a heading) that a wrapped line may continue
    for line in paragraph.split("\n"):
        if not line.strip():
            continue
        unit = _line_unit(line)
        if unit is None:
            continue
        if joinable and units and not units[-1].heading and _continues_prose(units[-1], unit):
            # `Samples are available at` / `https://project.github.io`: a hard-wrapped
            # abstract's last line is a bare off-site URL; it is text, not a link unit.
            units[-1].text = f"{units[-1].text} {unit.url}"
            continue
        structural = (
            unit.url is not None
            or unit.heading
            or _BULLET_START.match(line) is not None
            or classify(Unit(text=unit.text)).kind != "text"
            or is_header_text(unit.text)
            or _PAGE_LINE.match(unit.text) is not None
        )
        if not structural and joinable and units:
            units[-1].text = f"{units[-1].text} {unit.text}"
            continue
        units.append(unit)
        joinable = not structural or (unit.heading and unit.url is None)
    return units


def _continues_prose(prev: Unit, unit: Unit) -> bool:
    """A bare off-site URL line that ends an unfinished sentence of the same paragraph."""
    return (
        not unit.text
        and unit.url is not None
        and prev.url is None
        and url_kind(unit.url) in ("other", "github", "arxiv")
        and not ends_sentence(prev.text)
        and not prev.text.endswith(("·", "•"))
        and len(prev.text) >= 20
        and classify(Unit(text=prev.text)).kind == "text"
        and not is_header_text(prev.text)
    )


def _pair_urls(units: list[Unit]) -> list[Unit]:
    """Attach a bare URL unit to the text unit just before it."""
    out: list[Unit] = []
    for unit in units:
        if not unit.text and unit.url and out and out[-1].url is None and out[-1].text:
            out[-1].url = unit.url
            continue
        out.append(unit)
    return out


def _split_inline_dates(units: list[Unit]) -> list[Unit]:
    """`Kandinsky Lab · Published on Oct 4, 2026` (org link lost): org text, then a date unit."""
    out: list[Unit] = []
    for unit in units:
        if unit.kind == "text" and " · " in unit.text and not unit.heading:
            left, _, right = unit.text.rpartition(" · ")
            date = classify(Unit(text="· " + right.strip()))
            if date.kind == "date" and left.strip() and len(left) <= 80:
                out.append(classify(Unit(text=left.strip(), url=unit.url)))
                out.append(date)
                continue
        out.append(unit)
    return out


def _pair_and_merge(units: list[Unit]) -> list[Unit]:
    """Merge `Upvote` + a count unit into one upvote unit."""
    out: list[Unit] = []
    for unit in _split_inline_dates(units):
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "upvote_word"
            and prev.number is None
            and prev.text == "Upvote"
            and unit.kind in ("number", "upvote")
        ):
            prev.number = unit.number
            prev.text = f"Upvote {unit.text}"
            prev.url = prev.url or unit.url
            continue
        out.append(unit)
    return out
