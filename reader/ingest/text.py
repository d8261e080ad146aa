"""Bytes to clean text: decoding with honest warnings, and stripping terminal controls.

Everything a dump says reaches the screen, so anything that could drive a terminal
(C0/C1 controls, ESC sequences, bidi overrides) is removed here, once, at ingestion.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# ESC sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings and two-character escapes
# (ESC c, ESC 7, ESC ( B). 8-bit forms (0x9B CSI, 0x9D OSC, ...) likewise. A string
# sequence ends at BEL or ST; an unterminated one is dropped up to the end of its line
# (a terminal would swallow more, but the text after it is the reader's, not the attacker's).
_ESC_SEQ = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?                    # CSI
    | \x9b[0-?]*[ -/]*[@-~]?                    # 8-bit CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])   # OSC, DCS, SOS, PM, APC (7- or 8-bit) ...
      [^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?   # ... up to BEL, ST or the end of the line
    | \x1b[ -/]*[0-~]?                          # other escapes (ESC c, ESC ( B, a lone ESC)
    """,
    re.VERBOSE,
)
# C0 except LF (TAB becomes a space first), DEL, C1; bidi marks, embeddings, overrides and
# isolates; zero-width space, word joiner and invisible operators; BOM; interlinear annotation.
_CONTROLS = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_ASCII_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Runs long enough to hold more than _MAX_COMBINING marks (every mark is at or above U+0300).
_NON_BASIC_RUN = re.compile("[^\x00-\u02ff]{5,}")
_MAX_COMBINING = 4
_BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\x1f\x8b", "gzip data; decompress it first"),
    (b"BZh", "bzip2 data; decompress it first"),
    (b"\xfd7zXZ\x00", "xz data; decompress it first"),
    (b"\x28\xb5\x2f\xfd", "zstd data; decompress it first"),
    (b"PK\x03\x04", "a zip archive"),
    (b"%PDF", "a PDF file"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF media file"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3", "a SQLite database"),
)
_SAMPLE = 65536


class NotText(ValueError):
    """The bytes are not a text dump (binary data); the message says what they look like."""


def binary_kind(head: bytes) -> str | None:
    """What binary data the first bytes look like ("a PNG image"), or None for text."""
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            return what
    return None


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode dump bytes to str; return the text and warnings (never lone surrogates).

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read as such, UTF-16
    without a BOM is recognised by its NUL pattern; bytes that are not UTF-8 are read
    as Windows-1252 when that decodes cleanly, otherwise replaced and counted. Raises
    `NotText` for binary data.
    """
    what = binary_kind(data)
    if what:
        raise NotText(f"binary file ({what})")
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _decode_replacing(data, codec, codec.upper())
    sample = data[:_SAMPLE]
    nuls = sample.count(0)
    if sample and nuls > len(sample) // 10:
        guess = _utf16_guess(sample)
        if guess is None:
            raise NotText("binary file (many NUL bytes)")
        text, bad = _decode_replacing(data, guess, "UTF-16")
        return text, [f"no byte-order mark: read as {guess.upper()}", *bad]
    if _control_share(sample) > 0.1:
        raise NotText("binary file (mostly control bytes)")
    warnings: list[str] = []
    if nuls:
        total = data.count(0)
        warnings.append(f"{total} NUL byte{'s' if total != 1 else ''} removed")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text, more = _decode_replacing(data, "utf-8", "UTF-8")
        return text, warnings + more
    high = sum(1 for b in data if b >= 0x80)
    return text, [*warnings, f"not valid UTF-8: read as Windows-1252 ({high} non-ASCII bytes)"]


def _decode_replacing(data: bytes, codec: str, label: str) -> tuple[str, list[str]]:
    """Decode with U+FFFD for bad sequences, counting only the ones we introduced."""
    try:
        return data.decode(codec), []
    except UnicodeDecodeError:
        pass
    text = data.decode(codec, errors="replace")
    bad = text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")
    plural = "s" if bad != 1 else ""
    return text, [
        f"not valid {label}: {bad} undecodable byte sequence{plural} replaced with U+FFFD"
    ]


def _utf16_guess(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit almost only at odd/even offsets (BOM-less UTF-16)."""
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2 or 1
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def _control_share(sample: bytes) -> float:
    """Share of C0 control bytes other than TAB, LF, FF, CR and ESC (text has almost none)."""
    if not sample:
        return 0.0
    bad = sum(sample.count(b) for b in range(32) if b not in (0, 9, 10, 12, 13, 27))
    return bad / len(sample)


def strip_controls(text: str) -> str:
    """Remove terminal control sequences and characters; keep newlines, emoji and CJK.

    Tabs become spaces, lone surrogates become U+FFFD and runs of combining marks are
    capped (so "Zalgo" text cannot cover other lines).
    """
    if not text or (text.isascii() and (text.isprintable() or not _ASCII_CONTROL.search(text))):
        return text
    text = _ESC_SEQ.sub("", text)
    text = text.replace("\t", " ")
    text = _CONTROLS.sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    return _NON_BASIC_RUN.sub(_cap_combining, text)


def _cap_combining(match: re.Match[str]) -> str:
    out: list[str] = []
    run = 0
    for ch in match.group(0):
        if unicodedata.category(ch) in ("Mn", "Me"):
            run += 1
            if run > _MAX_COMBINING:
                continue
        else:
            run = 0
        out.append(ch)
    return "".join(out)


def normalise(text: str) -> str:
    """Line ends to LF, NBSP and odd spaces to spaces, controls stripped, trailing spaces trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = strip_controls(text)
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u3000", " ")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def clean_field(value: object) -> str:
    """A single-line field (title, author, tag) from any value: controls stripped, spaces collapsed."""
    if value is None:
        return ""
    text = strip_controls(value if isinstance(value, str) else str(value))
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def display_text(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters for display, ending in "…" when cut.

    Only for showing: records keep their full text so all of it stays searchable. The
    cut never leaves a dangling joiner or combining mark, or a trailing space.
    """
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return "…"
    cut = text[: limit - 1]
    while cut and (cut[-1] in "\u200d\u200c " or unicodedata.category(cut[-1]) in ("Mn", "Me")):
        cut = cut[:-1]
    return cut + "…"
