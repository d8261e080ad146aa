"""Every observed form of each per-paper piece (docs/formats.md, "Listings with metadata"), one at a time.

Each test builds a small daily/search page with two papers, varies one piece of the first
paper, and checks the exact fields of both papers (so record boundaries hold too).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reader.ingest import paper_id, parse_text

YEAR = datetime.now(UTC).year
ID1, ID2 = "2606.00683", "2609.11115"
T1 = "OCC-RAG: Optimal Cognitive Core for Faithful Question Answering"
A1 = (
    "Recent progress in language models has been defined by scale. We introduce a family of "
    "small models. The models produce reasoning traces with sourcecitations."
)
T2 = "Benchmark Radar: A Living Database and Search Engine for AI Benchmarks"
A2 = "Benchmark researchers need to find relevant evaluations. We present Benchmark Radar."
HEADER = (
    "new\n\nGet trending papers in your email inbox once a day!\n\nGet trending papers in your "
    "email inbox!\n\n[Subscribe](https://huggingface.co/login?next=%2Fpapers)\n\n# Daily Papers"
    "\n\n## by AK and the research community\n\n- Daily\n- Weekly\n- Monthly\n\nOct 2\n\n"
)
LOGIN = "https://huggingface.co/login?next=%2Fpapers%2F{id}"
PAPER = "https://huggingface.co/papers/{id}"

DEFAULTS = {
    "upvote": f"[12]({LOGIN})",
    "title": f"### [{{title}}]({PAPER})",
    "abstract": f"[{{abstract}}]({PAPER})",
    "authors": f"[- 5 authors]({PAPER})",
    "sep": "·",
    "date": "Feb 27, 2025",
}


def record(arxiv: str, title_text: str, abstract_text: str, **pieces: str) -> str:
    parts = []
    for name in ("upvote", "title", "abstract", "authors", "sep", "date"):
        template = pieces.get(name, DEFAULTS[name])
        if template:
            parts.append(template.format(id=arxiv, title=title_text, abstract=abstract_text))
    return "\n\n".join(parts)


def page(refs: str = "", **pieces: str) -> str:
    body = record(ID1, T1, A1, **pieces) + "\n\n" + record(ID2, T2, A2)
    return HEADER + body + "\n" + refs


def check(text: str, **expected: object) -> None:
    result = parse_text(text)
    assert [p.title for p in result.papers] == [expected.pop("title", T1), T2], result.warnings
    first, second = result.papers
    assert first.abstract == expected.pop("abstract", A1)
    assert first.id == paper_id(first.title)
    defaults = {"upvotes": 12, "published": "2025-02-27", "comments": None, "organization": None}
    defaults.update({"arxiv_id": ID1, "url": PAPER.format(id=ID1)})
    defaults.update(expected)
    for name, value in defaults.items():
        assert getattr(first, name) == value, name
    assert first.authors == []
    assert (second.abstract, second.upvotes, second.arxiv_id) == (A2, 12, ID2)
    assert result.page_date == "Oct 2"


# --- upvote count -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "refs", "count"),
    [
        (f"[101]({LOGIN})", "", 101),
        (f"[-]({LOGIN})", "", None),
        ("[\n65\n][35]", f"[35]: {LOGIN.format(id=ID1)}\n", 65),
        (f" [-] 74\n\n{LOGIN}", "", 74),
        (f" [-] -\n\n{LOGIN}", "", None),
    ],
)
def test_upvote_forms(form: str, refs: str, count: int | None) -> None:
    check(page(refs, upvote=form), upvotes=count)


def test_upvote_missing() -> None:
    check(page(upvote=""), upvotes=None)


# --- title --------------------------------------------------------------------------------------


def test_title_reference_link() -> None:
    check(page(f"[32]: {PAPER.format(id=ID1)}\n", title="### [{title}][32]"))


def test_title_plain_line_then_paper_url_paragraph() -> None:
    check(page(title=f"{{title}}\n\n{PAPER}", abstract=f"{{abstract}}\n\n{PAPER}"))


@pytest.mark.parametrize(
    ("form", "title"),
    [
        (
            f"### [Measuring How Scholars Engage\\  with Past Research]({PAPER})",
            "Measuring How Scholars Engage with Past Research",
        ),
        (
            f"### [Towards end-to-end\n  multi-modal agents]({PAPER})",
            "Towards end-to-end multi-modal agents",
        ),
        (
            f"### [Efficient Memory Management for LLM Serving with\nPagedAttention]({PAPER})",
            "Efficient Memory Management for LLM Serving with PagedAttention",
        ),
        (
            "### [KV Cache Compression: A Benchmark of Long Context Capable\n### Approaches][106]",
            "KV Cache Compression: A Benchmark of Long Context Capable Approaches",
        ),
    ],
)
def test_title_hard_wraps(form: str, title: str) -> None:
    refs = f"[106]: {PAPER.format(id=ID1)}\n"
    check(page(refs, title=form), title=title)


# --- abstract -----------------------------------------------------------------------------------


def test_abstract_plain_paragraph() -> None:
    check(page(abstract="{abstract}"))


def test_abstract_reference_link_with_blank_lines() -> None:
    check(page(f"[33]: {PAPER.format(id=ID1)}\n", abstract="[\n\n{abstract}\n\n][33]"))


def test_abstract_hard_wrapped_and_escaped() -> None:
    wrapped = (
        "Academic citations are widely used for evaluating research and tracing\\\\\n"
        "knowledge flows. Such uses rely on raw citation counts \\-\\- and neglect\\\\\n"
        "variability in citation types."
    )
    check(
        page(abstract=f"[{wrapped}]({PAPER})"),
        abstract="Academic citations are widely used for evaluating research and tracing "
        "knowledge flows. Such uses rely on raw citation counts -- and neglect "
        "variability in citation types.",
    )


def test_abstract_hard_wrapped_at_120_columns() -> None:
    lines = (
        "Long-form automatic speech recognition (ASR) requires both high accuracy and low latency, "
        "but existing systems force a\ntrade-off between the two. We propose Murmur."
    )
    check(page(abstract=lines), abstract=" ".join(lines.split()))


# --- authors and organisation -------------------------------------------------------------------

AVATARS = "- ![](https://huggingface.co/avatars/15.svg)\\\\\n- ![](https://huggingface.co/avatars/16.svg)\\\\\n"


@pytest.mark.parametrize(
    ("form", "refs"),
    [
        ("- 8 authors", ""),
        (f"[- 10 authors]({PAPER})", ""),
        ("[\n* 671 authors\n][38]", f"[38]: {PAPER.format(id=ID1)}\n"),
        (f"[\n\n2 authors]({PAPER})", ""),
        ("-\n\n-\n\n-\n\n- [图片：无替代文本]\n\n- 4 authors", ""),
        (f"[{AVATARS}- 3 authors]({PAPER})", ""),
        ("- 1 authors", ""),
        ("", ""),
    ],
)
def test_author_count_forms_give_no_names(form: str, refs: str) -> None:
    check(page(refs, authors=form))


@pytest.mark.parametrize(
    ("form", "refs", "org"),
    [
        (
            "[![occ-ai](https://cdn-avatars.huggingface.co/x.png)OCC](https://huggingface.co/occ-ai)",
            "",
            "OCC",
        ),
        ("[[microsoft] Microsoft][67]", "[67]: https://huggingface.co/microsoft\n", "Microsoft"),
        ("[[microsoft] Microsoft][67]", "", "Microsoft"),
        (
            "[[图片：kandinskylab] Kandinsky Lab](https://huggingface.co/kandinskylab)",
            "",
            "Kandinsky Lab",
        ),
        (f"\n\n{PAPER}\n\n Google\n\nhttps://huggingface.co/google", "", "Google"),
    ],
)
def test_organisation_forms(form: str, refs: str, org: str) -> None:
    check(page(refs, authors=form), organization=org)


# --- separator, date, comments ------------------------------------------------------------------


def test_inline_separator() -> None:
    check(
        page(authors="[OCC](https://huggingface.co/occ-ai) · Feb 27, 2025", sep="", date=""),
        organization="OCC",
    )


@pytest.mark.parametrize(
    ("form", "iso"),
    [
        ("May 29", f"{YEAR}-05-29"),
        ("Sep 9", f"{YEAR}-09-09"),
        ("Feb 27, 2025", "2025-02-27"),
        ("Published on Oct 4, 2026", "2026-10-04"),
        ("· Published on Dec 28, 2024", "2024-12-28"),
        ("· Dec 28, 2024", "2024-12-28"),
        ("Sep 3, 2024 ", "2024-09-03"),
    ],
)
def test_date_forms(form: str, iso: str) -> None:
    sep = "" if form.startswith("·") else "·"
    check(page(date=form, sep=sep), published=iso)


def test_date_without_year_takes_the_capture_year() -> None:
    text = "---\nurl: https://huggingface.co/papers\nretrieved: 2023-10-02\n---\n" + page(
        date="May 29"
    )
    check(text, published="2023-05-29")


COMMUNITY = "https://huggingface.co/papers/{id}#community"


@pytest.mark.parametrize(
    ("form", "refs", "iso", "count"),
    [
        (f"May 29[6]({COMMUNITY})", "", f"{YEAR}-05-29", 6),
        (f"Jul 24, 2024 [2]({COMMUNITY})", "", "2024-07-24", 2),
        ("Mar 8, 2024 [ 6][39]", f"[39]: {COMMUNITY.format(id=ID1)}\n", "2024-03-08", 6),
        (f"Sep 3, 2024 \n\n2\n\n{COMMUNITY}", "", "2024-09-03", 2),
        ("Sep 3, 2024", "", "2024-09-03", None),
    ],
)
def test_comment_count_forms(form: str, refs: str, iso: str, count: int | None) -> None:
    check(page(refs, date=form), published=iso, comments=count)


def test_unresolved_reference_numbers_after_a_date() -> None:
    """Without link definitions (capture truncated), a count glued to the date is comments."""
    text = page(date="Mar 8, 2024 [ 6][39]")
    text = text.replace(f"[12]({LOGIN.format(id=ID2)})", "[\n65\n][35]")
    result = parse_text(text)
    assert [(p.comments, p.upvotes) for p in result.papers] == [(6, 12), (None, 65)]


def test_missing_everything_but_title_and_abstract_in_markdown() -> None:
    text = (
        HEADER
        + f"### [{T1}]({PAPER.format(id=ID1)})\n\n{A1}\n\n### [{T2}]({PAPER.format(id=ID2)})\n\n{A2}\n"
    )
    result = parse_text(text)
    assert [(p.title, p.abstract, p.arxiv_id) for p in result.papers] == [
        (T1, A1, ID1),
        (T2, A2, ID2),
    ]


def test_brackets_inside_title_and_abstract_links_are_text() -> None:
    """`[Re]` in a title and `[Fe/H]` in an abstract are not avatar alt texts."""
    title = "[Re] Reproducing the Metallicity Gradient"
    abstract = "[Fe/H] abundances of [alpha/Fe]-rich stars are measured. We find a gradient."
    check(page(title=f"### [{title}]({PAPER})", abstract=f"[{abstract}]({PAPER})"),
          title=title, abstract=abstract)  # fmt: skip


def test_card_without_abstract_does_not_swallow_the_next_title() -> None:
    text = HEADER + f"### {T1}\n\n- 3 authors\n\n### {T2}\n\n{A2}\n\n- 2 authors\n"
    result = parse_text(text)
    assert [(p.title, p.abstract) for p in result.papers] == [(T1, ""), (T2, A2)]
    assert any("without abstract" in w for w in result.warnings)
    text = HEADER + f"### {T1}\n\n### {T2}\n\n{A2}\n\n- 2 authors\n"
    assert [p.title for p in parse_text(text).papers] == [T1, T2]
