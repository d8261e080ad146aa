"""The fast paths give Whoosh's answers: the BM25F engine, the in-memory lexicon, the tuned writer.

Each fast path falls back to Whoosh silently when it cannot answer, so these tests also
check that the fast path really answered (a fallback would hide a slow regression).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.search import Library
from tests.core.test_rankings import assert_same_ranking

QUERIES = [
    "diffusion", "language models", '"language models"', "title:diffusion", "model*",
    "gen*tion", "difusion~", "diffusion NOT image", 'title:"language model"', "neural OR graph",
]  # fmt: skip


def _agree(lib: Library) -> None:
    """Full rankings equal to Whoosh's (`tests/core/test_rankings.py`), from the engine."""
    for text in QUERIES:
        assert assert_same_ranking(lib, text), f"fast path fell back to Whoosh for {text!r}"


@pytest.fixture
def library(sample_dir: Path, tmp_path: Path) -> Library:
    lib = Library([sample_dir], tmp_path / "index")
    lib.sync()
    return lib


def test_engine_matches_whoosh_on_one_segment(library: Library) -> None:
    _agree(library)


def test_engine_matches_whoosh_after_incremental_syncs(library: Library, sample_dir: Path) -> None:
    first = sorted(sample_dir.iterdir())[0]
    moved = sample_dir.parent / "moved.txt"
    shutil.move(first, moved)
    library.sync()  # deletions in the main segment
    shutil.move(moved, first)
    library.sync()  # a second segment
    assert len(library._searcher.reader().leaf_readers()) >= 2
    _agree(library)


def test_lexicon_expansions_and_suggestions(library: Library) -> None:
    assert library.suggest("difusion modles") == "diffusion models"
    assert library.suggest("diffusion models") is None
    lex = library._lexicon()
    assert "diffusion" in lex and all(w.startswith("gen") for w in lex.prefix("gen"))
    assert set(lex.wildcard("gen*tion")) >= {"generation"}
    assert "diffusion" in lex.fuzzy("difusion", 1, prefix=1)
    assert library.search("*former").total >= library.search("words:transformer").total > 0
