"""Hostile dump files: each gives its papers or one warning line naming the file, never a hang.

Large inputs are generated here, never stored. Files that could block a reader (FIFOs,
devices) are read in a thread with a deadline, so a regression fails instead of hanging.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.ingest import (
    DumpFileError,
    NotText,
    decode,
    discover,
    display_text,
    iter_dump,
    normalise,
    open_regular,
    parse_json_text,
    read_dump,
    strip_controls,
)
from reader.ingest import files as files_mod
from reader.ingest.dump import DumpInfo
from reader.model import Paper
from tests import unprivileged

REPO = Path(__file__).resolve().parents[2]

T = TypeVar("T")
SAMPLE = "Title one\nAbstract one is about widgets.\nTitle two\nAbstract two is about gadgets.\n"
# What must never survive ingestion: C0 but LF, DEL, C1, bidi controls, lone surrogates.
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def within(seconds: float, fn: Callable[[], T]) -> T:
    """Run `fn` in a daemon thread; fail (rather than hang the suite) if it is not done in time."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the test thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (a hang)"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def one_warning(path: Path) -> str:
    papers, info = within(20, lambda: read_dump(path))
    assert papers == []
    assert info.name == path.name and info.path == str(path)
    assert len(info.warnings) == 1, info.warnings
    assert "\n" not in info.warnings[0]
    return info.warnings[0]


def assert_clean(paper: Paper) -> None:
    for text in (paper.title, paper.abstract, *paper.authors):
        assert not FORBIDDEN.search(text), ascii(text[:200])
        assert "\n" not in text


# ---------------------------------------------------------------- paths that are not dumps


def test_a_folder_given_as_a_dump(tmp_path: Path) -> None:
    assert one_warning(tmp_path) == "is a folder, not a file"


def test_a_fifo_given_as_a_dump_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert one_warning(fifo) == "not a regular file (FIFO, socket or device)"


def test_a_fifo_swapped_in_after_the_check_never_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open itself is non-blocking and re-checked with fstat (no stat-then-open race)."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    monkeypatch.setattr(files_mod, "check_regular", lambda path: os.stat(path))
    with pytest.raises(DumpFileError, match="not a regular file"):
        within(10, lambda: open_regular(fifo))
    assert one_warning(fifo) == "not a regular file (FIFO, socket or device)"


def test_dev_zero_and_dev_null_given_as_dumps() -> None:
    assert one_warning(Path("/dev/zero")) == "not a regular file (FIFO, socket or device)"
    assert one_warning(Path("/dev/null")) == "not a regular file (FIFO, socket or device)"


def test_a_symlink_to_dev_zero_inside_a_dump_folder(tmp_path: Path) -> None:
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "good.txt").write_text(SAMPLE)
    files, problems = discover([tmp_path])
    assert problems == []
    results = {f.name: within(20, lambda f=f: read_dump(f)) for f in files}
    assert [p.title for p in results["good.txt"][0]] == ["Title one", "Title two"]
    assert results["zero.txt"][1].warnings == ["not a regular file (FIFO, socket or device)"]


def test_a_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    other = tmp_path / "a.txt"
    (tmp_path / "b.txt").symlink_to(other)
    other.symlink_to(tmp_path / "b.txt")
    assert one_warning(loop) == "too many levels of symbolic links"
    assert one_warning(other) == "too many levels of symbolic links"
    # a folder holding the loops and a looping subfolder link: the scan ends, the loops are named
    (tmp_path / "sub").symlink_to(tmp_path)
    files, problems = within(20, lambda: discover([tmp_path]))
    assert sorted(f.name for f in files) == ["a.txt", "b.txt", "loop.txt"]
    assert problems == []


def test_a_missing_file(tmp_path: Path) -> None:
    assert one_warning(tmp_path / "gone.txt") == "no such file or directory"


def test_a_file_without_read_permission(tmp_path: Path) -> None:
    """Read by a process that file modes bind (also when the suite runs as root)."""
    if reason := unprivileged.why_modes_cannot_bind():
        pytest.skip(reason)
    path = tmp_path / "secret.txt"
    path.write_text(SAMPLE)
    path.chmod(0)
    code = (
        "import json, sys\n"
        "from reader.ingest.dump import read_dump\n"
        "papers, info = read_dump(sys.argv[1])\n"
        "print(json.dumps([len(papers), info.warnings]))\n"
    )
    try:
        res = unprivileged.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=60,
        )
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == [0, ["permission denied"]]


def test_an_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The permission-denied path, also when the suite runs as root (open fails with EACCES)."""
    path = tmp_path / "secret.txt"
    path.write_text(SAMPLE)
    real_open = os.open

    def deny(target: object, *args: object, **kwargs: object) -> int:
        if Path(str(target)) == path:
            raise PermissionError(13, "Permission denied", str(target))
        return real_open(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    assert one_warning(path) == "permission denied"


# ---------------------------------------------------------------- size cap


def test_the_size_cap_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_text(SAMPLE + "x" * (2 * 1024 * 1024))
    monkeypatch.setenv("PAPER_READER_MAX_DUMP_MB", "1")
    assert one_warning(path) == (
        "too large (2.0 MB > 1 MB; set PAPER_READER_MAX_DUMP_MB to raise the cap)"
    )
    monkeypatch.setenv("PAPER_READER_MAX_DUMP_MB", "3")
    papers, _ = read_dump(path)
    assert [p.title for p in papers][:2] == ["Title one", "Title two"]


@pytest.mark.parametrize("value", ["", "abc", "-5", "0", "nan", "inf", "1e400"])
def test_bad_size_cap_values_mean_the_default(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PAPER_READER_MAX_DUMP_MB", value)
    assert files_mod.max_dump_bytes() == files_mod.DEFAULT_MAX_DUMP_MB * 1024 * 1024


def test_json_over_the_cap_is_refused_but_json_lines_are_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPER_READER_MAX_DUMP_MB", "1")
    items = [
        {"paper": {"id": f"2401.{n:05d}", "title": f"T {n}", "summary": "s" * 200}}
        for n in range(6000)
    ]
    array = tmp_path / "big.json"
    array.write_text(json.dumps(items))
    assert one_warning(array).startswith("too large (")
    lines = tmp_path / "big.jsonl"
    lines.write_text("".join(json.dumps(i) + "\n" for i in items))
    papers, info = read_dump(lines)
    assert len(papers) == 6000 and info.warnings == []


# ---------------------------------------------------------------- huge fields and files


def test_a_5_mb_abstract(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    abstract = "Abstract " + "word " * 1_000_000
    path.write_text(f"Title one\n{abstract}\nTitle two\nAbstract two is about gadgets.\n")
    papers, info = within(30, lambda: read_dump(path))
    assert [p.title for p in papers] == ["Title one", "Title two"]
    assert len(papers[0].abstract) == len(abstract.strip())  # kept whole: all of it is searchable
    assert info.warnings == []
    shown = display_text(papers[0].abstract, 2000)
    assert 1990 <= len(shown) <= 2000 and shown.endswith("…")


def test_a_1_mb_one_word_title(tmp_path: Path) -> None:
    path = tmp_path / "title.txt"
    path.write_text("W" * 1_048_576 + "\nAbstract one.\nTitle two\nAbstract two.\n")
    papers, info = within(30, lambda: read_dump(path))
    assert info.warnings == []
    assert [len(p.title) for p in papers] == [1_048_576, 9]
    assert papers[0].abstract == "Abstract one."
    assert display_text(papers[0].title, 300) == "W" * 299 + "…"


def test_100k_papers_in_one_file(tmp_path: Path) -> None:
    path = tmp_path / "many.txt"
    with open(path, "w", encoding="utf-8") as out:
        for n in range(100_000):
            out.write(f"Paper {n} on widgets\nWe study widget {n} and show that it works.\n")
    papers, info = within(60, lambda: read_dump(path))
    assert info.papers == 100_000
    assert papers[-1].title == "Paper 99999 on widgets"
    assert info.warnings == []


def test_a_huge_json_string_and_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text(
        json.dumps([{"paper": {"title": "T" * 1_000_000, "summary": "s " * 2_000_000}}])
    )
    papers, info = within(30, lambda: read_dump(path))
    assert len(papers[0].title) == 1_000_000 and info.warnings == []
    deep = tmp_path / "deep.json"
    deep.write_text('[{"paper": ' * 100_000 + "}]" * 100_000)
    warning = one_warning(deep)
    assert warning.startswith("invalid JSON"), warning


def test_a_jsonl_file_with_one_endless_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPER_READER_MAX_DUMP_MB", "1")
    path = tmp_path / "endless.jsonl"
    with open(path, "w") as out:
        out.write('{"title": "First", "abstract": "a"}\n{"title": "')
        for _ in range(8):
            out.write("x" * 1024 * 1024)
    papers, info = within(30, lambda: read_dump(path))
    assert [p.title for p in papers] == ["First"]
    assert info.warnings == ["line 2: line too long (skipped)"]


# ---------------------------------------------------------------- display_text


def test_display_text() -> None:
    assert display_text("short", 10) == "short"
    assert display_text("exactly10!", 10) == "exactly10!"
    assert display_text("a long sentence here", 10) == "a long se…"
    assert display_text("a long    sentence", 10) == "a long…"  # no trailing spaces before …
    assert display_text("abcdefgh\u200d\u0301xyz", 10) == "abcdefgh…"  # no dangling joiner/mark
    assert display_text("anything", 1) == "…"
    assert display_text("anything", 0) == ""


# ---------------------------------------------------------------- terminal controls


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x1b]52;c;aGVsbG8=\x07b", "ab"),
        ("a\x1b]52;c;aGVsbG8=\x1b\\b", "ab"),
        ("a\x1b]52;c;aGVsbG8=", "a"),  # unterminated: dropped to the end of the line
        ("a\x1b]52;c;aGVsbG8=\nnext line", "a\nnext line"),
        ("a\x1b]0;title\x07b", "ab"),
        ("a\x1b[2Jb\x1b[31;1mc\x1b[0m", "abc"),
        ("a\x1bcb", "ab"),
        ("a\x9b2Jb", "ab"),
        ("a\x9d0;t\x9cb", "ab"),
        ("a\x07b\x00c", "abc"),
        ("a\u202eb\u202dc\u2066d\u2069e\u200ff\u061cg", "abcdefg"),
        ("zero\u200bwidth", "zerowidth"),
        ("a\tb", "a b"),
        ("a\ud800b", "a\ufffdb"),
        (
            "Z" + "\u0301" * 60 + "al" + "\u0489" * 30 + "go",
            "Z" + "\u0301" * 4 + "al" + "\u0489" * 4 + "go",
        ),
        (
            "👨\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈 1\ufe0f\u20e3",
            "👨\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈 1\ufe0f\u20e3",
        ),
        ("漢字とかな、한국어", "漢字とかな、한국어"),
        ("Tiếng Việt", "Tiếng Việt"),
    ],
)
def test_strip_controls(raw: str, clean: str) -> None:
    assert strip_controls(raw) == clean


_CONTROL_CHARS = (
    "\x00\x07\x08\t\n\r\x1b\x7f\x85\x90\x9b\x9c\x9d\u061c\u200b\u200d\u200e\u202e\u2066\u2069\ufeff"
)
_PIECES = [
    "\x1b[",
    "\x1b]",
    "\x1b\\",
    "\x1bc",
    "]52;c;",
    "[2J",
    "\u0301",
    "\ud800",
    "\udfff",
    "👩",
    "漢",
]
_HOSTILE_CHARS = st.sampled_from([*_CONTROL_CHARS, *_PIECES])
HOSTILE_TEXT = st.lists(st.text(max_size=5) | _HOSTILE_CHARS, max_size=40).map("".join)


def _no_forbidden(text: str) -> None:
    assert not FORBIDDEN.search(text), ascii(text)


@settings(max_examples=500, deadline=None)
@given(HOSTILE_TEXT)
def test_strip_controls_leaves_no_controls(text: str) -> None:
    out = strip_controls(text)
    _no_forbidden(out.replace("\n", " "))
    assert "\x1b" not in out
    norm = normalise(text)
    _no_forbidden(norm.replace("\n", " "))
    assert "\r" not in norm


@settings(max_examples=300, deadline=None)
@given(HOSTILE_TEXT)
def test_combining_runs_are_capped(text: str) -> None:
    run = 0
    for ch in strip_controls(text):
        run = run + 1 if unicodedata.category(ch) in ("Mn", "Me") else 0
        assert run <= 4


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_decode_any_bytes(data: bytes) -> None:
    try:
        text, warnings = decode(data)
    except NotText as exc:
        assert str(exc).startswith("binary file")
        return
    assert not re.search("[\ud800-\udfff]", text)
    assert all("\n" not in w for w in warnings)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        HOSTILE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=200),
        HOSTILE_TEXT.map(lambda t: (SAMPLE + t + "\n" + SAMPLE).encode("utf-8", "replace")),
        HOSTILE_TEXT.map(
            lambda t: json.dumps([{"paper": {"title": t or "x", "summary": t}}]).encode()
        ),
        HOSTILE_TEXT.map(lambda t: (json.dumps({"title": t, "abstract": t}) + "\n").encode() * 2),
    ),
    name=st.sampled_from(["d.txt", "d.json", "d.jsonl", "d.md"]),
)
def test_any_dump_file_never_raises_and_yields_clean_papers(
    tmp_path: Path, body: bytes, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(body)
    info = DumpInfo(path=str(path), name=name)
    papers = list(iter_dump(path, info))
    assert info.papers == len(papers)
    for paper in papers:
        assert paper.title
        assert_clean(paper)
    for warning in info.warnings:
        assert "\n" not in warning
        assert not warning.startswith("could not read"), warning


@settings(max_examples=200, deadline=None)
@given(HOSTILE_TEXT)
def test_json_strings_are_cleaned(text: str) -> None:
    doc = [{"paper": {"title": "T " + text, "summary": text, "authors": [{"name": text + "n"}]}}]
    for paper in parse_json_text(json.dumps(doc)).papers:
        assert_clean(paper)


def test_hostile_file_names_are_cleaned_for_display(tmp_path: Path) -> None:
    raw = os.fsdecode(
        b"evil\xff\x1b]0;x\x07\x1b[2J\xe2\x80\xae.txt"
    )  # undecodable byte, OSC, CSI, RLO
    path = tmp_path / raw
    path.write_text(SAMPLE)
    papers, info = read_dump(path)
    assert info.name == "evil\ufffd.txt"
    assert info.path == str(path)  # the path stays as the OS gave it, to open the file again
    assert [s.name for p in papers for s in p.sources] == ["evil\ufffd.txt"] * 2


def test_discover_reports_names_the_index_cannot_store(tmp_path: Path) -> None:
    bad = tmp_path / os.fsdecode(b"bad\xff.txt")
    bad.write_text(SAMPLE)
    (tmp_path / "good.txt").write_text(SAMPLE)
    files, problems = discover([tmp_path])
    assert files == [tmp_path / "good.txt"]
    assert problems == [(bad, "file name is not valid UTF-8 (rename the file to read it)")]
    assert discover([bad]) == (
        [],
        [(bad, "file name is not valid UTF-8 (rename the file to read it)")],
    )
