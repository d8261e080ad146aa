"""Phrases are phrases: their words next to each other, in order, in every text field.

Every answer is checked against a brute-force scan of the text the index was given, with a
tokeniser written here from the analyzer's rules (every run of word characters takes a
position; folded; stop words, one-letter and over-long words are not indexed; title and
abstract stemmed), and against Whoosh's own searcher.
"""

from __future__ import annotations

import functools
import json
import pickle
import re
import shutil
import struct
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.porter import stem as porter

from reader.search import Library, postings
from reader.search.query import parse
from reader.search.sync_apply import to_document
from tests.conftest import SAMPLES

HF_SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "hf_api_samples"
STEMMED = {"title", "abstract"}

AUTHORS = [
    {"id": "2401.10001", "title": "Alpha", "summary": "First.", "authors": ["John Smith", "Mary Jones"]},
    {"id": "2401.10002", "title": "Beta", "summary": "Second.", "authors": ["John Doe", "Adam Smith"]},
    {"id": "2401.10003", "title": "Gamma", "summary": "Third.", "authors": ["Smith John"]},
    {"id": "2401.10004", "title": "Delta", "summary": "Fourth.", "authors": ["Mary John", "Smith Lee"]},
]  # fmt: skip
#: Both pairs of "large language models" in each abstract, in a row only in the second.
PAIRS = [
    {"id": "2401.10005", "title": "Epsilon", "summary": "Large language tools; language models.", "authors": ["Ann Lee"]},
    {"id": "2401.10006", "title": "Zeta", "summary": "We train large language models today.", "authors": ["Ann Lee"]},
    {"id": "2401.10007", "title": "Eta", "summary": "Models of large language: language models large.", "authors": ["Ann Lee"]},
]  # fmt: skip


def _fold(word: str) -> str:
    text = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@functools.cache
def brute_tokens(text: str, stemming: bool) -> tuple[str | None, ...]:
    """The indexed term at each position of `text` (None: a word the index skips)."""
    out: list[str | None] = []
    for match in re.finditer(r"\w+", text):
        word = _fold(match.group(0))
        if not 2 <= len(word) <= 40 or word in STOP_WORDS:
            out.append(None)
        elif stemming and word.isascii() and word.isalpha():
            out.append(porter(word))
        else:
            out.append(word)
    return tuple(out)


@functools.cache
def brute_places(text: str, stemming: bool) -> dict[str, list[int]]:
    """Indexed term -> its positions in `text`."""
    places: dict[str, list[int]] = {}
    for pos, term in enumerate(brute_tokens(text, stemming)):
        if term is not None:
            places.setdefault(term, []).append(pos)
    return places


def brute_match(text: str, phrase: str, stemming: bool) -> bool:
    """True if `phrase` occurs in `text`: each indexed phrase word at its place, skipped
    phrase words standing for any word."""
    wanted = list(brute_tokens(phrase, stemming))
    while wanted and wanted[0] is None:
        wanted.pop(0)
    while wanted and wanted[-1] is None:
        wanted.pop()
    if not wanted:
        return False
    have = brute_tokens(text, stemming)
    placed = [(i, w) for i, w in enumerate(wanted) if w is not None]
    return any(
        all(start + i < len(have) and have[start + i] == w for i, w in placed)
        for start in brute_places(text, stemming).get(placed[0][1], ())
    )


_DOCS: dict[int, list[dict[str, str]]] = {}


def brute_ids(lib: Library, phrase: str, fields: tuple[str, ...]) -> set[str]:
    """Ids of the papers whose indexed text (`to_document`) holds `phrase` in `fields`."""
    docs = _DOCS.get(id(lib))
    if docs is None:
        docs = _DOCS[id(lib)] = [to_document(p) for p in lib.iter_papers()]
    return {
        doc["id"] for doc in docs if any(brute_match(doc[f], phrase, f in STEMMED) for f in fields)
    }


def searched(lib: Library, query: str) -> set[str]:
    result = lib.search(query, limit=None)
    assert result.note is None, result.note
    assert result.total == len(result.ids)
    return set(result.ids)


def whoosh_ids(lib: Library, query: str) -> set[str]:
    """Whoosh's own searcher on the same parsed query."""
    with lib._lock:
        parsed = parse(query, lib._parser, lib._query_reader())
        return {hit["id"] for hit in lib._searcher.search(parsed.query, limit=None)}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("phrases")
    dumps = root / "dumps"
    shutil.copytree(SAMPLES, dumps)
    if HF_SAMPLES.is_dir():
        for path in HF_SAMPLES.glob("daily_*.json"):
            shutil.copy(path, dumps / path.name)
    (dumps / "authors.json").write_text(json.dumps(AUTHORS + PAIRS), encoding="utf-8")
    lib = Library([dumps], root / "index")
    lib.sync()
    yield lib
    lib.close()


@pytest.fixture(scope="module")
def texts(library: Library) -> list[dict[str, str]]:
    brute_ids(library, "", ())
    return _DOCS[id(library)]


ISSUE_PHRASES = [
    "data model", "early training", "training data", "image generation",
    "denoising diffusion models", "language models", "diffusion models",
    "large language models", "state of the art", "early in training",
]  # fmt: skip


@pytest.mark.parametrize("phrase", ISSUE_PHRASES)
def test_issue_phrases_find_exactly_the_papers_holding_them(library: Library, phrase: str) -> None:
    expected = brute_ids(library, phrase, ("title", "abstract"))
    assert searched(library, f'"{phrase}"') == expected
    assert whoosh_ids(library, f'"{phrase}"') == expected
    assert searched(library, f'title:"{phrase}"') == brute_ids(library, phrase, ("title",))


def test_a_stop_word_between_the_words_breaks_a_phrase(library: Library) -> None:
    """ "early in training" is not "early training"; "data on model" is not "data model"."""
    for phrase, apart in (("early training", "early in training"), ("data model", "data on model")):
        only_apart = brute_ids(library, apart, ("abstract",)) - brute_ids(
            library, phrase, ("abstract",)
        )
        assert only_apart, apart  # the samples hold the words with a word between, only
        assert not only_apart & searched(library, f'abstract:"{phrase}"'), phrase
        assert only_apart <= searched(library, f'abstract:"{apart}"')


def test_a_stop_word_in_a_phrase_stands_for_any_word(library: Library) -> None:
    exact = searched(library, '"state of the art"')
    assert exact and exact == searched(library, '"state in an art"')
    assert not searched(library, '"state of art"') & exact - brute_ids(
        library, "state of art", ("title", "abstract")
    )


def test_a_phrase_needs_its_pairs_in_a_row(library: Library) -> None:
    """Three words are checked through the places of their two pairs: both pairs in one
    abstract, apart, are not the phrase."""

    def titles(query: str) -> set[str]:
        return {row.title for row in library.rows(sorted(searched(library, query)))}

    assert {"Epsilon", "Zeta", "Eta"} <= titles("abstract:large abstract:language abstract:models")
    found = titles('abstract:"large language models"')
    assert "Zeta" in found and not found & {"Epsilon", "Eta"}
    assert whoosh_ids(library, 'abstract:"large language models"') == searched(
        library, 'abstract:"large language models"'
    )


def test_author_phrases_match_one_author_in_order(library: Library) -> None:
    def titles(query: str) -> set[str]:
        return {row.title for row in library.rows(sorted(searched(library, query)))}

    assert titles('author:"john smith"') == {"Alpha"}
    assert titles('author:"smith john"') == {"Gamma"}
    assert titles("author:john author:smith") == {"Alpha", "Beta", "Gamma", "Delta"}
    assert titles('author:"smith mary"') == set()  # the end of one author, the next one
    assert titles('author:"john smith"') == {
        row.title for row in library.rows(sorted(brute_ids(library, "john smith", ("author",))))
    }


def test_phrases_in_the_unstemmed_field_are_exact(library: Library) -> None:
    expected = brute_ids(library, "language models", ("words",))
    assert expected and searched(library, 'words:"language models"') == expected
    assert searched(library, 'words:"language model"') == brute_ids(
        library, "language model", ("words",)
    )


FIELDS = {"": ("title", "abstract"), "title:": ("title",), "abstract:": ("abstract",),
          "words:": ("words",), "author:": ("author",)}  # fmt: skip


@st.composite
def phrases(draw: st.DrawFn, docs: list[dict[str, str]]) -> tuple[str, str]:
    """A field prefix and a phrase: a run of words from a paper's text, some replaced by a
    stop word or by another paper's word, or two words of different papers."""
    prefix = draw(st.sampled_from(sorted(FIELDS)))
    field = FIELDS[prefix][-1] if prefix else draw(st.sampled_from(["title", "abstract"]))
    doc = draw(st.sampled_from(docs))
    words = re.findall(r"\w+", doc[field]) or ["model"]
    start = draw(st.integers(0, len(words) - 1))
    run = words[start : start + draw(st.integers(2, 4))]
    other = re.findall(r"\w+", draw(st.sampled_from(docs))[field]) or ["data"]
    for i in range(len(run)):
        change = draw(st.sampled_from(["keep", "keep", "keep", "stop", "other"]))
        if change == "stop":
            run[i] = draw(st.sampled_from(["the", "of", "in", "and", "a"]))
        elif change == "other":
            run[i] = draw(st.sampled_from(other))
    return prefix, " ".join(run)


def test_generated_phrases_match_the_brute_force_scan(
    library: Library, texts: list[dict[str, str]]
) -> None:
    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(phrases(texts))
    def check(case: tuple[str, str]) -> None:
        prefix, phrase = case
        query = f'{prefix}"{phrase}"'
        expected = brute_ids(library, phrase, FIELDS[prefix])
        result = library.search(query, limit=None)
        assert set(result.ids) == expected, query
        assert result.total == len(expected)
        assert whoosh_ids(library, query) == expected, query

    check()


def test_a_phrase_checked_one_document_at_a_time_matches_the_brute_force_scan(
    library: Library, texts: list[dict[str, str]]
) -> None:
    """`PhraseFilter.holds` (each document's positions read from its posting blocks alone,
    as the ranking of a phrase's best candidates does) keeps exactly the documents of the
    brute-force scan, among every document holding the phrase's words."""
    from reader.search.phrases import PhraseFilter

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(phrases(texts))
    def check(case: tuple[str, str]) -> None:
        _prefix, phrase = case
        with library._lock:
            engine = library._engine()
            q = parse(f'abstract:"{phrase}"', library._parser, library._query_reader()).query
            if not isinstance(q, wq.Require):
                return  # one word, or none: no phrase to check
            words = set(engine.evaluate(q.a))
            one_by_one = PhraseFilter(engine.phrases, q.b, lambda: words)
            held = {d for d in words if one_by_one.holds(d)}
            ids = engine.doc_ids()
        assert {ids[d] for d in held} == brute_ids(library, phrase, ("abstract",)), phrase
        assert one_by_one.checked == len(words) or one_by_one.known

    check()


@given(st.lists(st.integers(0, 400), max_size=8, unique=True).map(sorted), st.integers(0, 5))
def test_positions_as_bits_are_the_positions_as_sets(positions: list[int], offset: int) -> None:
    """A phrase's parts are ANDed as bits (`StartBits`): the same starts as the sets
    (`Starts`), less those before the phrase's first word."""
    deltas = [b - a for a, b in zip([0, *positions], positions, strict=False)]
    value = struct.pack("!I", len(positions)) + pickle.dumps(deltas) if positions else b""
    bits = postings.StartBits(offset)[value]
    assert {p for p in range(bits.bit_length()) if bits >> p & 1} == {
        p for p in postings.Starts(offset)[value] if p >= 0
    }
