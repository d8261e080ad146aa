"""The engine's cache of term scores must never change an answer (callers edit their results)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import reader.search.engine as engine_module
import reader.search.term_store as term_store
from reader.search import Library
from tests.core.test_rankings import one_segment, synced

__all__ = ["one_segment", "synced"]  # the fixtures, shared with test_rankings

SAMPLES = Path(__file__).resolve().parents[2] / "sample_dumps"
QUERIES = [
    "diffusion",
    "diffusion NOT image",
    "diffusion",
    "model diffusion",
    "model OR diffusion",
    '"diffusion models"',
    "diffusion AND NOT model",
    "model",
    "title:diffusion OR abstract:model",
    "diffusion",
]


def _answers(lib: Library) -> list[tuple[list[str], int]]:
    out = []
    for q in QUERIES:
        if lib._fast is not None:
            lib._fast._memo.clear()  # answer from the term scores, not the whole-query memo
        r = lib.search(q, limit=None)
        out.append((r.ids, r.total))
    return out


def test_cached_term_scores_give_the_same_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps = tmp_path / "dumps"
    shutil.copytree(SAMPLES, dumps)
    uncached = Library([dumps], tmp_path / "index")
    uncached.sync()
    monkeypatch.setattr(engine_module, "SCORE_CACHE_MIN", 10**9)  # cache nothing
    expected = _answers(uncached)
    uncached.close()
    monkeypatch.setattr(engine_module, "SCORE_CACHE_MIN", 0)  # cache every term
    cached = Library([dumps], tmp_path / "index")
    assert _answers(cached) == expected
    assert cached._fast is not None and cached._fast._scored  # the cache was used
    assert _answers(cached) == expected  # and again, from the cache
    cached.close()


@pytest.mark.parametrize("state", ["one_segment", "synced"])
def test_remembered_frequencies_and_idfs_are_whooshs(
    state: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's frequency and idf of a term (from one look-up per segment, its term
    infos) equal the searcher's own, with the caches cleared as they fill."""
    monkeypatch.setattr(term_store, "FREQUENCIES", 7)
    monkeypatch.setattr(term_store, "CACHE_LOCATED", 20)
    lib = request.getfixturevalue(state)
    with lib._lock:
        engine = engine_module.Engine(lib._engine().searcher)
        searcher = engine.searcher
        reader = searcher.reader()
        terms = [
            (field, text.decode("utf-8"))
            for field in ("title", "abstract", "words")
            for text in list(reader.lexicon(field))[:60]
        ] + [("abstract", "nosuchword")]
        for field, text in terms * 2:
            assert engine.terms.frequency(field, text) == searcher.doc_frequency(field, text)
            assert engine.terms.idf(field, text) == searcher.idf(field, text)
            total = sum(len(ids) for _, ids, _ in engine.terms.postings(field, text))
            assert total == engine.terms.frequency(field, text)
        assert engine.terms.postings("abstract", "nosuchword") == []
