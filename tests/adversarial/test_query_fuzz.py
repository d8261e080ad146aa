"""Hostile queries against a 10k-paper index: no exception escapes, every answer is bounded.

The index is built once per module from generated dumps in the sample layout (header, then
title line / abstract line alternating; vocabulary from the sample dumps). Hypothesis runs
with `deadline=timedelta(seconds=5)`: the guards aim at well under a second per query, but a
fixed 1 s limit would flake on a loaded CI runner. Five seconds still fails every unguarded
case these tests found (a 100,000-character suggestion took 99 s, an open range `{a TO}` 8 s).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.locations import resolve_locations
from reader.search import Filters, Library, SearchResult, SimilarResult, Sort

REPO = Path(__file__).resolve().parents[2]
PAPERS = 10_000
PER_DUMP = 500

FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

NASTY = [
    "",
    " ",
    "*",
    "*:*",
    "?",
    "??",
    "a*",
    "*a*",
    "*ing",
    "a~9",
    "model~99999999999999999999",
    '"large model"~1000',
    '"unbalanced quote',
    "((((",
    "))))",
    "(a OR b) AND NOT (c",
    "title:",
    ":",
    "nofield:x*",
    "a:b:c:d",
    "title:*",
    "words:*",
    "author:*",
    "id:*",
    "title:[a TO z]",
    "{a TO}",
    "[* TO *]",
    "AND",
    "OR OR",
    "NOT NOT NOT",
    "model^1000",
    "\\",
    "\x00",
    "\ud800",
    "日本語 Schrödinger ∑",
    "\u202e\u2066bidi",
    "x" * 100_000,
    "a* " * 33_000,
    "*" * 100_000,
    "(" * 50_000 + ")" * 50_000,
    '"' + "model " * 20_000 + '"',
]


def _vocabulary() -> list[str]:
    words: set[str] = set()
    for path in sorted((REPO / "sample_dumps").glob("*.txt")):
        words.update(re.findall(r"[A-Za-z][A-Za-z-]{2,}", path.read_text(encoding="utf-8")))
    return sorted(words)


def write_dumps(folder: Path, papers: int, abstract_words: tuple[int, int], seed: int = 7) -> None:
    """Dumps in the sample layout: HF header lines, then title/abstract lines alternating."""
    rng = random.Random(seed)
    vocab = _vocabulary()
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(papers // PER_DUMP):
        lines = ["Get trending papers in your email inbox!", "Subscribe"]
        for i in range(PER_DUMP):
            title = " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 10)))
            lines.append(f"{title.capitalize()} {d}-{i}")
            lines.append(
                " ".join(rng.choice(vocab) for _ in range(rng.randint(*abstract_words))) + "."
            )
        (folder / f"gen_{d:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, Path, Path]]:
    """(library, dumps folder, cache dir) for a 10k-paper index built once for this module."""
    base = tmp_path_factory.mktemp("fuzz10k")
    dumps, cache = base / "dumps", base / "cache"
    write_dumps(dumps, PAPERS, (6, 16))
    saved = os.environ.get("PAPER_READER_CACHE_DIR")
    os.environ["PAPER_READER_CACHE_DIR"] = str(cache)
    try:
        index_dir = resolve_locations().index_dir([dumps])
    finally:
        if saved is None:
            os.environ.pop("PAPER_READER_CACHE_DIR")
        else:
            os.environ["PAPER_READER_CACHE_DIR"] = saved
    lib = Library([dumps], index_dir)
    report = lib.sync()
    assert report.papers == PAPERS
    yield lib, dumps, cache
    lib.close()


_WORDS = st.sampled_from(
    ["model", "models", "diffusion", "language", "learning", "galaxy", "Schrödinger", "the", "a"]
)
_OPS = st.sampled_from(
    [
        "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", '"', "'", "(", ")", "[", "]", "{", "}", "TO",
        "*", "?", "~", "~9", "^", "^3", ":", "title:", "abstract:", "author:", "source:",
        "category:", "arxiv:", "words:", "id:", "nofield:", "by:", "-", "+", "\\", "/", "<", ">",
    ]
)  # fmt: skip
_TOKEN = st.one_of(
    _WORDS,
    _OPS,
    st.builds(lambda w, o: w + o, _WORDS, _OPS),
    st.builds(lambda o, w: o + w, _OPS, _WORDS),
    st.text(min_size=1, max_size=8),
)
QUERIES = st.one_of(
    st.lists(_TOKEN, max_size=12).map(" ".join),
    st.lists(_TOKEN, max_size=12).map("".join),
    st.text(max_size=60),
    st.sampled_from(NASTY),
    st.builds(lambda s, n: s * n, st.sampled_from(["a*", "x", "(", '"', "~9 ", "é"]),
              st.integers(1_000, 50_000)),
)  # fmt: skip


def _check_search(lib: Library, result: SearchResult, query: str) -> None:
    assert isinstance(result, SearchResult)
    assert result.query == query
    assert result.note is None or isinstance(result.note, str)
    assert result.note is None or "search failed" not in result.note, result.note
    assert len(result.ids) <= result.total
    assert len(set(result.ids)) == len(result.ids)


@FUZZ
@given(query=QUERIES)
def test_search_survives_hostile_queries(big: tuple[Library, Path, Path], query: str) -> None:
    lib = big[0]
    result = lib.search(query, limit=50)
    _check_search(lib, result, query)
    assert len(result.ids) <= 50
    # Every id it returns can be shown.
    assert [r.id for r in lib.rows(result.ids)] == result.ids


@FUZZ
@given(query=QUERIES, sort=st.sampled_from(list(Sort)))
def test_sorted_and_filtered_search_survive(
    big: tuple[Library, Path, Path], query: str, sort: Sort
) -> None:
    lib = big[0]
    filters = Filters(sources=frozenset({"gen_001.txt", "gen_007.txt"}))
    result = lib.search(query, filters, sort, limit=None)
    _check_search(lib, result, query)
    assert result.total <= 2 * PER_DUMP


@FUZZ
@given(query=QUERIES)
def test_suggest_and_facets_survive(big: tuple[Library, Path, Path], query: str) -> None:
    lib = big[0]
    suggestion = lib.suggest(query)
    assert suggestion is None or (isinstance(suggestion, str) and len(suggestion) <= 2_000)
    counts = lib.facets(query)
    assert isinstance(counts, dict)
    assert set(counts) <= {f"gen_{d:03d}.txt" for d in range(PAPERS // PER_DUMP)}
    assert all(0 <= n <= PER_DUMP for n in counts.values())


@FUZZ
@given(key=QUERIES)
def test_similar_survives_hostile_ids(big: tuple[Library, Path, Path], key: str) -> None:
    result = big[0].similar(key, limit=10)
    assert isinstance(result, SimilarResult)
    assert len(result.ids) <= 10


@pytest.mark.parametrize("query", NASTY, ids=range(len(NASTY)))
def test_every_nasty_query_on_every_path(big: tuple[Library, Path, Path], query: str) -> None:
    lib = big[0]
    _check_search(lib, lib.search(query), query)
    _check_search(lib, lib.search(query, sort=Sort.DATE, limit=None), query)
    lib.suggest(query)
    lib.facets(query, Filters(min_upvotes=0))
    lib.similar(query)


def test_guards_say_what_they_did(
    big: tuple[Library, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.search.query as query

    lib = big[0]
    long = lib.search("model " + "x" * 100_000)
    assert long.note and "cut to its first" in long.note
    assert lib.search("*a*").note is None  # every matching word, under the bound
    monkeypatch.setattr(query, "MAX_EXPANSION", 50)
    wide = lib.search("*e*")
    assert wide.note and "most common" in wide.note and len(wide.note) < 300
    assert wide.total > 0
    ranged = lib.search("{a TO}")
    assert ranged.note and "most common" in ranged.note
    # `field:*` means every paper, not a scan of every posting.
    assert lib.search("title:*", limit=1).total == PAPERS
    # A real word still finds papers after all this.
    first_title = lib.rows([lib.search("", limit=1).ids[0]])[0].title
    word = max(first_title.split(), key=len)
    assert lib.search(word).total >= 1


def _cli(cache: Path, dumps: Path, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PAPER_READER_CACHE_DIR=str(cache), PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "reader", "--dumps", str(dumps), *args],
        capture_output=True,
        env=env,
        timeout=120,
    )


CLI_QUERIES: list[str | bytes] = [
    '"unbalanced',
    "((title:",
    "*a*",
    "a~9",
    "{a TO}",
    "nofield:model*",
    "x" * 100_000,
    b"caf\xe9 \xff\xfe model",  # not UTF-8: arrives as lone surrogates
    "\u202e\x1b[31m model",
]


def test_cli_search_with_nasty_queries(big: tuple[Library, Path, Path]) -> None:
    _, dumps, cache = big
    runs: list[tuple[list[str], str | bytes]] = [([], q) for q in CLI_QUERIES] + [
        (["--json"], "*a*"),
        (["--sort", "date"], "{a TO}"),
    ]
    for extra, query in runs:
        res = _cli(cache, dumps, "search", *extra, "--", query)
        label = repr(query[:40])
        assert res.returncode == 0, (label, res.stderr[-2000:])
        assert b"Traceback" not in res.stderr, (label, res.stderr[-2000:])
        assert b"search failed" not in res.stderr, (label, res.stderr[-2000:])
        if query == "x" * 100_000:  # `*a*` and `{a TO}` are searched whole: under the bound
            assert b"paper-reader: note:" in res.stderr, (label, res.stderr)
        assert res.stderr.count(b"\n") <= 3, (label, res.stderr)
