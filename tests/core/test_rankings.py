"""The fast engine ranks exactly as Whoosh's own searcher (BM25F): the full (paper, score)
lists, for generated queries, on one segment, on several, and after syncs that delete.

Scores are compared with a tolerance (the engine sums a document's clauses in another
order); papers whose scores tie may be listed in any order, so the engine's order is
checked to never rise by Whoosh's own scores.
"""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.search import Library
from reader.search.engine import Unsupported
from reader.search.query import parse
from tests.conftest import SAMPLES

TOLERANCE = 1e-6


def _build(root: Path) -> Library:
    shutil.copytree(SAMPLES, root / "dumps")
    lib = Library([root / "dumps"], root / "index")
    lib.sync()
    return lib


@pytest.fixture(scope="module")
def one_segment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = _build(tmp_path_factory.mktemp("one"))
    assert lib._open() and len(lib._searcher.reader().leaf_readers()) == 1
    yield lib
    lib.close()


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """Several segments with deletions: a dump leaves (its papers deleted), comes back (a new
    segment), and another dump is cut down to a few papers (deleted from the first)."""
    root = tmp_path_factory.mktemp("synced")
    lib = _build(root)
    dumps = sorted((root / "dumps").iterdir())
    moved = root / "moved.txt"
    shutil.move(dumps[0], moved)
    lib.sync()
    shutil.move(moved, dumps[0])
    lib.sync()
    text = dumps[1].read_text(encoding="utf-8")
    dumps[1].write_text(text[: len(text) // 3], encoding="utf-8")
    lib.sync()
    lib._open()
    reader = lib._searcher.reader()
    assert len(reader.leaf_readers()) >= 2 and reader.has_deletions()
    yield lib
    lib.close()


def _words(lib: Library) -> list[str]:
    rows = lib.rows(lib.search("", limit=None).ids)
    found = {w.lower() for r in rows for w in re.findall(r"[A-Za-z]{4,}", r.title)}
    return sorted(found)


def _texts(lib: Library) -> list[str]:
    return [p.abstract for p in lib.iter_papers()][:80]


@st.composite
def queries(draw: st.DrawFn, words: list[str], texts: list[str]) -> str:
    """A query of one to three clauses: words, fields, prefixes, fuzzy terms, phrases
    (with stop words too, some with slop), joined by AND or OR, with NOT on a clause after the
    first."""

    def clause() -> str:
        kind = draw(
            st.sampled_from(["word", "field", "prefix", "fuzzy", "phrase", "group", "word"])
        )
        word = draw(st.sampled_from(words))
        if kind == "field":
            field = draw(st.sampled_from(["title", "abstract", "words", "author"]))
            return f"{field}:{word}"
        if kind == "prefix":
            return word[: draw(st.integers(3, max(3, len(word) - 1)))] + "*"
        if kind == "fuzzy":
            i = draw(st.integers(0, len(word) - 1))
            return f"{word[:i]}{word[i + 1 :]}~"
        if kind == "phrase":
            run = re.findall(r"\w+", draw(st.sampled_from(texts))) or [word, word]
            start = draw(st.integers(0, max(0, len(run) - 2)))
            phrase = " ".join(run[start : start + draw(st.integers(2, 3))])
            field = draw(st.sampled_from(["", "", "title:", "abstract:", "words:"]))
            slop = draw(st.sampled_from(["", "", "", "~2", "~4"]))
            return f'{field}"{phrase}"{slop}'
        if kind == "group":
            return f"({word} OR {draw(st.sampled_from(words))})"
        return word

    parts = [clause()]
    for _ in range(draw(st.integers(0, 2))):
        joint = draw(st.sampled_from([" ", " AND ", " OR ", " NOT "]))
        parts.append(joint + clause())
    return "".join(parts)


def assert_same_ranking(lib: Library, text: str) -> bool:
    """Whoosh's and the engine's full rankings for `text` agree; False if the engine
    declines the query (`Unsupported`)."""
    with lib._lock:
        parsed = parse(text, lib._parser, lib._query_reader())
        hits = lib._searcher.search(parsed.query, limit=None)
        whoosh = [(hit.docnum, float(hit.score)) for hit in hits]
        try:
            docs, total, scores = lib._engine().top(parsed.query, None, None)
        except Unsupported:
            return False
    fast = [(d, scores[d]) for d in docs]
    assert total == len(whoosh) == len(fast), text
    assert dict(fast).keys() == dict(whoosh).keys(), text
    for doc, score in whoosh:
        assert math.isclose(scores[doc], score, rel_tol=TOLERANCE, abs_tol=1e-9), (text, doc)
    # The engine's order is Whoosh's up to ties: by Whoosh's own scores it never rises.
    theirs = dict(whoosh)
    ranked = [theirs[doc] for doc, _ in fast]
    assert all(
        a >= b or math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-9) for a, b in pairwise(ranked)
    ), text
    return True


FIXED = [
    "diffusion", "language models", '"language models"', '"state of the art"',
    "title:diffusion", 'title:"language model"', "diffusion NOT image", "neural OR graph",
    "model*", "gen*tion", "difusion~", "transfromer~2", "author:wang", '"early in training"',
    "(vision OR image) transformer NOT diffusion", "words:models", 'words:"language models"',
    '"language models"~3', 'title:"models language"~4', '"state of the art"~2',
]  # fmt: skip


@pytest.mark.parametrize("state", ["one_segment", "synced"])
def test_fixed_queries_rank_as_whoosh_does(state: str, request: pytest.FixtureRequest) -> None:
    lib = request.getfixturevalue(state)
    for text in FIXED:
        assert assert_same_ranking(lib, text), f"the engine declined {text!r}"


@pytest.mark.parametrize("state", ["one_segment", "synced"])
def test_generated_queries_rank_as_whoosh_does(state: str, request: pytest.FixtureRequest) -> None:
    lib = request.getfixturevalue(state)
    words, texts = _words(lib), _texts(lib)
    answered: list[bool] = []

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(queries(words, texts))
    def check(text: str) -> None:
        answered.append(assert_same_ranking(lib, text))

    check()
    assert sum(answered) >= 0.9 * len(answered)  # the engine answers nearly all of them
