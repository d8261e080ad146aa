"""Unwrapping the Markdown that capture tools put around HF page text (docs/formats.md section 2).

Links become their text on a line of their own, with the URL kept after an invisible
separator (`LINK_SEP`, a character `normalise` strips from input, so it cannot clash);
images and `[图片：…]` placeholders are dropped; reference-style links are resolved from
their `[n]: url` definitions. Headings, bullets and escapes are undone per line.
"""

from __future__ import annotations

import html
import re

#: Joins a link's text and its URL on one line ("text\u2063url").
LINK_SEP = "\u2063"
#: Marks a line that was a Markdown heading.
HEADING_MARK = "\u2062"

_REF_DEF = re.compile(r"(?m)^[ ]{0,3}\[(\d{1,4})\]:[ ]*<?(\S+?)>?(?:[ ]+\"[^\"\n]*\")?[ ]*$")
_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\([^()\s]*(?:\s+\"[^\"]*\")?\)|!\[[^\[\]\n]*\]\[\d{1,4}\]")
# "[图片：无替代文本]", "[图片：kandinskylab]", "[Image: no alt text]", ... (capture-tool alt placeholders)
_PLACEHOLDER = re.compile(
    r"\[(?:图片|圖片|画像|이미지|Image|Imagen|Immagine|Bild|Изображение|Obraz|Afbeelding)\s*[：:][^\[\]\n]*\]",
    re.IGNORECASE,
)
_TEXT = r"((?:[^\[\]]|\[[^\[\]]*\])*)"
_INLINE_LINK = re.compile(
    r"(?m)(^[ ]{0,3}#{1,6}[ ]*)?\["
    + _TEXT
    + r"\]\(((?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"\n]*\")?\)"
)
_REF_LINK = re.compile(r"(?m)(^[ ]{0,3}#{1,6}[ ]*)?\[" + _TEXT + r"\]\[(\d{1,4})\]")
_LEADING_ALT = re.compile(r"^\s*\[[^\[\]\n]{0,80}\]\s*(?=\S)")
_SLUG = re.compile(r"^[A-Za-z0-9][\w.\-]{0,95}$")
_HEADING = re.compile(r"^[ ]{0,3}#{1,6}(?:[ ]+|$)")
_BULLET = re.compile(r"^\s*[*+\-][ ]+(?=\S)")
# A Markdown definition-list marker before an arXiv field (`:   Title: …`, seen in a
# reformatted arXiv listing); a bare `: a` keyword fragment keeps its colon.
_DEFINITION = re.compile(r"^\s*:[ \t]+(?=(?:Title|Authors?|Comments|Subjects|Journal-ref)\s*:)")
_DANGLING_OPEN = re.compile(r"(?m)^[ \t]*\[[ \t]*$(?![\s\S]*\])")
_ESCAPE = re.compile(r"\\([-*_\[\]#`.!|<>~+])")


def resolve_references(text: str) -> tuple[str, dict[str, str]]:
    """Collect `[n]: url` definitions (and drop their lines)."""
    refs: dict[str, str] = {}

    def keep(match: re.Match[str]) -> str:
        refs.setdefault(match.group(1), match.group(2))
        return ""

    return _REF_DEF.sub(keep, text), refs


def drop_images(text: str) -> str:
    """Remove `![alt](src)` images and `[图片：…]`-style placeholders (repeatedly, for nesting)."""
    for _ in range(3):
        new = _PLACEHOLDER.sub("", _IMAGE.sub("", text))
        if new == text:
            break
        text = new
    return text


def link_text(raw: str, keep_alt: bool = False) -> str:
    """A link's text on one line: nested alt text, bullets, headings and hard breaks dropped."""
    if not keep_alt:
        raw = _LEADING_ALT.sub("", raw)
    parts = []
    for line in raw.split("\n"):
        line = line.strip()
        if line.endswith("\\"):
            line = line.rstrip("\\").rstrip()
        line = _HEADING.sub("", line)
        while True:
            stripped = _BULLET.sub("", line)
            if stripped == line:
                break
            line = stripped
        if line in {"-", "*", "+"}:
            continue
        parts.append(line)
    return unescape(" ".join(p for p in parts if p))


def unwrap_links(text: str) -> str:
    """Replace Markdown links by `text LINK_SEP url` lines (search-keyword links stay inline)."""
    text, refs = resolve_references(text)
    text = drop_images(text)

    def emit(heading: str | None, raw: str, url: str) -> str:
        # A leading "[x]" is an avatar's alt text, except in a title or a paper link ("[Re] ...").
        keep_alt = bool(heading) or "/papers/" in url
        label = link_text(raw, keep_alt)
        alt = None if keep_alt else _LEADING_ALT.match(raw)
        slug = alt.group(0).strip().strip("[]").strip() if alt else ""
        if not url and _SLUG.match(slug):
            url = f"https://huggingface.co/{slug}"  # an avatar + name link: an organisation
        if "?q=" in url and label and "/papers" in url:
            return label  # an HF keyword link inside an abstract
        mark = HEADING_MARK if heading else ""
        return f"\n\n{mark}{label}{LINK_SEP}{url}\n\n"

    for _ in range(3):
        new = _INLINE_LINK.sub(lambda m: emit(m.group(1), m.group(2), m.group(3)), text)
        new = _REF_LINK.sub(lambda m: emit(m.group(1), m.group(2), refs.get(m.group(3), "")), new)
        if new == text:
            break
        text = new
    # A link opened by a lone `[` line and never closed (the copy was cut mid-abstract).
    text = _DANGLING_OPEN.sub("", text)
    return text


def unescape(text: str) -> str:
    """Undo Markdown backslash escapes of punctuation and HTML entities (`&amp;lt;` is `&lt;`:
    one pass, as a browser decodes it); a no-break space becomes a plain one."""
    if "\\" in text:
        text = text.replace("\\  ", " ")
        text = _ESCAPE.sub(r"\1", text)
    if "&" in text:
        text = html.unescape(text).replace("\xa0", " ")
    return text


def clean_line(line: str) -> tuple[str, bool]:
    """One source line without heading marks, bullets, hard-break backslashes: (text, heading)."""
    heading = False
    if line.startswith(HEADING_MARK):
        heading, line = True, line[len(HEADING_MARK) :]
    elif _HEADING.match(line):
        heading, line = True, _HEADING.sub("", line)
    if line.endswith("\\"):
        line = line.rstrip("\\").rstrip()
    line = _DEFINITION.sub("", line)
    for _ in range(4):
        stripped = _BULLET.sub("", line)
        if stripped == line:
            break
        line = stripped
    return unescape(line).strip(), heading
