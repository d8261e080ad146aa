"""Capture wrappers, the HF header, footers and quirks (docs/formats.md sections 1-2)."""

from __future__ import annotations

import pytest

from reader.ingest import parse_text

T1 = "PyTorch FSDP: Experiences on Scaling Fully Sharded Data Parallel"
A1 = (
    "It is widely acknowledged that large models have the potential to deliver superior "
    "performance. We introduce PyTorch Fully Sharded Data Parallel (FSDP)."
)
T2 = "Quantized Distributed Training of Large Models with Convergence Guarantees"
A2 = "Communication-reduction techniques are a popular way to improve scalability. We present QSDP."
BODY = f"{T1}\n\n{A1}\n\n{T2}\n\n{A2}\n"
HEADER_B = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\nMar 14\n\n"
)
HEADER_A = "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\nSubscribe"
NAV_PLAIN = "Hugging Face\n\nModels\n\nDatasets\n\nSpaces\n\nBuckets new\n\nDocs\n\nEnterprise\n\nPricing\n\nLog In\n\nSign Up\n\n"
NAV_REFS = (
    "[[Hugging Face's logo] Hugging Face][1]\n* [ Models ][2]\n* [ Datasets ][3]\n* [ Spaces ][4]\n"
    "* [Pricing][8]\n* * Website\n    * [ Tasks][9]\n    * [ HuggingChat][10]\n  * Community\n"
    "    * [ Blog][14]\n    * [ Daily Papers][16]\n    * [ Hardware][17]\n  * Solutions\n"
    "    * [ Team & Enterprise][21]\n    * [ Inference Endpoints][25]\n* [Log In][27]\n* [Sign Up][28]\n"
)
NAV_URLS = "".join(
    f"{name}\n\nhttps://huggingface.co/{path}\n\n"
    for name, path in [("Hugging Face", ""), ("Models", "models"), ("Datasets", "datasets"),
                       ("Team &amp; Enterprise", "enterprise"), ("Log In", "login"), ("Sign Up", "join")]
)  # fmt: skip


def titles(text: str) -> list[str]:
    return [p.title for p in parse_text(text).papers]


def assert_two(text: str, page_date: str | None = "Mar 14") -> None:
    result = parse_text(text)
    assert [(p.title, p.abstract) for p in result.papers] == [(T1, A1), (T2, A2)], result.warnings
    assert result.page_date == page_date
    assert result.warnings == []


# --- section 1: wrappers -------------------------------------------------------------------------

WRAPPERS = {
    "front-matter": "---\nurl: https://huggingface.co/papers\nretrieved: 2026-10-02\ncommand: firecrawl "
    "scrape https://huggingface.co/papers\nstatusCode: 200\ntitle: Daily Papers - Hugging Face\n---\n{}",
    "notebook-front-matter": '---\nsource_id: "fb9b"\ntitle: "Daily Papers - Hugging Face"\nnotebook_id: '
    "76ac\nurl: https://huggingface.co/papers\ntype: web_page\nexported: 2026-07-28\n---\n\n"
    "# Daily Papers - Hugging Face\nDaily Papers - Hugging Face\n\n{}",
    "web-source": "# Web source\n\n- URL: https://huggingface.co/papers\n- Title: Daily Papers\n"
    "- Captured (UTC): 2026-06-29T16:31:22+00:00\n\n```text\n{}\n[Content truncated]\n```\n",
    "papers-with-code": "# What is Papers with Code?\n**URL:** https://paperswithcode.com\n"
    "**Page Title:** Daily Papers - Hugging Face\n--------------------\n\n{}",
    "source-html": "# Hugging Face - 2026 - Daily Papers\n\n- Source HTML: `raw/a.html`\n- Source URL: "
    "https://huggingface.co/papers\n- Generated from: `fetch.py`\n\n## Extracted Text\n\n"
    '<a id="source-section-0"></a>\n\n{}',
    "ev-snapshot": "# EV013: Daily Papers - Hugging Face\n\nURL: https://huggingface.co/papers\n\nSource: "
    "web_search\n\nYear: unknown\n\nAccessed: 2026-06-02T05:45:17.748Z\n\n## Abstract Or Metadata\n\n"
    "Join the discussion\n\n## Fetched Snapshot (via web fetch)\n\n\n\n{}",
    "source-url-lines": "SOURCE-URL: https://huggingface.co/papers\nFETCHED: 2026-03-14\nHTTP: 200\n\n{}",
    "code-fence": "```text\n{}\n[Content truncated]\n```\n",
    "page-title": "Daily Papers - Hugging Face\n\n{}",
    "nav-plain": NAV_PLAIN + "{}",
    "nav-ref-links": NAV_REFS + "{}",
    "nav-with-urls": NAV_URLS + "{}",
}


@pytest.mark.parametrize("name", sorted(WRAPPERS))
def test_wrappers_are_dropped(name: str) -> None:
    assert_two(WRAPPERS[name].format(HEADER_B + BODY))


def test_anchors_between_blocks() -> None:
    text = HEADER_B + BODY.replace("\n\n", '\n\n<a id="source-section-12"></a>\n\n')
    assert_two(text)


# --- section 2: header forms ---------------------------------------------------------------------

SUBSCRIBE = [
    "Subscribe",
    "[Subscribe](https://huggingface.co/login?next=%2Fpapers)",
    "[Subscribe][29]",
    "Subscribe\n\nhttps://huggingface.co/login?next=%2Fpapers",
]
PAGE_NAMES = ["# Daily Papers", "Daily Papers", "# Trending Papers", "## Trending Papers"]
BYLINES = [
    "byAK and the research community",
    "## by [![](https://huggingface.co/front/assets/papers-by.png)AK](https://huggingface.co/akhaliq)"
    " and the research community",
    "## by[AK][30] and the research community",
    "## by AK and the research community",
    "## by[[图片：无替代文本] AK](https://huggingface.co/akhaliq) and the research community",
    "by \n\nAK\n\nhttps://huggingface.co/akhaliq\n\n and the research community",
]
TABS = [
    "Daily\n\nWeekly\n\nMonthly",
    "- Daily\n- Weekly\n- Monthly",
    "* Daily\n* Weekly\n* Monthly",
    "Daily\n\nWeekly\n\nMonthly ",
    "-\n\n-\n\n-",
]
TRENDING = [
    "[Trending Papers](https://huggingface.co/papers/trending)",
    "Trending Papers",
    "https://huggingface.co/papers/trending",
]


def header(subscribe: str = SUBSCRIBE[0], name: str = PAGE_NAMES[0], byline: str = BYLINES[0],
           query: str = "", tabs: str = TABS[0], trending: str = TRENDING[0], date: str = "Mar 14",
           date_nav: str = "") -> str:  # fmt: skip
    parts = ["new", "Get trending papers in your email inbox once a day!",
             "Get trending papers in your email inbox!", subscribe, name, byline, query, tabs,
             trending, date_nav, date]  # fmt: skip
    return "\n\n".join(p for p in parts if p) + "\n\n"


@pytest.mark.parametrize("form", SUBSCRIBE)
def test_subscribe_forms(form: str) -> None:
    assert_two(header(subscribe=form) + BODY)


@pytest.mark.parametrize("form", PAGE_NAMES)
def test_page_name_forms(form: str) -> None:
    assert_two(header(name=form) + BODY)


@pytest.mark.parametrize("form", BYLINES)
def test_byline_forms(form: str) -> None:
    assert_two(header(byline=form) + BODY)


@pytest.mark.parametrize("form", TABS)
def test_period_tab_forms(form: str) -> None:
    assert_two(header(tabs=form) + BODY)


@pytest.mark.parametrize("form", TRENDING)
def test_trending_link_forms(form: str) -> None:
    assert_two(header(trending=form) + BODY)


@pytest.mark.parametrize("date", ["Mar 14", "Oct 2", "Jun 29"])
def test_page_date_after_date_nav_url(date: str) -> None:
    text = header(date_nav="https://huggingface.co/papers/date/2026-03-24", date=date) + BODY
    assert_two(text, page_date=date)


def test_search_query_is_page_metadata() -> None:
    result = parse_text(header(query="Intercode Bash") + BODY)
    assert result.query == "Intercode Bash"
    assert [p.title for p in result.papers] == [T1, T2]


def test_layout_a_subscribe_glued_to_first_title() -> None:
    text = f"{HEADER_A}{T1}\n{A1}\n{T2}\n{A2}"
    result = parse_text(text)
    assert [(p.title, p.abstract) for p in result.papers] == [(T1, A1), (T2, A2)]
    assert result.format == "hf-text-lines"
    assert result.page_date is None


def test_layout_b_is_paragraphs() -> None:
    result = parse_text(HEADER_B + BODY.rstrip("\n"))
    assert result.format == "hf-text-paragraphs"
    assert_two(HEADER_B + BODY.rstrip("\n"))


def test_no_header_at_all() -> None:
    assert_two(BODY, page_date=None)


def test_trailing_title_without_abstract_is_kept_with_warning() -> None:
    result = parse_text(HEADER_B + BODY + "\nA Lonely Trailing Title\n")
    assert [p.title for p in result.papers] == [T1, T2, "A Lonely Trailing Title"]
    assert result.papers[-1].abstract == ""
    assert any("Lonely" in w for w in result.warnings)


# --- section 6: footers --------------------------------------------------------------------------


def test_markdown_footers_dropped() -> None:
    md = (
        header()
        + f"[7](https://huggingface.co/login?next=%2Fpapers%2F2610.00001)\n\n### [{T1}]"
        + f"(https://huggingface.co/papers/2610.00001)\n\n{A1}\n\n- 3 authors\n\n·\n\nMar 13\n\n"
        + "[Previous](https://huggingface.co/papers/date/2026-03-13)\n\n"
        + "Trending Papers ranked by GitHub stars activity\n\nSystem theme\n\nCompany\n\nTOS\n\n"
        + "Privacy\n\nAbout\n\nJobs\n\nWebsite\n\nModels\n\nDatasets\n\nSpaces\n\nPri\n"
    )
    result = parse_text(md)
    assert [(p.title, p.abstract, p.upvotes) for p in result.papers] == [(T1, A1, 7)]
    assert result.warnings == []


def test_sample_style_end_without_newline_and_capture_end_with_one() -> None:
    assert titles(HEADER_B + BODY.rstrip("\n")) == titles(HEADER_B + BODY) == [T1, T2]


# --- section 7: character-level quirks -----------------------------------------------------------


def test_latex_typos_and_artefacts_kept_as_written() -> None:
    title = "One-step Diffusion Models with $f$-Divergence Distribution Matching"
    abstract = (
        "We reach 1920times1080 at 2.44times faster on inftyBench with SAP^{2} and "
        "{scriptsize CODE2SEQ}, 45\\% fewer steps, zsim1 error; the conetxt and creatation "
        "of VibeVoice-ASRsupports ( Intercode Bash) sourcecitations with $χ^{(2)}$ τ α ö é ô Λ μ."
    )
    result = parse_text(f"{HEADER_B}{title}\n\n{abstract}")
    assert [(p.title, p.abstract) for p in result.papers] == [(title, abstract)]


def test_entities_placeholders_and_separators() -> None:
    text = (
        header()
        + "[3](https://huggingface.co/login?next=%2Fpapers%2F2610.00002)\n\n"
        + "### [Retrieval &amp; Reasoning](https://huggingface.co/papers/2610.00002)\n\n"
        + "[图片：无替代文本]\n\nWe study retrieval &amp; reasoning together. It works.\n\n"
        + "- [图片：avatar]\n\n- 2 authors\n\n•\n\nMar 13\n"
    )
    (paper,) = parse_text(text).papers
    assert (paper.title, paper.abstract) == (
        "Retrieval & Reasoning",
        "We study retrieval & reasoning together. It works.",
    )
    assert paper.published is not None and paper.published.endswith("-03-13")


def test_entities_are_decoded_once() -> None:
    """`&amp;lt;` is the text `&lt;` (an escaped entity), not `<`; named and numeric
    entities are decoded as a browser does, and a control character never comes through."""
    text = (
        header()
        + "### [Why &amp;lt;b&amp;gt; Tags &quot;Leak&quot;](https://huggingface.co/papers/2610.00003)\n\n"
        + "We write x &lt; y&nbsp;&amp; &#946; &ndash; caf&eacute; &#27;[31m, not AT&T.\n\n"
        + "Mar 13\n"
    )
    (paper,) = parse_text(text).papers
    assert paper.title == 'Why &lt;b&gt; Tags "Leak"'
    assert paper.abstract == "We write x < y & β – café [31m, not AT&T."


def test_crlf_nbsp_trailing_and_single_space_lines() -> None:
    text = (HEADER_B + BODY).replace("\n", "\r\n").replace("Scaling Fully", "Scaling\u00a0Fully")
    text = text.replace("\r\n\r\n", "  \r\n \r\n", 2)
    assert_two(text)


def test_long_titles_and_short_summaries() -> None:
    title = "Synthetic Modelling of Polarized Dust Emission " + "in Molecular Clouds " * 7
    title = title.strip()[:184]
    body = f"{HEADER_B}{title}\n\nA short summary sentence about dust that is still an abstract.\n"
    (paper,) = parse_text(body).papers
    assert paper.title == " ".join(title.split())


@pytest.mark.parametrize("k", range(len(BYLINES)))
def test_no_header_text_becomes_a_paper(k: int) -> None:
    """Mixed header forms (as different capture tools print them) never give a paper."""
    text = header(
        subscribe=SUBSCRIBE[k % len(SUBSCRIBE)],
        name=PAGE_NAMES[k % len(PAGE_NAMES)],
        byline=BYLINES[k],
        tabs=TABS[k % len(TABS)],
        trending=TRENDING[k % len(TRENDING)],
    )
    assert_two(NAV_PLAIN + text + BODY)


@pytest.mark.parametrize(
    "placeholder", ["[图片：无替代文本]", "[Image: no alt text]", "[Bild: kein Alternativtext]"]
)
def test_image_placeholders_in_any_language(placeholder: str) -> None:
    text = (
        header()
        + f"{placeholder}\n\n### [{T1}](https://huggingface.co/papers/2610.00001)\n\n{A1}\n\n"
        + f"- {placeholder}\n\n- 3 authors\n\n·\n\nMar 13\n"
    )
    (paper,) = parse_text(text).papers
    assert (paper.title, paper.abstract, paper.arxiv_id) == (T1, A1, "2610.00001")


def test_two_captures_pasted_into_one_file() -> None:
    """A second header in the middle is chrome too (text-only and metadata layouts)."""
    second = HEADER_B.replace("Mar 14", "Mar 15")
    result = parse_text(HEADER_B + BODY + "\n" + second + BODY.replace("PyTorch", "JAX"))
    assert [p.title for p in result.papers] == [T1, T2, T1.replace("PyTorch", "JAX"), T2]
    md = header() + "- 3 authors\n\n"
    records = f"### {T1}\n\n{A1}\n\n- 3 authors\n\n·\n\nMar 13\n\n"
    result = parse_text(md + records + header(date="Mar 12") + records.replace("FSDP", "DDP"))
    assert [p.title for p in result.papers] == [T1, T1.replace("FSDP", "DDP")]
