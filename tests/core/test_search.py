"""Queries as a researcher types them: syntax, folding, highlights, guards, suggestions, similar.

Every test runs twice: with the fast paths (engine, bulk writer, lexicon, ...) and with all
of them refused (`PAPER_READER_FAST=0`: Whoosh's own writer, searcher and corrector).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.search import Filters, Library, Sort
from reader.search.compat import FAST_ENV
from reader.search.snippets import fragment
from tests.conftest import SAMPLES


@pytest.fixture(scope="module", params=["fast", "whoosh"])
def sample_library(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Library]:
    """The samples' library, built and searched with the fast paths on, then with them off
    (the switch is read at each search, so it stays set while the module's tests run)."""
    old = os.environ.get(FAST_ENV)
    if request.param == "whoosh":
        os.environ[FAST_ENV] = "0"
    root = tmp_path_factory.mktemp(f"lib-{request.param}")
    shutil.copytree(SAMPLES, root / "dumps")
    lib = Library([root / "dumps"], root / "index")
    try:
        lib.sync()
        yield lib
    finally:
        lib.close()
        if old is None:
            os.environ.pop(FAST_ENV, None)
        else:
            os.environ[FAST_ENV] = old


def _titles(lib: Library, query: str, **kw: object) -> list[str]:
    result = lib.search(query, **kw)  # type: ignore[arg-type]
    return [row.title for row in lib.rows(result.ids)]


def test_default_is_and_over_title_and_abstract(sample_library: Library) -> None:
    both = sample_library.search("state space models")
    either = sample_library.search("state OR space")
    assert 0 < both.total < either.total
    assert "State Space" in _titles(sample_library, "state space models")[0]


def test_phrases_fields_and_not(sample_library: Library) -> None:
    phrase = sample_library.search('"language models"').total
    words = sample_library.search("language models").total
    assert 0 < phrase <= words
    titles = _titles(sample_library, 'title:diffusion AND NOT "language model"', limit=None)
    assert titles and all("diffusion" in t.lower() or "diffus" in t.lower() for t in titles)
    assert sample_library.search("title:diffusion").total < sample_library.search("diffusion").total


def test_title_phrases_need_their_words_next_to_each_other_in_order(
    sample_library: Library,
) -> None:
    phrase = _titles(sample_library, 'title:"language models"', limit=None)
    assert phrase and all(re.search(r"language[ -]models?\b", t, re.IGNORECASE) for t in phrase), (
        phrase
    )
    words = sample_library.search("title:language title:models").total
    assert len(phrase) <= words
    assert sample_library.search('title:"models language"').total < len(phrase)
    near = sample_library.search('title:"language models"~3').total  # in order, within 3
    assert len(phrase) <= near <= words


def test_a_phrase_in_the_unstemmed_field_is_exact(sample_library: Library) -> None:
    result = sample_library.search('words:"language models"')
    assert result.note is None
    assert 0 < result.total < sample_library.search("words:language words:models").total


def test_folding_accents_latex_and_stemming(sample_library: Library) -> None:
    assert any("Schrödinger" in t for t in _titles(sample_library, "schrodinger"))
    assert any("$f$-Divergence" in t for t in _titles(sample_library, "f-divergence"))
    assert sample_library.search("diffusing").total == sample_library.search("diffusion").total


def test_prefix_wildcard_fuzzy_and_source_field(sample_library: Library) -> None:
    assert sample_library.search("gen*tion").total > 0  # wildcard works despite stemming
    assert sample_library.search("transf*").total > 0
    assert sample_library.search("difusion~").total > 0
    assert sample_library.search("source:002*").total == 103
    assert sample_library.search("source:004_d1056841f833a4b0.txt diffusion").total > 0


def test_highlights_mark_the_query_words_not_the_negated_ones(sample_library: Library) -> None:
    result = sample_library.search("diffusion NOT transformer")
    paper = sample_library.get(result.ids[0])
    assert paper is not None
    spans = sample_library.highlight_spans(paper.abstract, result.terms)
    marked = {paper.abstract[s:e].lower() for s, e in spans}
    assert marked and all(m.startswith("diffus") for m in marked)
    text, shifted = fragment(paper.abstract, spans, width=120)
    assert len(text) <= 125 and all(text[s:e].lower().startswith("diffus") for s, e in shifted)
    title_spans = sample_library.highlight_spans("Diffusion Soup", result.terms, "title")
    assert title_spans == [(0, 9)]


def test_guards_never_raise_and_explain(sample_library: Library) -> None:
    long = sample_library.search("model " * 500)
    assert long.note and "cut" in long.note
    broad = sample_library.search("a*")  # every word starting with a: under the bound
    assert broad.note is None and broad.total > 0
    for nasty in ['title:"', "((", "AND OR NOT", "a~9", "*", "unknownfield:foo", ")", '"', "\\"]:
        result = sample_library.search(nasty)
        assert result.total >= 0


def test_everything_query_lists_all(sample_library: Library) -> None:
    assert sample_library.search("*").total == 205
    assert sample_library.search("").total == 205


def test_did_you_mean_when_nothing_matches(sample_library: Library) -> None:
    result = sample_library.search("difusion modls")
    assert result.total == 0
    assert result.suggestion == "diffusion models"
    assert sample_library.search("diffusion").suggestion is None


def test_similar_papers_with_key_terms(sample_library: Library) -> None:
    (pid,) = sample_library.search('"divergence distribution matching"').ids
    similar = sample_library.similar(pid, limit=5)
    assert pid not in similar.ids and len(similar.ids) == 5
    assert "Divergence" in similar.key_terms or "divergence" in similar.key_terms


def test_filters_and_sorts(sample_library: Library) -> None:
    only_004 = Filters(sources=frozenset({"004_d1056841f833a4b0.txt"}))
    assert sample_library.search("", only_004).total == 60
    in_004 = sample_library.search("diffusion", only_004)
    assert 0 < in_004.total < sample_library.search("diffusion").total
    some = frozenset(sample_library.search("diffusion").ids[:3])
    assert set(sample_library.search("diffusion", Filters(ids=some)).ids) == set(some)
    titles = _titles(sample_library, "diffusion", sort=Sort.TITLE, limit=None)
    from reader.ingest import title_key

    assert titles == sorted(titles, key=title_key)
    by_date = sample_library.search("", sort=Sort.DATE, limit=None)
    dates = [r.page_date for r in sample_library.rows(by_date.ids)]
    assert dates[0] == "Mar 17" and dates.index("Mar 14") < dates.index(None)


def test_facets_count_each_dump_for_the_query(sample_library: Library) -> None:
    facets = sample_library.facets("diffusion")
    assert set(facets) == {
        "000_1828332811127e68.txt",
        "002_b0d249689d07bc6d.txt",
        "004_d1056841f833a4b0.txt",
    }
    assert sum(facets.values()) >= sample_library.search("diffusion").total
    assert sample_library.facets("") == {
        "000_1828332811127e68.txt": 49, "002_b0d249689d07bc6d.txt": 103, "004_d1056841f833a4b0.txt": 60,
    }  # fmt: skip


def test_get_by_arxiv_or_unknown_id(sample_library: Library) -> None:
    assert sample_library.get("0000.00000") is None
    assert sample_library.get("nonexistent") is None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(alphabet=st.sampled_from(list('ab diffusion"()*?~:^-+ANDORNOT\\[]{}é')), max_size=60)
)
def test_any_query_returns_a_result(sample_library: Library, query: str) -> None:
    result = sample_library.search(query)
    assert result.total >= len(result.ids) >= 0
    assert result.note is None or "search failed" not in result.note


def test_prefixes_search_every_word_they_match(sample_library: Library) -> None:
    words = [w for w in sample_library._lexicon().words if w.startswith("co")]
    assert len(words) > 48  # more than the old cap searched
    found = sample_library.search("co*", limit=None)
    assert found.note is None
    union: set[str] = set()
    for word in words:
        union |= set(sample_library.search(f"words:{word}", limit=None).ids)
    assert set(found.ids) == union and found.total == len(union)


def test_a_pattern_past_the_bound_says_so(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.search.query as query

    every = sample_library.search("co*", limit=None).total
    monkeypatch.setattr(query, "MAX_EXPANSION", 5)
    result = sample_library.search("comp*", limit=None)  # not a memoised query
    assert result.note and "searched the 5 most common" in result.note
    assert 0 < result.total < every
