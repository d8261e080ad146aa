"""Rejoining text that a capture split apart: keyword-link fragments and wrapped paragraphs.

HF links key terms inside abstracts; plain-text captures put each linked term in its own
paragraph (`(AI) and` / `large language models` / `(` / `LLMs` / `) promise…`). Joining
with a space except around brackets, slashes, hyphens and punctuation restores the sentence.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|Fig|Eq|approx|resp)\.", re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"[.!?][\"')\]]*\s+(?=[A-Z(\"'])")


def glue(prev: str, cur: str) -> str:
    """The separator to put between two fragments: a space or nothing."""
    if not prev or not cur:
        return ""
    if prev.endswith(("(", "[", "/", "“", "‘")):
        return ""
    if (
        prev.endswith("-")
        and (len(prev) == 1 or not prev[-2].isspace())
        and not cur.startswith("-")
    ):
        return ""
    if cur.startswith((")", "]", ",", ".", ";", ":", "!", "?", "%", "”", "’s", "'s")):
        return ""
    if cur.startswith("-") and len(cur) > 1 and not cur[1].isspace() and prev[-1].isalnum():
        return ""
    return " "


def join_fragments(parts: list[str]) -> str:
    """Join text fragments into one line, rejoining keyword-split sentences."""
    out = ""
    last = ""
    for part in parts:
        part = " ".join(part.split())
        if not part:
            continue
        if not out:
            out = part
        elif (part == "-" and out[-1].isalnum()) or last == "-":
            out = f"{out}{part}"  # a hyphen linked on its own: `ClinicSim` / `-` / `MedQA`
        else:
            out = f"{out}{glue(out, part)}{part}"
        last = part
    return out


def is_one_sentence(text: str) -> bool:
    """True for a single sentence (an AI summary), false for a multi-sentence abstract."""
    text = _ABBREVIATION.sub("", text.strip())
    return bool(text) and len(text) <= 400 and not _SENTENCE_SPLIT.search(text)


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.strip()))
