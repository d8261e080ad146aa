"""Dump-level ingestion edge cases: line ends, BOMs, odd spaces, encodings, controls, empties.

Each case writes a small sample-layout dump (title line, abstract line, ...) and checks the
exact papers and warnings `read_dump` gives.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from reader.ingest import read_dump

BASE = (
    "Title one\nAbstract one says something about widgets.\n"
    "Title two\nAbstract two says something about gadgets.\n"
)
EXPECTED = [
    ("Title one", "Abstract one says something about widgets."),
    ("Title two", "Abstract two says something about gadgets."),
]


def read(
    tmp_path: Path, data: bytes, name: str = "dump.txt"
) -> tuple[list[tuple[str, str]], list[str], str]:
    path = tmp_path / name
    path.write_bytes(data)
    papers, info = read_dump(path)
    assert info.name == name and info.path == str(path)
    assert info.papers == len(papers)
    for paper in papers:
        assert [s.name for s in paper.sources] == [name]
    return [(p.title, p.abstract) for p in papers], info.warnings, info.format


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("lf", BASE.encode()),
        ("crlf", BASE.replace("\n", "\r\n").encode()),
        ("cr only", BASE.replace("\n", "\r").encode()),
        ("utf-8 bom", codecs.BOM_UTF8 + BASE.encode()),
        ("utf-8 bom + crlf", codecs.BOM_UTF8 + BASE.replace("\n", "\r\n").encode()),
        ("utf-16 with bom", BASE.encode("utf-16")),
        ("utf-16-be with bom", codecs.BOM_UTF16_BE + BASE.encode("utf-16-be")),
        ("no final newline", BASE.rstrip("\n").encode()),
        ("blank lines around", ("\n\n" + BASE + "\n\n\n").encode()),
        ("trailing spaces", BASE.replace("\n", "   \n").encode()),
        ("tabs", BASE.replace("Title one", "Title\tone").encode()),
    ],
)
def test_same_papers_whatever_the_line_ends_and_bom(
    tmp_path: Path, label: str, data: bytes
) -> None:
    papers, warnings, fmt = read(tmp_path, data)
    assert papers == EXPECTED, label
    assert warnings == [], label
    assert fmt == "hf-text-lines"


def test_nbsp_and_other_odd_spaces_become_spaces(tmp_path: Path) -> None:
    text = BASE.replace("Title one", "Title\u00a0one").replace(
        "says something", "says\u202fsome\u3000thing"
    )
    papers, warnings, _ = read(tmp_path, text.encode())
    assert papers == [
        ("Title one", "Abstract one says some thing about widgets."),
        ("Title two", "Abstract two says some thing about gadgets."),
    ]
    assert warnings == []


def test_latin1_bytes_are_read_with_a_warning(tmp_path: Path) -> None:
    text = BASE.replace("Title one", "Café résumé naïve")
    papers, warnings, _ = read(tmp_path, text.encode("latin-1"))
    assert papers == [("Café résumé naïve", EXPECTED[0][1]), EXPECTED[1]]
    assert warnings == ["not valid UTF-8: read as Windows-1252 (4 non-ASCII bytes)"]


def test_undecodable_bytes_are_replaced_and_counted(tmp_path: Path) -> None:
    # 0x81 and 0x8d are undefined in Windows-1252 too, so they are replaced
    data = BASE.encode().replace(b"Title one", b"Title \x81one\x8d")
    papers, warnings, _ = read(tmp_path, data)
    assert papers == [("Title \ufffdone\ufffd", EXPECTED[0][1]), EXPECTED[1]]
    assert warnings == ["not valid UTF-8: 2 undecodable byte sequences replaced with U+FFFD"]


def test_utf16_with_a_lone_surrogate_stores_no_surrogate(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + BASE.replace("Title one", "Title one X").encode("utf-16-le")
    data = data.replace("X".encode("utf-16-le"), b"\x00\xd8")  # a high surrogate alone
    papers, warnings, _ = read(tmp_path, data)
    assert papers == [("Title one \ufffd", EXPECTED[0][1]), EXPECTED[1]]
    assert warnings == ["not valid UTF-16: 1 undecodable byte sequence replaced with U+FFFD"]


def test_a_few_nul_bytes_are_removed_and_counted(tmp_path: Path) -> None:
    data = BASE.encode().replace(b"Title one", b"Ti\x00tle one\x00")
    papers, warnings, _ = read(tmp_path, data)
    assert papers == EXPECTED
    assert warnings == ["2 NUL bytes removed"]


def test_empty_file(tmp_path: Path) -> None:
    assert read(tmp_path, b"") == ([], ["empty file"], "empty")


@pytest.mark.parametrize(
    "data", [b" ", b"\n\n\n", b" \t\r\n \r", codecs.BOM_UTF8 + b"\n ", "\u00a0\n".encode()]
)
def test_whitespace_only_file(tmp_path: Path, data: bytes) -> None:
    assert read(tmp_path, data) == ([], ["file holds only whitespace"], "empty")


def test_utf16_whitespace_only_file(tmp_path: Path) -> None:
    assert read(tmp_path, " \n \n".encode("utf-16")) == (
        [],
        ["file holds only whitespace"],
        "empty",
    )


@pytest.mark.parametrize(
    ("data", "warning"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary file (a PNG image)"),
        (
            b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4,
            "binary file (gzip data; decompress it first)",
        ),
        (b"%PDF-1.7\n" + bytes(range(256)), "binary file (a PDF file)"),
        (b"\x00" * 4096, "binary file (many NUL bytes)"),
        (bytes(range(1, 32)) * 100, "binary file (mostly control bytes)"),
    ],
)
def test_binary_files_are_refused_with_a_reason(tmp_path: Path, data: bytes, warning: str) -> None:
    assert read(tmp_path, data) == ([], [warning], "unknown")


def test_binary_is_refused_whatever_the_name(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(256)
    for name in ("x.json", "x.jsonl", "x.md"):
        assert read(tmp_path, data, name)[1] == ["binary file (a PNG image)"]


def test_trailing_title_is_kept_with_an_empty_abstract_and_a_warning(tmp_path: Path) -> None:
    papers, warnings, _ = read(tmp_path, (BASE + "Title three\n").encode())
    assert papers == [*EXPECTED, ("Title three", "")]
    assert len(warnings) == 1
    assert "Title three" in warnings[0]


@pytest.mark.parametrize(
    "evil",
    [
        "\x1b]52;c;aGVsbG8gd29ybGQ=\x07",  # OSC 52 clipboard write, BEL-terminated
        "\x1b]52;c;aGVsbG8gd29ybGQ=\x1b\\",  # ... ST-terminated
        "\x1b]0;pwned title\x07",  # set the window title
        "\x1b[2J\x1b[H",  # clear screen, cursor home
        "\x1bc",  # full reset
        "\x9b2J",  # 8-bit CSI
        "\x9d0;x\x9c",  # 8-bit OSC with 8-bit ST
        "\x07\x08\x7f\x0e",  # BEL, BS, DEL, SO (NUL: see test_a_few_nul_bytes...)
        "\u202e\u2066\u200f\u061c",  # bidi override, isolate, marks
        "\u200b\ufeff\u2060",  # zero-width space, BOM, word joiner
    ],
)
def test_control_characters_are_stripped(tmp_path: Path, evil: str) -> None:
    text = BASE.replace("Title one", f"Title {evil}one").replace(
        "about gadgets", f"about {evil}gadgets"
    )
    papers, warnings, _ = read(tmp_path, text.encode("utf-8"))
    assert papers == EXPECTED
    assert warnings == []


def test_unterminated_osc_is_dropped_to_the_end_of_its_line(tmp_path: Path) -> None:
    text = BASE.replace("Title one", "Title one\x1b]52;c;aGVsbG8=")
    papers, warnings, _ = read(tmp_path, text.encode())
    assert papers == EXPECTED
    assert warnings == []


def test_emoji_cjk_and_accents_are_kept(tmp_path: Path) -> None:
    title = "家族 👨\u200d👩\u200d👧 ❤\ufe0f 1\ufe0f\u20e3 🇯🇵 Ångström e\u0301"
    papers, warnings, _ = read(tmp_path, BASE.replace("Title one", title).encode())
    assert papers[0][0] == "家族 👨\u200d👩\u200d👧 ❤\ufe0f 1\ufe0f\u20e3 🇯🇵 Ångström é"  # NFC
    assert warnings == []


def test_json_lookalike_page_text_stays_text(tmp_path: Path) -> None:
    papers, _, fmt = read(tmp_path, BASE.encode(), name="dump.jsonl")
    assert papers == EXPECTED
    assert fmt == "hf-text-lines"
