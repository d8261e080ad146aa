"""Export (JSON, Markdown, BibTeX, list rows) and import: round trips and hostile text."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.bookmarks import Bookmark, BookmarkError, BookmarkStore, export, parse_import
from reader.bookmarks.transfer import rows_json, to_bibtex, to_markdown
from reader.ingest.text import clean_field
from reader.model import Paper, Source

MakePaper = Callable[..., Paper]

# Any text at all, including controls, escapes, markup and odd spaces.
ANY_TEXT = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(["\x1b[31m", "\x9b", "\u202e", "\r\n", "\t", "[b]", "[/]", "{", "}"]),
    ),
    max_size=12,
).map("".join)


def _new_store() -> tuple[BookmarkStore, tempfile.TemporaryDirectory[str]]:
    folder = tempfile.TemporaryDirectory()
    return BookmarkStore(Path(folder.name) / "data" / "bookmarks.json"), folder


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(
        st.tuples(ANY_TEXT, ANY_TEXT, st.lists(ANY_TEXT, max_size=4), ANY_TEXT, st.booleans()),
        min_size=0,
        max_size=4,
    )
)
def test_json_export_then_import_into_an_empty_store_gives_the_same_bookmarks(
    items: list[tuple[str, str, list[str], str, bool]],
) -> None:
    source, folder_a = _new_store()
    target, folder_b = _new_store()
    with folder_a, folder_b:
        for n, (title, abstract, tags, note, with_arxiv) in enumerate(items):
            paper = Paper(
                id=f"id{n}",
                title=title,
                abstract=abstract,
                arxiv_id=f"2401.{n:05d}" if with_arxiv else None,
                authors=[title[:5]],
                sources=[Source(name=title[:8] or "d", path="/p", page_date=None)],
            )
            source.add(paper, tags=tags, note=note)
        dumped = export(source.all(), "json")
        added, updated = target.merge(parse_import(dumped.encode(), "export.json"))
        assert sorted(added) == sorted(source.ids()) and updated == []
        assert target.all() == source.all()
        # The list --json rows are importable too, and keep what they carry.
        rows = parse_import(rows_json(source.all()).encode(), "rows.json")
        assert [(b.paper_id, b.paper.title, b.tags, b.note, b.added) for b in rows] == [
            (b.paper_id, b.paper.title, b.tags, b.note, b.added) for b in source.all()
        ]


def test_export_json_is_the_file_format(store: BookmarkStore, paper: MakePaper) -> None:
    store.add(paper(1), tags=["a"])
    doc = json.loads(export(store.all(), "json"))
    assert doc["schema_version"] == 1
    assert doc["bookmarks"][0]["id"] == "p0001"
    assert export(store.all(), "json").encode() == store.path.read_bytes()


def test_list_rows_have_the_documented_fields(store: BookmarkStore, paper: MakePaper) -> None:
    store.add(paper(1), tags=["a"], note="n")
    (row,) = json.loads(rows_json(store.all()))
    for key in ("id", "title", "tags", "note", "added", "updated", "arxiv_id", "url", "sources"):
        assert key in row
    assert row["sources"] == ["daily.txt"]
    assert row["arxiv_id"] == "2401.00001"


def test_import_merges_newer_wins_and_reports(
    store_path: Path, tmp_path: Path, paper: MakePaper
) -> None:
    other = BookmarkStore(tmp_path / "other" / "bookmarks.json")
    other.add(paper(1), tags=["theirs"])
    mine = BookmarkStore(store_path, clock=lambda: "2000-01-01T00:00:00Z")
    mine.add(paper(1), tags=["mine"])
    mine.add(paper(2))
    added, updated = mine.merge(parse_import(other.path.read_bytes(), "other"))
    assert (added, updated) == ([], ["p0001"])
    got = mine.get("p0001")
    assert got is not None and got.tags == ["theirs"]
    assert mine.ids() == frozenset({"p0001", "p0002"})


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "invalid JSON"),
        (b"\n@misc{p1,\n title = {x}\n}\n", "BibTeX"),
        (b"# Bookmarks\n", "Markdown"),
        (b"\xff\xfe\x00", "UTF-8"),
        (b'{"schema_version": 9, "bookmarks": []}', "newer"),
        (b'{"schema_version": 1}', "no list"),
        (b'[{"id": "x"}]', "entry 1"),
        (b'[{"id": "x", "title": "t", "added": "soon"}]', "entry 1"),
    ],
)
def test_bad_imports_give_one_line_errors(raw: bytes, reason: str) -> None:
    with pytest.raises(BookmarkError, match=reason) as info:
        parse_import(raw, "in.json")
    assert "in.json" in str(info.value) and "\n" not in str(info.value)


def _bookmark(pid: str, title: str, **paper: object) -> Bookmark:
    return Bookmark(
        pid,
        Paper(id=pid, title=title, **paper),  # type: ignore[arg-type]
        ["tag one", "x{y}"],
        "a note\nwith 100% & $math$",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
    )


def _parse_bibtex(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return library


# LaTeX typography the decoder reads back in its typeset form; the BibTeX itself is right.
_TYPESET = [("---", "—"), ("--", "–"), ("''", "”"), ("``", "“"), ('"', "”"), ("^", "ˆ")]


def _typeset(text: str) -> str:
    for plain, typeset in _TYPESET:
        text = text.replace(plain, typeset)
    return text


NASTY_TITLES = [
    "Metallicity [Fe/H] of {stars}: 100% & #1 in $O(n)$",
    "unbalanced { brace and } other",
    "back\\slash ~tilde_ under ^caret",
    '@misc{evil, title={pwned}} "quoted"',
    "Ünïcödé — αβγ 中文 🙂",
    "[bold red]markup[/] <b>html</b> \\emph{x}",
    "comma, equals = and % percent",
]


def test_bibtex_parses_back_with_the_same_keys_and_titles(paper: MakePaper) -> None:
    bookmarks = [
        _bookmark(
            f"id{n}",
            title,
            arxiv_id="2401.00001" if n % 2 else None,
            url=None if n % 2 else "https://example.org/a_b?x=1%20{y}",
            authors=["Jörg Müller", "A. {Brace}"],
            abstract=f"Abstract {n}: {title}",
            categories=["cs.CL"],
            published="2024-03-01",
        )
        for n, title in enumerate(NASTY_TITLES)
    ]
    text = to_bibtex(bookmarks)
    library = _parse_bibtex(text)
    # URLs are verbatim (biblatex reads them so), not LaTeX text: read them undecoded.
    raw_library = bibtexparser.parse_string(text)
    assert [e.key for e in library.entries] == [b.paper_id for b in bookmarks]
    for entry, raw_entry, bookmark in zip(
        library.entries, raw_library.entries, bookmarks, strict=True
    ):
        fields = {k: f.value for k, f in entry.fields_dict.items()}
        fields["url"] = raw_entry.fields_dict["url"].value
        assert entry.entry_type == "misc"
        assert _typeset(fields["title"]) == _typeset(bookmark.paper.title)
        assert _typeset(fields["abstract"]) == _typeset(bookmark.paper.abstract)
        assert fields["keywords"] == "tag one, x{y}"
        assert fields["note"] == "a note\nwith 100% & $math$"
        assert fields["year"] == "2024"
        assert fields["author"] == "Jörg Müller and A. {Brace}"
        if bookmark.paper.arxiv_id:
            assert fields["eprint"] == "2401.00001"
            assert fields["archiveprefix"] == "arXiv"
            assert fields["primaryclass"] == "cs.CL"
            assert fields["url"] == "https://huggingface.co/papers/2401.00001"
        else:
            assert fields["url"] == "https://example.org/a_b?x=1%20%7By%7D"


TITLE_CHARS = st.characters(
    categories=["L", "M", "N", "P", "S", "Zs"],
    include_characters="{}\\$%&#_~[]<>@,=:;!?()/+*.",
    exclude_characters="^\"'`-",
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(TITLE_CHARS, min_size=1, max_size=30), min_size=1, max_size=5))
def test_bibtex_round_trips_any_title(titles: list[str]) -> None:
    bookmarks = [_bookmark(f"k{n}", clean_field(t) or "x") for n, t in enumerate(titles)]
    library = _parse_bibtex(to_bibtex(bookmarks))
    assert [e.key for e in library.entries] == [b.paper_id for b in bookmarks]
    got = [e.fields_dict["title"].value for e in library.entries]
    assert got == [b.paper.title for b in bookmarks]


def test_bibtex_keys_are_safe_and_unique() -> None:
    bookmarks = [_bookmark("a b,c{d}", "one"), _bookmark("a_b_c_d_", "two"), _bookmark("", "3")]
    library = _parse_bibtex(to_bibtex(bookmarks))
    keys = [e.key for e in library.entries]
    assert len(set(keys)) == 3
    assert keys[0] == "a_b_c_d_" and keys[1] == "a_b_c_d__2"


def test_markdown_lists_title_link_tags_note_as_plain_text(paper: MakePaper) -> None:
    bookmarks = [
        _bookmark("a", "Metallicity [Fe/H] *bold* `code` <b>x</b> # not a heading"),
        _bookmark("b", "Second", arxiv_id="2401.00002"),
    ]
    text = to_markdown(bookmarks)
    assert text.startswith("# Bookmarks\n")
    assert "2 bookmarks" in text
    assert (
        "## Metallicity \\[Fe/H\\] \\*bold\\* \\`code\\` \\<b\\>x\\</b\\> \\# not a heading" in text
    )
    assert "- Link: <https://huggingface.co/papers/2401.00002>" in text
    assert "- Tags: tag one, x\\{y\\}" in text
    assert "> a note\n> with 100% & $math$" in text


def test_unknown_format_is_an_error(store: BookmarkStore) -> None:
    with pytest.raises(BookmarkError, match="unknown export format"):
        export(store.all(), "pdf")
