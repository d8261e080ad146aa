"""Hypothesis: the page-text reader never fails, and text-only copies lose nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.ingest import clean_field, parse_text
from reader.ingest.page import PageText

# Pieces of real page text, so random inputs reach the markup and metadata paths.
PIECES = [
    "[", "]", "(", ")", "![](x.png)", "](https://huggingface.co/papers/2401.00001)", "][3]",
    "[3]: https://huggingface.co/login?next=%2Fpapers%2F2401.00002", "### ", "# ", "- ", "* ",
    "\\\\", "\\-", "\\  ", "·", "•", "May 3", "Feb 27, 2025", "Published on Oct 4, 2026", "[-] 7",
    "- 3 authors", "Upvote", "117", "Submitted by", "GitHub 3.29k", "arXiv Page", "Title:",
    "arXiv:2401.00003", "[pdf, html, other]", "Subjects: Computation and Language (cs.CL)",
    "Abstract", "AI-generated summary", "Authors:", ",", "Copy markdown", "arxiv:2401.00004",
    "Community", "new", "Subscribe", "byAK and the research community", "Daily", "Mar 14",
    "---", "```", "<a id=\"s\"></a>", "[图片：无替代文本]", "&amp;", "https://huggingface.co/occ",
    "https://huggingface.co/papers/2401.00001#community", "# Web source", "- URL: https://x.y",
    "Trending Papers", "[Content truncated]", "System theme", "\n", "\n\n", " ", "\r\n", "\u00a0",
    "Some words here.", "A Title: With Colon", "$χ^{(2)}$",
]  # fmt: skip

NET = "could not read this page text"


def assert_sane(result: PageText) -> None:
    assert not any(w.startswith(NET) for w in result.warnings), result.warnings
    assert result.papers or result.warnings
    for paper in result.papers:
        assert paper.title and "\n" not in paper.title and "\n" not in paper.abstract
        assert "\u2063" not in paper.title + paper.abstract  # internal link separator never leaks


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_never_fails(text: str) -> None:
    assert_sane(parse_text(text))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=60))
@example(["- URL: https://x.y", "[", "?"])  # a capture's URL urllib cannot split
def test_page_like_text_never_fails(pieces: list[str]) -> None:
    assert_sane(parse_text("".join(pieces)))


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=3, max_size=10)
PARAGRAPH = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(WORD, min_size=2, max_size=30),
    st.sampled_from(["", ".", "!", "?", ";"]),
)
HEADER_B = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 14\n\n"  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=14), st.booleans(), st.booleans())
def test_text_only_copies_keep_every_paragraph(
    paragraphs: list[str], lines: bool, with_header: bool
) -> None:
    sep = "\n" if lines else "\n\n"
    head = ""
    if with_header:
        head = "Get trending papers in your email inbox!\nSubscribe" if lines else HEADER_B
    text = head + sep.join(paragraphs)
    result = parse_text(text)
    got = [f for p in result.papers for f in (p.title, p.abstract)]
    want = [clean_field(p) for p in paragraphs]
    if len(want) % 2:
        assert any(want[-1][:60] in w for w in result.warnings)
        want.append("")
    assert got == want
    if len(paragraphs) > 1 or with_header:
        assert result.format == ("hf-text-lines" if lines else "hf-text-paragraphs")
    assert result.page_date == ("Mar 14" if with_header and not lines else None)


def test_a_capture_url_urllib_cannot_split_costs_only_the_search_query() -> None:
    text = (
        "# Web source\n- URL: https://huggingface.co[/papers?q=diffusion\n\n"
        "### [A Paper Title](https://huggingface.co/papers/2401.00001)\n\n"
        "An abstract long enough to be read as the paper's abstract, about diffusion.\n"
    )
    result = parse_text(text)
    assert not any(w.startswith(NET) for w in result.warnings), result.warnings
    assert result.query is None
