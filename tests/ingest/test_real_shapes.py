"""Shapes seen in real third-party captures that broke the readers (made-up text, real layout).

Each test writes the layout of one real capture with invented titles and abstracts and
asserts the exact papers: nothing cut, nothing glued, no chrome read as a paper.
"""

from __future__ import annotations

import json
from pathlib import Path

from reader.ingest import parse_json_text, parse_text, read_dump

SUMMARY_A = (
    "Widget Nets learn widgets from sparse sketches and beat larger baselines on three suites."
)
ABSTRACT_A = (
    "We study how widgets can be learned from sparse sketches. Prior work needs dense labels. "
    "We introduce Widget Nets, which reuse a frozen encoder and a small decoder. Experiments on "
    "three suites show gains of 4 points over larger baselines at a tenth of the cost."
)


def test_trending_abstract_ending_in_a_bare_url_line_keeps_it() -> None:
    """Papers-with-Code trending copy: a hard-wrapped abstract whose last line is a bare
    project URL (`Samples are available at` / `https://…github.io`) lost that line."""
    text = (
        "# What is Papers with Code?\n**URL:** https://paperswithcode.com\n"
        "**Page Title:** Trending Papers - Hugging Face\n--------------------\n\n"
        "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!"
        "\n\n## Trending Papers\n\n## by AK and the research community\n\n"
        "### Sketch Audio Models\n\n"
        "Sketch audio models turn rough sketches into sound by predicting continuous frames\n"
        "with a small decoder instead of discrete tokens, which keeps quality high at a low cost.\n"
        "Samples are available at\n"
        "https://sketch-audio.example.github.io\n"
        "- 5 authors\n"
        "[LINK: GitHub 2.14k](https://github.com/example/sketch-audio)\n\n"
        "### Tiny Parsers\n\n"
        "Tiny Parsers read scanned pages with a compact model and a new markup format.\n"
        "[LINK: GitHub 476](https://github.com/example/tiny-parsers)\n"
    )
    result = parse_text(text)
    assert [p.title for p in result.papers] == ["Sketch Audio Models", "Tiny Parsers"]
    first, second = result.papers
    assert first.abstract == (
        "Sketch audio models turn rough sketches into sound by predicting continuous frames "
        "with a small decoder instead of discrete tokens, which keeps quality high at a low cost. "
        "Samples are available at https://sketch-audio.example.github.io"
    )
    assert (first.github, first.github_stars) == ("https://github.com/example/sketch-audio", 2140)
    assert second.abstract == (
        "Tiny Parsers read scanned pages with a compact model and a new markup format."
    )
    assert second.github_stars == 476


def test_hf_paper_url_line_after_a_finished_sentence_is_still_a_link() -> None:
    """The rule above must not swallow the plain-URL format's paper links."""
    text = (
        "Daily Papers\n\nMar 25\n\n [-] 1\n\nhttps://huggingface.co/login?next=%2Fpapers%2F2410.05434"
        "\n\nWidget Nets\n\nhttps://huggingface.co/papers/2410.05434\n\n"
        f"{ABSTRACT_A}\nhttps://huggingface.co/papers/2410.05434\n\n"
        "[\n\n2 authors](https://huggingface.co/papers/2410.05434)\n\n·\n\nOct 7, 2024\n"
    )
    (paper,) = parse_text(text).papers
    assert (paper.title, paper.abstract) == ("Widget Nets", ABSTRACT_A)
    assert (paper.arxiv_id, paper.upvotes, paper.published) == ("2410.05434", 1, "2024-10-07")


def test_paper_page_behind_a_capture_header_without_anchor_lines() -> None:
    """`**Page Title:** Paper page - …` wrapper, then only `## title` / `## Abstract` /
    the page's sections: read as one paper, not the section headings as papers."""
    text = (
        "# Some Other Title The Tool Got Wrong\n**URL:** https://huggingface.co/papers/2306.07944\n"
        "**Page Title:** Paper page - Widget Nets for Sketches\n--------------------\n\n\n"
        "## Widget Nets for\n  Sketches\n\n## Abstract\n\n"
        f"{ABSTRACT_A}\n\n### Community\n\n· Sign up or log in to comment\n\n"
        "## Models citing this paper 0\n\nNo model linking this paper\n\n"
        "## Datasets citing this paper 0\n\nNo dataset linking this paper\n\n"
        "## Collections including this paper 0\n\nNo Collection including this paper\n\n"
        "--------------------"
    )
    result = parse_text(text)
    assert result.format == "hf-paper-page"
    (paper,) = result.papers
    assert paper.title == "Widget Nets for Sketches"
    assert paper.abstract == ABSTRACT_A
    assert (paper.arxiv_id, paper.url) == ("2306.07944", "https://huggingface.co/papers/2306.07944")


def test_paper_page_copied_from_the_title_down_with_unlabelled_summary() -> None:
    """A paper page pasted from the title on: no `arxiv:`/`Copy markdown`, lines without blank
    lines between `Authors:`, the names, `,` and `Abstract`; the AI summary has no label.
    The id comes from `Cite arxiv.org/abs/<id>`, the year of `Published on Oct 6` from the id."""
    text = (
        "\nWidget Nets for Sketches\nPublished on Oct 6\nSubmitted by\nwidgetfan\non Oct 7\n"
        "#3 Paper of the day\n\nAuthors:\n\nAda Example\n,\nBo Sample\n,\nCy Person\n"
        f"Abstract\n{SUMMARY_A}\n\n{ABSTRACT_A}\n\nCommunity\n\nwidgetfan\nPaper submitter\n"
        "2 days ago\n\nA comment that repeats the abstract. It is long enough to look like one.\n\n"
        "Reply\nSign up or log in to comment\n\nModels citing this paper\n0\n"
        "No model linking this paper\n\n"
        "Cite arxiv.org/abs/2510.04618 in a model README.md to link it from this page.\n"
        "Collections including this paper\n2\nSome Collection\nCollection\n293 items\n•\n"
        "Updated about 16 hours ago\n•\n1\nSystem theme\nCompany\nTOS\nPrivacy\nAbout\nJobs\n"
    )
    result = parse_text(text)
    assert result.format == "hf-paper-page"
    (paper,) = result.papers
    assert paper.title == "Widget Nets for Sketches"
    assert paper.summary == SUMMARY_A
    assert paper.abstract == ABSTRACT_A
    assert paper.authors == ["Ada Example", "Bo Sample", "Cy Person"]
    assert (paper.arxiv_id, paper.published, paper.submitter) == (
        "2510.04618",
        "2025-10-06",
        "widgetfan",
    )


def test_arxiv_entry_as_a_markdown_definition_list() -> None:
    """A reformatted arXiv `/new` entry: `arXiv:<id> (cross-list from …) [pdf, html, other]`
    with `:   Title: …` on the next line of the same paragraph, indented authors and fields."""
    text = (
        "### 4. Artificial Intelligence\n\n"
        "arXiv:2610.01471 (cross-list from cs.CL) [pdf, html, other]\n"
        ":   Title: When Do Two Widgets Agree? A Study of Widget Review\n\n"
        "    Ada Example, Bo Sample\n\n"
        "    Comments: 15 pages, 2 figures\n\n"
        "    Subjects: Computation and Language (cs.CL); Artificial Intelligence (cs.AI)\n\n"
        "Source: [https://arxiv.org/list/cs.AI/new](https://arxiv.org/list/cs.AI/new)\n"
    )
    result = parse_text(text)
    assert result.format == "arxiv-listing"
    (paper,) = result.papers
    assert paper.title == "When Do Two Widgets Agree? A Study of Widget Review"
    assert paper.authors == ["Ada Example", "Bo Sample"]
    assert (paper.arxiv_id, paper.categories) == ("2610.01471", ["cs.CL", "cs.AI"])
    assert paper.abstract == ""


def test_keyword_fragment_starting_with_a_colon_keeps_it() -> None:
    """`AgentClinic` / `: a` / `multimodal benchmark`: the colon is text, not a list marker."""
    text = (
        "arxiv:2405.07960\n\nCopy markdown\n\nWidget Nets\n\nPublished on May 13, 2024\n\n"
        "Abstract\n\nHere, we present\n\nWidgetBench\n\n: a\n\nmultimodal benchmark\n\n"
        "to evaluate widgets in simulated rooms. We find large gaps between models.\n\n"
        "View arXiv page\n"
    )
    (paper,) = parse_text(text).papers
    assert paper.abstract == (
        "Here, we present WidgetBench: a multimodal benchmark to evaluate widgets in simulated "
        "rooms. We find large gaps between models."
    )


def _api_item(arxiv_id: str, title: str, upvotes: int) -> dict[str, object]:
    paper = {
        "id": arxiv_id,
        "authors": [{"_id": "a1", "name": "Ada Example", "hidden": False}],
        "publishedAt": "2026-02-26T17:08:18.000Z",
        "submittedOnDailyAt": "2026-03-06T03:55:12.777Z",
        "title": title,
        "summary": ABSTRACT_A,
        "upvotes": upvotes,
        "ai_summary": SUMMARY_A,
        "organization": {"name": "widgetlab", "fullname": "Widget Lab"},
    }
    return {"paper": paper, "title": title, "summary": ABSTRACT_A, "numComments": 1}


def test_daily_papers_element_pasted_with_its_trailing_comma(tmp_path: Path) -> None:
    """A note quoting one `/api/daily_papers` element as pretty JSON ends it with `},`
    (cut out of the array); it was read as broken JSON Lines with 90+ warnings."""
    path = tmp_path / "item.json"
    path.write_text(json.dumps(_api_item("2602.23229", "Widget Nets", 10), indent=2) + ",\n")
    papers, info = read_dump(path)
    assert (info.format, info.warnings) == ("hf-api-json", [])
    assert [(p.title, p.arxiv_id, p.upvotes, p.comments) for p in papers] == [
        ("Widget Nets", "2602.23229", 10, 1)
    ]
    assert (papers[0].abstract, papers[0].summary) == (ABSTRACT_A, SUMMARY_A)
    assert (papers[0].organization, papers[0].published) == ("Widget Lab", "2026-02-26")


def test_several_pasted_elements_and_real_json_lines_stay_apart() -> None:
    one = json.dumps(_api_item("2602.00001", "Widget Nets", 3))
    two = json.dumps(_api_item("2602.00002", "Gadget Nets", 4))
    pasted = parse_json_text(f"{one},\n{two},\n")
    assert [p.title for p in pasted.papers] == ["Widget Nets", "Gadget Nets"]
    assert pasted.warnings == []
    lines = parse_json_text(f"{one}\n{two}\n")  # JSON Lines: no commas between objects
    assert [p.title for p in lines.papers] == ["Widget Nets", "Gadget Nets"]
    broken = parse_json_text(f"{one},\n{{oops")
    assert broken.papers == [] or [p.title for p in broken.papers] == ["Widget Nets"]
    assert broken.warnings


def test_paper_page_with_leaked_page_json_and_generated_by_label() -> None:
    """Line-mode copy: the page's JSON props leak in before `"> Papers arxiv:<id>`; the
    submitter line ends `on <date>`; `+ 8 authors` follows the names; the summary label
    is `Generated by <model>` instead of `AI-generated summary`."""
    text = (
        "SOURCE-URL: https://huggingface.co/papers/2407.13168\nFETCHED: 2026-09-14T17:17:16+08:00"
        "\nHTTP: 200\n\nPaper page - Widget Nets for Sketches\nHugging Face\nModels\nLog In\nSign Up\n"
        '<a href=\\"https://x.example\\">x</a></p>\\n","paper":{"id":"2407.13168","title":'
        '"Widget Nets for Sketches","upvotes":17},"dailyPaperRank":0,"query":{}}"> Papers '
        "arxiv:2407.13168\nCopy markdown\nWidget Nets for Sketches\nPublished on Jul 18, 2024\n"
        "· Submitted by\nAda Example on Jul 22, 2024\nUpvote 17\n+9\nAuthors: Ada Example ,\n"
        "Bo Sample ,\nCy Person\n+ 8 authors\nAbstract\n"
        f"{SUMMARY_A}\nGenerated by Qwen/Qwen2.5-Coder-32B-Instruct\n"
        "We study how widgets can be learned from sparse sketches. Prior work needs dense\n"
        "labels. We introduce Widget Nets.\n"
        "View arXiv page View PDF Add to collection\nCommunity\nada\nPaper author Jul 22, 2024\n"
        "Upvote 17\n+5\nGet this paper in your agent:\nhf papers read 2407.13168\n"
        "Models citing this paper 0\nNo model linking this paper\nSystem theme\n"
    )
    result = parse_text(text)
    assert result.format == "hf-paper-page"
    (paper,) = result.papers
    assert paper.title == "Widget Nets for Sketches"
    assert paper.summary == SUMMARY_A
    assert paper.abstract == (
        "We study how widgets can be learned from sparse sketches. Prior work needs dense "
        "labels. We introduce Widget Nets."
    )
    assert paper.authors == ["Ada Example", "Bo Sample", "Cy Person"]
    assert (paper.submitter, paper.upvotes, paper.published) == ("Ada Example", 17, "2024-07-18")
    assert paper.arxiv_id == "2407.13168"


def test_copy_cut_mid_abstract_by_the_capture_tool() -> None:
    """`[Content truncated]` inside the code fence: the last abstract's link was opened by a
    lone `[` and never closed. No stray `[` in the text, and a warning names the cut paper."""
    text = (
        "# Web source\n\n- URL: https://huggingface.co/papers?q=widgets\n"
        "- Captured (UTC): 2026-06-29T16:31:22+00:00\n\n```text\nnew\n\n"
        "Get trending papers in your email inbox!\n\n[Subscribe][29]\n\n# Daily Papers\n\n"
        "## by[AK][30] and the research community\n* Daily\n* Weekly\n* Monthly\n\nJun 29\n"
        "[\n2\n][31]\n\n### [Widget Nets][32]\n\n[\n\n"
        f"{ABSTRACT_A}\n\n][33]\n[\n* 3 authors\n][34]\n·\nMar 27 [ 2][35]\n"
        "[\n1\n][36]\n\n### [Gadget Nets][37]\n\n[\n\nRecent advances in gadgets have been large.\nHo"
        "\n\n[Content truncated]\n```\n"
    )
    result = parse_text(text)
    assert [(p.title, p.abstract) for p in result.papers] == [
        ("Widget Nets", ABSTRACT_A),
        ("Gadget Nets", "Recent advances in gadgets have been large. Ho"),
    ]
    assert result.papers[0].published == "2026-03-27"
    assert (result.papers[0].upvotes, result.papers[1].upvotes) == (2, 1)
    assert any("truncated" in w and "Gadget Nets" in w for w in result.warnings)


def test_line_mode_paper_page_abstract_ending_in_a_bare_url_line() -> None:
    """A paper page copied without blank lines: the abstract's wrapped last line is a bare
    repository URL; it stays in the abstract (it was taken as a link and dropped)."""
    text = (
        "arxiv:2405.07960\nCopy markdown\nWidget Nets\nPublished on May 13, 2024\nAbstract\n"
        "We study how widgets can be learned from sparse sketches. The code and data for this\n"
        "work are publicly available at\nhttps://github.com/example/widget-nets\n"
        "View arXiv page\nCommunity\n"
    )
    (paper,) = parse_text(text).papers
    assert paper.abstract == (
        "We study how widgets can be learned from sparse sketches. The code and data for this "
        "work are publicly available at https://github.com/example/widget-nets"
    )


def test_one_paper_note_takes_the_id_of_the_page_its_header_names() -> None:
    """A saved note: front matter with the paper page URL, `# title`, the abstract."""
    text = (
        "---\nsource: farmer/huggingface\nfarmed: 2026-07-30T12:41:02+05:30\n"
        "url: https://huggingface.co/papers/2607.26115\ndate: 2026-07-30\n---\n\n"
        f"# Widget Nets\n\n{ABSTRACT_A}\n"
    )
    (paper,) = parse_text(text).papers
    assert (paper.title, paper.abstract) == ("Widget Nets", ABSTRACT_A)
    assert (paper.arxiv_id, paper.url) == ("2607.26115", "https://huggingface.co/papers/2607.26115")


def test_unlabelled_first_sentence_before_keyword_fragments_stays_in_the_abstract() -> None:
    """No summary label and a keyword-split abstract: the first short sentence is abstract."""
    text = (
        "arxiv:2405.07960\n\nCopy markdown\n\nWidget Nets\n\nPublished on May 13, 2024\n\n"
        "Abstract\n\nWe study widgets.\n\nWidget Nets\n\nlearn them from sparse sketches and beat "
        "larger baselines.\n\nView arXiv page\n"
    )
    (paper,) = parse_text(text).papers
    assert paper.summary is None
    assert paper.abstract == (
        "We study widgets. Widget Nets learn them from sparse sketches and beat larger baselines."
    )
