"""Whole synthetic captures, one per real capture style in docs/formats.md, with the exact papers.

The fixtures under fixtures/pagetext/ are written to the description (sections 1-8), with
made-up papers; each must give exactly the papers, fields and page metadata listed here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reader.ingest import paper_id, parse_text
from reader.ingest.page import PageText

FIXTURES = Path(__file__).parent / "fixtures" / "pagetext"
YEAR = datetime.now(UTC).year
HF = "https://huggingface.co/papers/"


def read(name: str) -> PageText:
    return parse_text((FIXTURES / name).read_text(encoding="utf-8"))


def check_papers(result: PageText, expected: list[dict[str, Any]]) -> None:
    assert len(result.papers) == len(expected), [p.title for p in result.papers]
    for paper, want in zip(result.papers, expected, strict=True):
        assert paper.id == paper_id(paper.title)
        for name, value in want.items():
            assert getattr(paper, name) == value, (paper.title, name)


def test_firecrawl_search_page() -> None:
    result = read("firecrawl_search.md")
    assert (result.format, result.page_date, result.query) == (
        "hf-markdown",
        "Oct 2",
        "source citations",
    )
    assert result.warnings == []
    check_papers(result, [
        {"title": "OCC-RAG: Optimal Cognitive Core for Faithful Question Answering",
         "abstract": "Recent progress in language models has been defined by scale. We introduce "
         "Optimal Cognitive Core (OCC), a family of small models. The models produce structured "
         "reasoning traces with sourcecitations grounded in literal quotes from the context.",
         "upvotes": 101, "organization": "OCC", "published": "2026-05-29", "comments": 6,
         "arxiv_id": "2606.00683", "url": HF + "2606.00683", "authors": [], "summary": None},
        {"title": "The Noisy Path from Source to Citation: Measuring How Scholars Engage with Past "
         "Research",
         "abstract": "Academic citations are widely used for evaluating research and tracing "
         "knowledge flows. Such uses typically rely on raw citation counts -- and neglect "
         "variability in citation types. Our work reveals systematic differences in citation "
         "fidelity.",
         "upvotes": None, "organization": None, "published": "2025-02-27", "comments": None,
         "arxiv_id": "2502.20581", "authors": []},
        {"title": "Source or It Didn't Happen: A Multi-Agent Framework for Citation Hallucination "
         "Detection",
         "upvotes": 1, "organization": "University of Massachusetts Amherst",
         "published": "2026-05-08", "comments": 1, "arxiv_id": "2605.08583"},
        {"title": "Sources of Truth: A Multi-Platform Audit of Citations in AI Mental Health Queries",
         "upvotes": None, "published": "2026-08-30", "comments": None, "arxiv_id": "2609.00319"},
    ])  # fmt: skip


def test_notebook_plain_url_search_page() -> None:
    result = read("notebook_plain_urls.md")
    assert (result.format, result.page_date, result.query) == (
        "hf-text-links",
        "Mar 25",
        "Intercode Bash",
    )
    assert result.warnings == []
    check_papers(result, [
        {"title": "Better than Your Teacher: LLM Agents that learn from Privileged AI Feedback",
         "abstract": "While large language models (LLMs) show impressive decision-making abilities, "
         "current methods lack a mechanism for self-improvement. We evaluate LEAP on interactive "
         "coding ( Intercode Bash). Our code is available at https://leap-llm.github.io",
         "upvotes": 1, "published": "2024-10-07", "comments": None, "arxiv_id": "2410.05434",
         "url": HF + "2410.05434", "authors": []},
        {"title": "code2seq: Generating Sequences from Structured Representations of Code",
         "abstract": "We present {scriptsize CODE2SEQ}: an alternative approach that leverages the "
         "syntactic structure of programming languages. Our model significantly outperforms "
         "previous models, by 45\\% on one task.",
         "upvotes": None, "published": "2024-09-03", "comments": 2, "arxiv_id": "1808.01400"},
        {"title": "Soft Instruction De-escalation Defense", "upvotes": 5, "organization": "Google",
         "published": "2025-10-23", "comments": 1, "arxiv_id": "2510.21057"},
        {"title": "CodeFusion: A Pre-trained Diffusion Model for Code Generation", "upvotes": 74,
         "published": "2023-10-26", "comments": None, "arxiv_id": "2310.17680"},
    ])  # fmt: skip


def test_web_source_reference_links_truncated() -> None:
    """`[n]` links whose definitions were cut off with the capture: no URLs, but all fields."""
    result = read("web_source_refs.md")
    assert (result.format, result.page_date, result.query) == (
        "hf-markdown",
        "Jun 29",
        "Long-context ASR",
    )
    check_papers(result, [
        {"title": "MURMUR: An Efficient Inference System for Long-Form ASR",
         "abstract": "Long-form automatic speech recognition (ASR) requires both high accuracy and "
         "low latency, but existing systems force a trade-off between the two. We propose Murmur, "
         "an inference system that overcomes this trade-off by operating at two levels.",
         "upvotes": None, "published": "2024-03-08", "comments": 6, "arxiv_id": None, "authors": []},
        {"title": "KV Cache Compression, But What Must We Give in Return? A Comprehensive Benchmark "
         "of Long Context Capable Approaches",
         "abstract": "Long context capability is a crucial competency for large language models. We "
         "benchmark ten long context approaches on seven categories of tasks.",
         "upvotes": 65, "organization": "Microsoft", "published": "2025-06-02", "comments": None},
    ])  # fmt: skip


def test_trending_cards_deduplicated() -> None:
    result = read("trending_anchors.md")
    assert (result.format, result.page_date, result.query) == ("hf-trending", None, None)
    assert result.warnings == []
    summary = ("A multi-agent framework using large language models for stock trading simulates "
               "real-world trading firms, improving cumulative returns.")  # fmt: skip
    check_papers(result, [
        {"title": "Kandinsky 9.0 Video: Synthetic Models for Synchronized Video and Audio",
         "abstract": "We present Kandinsky 9.0 Video, a family of synthetic diffusion models for "
         "video with audio. Both models generate clips at Full-HD (1920times1080) with synchronized "
         "44 kHz audio. We release the code and checkpoints.",
         "summary": None, "submitter": "vvasilev", "organization": "Kandinsky Lab",
         "published": "2026-10-04", "upvotes": 117, "comments": None, "arxiv_id": "2610.05608",
         "github": "https://github.com/kandinskylab/kandinsky-9", "github_stars": 131},
        {"title": "The Other Half of the Memory Wall: Serving MoEs from SSD",
         "abstract": "Mixture-of-experts inference on consumer hardware is bounded by weight memory. "
         "We present Edge9, a streaming engine; on a single machine, Edge9 serves a 35B MoE at "
         "20tok/s. The framework is open source.",
         "submitter": "bupalinyu", "organization": "Edge9", "published": "2026-09-16",
         "upvotes": 25, "github_stars": 3290, "github": "https://github.com/Edge9-AI/edge9"},
        {"title": "TradingAgents: Multi-Agents LLM Financial Trading Framework",
         "abstract": summary, "summary": summary, "submitter": None, "organization": None,
         "authors": [], "published": "2024-12-28", "upvotes": 149, "github_stars": 110000,
         "arxiv_id": "2412.20138", "url": HF + "2412.20138"},
        {"title": "Efficient Memory Management for Large Language Model Serving with PagedAttention",
         "submitter": "akhaliq", "published": "2023-09-12", "upvotes": 76, "github_stars": 86100,
         "arxiv_id": "2309.06180"},
    ])  # fmt: skip


def test_papers_with_code_trending_without_dates_or_upvotes() -> None:
    result = read("pwc_trending.md")
    assert result.format == "hf-trending"
    check_papers(result, [
        {"title": "Agent Lightning: Train ANY AI Agents with Reinforcement Learning",
         "summary": "Agent Lightning is a flexible RL framework for training LLMs in various agents, "
         "using a hierarchical RL algorithm and decoupling execution from training.",
         "upvotes": None, "published": None, "github_stars": 11300, "authors": [],
         "github": "https://github.com/microsoft/agent-lightning"},
        {"title": "HeartMuLa: A Family of Open Sourced Music Foundation Models", "github_stars": 843},
        {"title": "FAPO: Flawed-Aware Policy Optimization for Efficient and Reliable Reasoning",
         "summary": "Flawed-Aware Policy Optimization (FAPO) enhances reinforcement learning with "
         "verifiable rewards, e.g. for math, by penalizing flawed-positive rollouts.",
         "github_stars": 29000, "github": "https://github.com/example/fapo"},
    ])  # fmt: skip
    assert all(p.abstract == p.summary for p in result.papers)


def test_paper_page_keyword_split_with_comments() -> None:
    result = read("paper_page_plain.md")
    assert result.format == "hf-paper-page"
    assert result.warnings == []
    check_papers(result, [
        {"title": "ClinicSim: a multimodal agent benchmark to evaluate AI in simulated clinical "
         "environments",
         "abstract": "Diagnosing and managing a patient is a complex, sequential decision making "
         "process. Recent advances in artificial intelligence (AI) and large language models (LLMs) "
         "promise to profoundly impact clinical care. Here, we present ClinicSim: a multimodal "
         "benchmark to evaluate LLMs in simulated clinical environments. We present a multimodal "
         "image and dialogue environment, ClinicSim-NEJM, and a dialogue-only environment, "
         "ClinicSim-MedQA. The code is available at https://ClinicSim.github.io.",
         "summary": "ClinicSim evaluates the interactive decision-making abilities of LLMs in "
         "simulated clinical environments.",
         "authors": ["Samuel Schmidt", "Rojin Ziaei", "Carl Harris", "Eduardo Reis"],
         "published": "2024-05-13", "submitter": "taesiri", "upvotes": 17,
         "arxiv_id": "2405.07960", "url": HF + "2405.07960"},
    ])  # fmt: skip


def test_paper_page_markdown_without_label() -> None:
    result = read("paper_page_markdown.md")
    assert result.format == "hf-paper-page"
    check_papers(result, [
        {"title": "Retrieval Heads Explain Long-Context Factuality",
         "abstract": "We find that a small set of attention heads retrieves facts from long "
         "contexts. Masking them removes the ability to copy from context.",
         "summary": None, "authors": ["Wenhao Wu", "Yizhong Wang", "Hao Peng"],
         "published": "2026-10-06", "upvotes": 5, "arxiv_id": "2404.15574"},
    ])  # fmt: skip


def test_paper_page_jina_reader_style() -> None:
    """Setext headings, `· Submitted by` inline, avatar links, comma-suffixed author lines."""
    result = read("paper_page_jina.md")
    assert result.format == "hf-paper-page"
    check_papers(result, [
        {"title": "DeclareKit: Compiling Declarative Model Calls into Self-Improving Pipelines",
         "abstract": "The ML community is rapidly exploring techniques for prompting language models "
         "(LMs) and for stacking them into pipelines. We introduce DeclareKit, a programming model "
         "that abstracts LM pipelines as text transformation graphs. DeclareKit is available at "
         "https://github.com/example/declarekit",
         "authors": ["Omar Khan", "Arnav Singh", "Zhiyuan Zhang", "Thomas T. Joshi",
                     "Christopher Potter"],
         "published": "2023-10-05", "submitter": "akhaliq", "upvotes": 33, "summary": None,
         "arxiv_id": "2310.03999", "url": HF + "2310.03999"},
    ])  # fmt: skip


def test_arxiv_recent_listing_without_abstracts() -> None:
    result = read("arxiv_recent.txt")
    assert result.format == "arxiv-listing"
    assert result.warnings == []
    check_papers(result, [
        {"title": "Sparse Attention Is All You Need, Sometimes", "abstract": "",
         "arxiv_id": "2610.08778", "url": "https://arxiv.org/abs/2610.08778",
         "authors": ["Ada Lovelace", "Charles Babbage", "Grace Hopper"],
         "categories": ["cs.CL", "cs.LG"]},
        {"title": "Tokenizers of the Öresund: a Study of $χ^{(2)}$ Segmentation",
         "authors": ["Björn Åkesson"], "categories": ["cs.CL"], "arxiv_id": "2610.08001"},
        {"title": "Benchmarks Considered Harmful", "authors": ["Alan Turing", "Claude Shannon"],
         "categories": ["cs.CL", "cs.AI", "cs.IR"], "abstract": ""},
    ])  # fmt: skip


def test_arxiv_recent_listing_as_markdown_with_relative_links() -> None:
    result = read("arxiv_recent_markdown.md")
    assert result.format == "arxiv-listing"
    check_papers(result, [
        {"title": "Sparse Attention Is All You Need, Sometimes", "abstract": "",
         "arxiv_id": "2610.08778", "authors": ["Ada Lovelace", "Charles Babbage"],
         "categories": ["cs.CL", "cs.LG"]},
        {"title": "Tokenizers of the Öresund", "authors": ["Björn Åkesson"],
         "categories": ["cs.CL"], "arxiv_id": "2610.08001", "abstract": ""},
    ])  # fmt: skip


def test_paper_page_without_arxiv_line_uses_page_title() -> None:
    result = read("paper_page_no_anchor.txt")
    assert result.format == "hf-paper-page"
    check_papers(result, [
        {"title": "Tiny Recursive Models Reason",
         "abstract": "We study a tiny recursive network. It reaches 45% on ARC-AGI-1 with 7M "
         "parameters.",
         "summary": "A tiny recursive network beats large language models on hard puzzles.",
         "authors": ["Alexia Jolicoeur"], "published": "2025-10-06", "upvotes": 17},
    ])  # fmt: skip


def test_arxiv_new_listing_with_abstracts() -> None:
    result = read("arxiv_new.md")
    assert result.format == "arxiv-listing"
    check_papers(result, [
        {"title": "Learning to Read Papers Faster",
         "abstract": "We study how researchers skim papers. We build a reader that ranks abstracts "
         "by relevance and show that it saves time in a controlled study with forty participants.",
         "authors": ["Ada Lovelace", "Grace Hopper"], "categories": ["cs.CL", "cs.HC"],
         "arxiv_id": "2609.10001"},
        {"title": "Keyboard-Driven Interfaces for Literature Review",
         "abstract": "Keyboard-driven interfaces remain popular among expert users. We survey "
         "terminal tools for literature review and report what makes them fast to use for large "
         "reading lists.",
         "authors": ["Charles Babbage"], "categories": ["cs.HC"]},
    ])  # fmt: skip


def test_browser_copy_of_a_listing_without_links() -> None:
    """Upvote, org, comment counts as bare lines; an org is the short line before `·`."""
    result = read("browser_copy_plain.txt")
    assert (result.format, result.page_date) == ("hf-text-metadata", "Oct 2")
    assert result.warnings == []
    check_papers(result, [
        {"title": "OCC-RAG: Optimal Cognitive Core for Faithful Question Answering",
         "abstract": "Recent progress in language models has been defined by scale. We introduce a "
         "family of small models.",
         "upvotes": 101, "organization": "OCC", "published": f"{YEAR}-05-29", "comments": 6},
        {"title": "Benchmark Radar: A Living Database and Search Engine for AI Benchmarks",
         "upvotes": 173, "organization": None, "published": f"{YEAR}-09-09", "comments": None},
        {"title": "WebCiteS: Attributed Query-Focused Summarization on Chinese Web Search Results "
         "with Citations",
         "abstract": "Enhancing the attribution in large language models is a crucial task. We "
         "formulate the task of attributed query-focused summarization.",
         "upvotes": None, "organization": "Carnegie Mellon University", "published": "2024-03-03"},
    ])  # fmt: skip


def test_browser_copy_of_trending_without_links() -> None:
    result = read("trending_browser_copy.txt")
    assert result.format == "hf-trending"
    summary = ("Kandinsky 9.0 Video is a family of diffusion models that generate synchronized "
               "video and audio clips.")  # fmt: skip
    check_papers(result, [
        {"title": "Kandinsky 9.0 Video: Synthetic Models for Synchronized Video and Audio",
         "abstract": summary, "summary": summary, "organization": "Kandinsky Lab",
         "published": "2026-10-04", "upvotes": 117, "submitter": "vvasilev", "github_stars": 131},
        {"title": "TradingAgents: Multi-Agents LLM Financial Trading Framework",
         "organization": None, "published": "2024-12-28", "upvotes": 149, "submitter": None,
         "github_stars": 110000},
    ])  # fmt: skip


def test_copy_starting_mid_list() -> None:
    result = read("mid_list.md")
    check_papers(result, [
        {"title": "Second Paper Seen Whole", "upvotes": 9, "arxiv_id": "2610.00002"},
        {"title": "Third Paper Seen Whole", "upvotes": None, "arxiv_id": "2610.00003"},
    ])  # fmt: skip
    assert any("mid-paper" in w for w in result.warnings)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_fixture_headers_never_become_papers(name: str) -> None:
    result = read(name)
    assert result.papers
    for paper in result.papers:
        low = paper.title.casefold()
        assert "subscribe" not in low and "research community" not in low and "trending" not in low
        assert paper.title == " ".join(paper.title.split())


def test_arxiv_listing_wrapped_title_and_author_lines() -> None:
    text = (
        "[1]\narXiv:2610.08778\n[pdf, html, other]\nTitle:\n"
        "Sparse Attention Is All You Need, Sometimes: A Study of Long\nContext Language Models\n"
        "Ada Lovelace, Charles Babbage, Grace Hopper, Alan Turing,\nClaude Shannon\n"
        "Subjects: Computation and Language (cs.CL)\n"
    )
    (paper,) = parse_text(text).papers
    assert paper.title == (
        "Sparse Attention Is All You Need, Sometimes: A Study of Long Context Language Models"
    )
    assert paper.authors == [
        "Ada Lovelace", "Charles Babbage", "Grace Hopper", "Alan Turing", "Claude Shannon"
    ]  # fmt: skip
    assert (paper.arxiv_id, paper.categories) == ("2610.08778", ["cs.CL"])


def test_title_lines_in_content_are_not_a_capture_header() -> None:
    """`Title:` and a setext rule near the top of an arXiv copy must not cut entries away."""
    text = (FIXTURES / "arxiv_recent_markdown.md").read_text(encoding="utf-8")
    text = "# arXiv cs.CL\n\n" + text.replace(
        "Comments: 12 pages", "Comments: 12 pages\n\nNote\n====="
    )
    assert [p.arxiv_id for p in parse_text(text).papers] == ["2610.08778", "2610.08001"]
