"""The bundled sample dumps read exactly as a user expects."""

from __future__ import annotations

from pathlib import Path

from reader.ingest import read_dump

SAMPLES = Path(__file__).resolve().parents[2] / "sample_dumps"
HEADER_WORDS = ("Subscribe", "Get trending papers", "research community")


def _read(name_prefix: str):  # type: ignore[no-untyped-def]
    path = next(SAMPLES.glob(f"{name_prefix}_*.txt"))
    return read_dump(path)


def test_exact_counts_per_dump_and_distinct() -> None:
    counts = {}
    ids: set[str] = set()
    for prefix in ("000", "002", "004"):
        papers, info = _read(prefix)
        counts[prefix] = len(papers)
        ids |= {p.id for p in papers}
        assert info.warnings == [], info.warnings
    assert counts == {"000": 49, "002": 103, "004": 60}
    assert len(ids) == 205


def test_page_dates_and_header_dropped() -> None:
    assert _read("002")[1].page_date == "Mar 14"
    assert _read("004")[1].page_date == "Mar 17"
    first = _read("000")[0][0]
    assert first.title == "PyTorch FSDP: Experiences on Scaling Fully Sharded Data Parallel"
    for prefix in ("000", "002", "004"):
        for paper in _read(prefix)[0]:
            assert not any(word in paper.title for word in HEADER_WORDS), paper.title
            assert paper.abstract, paper.title


def test_latex_and_plain_title_are_one_paper_with_two_sources(sample_library) -> None:  # type: ignore[no-untyped-def]
    hits = sample_library.search('title:"distribution matching" divergence')
    papers = [sample_library.get(i) for i in hits.ids]
    matching = [p for p in papers if p and "Divergence Distribution Matching" in p.title]
    assert len(matching) == 1
    paper = matching[0]
    assert paper.title == "One-step Diffusion Models with $f$-Divergence Distribution Matching"
    assert [s.name[:3] for s in paper.sources] == ["002", "004"]
    assert [s.page_date for s in paper.sources] == ["Mar 14", "Mar 17"]


def test_markup_like_text_is_kept_literally() -> None:
    papers, _ = _read("004")
    assert any("Delta[Fe/H]/DeltaR" in p.abstract for p in papers)
