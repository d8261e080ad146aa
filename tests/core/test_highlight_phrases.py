"""Highlights of phrase queries: a phrase is marked only where it occurs as a phrase, by the
engine's rule; plain words are marked everywhere, exactly as before phrases were known."""

from __future__ import annotations

import pickle
import re
import shutil
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.analysis.filters import STOP_WORDS

from reader.search import Library, highlight_spans
from reader.search.analysis import fold, stem, token_spans
from reader.search.highlight import PhraseTerm, QueryTerms
from tests.conftest import SAMPLES
from tests.core.test_phrases import brute_match


def old_highlight_spans(
    text: str, terms: frozenset[tuple[str, str]], field: str = "abstract"
) -> list[tuple[int, int]]:
    """The highlighter before phrases were known: every token of a query term."""
    stems = {t for f, t in terms if f == field}
    words = {t for f, t in terms if f == "words"}
    if not stems and not words:
        return []
    return [(s, e) for word, st_, s, e in token_spans(text) if st_ in stems or word in words]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("highlight")
    shutil.copytree(SAMPLES, root / "dumps")
    lib = Library([root / "dumps"], root / "index")
    lib.sync()
    yield lib
    lib.close()


@pytest.fixture(scope="module")
def texts(library: Library) -> list[dict[str, str]]:
    return [{"title": p.title, "abstract": p.abstract} for p in library.iter_papers()]


def marked(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_a_phrase_marks_only_its_occurrences(library: Library) -> None:
    result = library.search('"data model"', limit=None)
    assert result.ids
    apart = 0
    for pid in result.ids:
        paper = library.get(pid)
        assert paper is not None
        spans = highlight_spans(paper.abstract, result.terms)
        words = [w.casefold() for w in re.findall(r"\w+", paper.abstract)]
        if "data" in words and "model" in words:
            assert spans, paper.abstract
        for piece in marked(paper.abstract, spans):
            assert re.fullmatch(r"(?i)data\W+models?", piece), piece
        # the abstract also holds the words apart: the old highlighter marked them there
        old = marked(paper.abstract, old_highlight_spans(paper.abstract, result.terms))
        if len(old) > 2 * len(spans):
            apart += 1
    assert apart, "no sample abstract holds 'data' and 'model' both apart and together"


def test_a_stop_word_in_a_phrase_marks_the_word_between(library: Library) -> None:
    result = library.search('"early in training"', limit=None)
    assert result.ids
    for pid in result.ids:
        paper = library.get(pid)
        assert paper is not None
        pieces = marked(paper.abstract, highlight_spans(paper.abstract, result.terms))
        pieces += marked(paper.title, highlight_spans(paper.title, result.terms, "title"))
        assert pieces
        assert all(re.fullmatch(r"(?i)early\W+\w+\W+training", p) for p in pieces), pieces


def test_plain_words_beside_a_phrase_mark_everywhere(library: Library) -> None:
    result = library.search('model "data model"', limit=None)
    assert result.ids
    for pid in result.ids:
        paper = library.get(pid)
        assert paper is not None
        spans = highlight_spans(paper.abstract, result.terms)
        for _word, word_stem, start, end in token_spans(paper.abstract):
            if word_stem == "model":  # every "model", inside the phrase or not
                assert any(s <= start and end <= e for s, e in spans), paper.abstract
        data = [(s, e) for w, _, s, e in token_spans(paper.abstract) if w == "data"]
        for start, end in data:  # "data" only as part of the phrase
            inside = [(s, e) for s, e in spans if s <= start and end <= e]
            assert all(e > end for _, e in inside)


def test_query_terms_are_still_the_query_terms() -> None:
    terms = QueryTerms({("abstract", "model")}, [])
    assert terms == frozenset({("abstract", "model")})
    assert pickle.loads(pickle.dumps(terms)).plain == terms.plain


FIELDS = {"": ("title", "abstract"), "title:": ("title",), "abstract:": ("abstract",),
          "words:": ("words",), "author:": ("author",)}  # fmt: skip


@st.composite
def phrases(draw: st.DrawFn, docs: list[dict[str, str]]) -> tuple[str, str]:
    """A field prefix and a phrase: a run of a paper's words, some replaced by a stop word."""
    prefix = draw(st.sampled_from(sorted(FIELDS)))
    field = draw(st.sampled_from(["title", "abstract"]))
    words = re.findall(r"\w+", draw(st.sampled_from(docs))[field]) or ["model"]
    start = draw(st.integers(0, len(words) - 1))
    run = words[start : start + draw(st.integers(2, 4))]
    for i in range(len(run)):
        if draw(st.integers(0, 4)) == 0:
            run[i] = draw(st.sampled_from(["the", "of", "in", "and", "a"]))
    return prefix, " ".join(run)


def test_every_phrase_highlight_is_an_occurrence_of_the_phrase(
    library: Library, texts: list[dict[str, str]]
) -> None:
    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(phrases(texts))
    def check(case: tuple[str, str]) -> None:
        prefix, phrase = case
        result = library.search(f'{prefix}"{phrase}"', limit=None)
        if not getattr(result.terms, "phrases", ()):
            return  # one indexed word: a word query, marked as words are
        for pid in result.ids[:20]:
            paper = library.get(pid)
            assert paper is not None
            for field in ("title", "abstract"):
                text = getattr(paper, field)
                spans = highlight_spans(text, result.terms, field)
                if prefix == "author:" or (prefix and FIELDS[prefix][0] not in (field, "words")):
                    assert spans == [], (prefix, phrase, field)
                    continue
                stemming = prefix != "words:"
                for piece in marked(text, spans):
                    assert brute_match(piece, phrase, stemming), (phrase, piece)
                assert bool(spans) == brute_match(text, phrase, stemming), (phrase, field)

    check()


@st.composite
def word_queries(draw: st.DrawFn, docs: list[dict[str, str]]) -> str:
    """One to three words of the papers, some with a field or as a prefix."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        field = draw(st.sampled_from(["title", "abstract"]))
        words = re.findall(r"[A-Za-z]{3,}", draw(st.sampled_from(docs))[field]) or ["model"]
        word = draw(st.sampled_from(words))
        shape = draw(st.sampled_from(["", "", "title:", "words:", "prefix", "-"]))
        parts.append(word[:4] + "*" if shape == "prefix" else f"{shape}{word}")
    return " ".join(parts)


def test_word_queries_highlight_as_before(library: Library, texts: list[dict[str, str]]) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(word_queries(texts))
    def check(query: str) -> None:
        result = library.search(query, limit=10)
        assert getattr(result.terms, "phrases", ()) == ()
        for pid in result.ids:
            paper = library.get(pid)
            assert paper is not None
            for field in ("title", "abstract"):
                text = getattr(paper, field)
                new = highlight_spans(text, result.terms, field)
                assert new == old_highlight_spans(text, result.terms, field), query

    check()


@given(st.text(alphabet=st.characters(categories=("L", "Nd")), min_size=1, max_size=30))
def test_a_stem_begins_with_its_words_first_letter(word: str) -> None:
    """What lets highlighting stem only the words that share an initial with a query stem."""
    folded = fold(word)
    assert stem(folded)[:1] == folded[:1]


_SAMPLE_WORDS = sorted(
    {w for path in SAMPLES.glob("*.txt") for w in re.findall(r"\w+", path.read_text("utf-8"))[:400]}
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_SAMPLE_WORDS), min_size=1, max_size=60),
    st.lists(st.sampled_from(_SAMPLE_WORDS), min_size=1, max_size=4),
)
def test_word_highlights_equal_stemming_every_word(text_words: list[str], query: list[str]) -> None:
    """Highlights skip stemming words of other initials; the spans are those of stemming
    every word of the text."""
    text = " ".join(text_words)
    terms = frozenset(("abstract", stem(fold(w))) for w in query)
    expected = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)
                if 2 <= len(fold(m.group(0))) <= 40 and stem(fold(m.group(0))) in
                {t for _, t in terms}]  # fmt: skip
    assert highlight_spans(text, terms) == _joined(expected)
    phrase = QueryTerms((), [PhraseTerm("abstract", tuple(enumerate(t for _, t in terms)))])
    words = [fold(m.group(0)) for m in re.finditer(r"\w+", text)]
    assert highlight_spans(text, phrase) == highlight_spans_reference(text, phrase, words)


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def highlight_spans_reference(
    text: str, phrase: QueryTerms, words: list[str]
) -> list[tuple[int, int]]:
    """The phrase's occurrences found with every word stemmed."""
    (p,) = phrase.phrases
    matches = list(re.finditer(r"\w+", text))
    at = [None if (len(w) < 2 or len(w) > 40 or w in STOP_WORDS) else stem(w) for w in words]
    spans = []
    for start in range(len(at)):
        if all(start + off < len(at) and at[start + off] == t for off, t in p.placed):
            spans.append((matches[start].start(), matches[start + p.placed[-1][0]].end()))
    return _joined(spans)
