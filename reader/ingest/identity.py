"""Paper identity: one paper, one record, whatever dump or markup it came from.

Two titles name the same paper when they are equal after NFKC, case folding, removing
LaTeX math delimiters and commands, and collapsing punctuation and whitespace. The id
is a short hash of that key, so it is stable across runs and dumps.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_LATEX_CMD = re.compile(r"\\[a-zA-Z]+\*?")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def title_key(title: str) -> str:
    """The normalised title used to decide that two records are one paper."""
    text = unicodedata.normalize("NFKC", title)
    text = _LATEX_CMD.sub(" ", text)
    text = text.replace("$", "")
    text = text.casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text).strip()


def paper_id(title: str) -> str:
    """Stable id from the title: 12 hex digits of SHA-1 over `title_key`."""
    key = title_key(title) or title.strip()
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]


_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
_ARXIV_OLD = re.compile(r"\b([a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b")


def find_arxiv_id(text: str) -> str | None:
    """An arXiv id in a URL or string (`2405.07960`, `hep-th/9901001`), without version."""
    match = _ARXIV_NEW.search(text)
    if match:
        return match.group(1)
    match = _ARXIV_OLD.search(text)
    return match.group(1) if match else None
