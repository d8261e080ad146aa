"""The engine's cache of term scores must never change an answer (callers edit their results)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import reader.search.engine as engine_module
from reader.search import Library

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
