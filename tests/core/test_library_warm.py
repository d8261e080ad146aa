"""What the app relies on for speed: warming, fast facet counts, deferred suggestions, the
metadata check at start."""

from __future__ import annotations

from collections import Counter
from itertools import chain
from pathlib import Path
from typing import Any

import pytest

from reader.model import Paper
from reader.search import Filters, Library, facets
from reader.search.catalog import Catalog


def _slow_facets(lib: Library, query: str, filters: Filters = Filters()) -> dict[str, int]:  # noqa: B008
    """Per-dump counts the obvious way: every match's sources."""
    counts = {info.name: 0 for info in lib.sources()}
    ids = lib.search(query, Filters(ids=filters.ids), limit=None).ids
    papers = [lib.get(i) for i in ids]
    found = Counter(chain.from_iterable({s.name for s in p.sources} for p in papers if p))
    counts.update(found)
    return counts


def test_facets_count_every_dump_of_every_match(sample_library: Library) -> None:
    for query in ("diffusion", "model*", "", '"language models"', "zebra"):
        assert sample_library.facets(query) == _slow_facets(sample_library, query), query
    some = frozenset(sample_library.search("diffusion").ids[:5])
    narrowed = sample_library.facets("model", Filters(ids=some))
    assert narrowed == _slow_facets(sample_library, "model", Filters(ids=some))
    assert sum(narrowed.values()) >= 1


def test_warm_loads_the_vocabulary_and_answers_stay_the_same(sample_library: Library) -> None:
    before = [sample_library.search(q) for q in ("difusion", "gen*tion", "transfromer~2")]
    sample_library.warm()
    sample_library.warm()  # idempotent
    after = [sample_library.search(q) for q in ("difusion", "gen*tion", "transfromer~2")]
    assert [(r.ids, r.total, r.suggestion) for r in before] == [
        (r.ids, r.total, r.suggestion) for r in after
    ]
    assert after[0].suggestion is not None and "diffusion" in after[0].suggestion


def test_suggestions_can_be_asked_for_separately(sample_library: Library) -> None:
    quiet = sample_library.search("difusion", suggest=False)
    assert quiet.total == 0 and quiet.suggestion is None
    assert sample_library.suggest("difusion") == sample_library.search("difusion").suggestion


def test_did_you_mean_never_rewrites_field_names_or_operators(sample_library: Library) -> None:
    fixed = sample_library.suggest("title:difusion AND modles")
    assert fixed is not None
    assert fixed.startswith("title:diffusion AND ")
    assert sample_library.suggest("title:(") is None


def test_metadata_filters_apply_only_when_papers_carry_metadata(sample_library: Library) -> None:
    papers = [sample_library.get(i) for i in sample_library.search("", limit=None).ids]
    expected = any(p and (p.published or p.upvotes is not None or p.categories) for p in papers)
    assert sample_library.has_metadata() is expected


def test_warm_builds_the_most_common_terms_and_answers_stay_the_same(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.search.impact as impact

    queries = ("model", "language models", "diffusion model", '"large language models"')
    before = [sample_library.search(q) for q in queries]
    with sample_library._lock:  # a fresh generation (and engine), as after a sync
        sample_library._reopen_searcher()
    sample_library.warm()
    # The commonest abstract word's impact is built; queries ranked by impacts answer the
    # same, to the bit.
    assert sample_library._engine().impacts.has("abstract", "model")
    monkeypatch.setattr(impact, "MIN_POSTINGS", 0)
    after = [sample_library.search(q) for q in queries]
    assert [(r.ids, r.total, r.scores) for r in before] == [
        (r.ids, r.total, r.scores) for r in after
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, False),
        ({"published": "2024-01-02"}, True),
        ({"upvotes": 0}, True),
        ({"categories": ["cs.CL"]}, True),
        ({"comments": 3, "github": "https://github.com/x/y"}, False),
    ],
)
def test_the_catalog_knows_whether_any_paper_has_filterable_metadata(
    tmp_path: Path, fields: dict[str, Any], expected: bool
) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    with catalog.transaction() as db:
        catalog.put_paper(db, Paper(id="a", title="A plain paper"), "")
        catalog.put_paper(db, Paper(id="b", title="Another paper", **fields), "")
    assert catalog.has_metadata() is expected
    catalog.close()


def test_searches_do_not_wait_while_every_row_loads(
    sample_library: Library, loading_rows: Any
) -> None:
    """The warm-up and the facet counts load every paper row (half a second at 100k papers)
    without holding the library lock: a keystroke's search meanwhile answers at once."""
    import threading

    release, loader = loading_rows(sample_library)
    answers: list[int] = []
    searcher = threading.Thread(
        target=lambda: answers.append(sample_library.search("diffusion").total)
    )
    searcher.start()
    searcher.join(20)
    finished_first = bool(answers)
    release.set()
    loader.join(30)
    searcher.join(30)
    assert finished_first, "the search waited for the rows to load"
    assert answers[0] > 0 and sample_library._rows is not None


def test_a_wait_for_rows_another_thread_loads_ends_when_no_longer_wanted(
    sample_library: Library, loading_rows: Any
) -> None:
    """The facet counts of a query wait for every paper's row, which another thread (the
    warm-up) may be loading for seconds; a caller whose answer went stale meanwhile (a key
    typed) stops waiting and gets False, or empty counts, instead of holding its thread."""
    import threading

    release, loader = loading_rows(sample_library)
    typed = threading.Event()
    threading.Timer(0.1, typed.set).start()  # a key typed while the rows load
    try:
        assert sample_library.load_rows(stale=typed.is_set) is False
        assert sample_library.facets("diffusion", stale=typed.is_set) == {}
        assert loader.is_alive()
    finally:
        release.set()
        loader.join(30)
    assert sample_library.load_rows(stale=typed.is_set) is True  # loaded: no wait
    counts = sample_library.facets("diffusion", stale=lambda: False)
    assert counts == sample_library.facets("diffusion") and sum(counts.values()) > 0


def test_a_wait_for_the_facet_table_another_thread_builds_ends_when_no_longer_wanted(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The facet table (the dumps of every paper) is built once, by the warm-up or the first
    count; a count asked for meanwhile waits for that build unless its answer goes stale."""
    import threading

    from reader.search import facet_table

    lib = Library([sample_dir], sample_dir.parent / "index")
    building = threading.Event()
    release = threading.Event()
    build = facet_table.SourceTable.build

    def slow_build(*args: Any, **kwargs: Any) -> Any:
        building.set()
        assert release.wait(30)
        return build(*args, **kwargs)

    try:
        lib.sync()
        expected = lib.facets("diffusion")
        lib.close()
        lib = Library([sample_dir], sample_dir.parent / "index")
        assert lib.search("diffusion").total > 0  # the index open, its facet table not built
        lib.load_rows()
        monkeypatch.setattr(facet_table.SourceTable, "build", slow_build)
        builder = threading.Thread(target=lib._facet_table.ensure)  # as the warm-up builds it
        builder.start()
        try:
            assert building.wait(30)
            assert lib.facets("diffusion", stale=lambda: True) == {}
            assert builder.is_alive()
        finally:
            release.set()
            builder.join(30)
        assert lib.facets("diffusion", stale=lambda: True) == expected  # built: no wait
    finally:
        lib.close()


def test_the_warm_up_builds_the_facet_table_and_counts_stay_the_same(sample_dir: Path) -> None:
    """The warm-up builds the facet counts' table outside the library lock; the counts are
    those of a table built on demand (another library on the same index)."""
    index = sample_dir.parent / "index"
    lib = Library([sample_dir], index)
    other = Library([sample_dir], index)
    try:
        lib.sync()
        queries = ("model", "diffusion", "language models", "")
        expected = {q: other.facets(q) for q in queries}
        lib.search("model")
        assert lib._gen is not None and not lib._gen.has_source_table()
        lib.warm()
        assert lib._gen.has_source_table()
        assert {q: lib.facets(q) for q in queries} == expected
    finally:
        other.close()
        lib.close()


def test_the_warm_up_holds_each_paper_id_once(sample_dir: Path) -> None:
    """After the warm-up the docnum -> id list is made of the row table's strings (one copy
    of every id in memory) and equals the index's id column; searches answer as before."""
    index = sample_dir.parent / "index"
    lib = Library([sample_dir], index)
    try:
        lib.sync()
        queries = ("model", "diffusion", "language models")
        before = [(r.ids, r.total) for r in map(lib.search, queries)]
        lib.search("model", Filters(ids=frozenset(before[0][0][:3])))  # reads an id list
        lib.warm()
        engine, rows = lib._fast, lib._rows
        assert engine is not None and rows is not None and engine.ids_loaded
        ids = engine.doc_ids()
        assert ids == list(engine.searcher.reader().column_reader("id"))
        own = {pid: pid for pid in rows.ids}
        assert all(pid is own[pid] for pid in ids if pid in own)
        assert [(r.ids, r.total) for r in map(lib.search, queries)] == before
    finally:
        lib.close()


@pytest.mark.parametrize("news_first", [True, False])
def test_the_news_ids_and_the_rows_share_their_strings(sample_dir: Path, news_first: bool) -> None:
    """Whichever of the inbox's ids and the rows is read first, the other holds the same
    string objects; the inbox and the lists are those of a library that shares nothing."""
    index = sample_dir.parent / "index"
    lib = Library([sample_dir], index)
    other = Library([sample_dir], index)
    try:
        lib.sync()
        expected = (other.news_ids(), other.search("", limit=None).ids)
        other.load_rows()
        assert other._rows is not None
        if news_first:
            lib.news_ids()
        lib.load_rows()
        news = lib.news_ids()
        rows = lib._rows
        assert rows is not None
        own = {pid: pid for pid in rows.ids}
        assert news and all(pid is own[pid] for pid in news)
        assert (news, lib.search("", limit=None).ids) == expected
        assert rows.ids == other._rows.ids
    finally:
        other.close()
        lib.close()


@pytest.mark.parametrize("kinds", [3, 300, 70_000])
def test_the_facet_table_counts_as_every_matchs_dumps(kinds: int) -> None:
    """`SourceTable` (a small number per docnum) counts as the dumps of each match, listed."""
    import random

    from reader.search.facets import SourceTable

    rng = random.Random(kinds)
    names = [f"d{k}.txt" for k in range(40)]
    lists = [tuple(rng.sample(names, rng.randint(0, 3))) for _ in range(kinds)]
    ids = [f"p{n}" for n in range(max(kinds, 2000))]
    dumps = {pid: lists[n % kinds] for n, pid in enumerate(ids)}
    table = SourceTable.build(ids, dumps.__getitem__)
    docs = [rng.randrange(len(ids)) for _ in range(5000)]
    expected = Counter(chain.from_iterable(dumps[ids[d]] for d in docs))
    assert table.count(docs) == expected
    distinct = len(set(dumps.values()))
    assert table.codes.itemsize == (1 if distinct <= 256 else 2 if distinct <= 65536 else 4)
    paused: list[int] = []
    again = SourceTable.build(iter(ids), dumps.__getitem__, lambda: paused.append(1))
    assert (again.codes, again.lists) == (table.codes, table.lists)
    assert len(paused) == -(-len(ids) // facets.PAUSE_IDS)  # after every chunk


def test_the_warm_ups_facet_table_gives_the_cpu_to_searches(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up builds the facet table and shares the row table's id strings pausing
    every few thousand papers while a search runs (seconds of work at a million papers);
    the table is the one built without pauses."""
    import reader.search.facet_table as facet_table
    from reader.search.row_table import RowTable

    monkeypatch.setattr(facets, "PAUSE_IDS", 7)
    lib = Library([sample_dir], sample_dir.parent / "index")
    seen: dict[str, Any] = {}
    real_build, real_share = facet_table.SourceTable.build, RowTable.shared_ids

    def build(ids: Any, sources_of: Any, pause: Any = None) -> Any:
        seen["build"] = pause
        return real_build(ids, sources_of, pause)

    def share(self: RowTable, ids: Any, pause: Any = None) -> Any:
        seen["share"] = pause
        return real_share(self, ids, pause)

    try:
        lib.sync()
        expected = {q: _slow_facets(lib, q) for q in ("model", "diffusion")}
        monkeypatch.setattr(facet_table.SourceTable, "build", build)
        monkeypatch.setattr(RowTable, "shared_ids", share)
        lib.warm()
        assert seen == {"build": lib._activity.pause, "share": lib._activity.pause}
        assert {q: lib.facets(q) for q in expected} == expected
    finally:
        lib.close()


def test_the_first_facet_count_builds_its_table_outside_the_library_lock(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Facets asked for before the warm-up built the table build it themselves, with the
    library lock free meanwhile (a search typed then does not wait for the build)."""
    import threading

    import reader.search.facet_table as facet_table

    lib = Library([sample_dir], sample_dir.parent / "index")
    free: list[bool] = []
    real = facet_table.SourceTable.build

    def build(*args: Any) -> Any:
        def other() -> None:
            got = lib._lock.acquire(timeout=10)
            free.append(got)
            if got:
                lib._lock.release()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        return real(*args)

    try:
        lib.sync()
        expected = {q: _slow_facets(lib, q) for q in ("model", "diffusion")}
        monkeypatch.setattr(facet_table.SourceTable, "build", build)
        assert lib._gen is not None and not lib._gen.has_source_table()
        assert {q: lib.facets(q) for q in expected} == expected
        assert free == [True]  # built once, with the lock free
    finally:
        lib.close()


def test_list_rows_are_read_while_the_library_lock_is_held(sample_dir: Path) -> None:
    """The list draws its rows on the UI thread: they come before the rows are loaded
    even while a search (another thread) holds the library lock."""
    import threading

    lib = Library([sample_dir], sample_dir.parent / "index")
    try:
        lib.sync()
        ids = lib.search("model").ids[:5]
        assert lib._rows is None
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with lib._lock:
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(10)
        got: list[list[str]] = []
        done = threading.Event()
        reader = threading.Thread(
            target=lambda: (got.append([r.id for r in lib.rows(ids)]), done.set())
        )
        reader.start()
        try:
            assert done.wait(10), "the rows waited for the library lock"
            assert got == [ids]
        finally:
            release.set()
            holder.join()
            reader.join()
    finally:
        lib.close()


def test_an_empty_index_counts_and_warms(tmp_path: Path) -> None:
    """An index of no papers (no dumps yet) has a reader without segments: facet counts,
    the warm-up and the stored impacts' bookkeeping take it as it is."""
    empty = tmp_path / "dumps"
    empty.mkdir()
    lib = Library([empty], tmp_path / "index")
    try:
        lib.sync()
        for query in ("model", "gen*", '"diffusion models"', "difusion~", ""):
            assert lib.search(query).total == 0
        assert lib.facets("model") == {}
        lib.warm()
        assert lib.facets("") == {}
    finally:
        lib.close()


def test_a_later_process_expands_queries_from_the_stored_vocabulary(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a warm-up stored the vocabulary, another process's wildcards, prefixes and
    fuzzy terms expand from it (no segment's term table read whole) to the same answers."""
    import reader.search.lexicon as lexicon

    index = sample_dir.parent / "index"
    lib = Library([sample_dir], index)
    queries = ("*former", "gen*", "gen*tion", "difusion~", "trans* model")
    try:
        lib.sync()
        expected = {q: lib.search(q) for q in queries}
        lib.warm()
    finally:
        lib.close()

    def unread(*_args: object) -> object:
        raise AssertionError("a segment's terms read whole")

    monkeypatch.setattr(lexicon, "segment_terms", unread)
    again = Library([sample_dir], index)
    try:
        assert {q: again.search(q) for q in queries} == expected
    finally:
        again.close()


def test_the_warm_up_s_vocabulary_read_gives_the_cpu_to_searches(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no vocabulary is stored for the commit (the first start after a sync), the
    warm-up reads it from every segment's terms pausing while a search runs (seconds at a
    million papers, which a search typed meanwhile waited for)."""
    import reader.search.warmup as warmup

    lib = Library([sample_dir], sample_dir.parent / "index")
    seen: list[Any] = []
    real = warmup.Lexicon

    def lexicon(reader: Any, field: str, vocabulary: Any = None, pause: Any = None) -> Any:
        seen.append((vocabulary, pause))
        return real(reader, field, vocabulary, pause)

    try:
        lib.sync()
        for stored in (sample_dir.parent / "index").glob("vocabulary-*.bin"):
            stored.unlink()
        monkeypatch.setattr(warmup, "Lexicon", lexicon)
        lib.warm()
        assert seen == [(None, lib._activity.pause)]
        assert lib.search("diffus*").total > 0
    finally:
        lib.close()
