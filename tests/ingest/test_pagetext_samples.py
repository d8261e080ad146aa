"""The bundled sample dumps (docs/formats.md, "Text-only copies") through the full page-text reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.ingest import paper_id, parse_text, read_dump

SAMPLES = Path(__file__).resolve().parents[2] / "sample_dumps"
EXPECTED = {
    "000_1828332811127e68.txt": (49, None, "hf-text-lines"),
    "002_b0d249689d07bc6d.txt": (103, "Mar 14", "hf-text-paragraphs"),
    "004_d1056841f833a4b0.txt": (60, "Mar 17", "hf-text-paragraphs"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_counts_dates_and_formats(name: str) -> None:
    count, page_date, fmt = EXPECTED[name]
    result = parse_text((SAMPLES / name).read_text(encoding="utf-8"))
    assert len(result.papers) == count
    assert result.page_date == page_date
    assert result.format == fmt
    assert result.warnings == []
    for paper in result.papers:
        assert paper.id == paper_id(paper.title)
        assert len(paper.abstract) >= 300
        low = paper.title.casefold()
        assert not low.startswith(("subscribe", "get trending", "by", "new"))
        assert "research community" not in low


def test_sample_ids_distinct_across_dumps() -> None:
    ids: set[str] = set()
    for name in EXPECTED:
        papers, info = read_dump(SAMPLES / name)
        assert info.papers == EXPECTED[name][0]
        ids |= {p.id for p in papers}
    assert len(ids) == 205


def test_first_titles_and_latex_kept() -> None:
    first = parse_text((SAMPLES / "000_1828332811127e68.txt").read_text(encoding="utf-8")).papers[0]
    assert first.title == "PyTorch FSDP: Experiences on Scaling Fully Sharded Data Parallel"
    titles = {
        p.title
        for name in EXPECTED
        for p in parse_text((SAMPLES / name).read_text(encoding="utf-8")).papers
    }
    assert "One-step Diffusion Models with $f$-Divergence Distribution Matching" in titles
