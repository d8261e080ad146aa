"""One-off commands take short cuts (a stats-only freshness check, the first rows only, a
"did you mean" that reads one initial's words): their answers equal the library's own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search import Library, open_library
from reader.search.lexicon import Lexicon, correct
from reader.search.spelling import InitialVocabulary

QUERIES = [
    "diffusion",
    "state space models",
    '"language models"',
    "title:transformer",
    "author:smith",
    "optim*",
    "difusion~",
    "diffusion NOT image",
    "xyzzyplugh",
    "transfromer",
    "reinforcment lerning",
    "segmantation",
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


def _synced_library(dumps: Path) -> Library:
    """The CLI's library, synced in full (lock, Whoosh verified) and with its vocabulary
    loaded: the plain path the one-off short cuts must agree with."""
    lib, _ = open_library([str(dumps)])
    lib.sync()
    lib.warm()
    return lib


def test_search_and_list_equal_the_library(sample_dir: Path) -> None:
    assert run("--dumps", str(sample_dir), "index").returncode == 0
    lib = _synced_library(sample_dir)
    try:
        for query in QUERIES:
            res = run("--dumps", str(sample_dir), "search", query, "--json")
            assert res.returncode == 0 and res.stderr == "", (query, res.stderr)
            expected = lib.search(query, limit=20)
            got = json.loads(res.stdout)
            assert [p["id"] for p in got] == expected.ids, query
            assert [p["score"] for p in got] == [round(expected.scores[i], 4) for i in expected.ids]
            if not expected.ids:
                text = run("--dumps", str(sample_dir), "search", query).stdout
                hint = f" Did you mean: {expected.suggestion}?" if expected.suggestion else ""
                assert text == f"No results.{hint}\n", query
        everything = lib.search("", limit=None).ids
        assert lib.paper_count() == len(everything) == 205
        for limit in (1, 20, 204, 205, 500):
            res = run("--dumps", str(sample_dir), "list", "--limit", str(limit))
            assert [line.split("  ")[0] for line in res.stdout.splitlines()] == everything[:limit]
        listed = json.loads(
            run("--dumps", str(sample_dir), "list", "--json", "--limit", "7").stdout
        )
        assert [p["id"] for p in listed] == everything[:7]
        assert listed == json.loads(run("--dumps", str(sample_dir), "list", "--json").stdout)[:7]
    finally:
        lib.close()


def test_a_changed_dump_is_synced_before_answering(sample_dir: Path) -> None:
    assert run("--dumps", str(sample_dir), "index").returncode == 0
    dump = next(sample_dir.glob("004_*"))
    dump.write_text(
        dump.read_text()
        + "\n\nZygomorphic flowers in the wild\n\nWe study zygomorphic flowers in the wild.\n"
    )
    res = run("--dumps", str(sample_dir), "search", "zygomorphic")
    assert res.returncode == 0 and "Zygomorphic flowers" in res.stdout, res.stderr
    listed = run("--dumps", str(sample_dir), "list").stdout
    assert "Zygomorphic flowers" in listed
    dump.unlink()
    res = run("--dumps", str(sample_dir), "search", "zygomorphic")
    assert res.returncode == 0 and res.stdout.startswith("No results."), res.stdout


def test_first_ids_are_the_start_of_the_dump_order(sample_library: Library) -> None:
    catalog = sample_library._catalog
    sample_library.paper_count()  # opens the catalog
    catalog = sample_library._catalog
    assert catalog is not None
    order = catalog.ordered_ids()
    assert len(order) == catalog.paper_count() == 205  # 7 of 212 records were duplicates
    for limit in (1, 2, 48, 49, 50, 150, 205, 999):
        assert catalog.first_ids(limit) == order[:limit]


def _edits(word: str, data: st.DataObject) -> str:
    for _ in range(data.draw(st.integers(1, 2))):
        i = data.draw(st.integers(0, max(len(word) - 1, 0)))
        letter = data.draw(st.sampled_from("abcdeilmnorstuz"))
        kind = data.draw(st.sampled_from(["swap", "drop", "add", "change"]))
        if kind == "swap" and len(word) > i + 1:
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif kind == "drop" and len(word) > 1:
            word = word[:i] + word[i + 1 :]
        elif kind == "add":
            word = word[:i] + letter + word[i:]
        else:
            word = word[:i] + letter + word[i + 1 :]
    return word


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_initial_vocabulary_corrects_as_the_whole_lexicon(
    sample_library: Library, data: st.DataObject
) -> None:
    sample_library.search("diffusion")  # opens Whoosh
    reader = sample_library._searcher.reader()
    lexicon = _lexicon(sample_library)
    word = _edits(
        data.draw(st.sampled_from(lexicon.words[:: max(len(lexicon.words) // 400, 1)])), data
    )
    known = lambda w: ("words", w) in reader  # noqa: E731
    df = lambda w: reader.doc_frequency("words", w)  # noqa: E731
    cheap = correct(word, known, df, lambda: InitialVocabulary(reader, "words"))
    assert cheap == correct(word, lexicon.__contains__, lexicon.df, lambda: lexicon)


_LEXICONS: dict[int, Lexicon] = {}


def _lexicon(lib: Library) -> Lexicon:
    if id(lib) not in _LEXICONS:
        _LEXICONS[id(lib)] = Lexicon(lib._searcher.reader(), "words")
    return _LEXICONS[id(lib)]


def test_inbox_with_a_limit_is_the_start_of_the_whole_inbox(sample_dir: Path) -> None:
    """`inbox --limit N` reads the news dumps only until N unread are found; its papers and
    its "N of M unread" equal the whole inbox's, before and after papers are marked."""
    dumps = ("--dumps", str(sample_dir))
    assert run(*dumps, "index").returncode == 0

    def check() -> None:
        whole = run(*dumps, "inbox").stdout.splitlines()
        count = int(run(*dumps, "inbox", "--count").stdout)
        assert len(whole) == count > 0
        assert int(run(*dumps, "inbox", "--count", "--limit", "3").stdout) == count
        for limit in (1, 2, 20, count - 1, count, count + 1, 999):
            res = run(*dumps, "inbox", "--limit", str(limit))
            assert res.returncode == 0 and res.stderr == "", res.stderr
            lines = res.stdout.splitlines()
            assert lines[: min(limit, count)] == whole[:limit]
            footer = ["", f"{limit} of {count} unread"] if limit < count else []
            assert lines[min(limit, count) :] == footer
            listed = json.loads(run(*dumps, "inbox", "--json", "--limit", str(limit)).stdout)
            assert [p["id"] for p in listed] == [line.split("  ")[0] for line in whole[:limit]]

    check()
    first = [line.split("  ")[0] for line in run(*dumps, "inbox").stdout.splitlines()]
    # Seen papers at the start, in the middle and the whole first dump.
    assert run(*dumps, "mark", "seen", *first[:3], *first[40:45]).returncode == 0
    check()
    newest = next(sample_dir.glob("004_*")).name
    assert run(*dumps, "mark", "dismissed", "--dump", newest).returncode == 0
    check()


@pytest.mark.parametrize("archive_papers", [2000, 60])
def test_inbox_head_equals_the_whole_inbox(sample_library: Library, archive_papers: int) -> None:
    """`Library.inbox_head` (its short cut when every dump is news; the whole list when some
    dump is an archive) against the plain inbox, for seen sets with papers of several dumps,
    papers the index does not have, and every paper."""
    news = sample_library.news_ids(archive_papers)
    every = sample_library.search("", limit=None).ids
    seen_sets = [
        frozenset(),
        frozenset(news[:5]),
        frozenset(news[::7]) | {"not-a-paper", "2401.99999"},
        frozenset(every[-30:]),
        frozenset(every),
    ]
    for seen in seen_sets:
        unread = [i for i in news if i not in seen]
        for limit in (0, 1, 3, 20, 49, 50, 51, len(unread) or 1, 999):
            fresh = Library(sample_library.roots, sample_library.index_dir)
            try:
                head = fresh.inbox_head(limit, seen, archive_papers)
                assert head == (unread[:limit], len(unread)), (sorted(seen), limit)
                # The short cut, taken when every dump is news, never loads every news id.
                view = fresh._index.view
                assert view is not None
                assert (not view.news_loaded(archive_papers)) == (archive_papers == 2000)
            finally:
                fresh.close()


@pytest.mark.parametrize("query", ["optim*", "gen*", "gen*tion", "qu?nt*", "trans*er", "s*"])
def test_prefixes_without_the_vocabulary_equal_those_with_it(sample_dir: Path, query: str) -> None:
    """A prefix or a wildcard that starts with letters walks the term index while the
    vocabulary is not loaded (a one-off command): same words, same results."""
    cold, _ = open_library([str(sample_dir)])
    cold.sync()
    for stored in cold.index_dir.glob("vocabulary-*.bin"):  # as the build stored it
        stored.unlink()
    try:
        before = cold.search(query, limit=None)
        gen = cold._gen
        assert gen is not None and gen.lexicon_loaded is None  # nothing loaded the vocabulary
        warm = _synced_library(sample_dir)
        try:
            after = warm.search(query, limit=None)
        finally:
            warm.close()
    finally:
        cold.close()
    assert before.total > 0
    assert (before.ids, before.total, before.note) == (after.ids, after.total, after.note)
    assert before.scores == pytest.approx(after.scores)


def test_result_ids_from_stored_fields_equal_the_id_column(sample_dir: Path) -> None:
    """A page of results reads its ids from the documents' stored fields while no id list
    is loaded: the same ids as the column's, also after syncs that deleted documents and
    added a segment."""
    lib, _ = open_library([str(sample_dir)])
    lib.sync()
    first = sorted(sample_dir.iterdir())[0]
    moved = first.read_bytes()
    first.unlink()
    lib.sync()  # deletions
    first.write_bytes(moved)
    lib.sync()  # a second segment
    warm = _synced_library(sample_dir)  # its id list loaded by the warm-up
    try:
        assert warm._gen is not None and warm._gen.engine().ids_loaded
        for query in ("model", "diffusion", "language models", '"large language"', "gen*"):
            fresh, _ = open_library([str(sample_dir)])
            try:
                paged = fresh.search(query, limit=20)
                gen = fresh._gen
                assert gen is not None and not gen.engine().ids_loaded
                assert gen._id_column is None  # read from the stored fields
                assert paged.ids and paged.ids == warm.search(query, limit=20).ids
                everything = fresh.search(query, limit=None)  # past FEW_IDS: the column
                assert everything.ids[:20] == paged.ids
            finally:
                fresh.close()
    finally:
        warm.close()
        lib.close()
