"""HF API JSON dumps (daily papers, search, paper detail, page data-props) to papers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.ingest import parse_json_text, read_dump
from reader.ingest.jsonrecords import hf_paper

FIXTURES = Path(__file__).parent / "fixtures" / "json"


def fields(paper: object) -> dict[str, object]:
    data = paper.to_dict()  # type: ignore[attr-defined]
    data.pop("sources")
    data.pop("id")
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def test_daily_papers_array_maps_every_field() -> None:
    papers, info = read_dump(FIXTURES / "daily_papers.json")
    assert info.format == "hf-api-json"
    assert info.warnings == []
    assert info.papers == 2
    assert fields(papers[0]) == {
        "title": "Large Multimodal Models as General In-Context Classifiers",
        "abstract": "Which multimodal model should we use for classification? Previous studies "
        "suggest that the answer lies in CLIP-like contrastive Vision-Language Models.",
        "arxiv_id": "2602.23229",
        "url": "https://huggingface.co/papers/2602.23229",
        "authors": ["Marco Garosi", "Elisa Ricci"],  # the hidden author is skipped
        "organization": "Multimedia and Human Understanding Group",
        "published": "2026-02-26",  # paper.publishedAt, not the top-level copy
        "upvotes": 10,
        "comments": 1,
        "submitter": "mgarosi",  # submittedBy.name beats submittedOnDailyBy
        "summary": "Large Multimodal Models demonstrate strong in-context classification.",
        "github": "https://github.com/marco-garosi/CIRCLE",
        "github_stars": 9,
    }
    # The full paper.summary wins over the item's shortened copy; hard wraps rejoined.
    assert "\n" not in papers[1].abstract
    assert papers[1].abstract.endswith("instead of admitting uncertainty.")
    assert papers[1].comments == 3
    assert papers[0].sources[0].name == "daily_papers.json"


def test_flattened_items_and_snake_case_comments() -> None:
    papers, info = read_dump(FIXTURES / "flattened_items.json")
    assert info.warnings == []
    assert fields(papers[0]) == {
        "title": "A Flat Item",
        "abstract": "Flat abstract.",
        "arxiv_id": "2401.00001",
        "url": "https://huggingface.co/papers/2401.00001",
        "authors": ["Ann Author", "Bob Author"],
        "organization": "flatorg",
        "published": "2024-01-01",
        "upvotes": 7,
        "comments": 2,
        "submitter": "Only Fullname",
    }


def test_bare_paper_object_from_the_detail_endpoint() -> None:
    papers, info = read_dump(FIXTURES / "paper_detail.json")
    assert info.format == "hf-paper-json"
    assert [p.title for p in papers] == ["Why Language Models Hallucinate"]
    assert papers[0].github == "https://github.com/openai/hallucinations"
    assert papers[0].github_stars == 120
    assert papers[0].comments == 4
    assert papers[0].upvotes == 26


def test_page_data_props_object() -> None:
    papers, info = read_dump(FIXTURES / "page_props.json")
    assert info.format == "hf-page-json"
    assert [p.arxiv_id for p in papers] == ["2602.23229", "2509.04664"]


def test_paper_page_props_with_comments(tmp_path: Path) -> None:
    doc = {"paper": {"id": "2401.00002", "title": "Page Paper", "summary": "S."},
           "comments": [{"id": "c1", "type": "comment", "data": {"latest": {"raw": "hi"}}}]}  # fmt: skip
    path = tmp_path / "page.json"
    path.write_text(json.dumps(doc))
    papers, info = read_dump(path)
    assert [p.title for p in papers] == ["Page Paper"]
    assert info.format == "hf-page-json"


def test_wrong_types_never_raise_and_skipped_items_are_named() -> None:
    papers, info = read_dump(FIXTURES / "wrong_types.json")
    assert info.warnings == [
        "item 1: not an object but null (skipped)",
        "item 2: not an object but a string (skipped)",
        "item 3: not an object but a list (skipped)",
        "item 5: no title (skipped)",
    ]
    by_title = {p.title: p for p in papers}
    assert list(by_title) == [
        "Wrong Types Everywhere",
        "Paper Field Is A String",
        "Bad Authors List",
    ]
    wrong = by_title["Wrong Types Everywhere"]
    # a float id, a list summary, a string author list, "many" upvotes, a numeric date: all skipped
    assert fields(wrong) == {
        "title": "Wrong Types Everywhere",
        "organization": "Plain Org",
        "submitter": "someone",
    }
    assert by_title["Paper Field Is A String"].abstract == "Still read from the item."
    bad = by_title["Bad Authors List"]
    assert bad.authors == ["Real Name"]  # hidden must be the boolean true to hide
    assert bad.upvotes is None  # 1e400 is infinite
    assert bad.published is None  # 30 February
    assert bad.comments == 2


def test_invalid_json_gives_one_warning_with_position() -> None:
    papers, info = read_dump(FIXTURES / "invalid.json")
    assert papers == []
    assert info.warnings == ["invalid JSON at line 4, column 1: Expecting value"]


def test_top_level_values_without_papers(tmp_path: Path) -> None:
    cases = {
        "[]": ["empty JSON list: no papers"],
        '{"dailyPapers": []}': ["empty JSON list: no papers"],
        '{"foo": 1}': ["JSON holds no papers (an object with keys 'foo')"],
        "[1, 2]": ["item 0: not an object but a number (skipped)",
                   "item 1: not an object but a number (skipped)", "no papers found"],
    }  # fmt: skip
    for n, (body, expected) in enumerate(cases.items()):
        path = tmp_path / f"case{n}.json"
        path.write_text(body)
        papers, info = read_dump(path)
        assert papers == [], body
        assert info.warnings == expected, body


def test_many_bad_items_are_summarised(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([None] * 50 + [{"title": "Good"}]))
    papers, info = read_dump(path)
    assert [p.title for p in papers] == ["Good"]
    assert len(info.warnings) == 21
    assert info.warnings[-1] == "30 more bad items"


def test_deep_nesting_and_huge_numbers_do_not_raise(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    assert read_dump(deep)[0] == []
    big = tmp_path / "big.json"
    big.write_text('[{"title": "T", "upvotes": ' + "9" * 5000 + "}]")
    papers, info = read_dump(big)
    assert papers == []
    assert len(info.warnings) == 1 and info.warnings[0].startswith("invalid JSON")


def test_controls_in_json_strings_are_stripped(tmp_path: Path) -> None:
    item = {"paper": {"id": "2401.00003", "title": "Evil\u001b]52;c;aGk=\u0007 Title\u202e",
                      "summary": "A\u0000b\u009b2Jc \ud800 end", "authors": [{"name": "X\u001b[31mY"}]}}  # fmt: skip
    page = parse_json_text(json.dumps(item))
    paper = page.papers[0]
    assert paper.title == "Evil Title"
    assert paper.abstract == "Abc \ufffd end"  # the lone surrogate is replaced, never stored
    assert paper.authors == ["XY"]


def test_json_in_a_txt_file_is_json(tmp_path: Path) -> None:
    path = tmp_path / "saved.txt"
    shutil.copy(FIXTURES / "daily_papers.json", path)
    papers, info = read_dump(path)
    assert info.format == "hf-api-json"
    assert len(papers) == 2


def test_duplicate_items_are_read_once(tmp_path: Path) -> None:
    item = {"paper": {"id": "2401.00004", "title": "Twice", "summary": "S"}}
    path = tmp_path / "dup.json"
    path.write_text(json.dumps([item, item]))
    papers, info = read_dump(path)
    assert [p.title for p in papers] == ["Twice"]
    assert info.papers == 1


_KEYS = ["paper", "id", "title", "summary", "authors", "name", "hidden", "upvotes",
         "numComments", "num_comments", "publishedAt", "organization", "fullname", "githubRepo",
         "githubStars", "submittedBy", "ai_summary", "dailyPapers", "abstract", "versions",
         "created", "categories", "authors_parsed", "update_date"]  # fmt: skip
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=5), children, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_any_json_document_never_raises(doc: object) -> None:
    page = parse_json_text(json.dumps(doc))
    for paper in page.papers:
        assert paper.title
        assert isinstance(paper.authors, list)
        assert paper.upvotes is None or paper.upvotes >= 0
    if isinstance(doc, dict):
        hf_paper(doc)


def test_json_in_utf16_and_latin1(tmp_path: Path) -> None:
    doc = [{"paper": {"id": "2401.00005", "title": "Café au lait", "summary": "Crème brûlée."}}]
    text = json.dumps(doc, ensure_ascii=False)
    for name, data, warnings in (
        ("u16.json", text.encode("utf-16"), []),
        (
            "latin1.json",
            text.encode("latin-1"),
            ["not valid UTF-8: read as Windows-1252 (4 non-ASCII bytes)"],
        ),
        ("bom.json", b"\xef\xbb\xbf" + text.encode(), []),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        papers, info = read_dump(path)
        assert [(p.title, p.abstract) for p in papers] == [("Café au lait", "Crème brûlée.")], name
        assert info.warnings == warnings, name
        assert info.format == "hf-api-json"


def test_search_response_shape(tmp_path: Path) -> None:
    """`/api/papers/search` returns the daily-papers wrapper; extra keys are ignored."""
    doc = [
        {"paper": {"id": "2401.00006", "title": "Searched", "summary": "S.", "upvotes": 3},
         "numComments": 0, "isAuthorParticipating": False, "highlightedTitle": "<em>Searched</em>"},
    ]  # fmt: skip
    path = tmp_path / "search.json"
    path.write_text(json.dumps(doc))
    papers, info = read_dump(path)
    assert fields(papers[0]) == {
        "title": "Searched",
        "abstract": "S.",
        "arxiv_id": "2401.00006",
        "url": "https://huggingface.co/papers/2401.00006",
        "upvotes": 3,
        "comments": 0,
    }
    assert info.format == "hf-api-json" and info.warnings == []
