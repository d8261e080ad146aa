"""The plain path: every fast path refused gives the same answers, and another Whoosh turns
them all off with one log line, everything still working through Whoosh."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

import reader.search.bulk_writer as bulk
from reader.diagnostics import log_path
from reader.search import Library, compat
from reader.search.types import SearchResult
from tests.conftest import REPO, SAMPLES

QUERIES = [
    "diffusion", "language models", '"language models"', '"state of the art"',
    'title:"language model"', "title:diffusion", "diffusion NOT image", "neural OR graph",
    "model*", "gen*tion", "*former", "difusion~", "author:wang", 'abstract:"in context"',
    '"early in training"', "source:002*", "transformer (vision OR image)", "(( unbalanced",
    "nothingmatchesthis", "difusion modls",
]  # fmt: skip


def _build(root: Path) -> Library:
    shutil.copytree(SAMPLES, root / "dumps")
    lib = Library([root / "dumps"], root / "index")
    lib.sync()
    return lib


Answers = tuple[list[SearchResult], list[dict[str, int]], str | None]


def _answers(lib: Library) -> Answers:
    results = [lib.search(query, limit=None) for query in QUERIES]
    facets = [lib.facets(query) for query in QUERIES]
    return results, facets, lib.suggest("difusion modls")


@pytest.fixture(scope="module")
def fast_answers(tmp_path_factory: pytest.TempPathFactory) -> Answers:
    """The answers of a library built and searched with the fast paths (which really ran)."""
    lib = _build(tmp_path_factory.mktemp("fast"))
    try:
        answers = _answers(lib)
        assert lib._fast is not None and lib._lex is not None
        return answers
    finally:
        lib.close()


def _same(fast: SearchResult, plain: SearchResult) -> None:
    """The same papers, scores (within float noise) and notes; ties may list in any order."""
    assert plain.total == fast.total, fast.query
    assert plain.note == fast.note, fast.query
    assert plain.terms == fast.terms, fast.query
    assert set(plain.ids) == set(fast.ids), fast.query
    for pid, score in fast.scores.items():
        assert math.isclose(plain.scores[pid], score, rel_tol=1e-6, abs_tol=1e-9), fast.query
    ranked = [fast.scores[i] for i in plain.ids]
    assert all(a >= b - 1e-9 for a, b in pairwise(ranked)), fast.query


def _compare(fast: Answers, plain: Library) -> None:
    results, facets, suggestion = _answers(plain)
    for mine, theirs in zip(fast[0], results, strict=True):
        _same(mine, theirs)
    assert facets == fast[1]
    assert suggestion == fast[2]


def test_every_fast_path_refused_gives_the_same_answers(
    fast_answers: Answers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(compat.FAST_ENV, "0")
    installed: list[object] = []
    original = bulk.BulkPostings.__init__

    def spy(self: bulk.BulkPostings, *args: object) -> None:
        installed.append(self)
        original(self, *args)

    monkeypatch.setattr(bulk.BulkPostings, "__init__", spy)
    plain = _build(tmp_path)
    try:
        _compare(fast_answers, plain)
        plain.warm()
        assert installed == []  # Whoosh's own writer built the index
        assert plain._fast is None and plain._lex is None  # no engine, no lexicon
    finally:
        plain.close()


def test_another_whoosh_turns_the_fast_paths_off_with_one_log_line(
    fast_answers: Answers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        compat,
        "whoosh_mismatch",
        lambda: "whoosh3 9.9.9 is installed; they were written for 3.54.0",
    )
    plain = _build(tmp_path)
    try:
        _compare(fast_answers, plain)
        (tmp_path / "dumps" / sorted(os.listdir(tmp_path / "dumps"))[0]).unlink()
        report = plain.sync()  # an incremental sync through Whoosh's writer
        assert not report.rebuilt and report.removed_files == 1
        assert 0 < plain.search("diffusion").total < fast_answers[0][0].total
        assert plain._fast is None and plain._lex is None
    finally:
        plain.close()
    lines = [line for line in log_path().read_text().splitlines() if "9.9.9" in line]
    assert len(lines) == 1 and "fast search paths" in lines[0]


def test_the_real_whoosh_is_the_expected_one() -> None:
    assert compat.whoosh_mismatch() is None
    assert compat.fast()


def test_fast_path_modules_import_without_whoosh_private_names() -> None:
    """With the Whoosh internals the fast paths use removed (another Whoosh), every fast-path
    module still imports: private names are imported only after `fast()` said yes."""
    private = {
        "whoosh.codec.whoosh3": [
            "_lenfield", "LENGTHS_COLUMN", "W3FieldWriter", "W3PerDocWriter", "W3TermInfo",
            "WHOOSH3_HEADER_MAGIC", "COMPRESSION_MIN_SIZE",
        ],
        "whoosh.util.numlists": ["GrowableArray"],
        "whoosh.index": ["TOC", "_DEF_INDEX_NAME", "clean_files"],
        "whoosh.writing": ["SegmentWriter"],
    }  # fmt: skip
    modules = [
        "engine", "postings", "phrases", "bulk_writer", "bulk_blocks", "bulk_term_table",
        "bulk_fields", "bulk_runs", "tuned_writer",
        "parallel_build", "lexicon", "suggestions", "warmup", "facets", "query", "compat",
        "library", "open_index", "catalog_view", "querying", "term_file",
    ]  # fmt: skip
    code = (
        "import importlib, sys\n"
        f"for module, names in {private!r}.items():\n"
        "    loaded = importlib.import_module(module)\n"
        "    for name in names: delattr(loaded, name)\n"
        f"for name in {modules!r}: importlib.import_module('reader.search.' + name)\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
