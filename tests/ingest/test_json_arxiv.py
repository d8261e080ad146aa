"""The arXiv metadata snapshot (JSON Lines) and content sniffing of JSON dumps."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from reader.ingest import iter_dump, read_dump, sniff
from reader.ingest.dump import DumpInfo
from reader.ingest.jsonrecords import delatex, split_authors

FIXTURES = Path(__file__).parent / "fixtures" / "json"


def record(n: int, **extra: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "id": f"2101.{n:05d}", "submitter": "S", "authors": "Ann One and Bob Two",
        "title": f"Paper number {n}\n  continued", "comments": None, "journal-ref": None,
        "doi": None, "report-no": None, "categories": "cs.LG stat.ML", "license": None,
        "abstract": f"  Abstract {n} with\nhard wraps.\n",
        "versions": [{"version": "v1", "created": "Mon, 11 Jan 2021 20:31:27 GMT"}],
        "update_date": "2022-11-07", "authors_parsed": [["One", "Ann", ""], ["Two", "Bob", ""]],
    }  # fmt: skip
    rec.update(extra)
    return rec


def write_jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def test_snapshot_fixture_maps_every_field() -> None:
    papers, info = read_dump(FIXTURES / "arxiv_snapshot.json")
    assert info.format == "arxiv-jsonl"
    assert info.warnings == []
    first, second, old = papers
    assert first.arxiv_id == "0704.0002"
    assert first.url == "https://arxiv.org/abs/0704.0002"
    assert first.title == "Sparsity-certifying Graph Decompositions"
    assert first.abstract.startswith("We describe a new algorithm, the $(k,\\ell)$-pebble game")
    assert first.abstract.endswith("$(k,\\ell)$-sparse graphs.")
    assert first.authors == ["Ileana Streinu", "Louis Theran"]
    assert first.categories == ["math.CO", "cs.CG"]
    assert first.published == "2007-03-31"  # versions[0].created, not update_date
    assert first.submitter == "Louis Theran"
    assert second.published == "2021-01-11"
    assert second.categories == ["cs.DS", "cs.MS"]
    # old-style id, no authors_parsed (split the string, LaTeX accents, affiliations dropped)
    assert old.arxiv_id == "hep-th/9901001"
    assert old.url == "https://arxiv.org/abs/hep-th/9901001"
    assert old.title == "An Old-Style Identifier"
    assert old.authors == ["J. Balázs", "M. Müller", "A. N. Other"]
    assert old.published == "1999-01-04"  # no versions: update_date


def test_ids_are_never_numbers(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [record(1, id=704.0002), record(2, id="0704.0002v3")])
    papers, _ = read_dump(path)
    assert [p.arxiv_id for p in papers] == [None, "0704.0002"]
    assert papers[0].url is None


def test_bad_lines_are_named_and_the_rest_kept(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "s.json",
        [record(1), "{not json", "", "[1, 2]", record(5, title=None), record(6)],
    )
    papers, info = read_dump(path)
    assert [p.arxiv_id for p in papers] == ["2101.00001", "2101.00006"]
    assert info.warnings == [
        "line 2: invalid JSON at column 2: Expecting property name enclosed in double quotes (skipped)",
        "line 4: not an object but a list (skipped)",
        "line 5: no title (skipped)",
    ]


def test_many_bad_lines_are_capped_then_summarised(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [record(0)] + ["oops"] * 120 + [record(1)])
    papers, info = read_dump(path)
    assert len(papers) == 2
    assert len(info.warnings) == 21
    assert info.warnings[0].startswith("line 2: invalid JSON")
    assert info.warnings[19].startswith("line 21: ")
    assert info.warnings[-1] == "100 more bad lines"


def test_wrong_types_in_records(tmp_path: Path) -> None:
    rec = record(3, authors_parsed="nope", authors=["not", "a", "string"], categories=None,
                 versions=[{"created": 5}], update_date="never", abstract=None)  # fmt: skip
    odd = record(
        4, authors_parsed=[["Solo"], [None, "X"], "Plain Name", 7, ["Last", "First", "Jr", "x"]]
    )
    papers, info = read_dump(write_jsonl(tmp_path / "s.jsonl", [rec, odd]))
    assert info.warnings == []
    assert (papers[0].authors, papers[0].categories, papers[0].published, papers[0].abstract) == (
        [],
        [],
        None,
        "",
    )
    assert papers[1].authors == ["Solo", "X", "Plain Name", "First Last Jr"]


def test_the_size_cap_does_not_apply_to_json_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPER_READER_MAX_DUMP_MB", "1")
    path = write_jsonl(tmp_path / "big.jsonl", [record(n) for n in range(5000)])
    assert path.stat().st_size > 1024 * 1024
    papers, info = read_dump(path)
    assert len(papers) == 5000
    assert info.warnings == []


def test_a_line_over_the_cap_is_skipped_not_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPER_READER_MAX_DUMP_MB", "1")
    path = write_jsonl(
        tmp_path / "s.jsonl", [record(1), record(2, abstract="x" * 3_000_000), record(3)]
    )
    papers, info = read_dump(path)
    assert [p.arxiv_id for p in papers] == ["2101.00001", "2101.00003"]
    assert info.warnings == ["line 2: line too long (skipped)"]


def test_streaming_uses_bounded_memory(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [record(n) for n in range(4_000)])
    size = path.stat().st_size
    tracemalloc.start()
    try:
        info = DumpInfo(path=str(path), name=path.name)
        count = sum(1 for _ in iter_dump(path, info))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 4_000
    assert peak < size / 4, (peak, size)  # papers are not kept, the file is not loaded


def test_encoding_quirks_in_lines(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    good = json.dumps(record(1)).encode()
    bad = json.dumps(record(2, title="Caf\udce9")).encode("utf-8", "surrogateescape")
    bad = bad.replace(b"\\udce9", b"\xe9")  # a raw latin-1 byte inside a UTF-8 line
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\r\n" + bad + b"\r\n")
    papers, info = read_dump(path)
    assert [p.title for p in papers] == ["Paper number 1 continued", "Caf\ufffd"]
    assert info.warnings == ["not valid UTF-8: 1 lines had undecodable bytes replaced"]


def test_hf_items_as_json_lines(tmp_path: Path) -> None:
    items = [{"paper": {"id": f"2401.0000{n}", "title": f"T{n}", "summary": "S"}} for n in range(3)]
    papers, info = read_dump(write_jsonl(tmp_path / "hf.jsonl", items))
    assert info.format == "hf-api-jsonl"
    assert papers[0].url == "https://huggingface.co/papers/2401.00000"


@pytest.mark.parametrize(
    ("name", "body", "kind"),
    [
        ("a.txt", '[{"paper": {"title": "T"}}]', "json"),
        ("a.txt", '  \n{"title": "T", "summary": "S"}', "json"),
        ("a.json", '{"title": "A"}\n{"title": "B"}\n', "jsonl"),
        ("a.jsonl", '{"title": "A"}\n', "jsonl"),
        ("a.json", '{"title": "A"}\n', "json"),
        ("a.json", '{\n  "title": "A"\n}\n', "json"),
        ("a.jsonl", "Daily Papers\nTitle one\nAbstract one.\n", "text"),
        ("a.txt", "[2401.00001] A title in brackets\n", "text"),
        ("a.json", "[1, 2]", "json"),
        ("a.md", "[Title](https://huggingface.co/papers/2401.00001)\n", "text"),
    ],
)
def test_sniff_is_by_content(tmp_path: Path, name: str, body: str, kind: str) -> None:
    path = tmp_path / name
    path.write_text(body)
    assert sniff(path) == kind


def test_jsonl_with_a_first_line_longer_than_the_sniff_window(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.json", [record(1, abstract="y " * 40_000), record(2)])
    papers, info = read_dump(path)
    assert [p.arxiv_id for p in papers] == ["2101.00001", "2101.00002"]
    assert info.format == "arxiv-jsonl"


def test_single_pretty_printed_arxiv_record(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record(7), indent=2))
    papers, info = read_dump(path)
    assert info.format == "arxiv-json"
    assert papers[0].arxiv_id == "2101.00007"


def test_author_helpers() -> None:
    assert delatex(r"Bal\'azs Szeg{\H o} {\"U}nal \c{C}elik Erd\H{o}s \o ystein K\"{o}hler") == (
        "Balázs Szegő Ünal Çelik Erdős øystein Köhler"
    )
    assert split_authors("A. One (MIT), B. Two, and C. Three (Dept. of X (Y))") == [
        "A. One", "B. Two", "C. Three"]  # fmt: skip
    assert split_authors("Ileana Streinu and Louis Theran") == ["Ileana Streinu", "Louis Theran"]
