"""Paper identity: one paper, one id, whatever the markup."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.ingest import find_arxiv_id, paper_id, title_key


def test_latex_case_punctuation_and_accents_do_not_split_a_paper() -> None:
    a = "One-step Diffusion Models with $f$-Divergence Distribution Matching"
    b = "One-step Diffusion Models with f-Divergence Distribution Matching"
    c = "ONE-STEP diffusion models with  f–divergence distribution matching."
    assert paper_id(a) == paper_id(b) == paper_id(c)
    assert title_key("Schrödinger Bridge") == title_key("Schrodinger bridge")
    assert title_key(r"PixArt-$\alpha$") == "pixart"


def test_different_titles_differ() -> None:
    assert paper_id("Diffusion models beat GANs") != paper_id("Diffusion models beat VAEs")


def test_arxiv_ids_from_urls() -> None:
    assert find_arxiv_id("https://huggingface.co/papers/2606.00683") == "2606.00683"
    assert find_arxiv_id("arXiv:2405.07960v2") == "2405.07960"
    assert find_arxiv_id("https://arxiv.org/abs/hep-th/9901001v1") == "hep-th/9901001"
    assert find_arxiv_id("no id here 12.5") is None


@given(st.text(max_size=200))
def test_ids_are_stable_and_keys_idempotent(title: str) -> None:
    assert paper_id(title) == paper_id(title)
    assert len(paper_id(title)) == 12
    key = title_key(title)
    assert title_key(key) == key
