"""Bytes to clean text: decoding with honest warnings, and stripping terminal controls.

Everything a dump says reaches the screen, so anything that could drive a terminal
(C0/C1 controls, ESC sequences, bidi overrides) is removed here, once, at ingestion.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# ESC sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings (terminated by BEL or ST),
# and two-character escapes (ESC c, ESC 7, ...). 8-bit forms (0x9B CSI, 0x9D OSC) likewise.
_ESC_SEQ = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI
    | \x9b[0-?]*[ -/]*[@-~]?            # 8-bit CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])   # OSC, DCS, SOS, PM, APC (7- or 8-bit) ...
      [^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)?   # ... up to BEL or ST
    | \x1b[ -/]*[0-~]?                  # other escapes (ESC c, ESC ( B, ...)
    """,
    re.VERBOSE,
)
# C0 except TAB and LF, DEL, C1; bidi embeddings/overrides/isolates; invisible format chars.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_COMBINING_RUN = re.compile(r"([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+")
_MAX_COMBINING = 4
_BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\x1f\x8b", "gzip data"),
    (b"PK\x03\x04", "a zip archive"),
    (b"%PDF", "a PDF file"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3", "a SQLite database"),
)


class NotText(ValueError):
    """The bytes are not a text dump (binary data); the message says what they look like."""


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode dump bytes to str; return the text and warnings (never lone surrogates).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; bytes that are
    not UTF-8 are read as Windows-1252 when that decodes cleanly, otherwise replaced
    and counted. Raises `NotText` for binary data.
    """
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise NotText(f"binary file ({what})")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        bad = text.count("\ufffd")
        return text, ([f"{bad} undecodable UTF-16 sequences replaced"] if bad else [])
    sample = data[:65536]
    if sample and sample.count(0) > len(sample) // 10:
        raise NotText("binary file (many NUL bytes)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
        return text, [f"not valid UTF-8: {bad} undecodable byte sequences replaced with U+FFFD"]
    high = sum(1 for b in data if b >= 0x80)
    return text, [f"not valid UTF-8: read as Windows-1252 ({high} non-ASCII bytes)"]


def strip_controls(text: str) -> str:
    """Remove terminal control sequences and characters; keep newlines."""
    if not text:
        return text
    text = _ESC_SEQ.sub("", text)
    text = text.replace("\t", " ")
    text = _CONTROLS.sub("", text)
    return _COMBINING_RUN.sub(_cap_combining, text)


def _cap_combining(match: re.Match[str]) -> str:
    run = match.group(0)
    return run if len(run) <= _MAX_COMBINING else run[:_MAX_COMBINING]


def normalise(text: str) -> str:
    """Line ends to LF, NBSP and odd spaces to spaces, controls stripped, trailing spaces trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = strip_controls(text)
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u3000", " ")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def clean_field(value: object) -> str:
    """A single-line field (title, author, tag) from any value: controls stripped, spaces collapsed."""
    if value is None:
        return ""
    text = strip_controls(str(value))
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())
