"""Stored term impacts (`reader.search.impact_store`): a stored impact reads back as the
one built from the postings, queries ranked from stored impacts answer as the plain path,
the warm-up stores the common words and the ones searches asked for (again after a sync),
and a damaged or unusable store costs speed only."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reader.search.impact as impact
import reader.search.impact_groups as impact_groups
import reader.search.impact_parts as impact_parts
import reader.search.impact_plan as impact_plan
import reader.search.impact_store as impact_store
from reader.search import Library
from reader.search.impact import ImpactRanker
from reader.search.impact_groups import PartGroups
from reader.search.impact_store import ImpactStore, StoredImpact
from reader.search.impact_terms import TermImpact, build_impact
from tests.core.test_impact import FIXED, _check
from tests.core.test_rankings import one_segment, synced

__all__ = ["one_segment", "synced"]  # the fixtures, shared


@pytest.fixture(autouse=True)
def store_every_term(monkeypatch: pytest.MonkeyPatch) -> None:
    """The samples' words are few: store the impact of any term, and rank every query of
    a known shape by impacts (as `tests.core.test_impact` does)."""
    monkeypatch.setattr(impact, "STORE_POSTINGS", 0)
    monkeypatch.setattr(impact, "MIN_POSTINGS", 0)
    monkeypatch.setattr(impact, "FEW_MATCHES", 0)
    monkeypatch.setattr(impact_plan, "RARE", 10)
    monkeypatch.setattr(impact_groups, "FIRST_CHUNK", 3)


def _same_impact(read: TermImpact, built: TermImpact, lengths: bytes) -> None:
    """Two impacts of a term score every document alike and group the same documents by
    the same scores (their weights may be numbered differently)."""
    assert read.count == built.count
    assert [read.scores[i][lengths[d]] if i else None for d, i in enumerate(read.at)] == [
        built.scores[i][lengths[d]] if i else None for d, i in enumerate(built.at)
    ]

    def grouped(impact: TermImpact) -> list[tuple[float, list[int]]]:
        groups = impact.groups
        return sorted(
            (score, list(docs)) for score, docs in (groups[i] for i in range(len(groups)))
        )

    assert grouped(read) == grouped(built)
    scores = [groups[0] for groups in (read.groups[i] for i in range(len(read.groups)))]
    assert scores == sorted(scores, reverse=True)


@st.composite
def stored_impacts(draw: st.DrawFn) -> StoredImpact:
    documents = draw(st.integers(0, 300))
    weights = draw(st.lists(st.floats(0.5, 40, allow_nan=False), min_size=0, max_size=5))
    sizes = draw(st.lists(st.integers(0, 20), max_size=8))
    keys = draw(st.lists(st.integers(0, 65535), min_size=len(sizes), max_size=len(sizes)))
    docs = draw(st.lists(st.integers(0, 2**32 - 1), min_size=sum(sizes), max_size=sum(sizes)))
    at = bytearray(draw(st.binary(min_size=documents, max_size=documents)))
    return StoredImpact(weights, at, array("H", keys), array("I", sizes), array("I", docs))


@given(stored_impacts())
@settings(max_examples=200)
def test_a_stored_impact_reads_back_whole(stored: StoredImpact) -> None:
    data = stored.to_bytes()
    back = StoredImpact.from_bytes(data)
    assert (back.weights, back.at, back.keys, back.sizes, back.docs) == (
        stored.weights, stored.at, stored.keys, stored.sizes, stored.docs,
    )  # fmt: skip
    for cut in (0, 5, len(data) // 2, len(data) - 1):
        with pytest.raises(ValueError):
            StoredImpact.from_bytes(data[:cut])
    with pytest.raises(ValueError):
        StoredImpact.from_bytes(data + b"\0")


@pytest.mark.parametrize("state", ["one_segment", "synced"])
def test_stored_impacts_equal_built_ones_and_rank_as_the_plain_path(
    state: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    lib: Library = request.getfixturevalue(state)
    with lib._lock:
        engine = lib._engine()
    store = ImpactStore(tmp_path / "impacts.sqlite")
    builder = ImpactRanker(engine, store)
    for text in FIXED:  # builds its terms' impacts, listing them as wanted
        _check(lib, builder, text, 20, None)
    wanted = store.wanted()
    assert ("abstract", "model") in wanted
    stored = builder.stored_terms
    assert stored is not None
    for field, term in wanted:
        stored.store_term(field, term, 10**9)
        assert stored.store_term(field, term, 10**9) == 0  # stored once
    # The same parts cut from impacts built whole (the warm-up's commonest terms).
    cut = ImpactStore(tmp_path / "cut" / "impacts.sqlite")
    cut.path.parent.mkdir()
    cutter = ImpactRanker(engine, cut)
    for field, term in wanted:
        assert cutter.stored_terms is not None
        cutter.stored_terms.keep(
            field, term, build_impact(engine, field, term, builder.lengths(field))
        )
    for source in (store, cut):
        reader = ImpactRanker(engine, source)
        for field, term in wanted:
            built = build_impact(engine, field, term, reader.lengths(field))
            read = reader.impact(field, term)
            if built.count:
                assert isinstance(read.groups, PartGroups), (field, term)
            _same_impact(read, built, reader.lengths(field))
        for text in FIXED:
            for limit in (1, 20, 1000):
                _check(lib, reader, text, limit, None)


@pytest.fixture
def own_library(sample_dir: Path) -> Iterator[Library]:
    """A library of its own (its index changes) over a copy of the samples."""
    with closing(Library([sample_dir], sample_dir.parent / "index")) as lib:
        lib.sync()
        yield lib


def test_the_warm_up_stores_common_and_searched_words_for_later_processes(
    own_library: Library,
) -> None:
    lib = own_library
    answers = {q: lib.search(q) for q in ("model", "quantization", "diffusion models")}
    lib.warm()
    store = ImpactStore(lib.index_dir / "impacts.sqlite")
    assert store.stored_segments("abstract", "model")  # a common word of the titles
    assert store.stored_segments("abstract", "quantiz")  # asked for by a search
    again = Library(lib.roots, lib.index_dir)  # another process on the same index
    try:
        assert {q: again.search(q) for q in answers} == answers
        with again._lock:
            groups = again._engine().impacts.impact("abstract", "quantiz").groups
        assert isinstance(groups, PartGroups)
    finally:
        again.close()


def test_a_new_index_is_built_with_its_common_words_stored(sample_dir: Path) -> None:
    """A build stores its vocabulary and the impacts of its titles' commonest words before
    any search or warm-up (telling its progress), and ranks from them as it would without
    them."""
    told: list[str] = []
    with closing(Library([sample_dir], sample_dir.parent / "index")) as lib:
        lib.sync(progress=lambda _done, _total, label: told.append(label))
        store = ImpactStore(lib.index_dir / "impacts.sqlite")
        assert store.stored_segments("abstract", "model")
        assert store.stored_segments("title", "model")
        assert "preparing the ranking: model" in told
        assert list(lib.index_dir.glob("vocabulary-*.bin"))  # for `*former`, "did you mean"
        queries = ("model", "language model", '"large language models"', "model NOT diffusion")
        stored = {q: lib.search(q) for q in queries}
        with lib._lock:
            groups = lib._engine().impacts.impact("abstract", "model").groups
        assert isinstance(groups, PartGroups)
    _same_without_the_store(sample_dir, lib.index_dir, stored)


def test_a_new_index_is_built_with_its_abstracts_common_stems_stored(sample_dir: Path) -> None:
    """A build also stores the impacts of the stems most common in its titles and abstracts
    taken together (`art`, in no sample title, is in a quarter of the abstracts), and a
    phrase of them ranks from them as it would without them."""
    queries = ('"state of the art"', "propose", "state art NOT diffusion")
    _built_with_stored(sample_dir, "abstract", ["art", "propos"], queries)


def test_a_build_short_of_budget_stores_its_words_title_terms_first(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word is searched in the title and the abstract, and its title term is a fraction
    of its abstract term: with a budget that holds only its words' title terms, a build
    stores every one of them (the abstract terms, the most postings first, would take it)."""
    import reader.search.warmup as warmup

    original = warmup.store_terms
    seen: list[tuple[list[str], Callable[[str, str], int]]] = []

    def titles_budget(private: Any, words: list[str], *args: Any, **kwargs: Any) -> None:
        frequency = private.terms.frequency
        kwargs["postings"] = sum(frequency("title", w) for w in words)
        seen.append((words, frequency))
        original(private, words, *args, **kwargs)

    monkeypatch.setattr(warmup, "store_terms", titles_budget)
    with closing(Library([sample_dir], sample_dir.parent / "index")) as lib:
        lib.sync()
        store = ImpactStore(lib.index_dir / "impacts.sqlite")
        words, frequency = seen[0]
        titled = [w for w in words if frequency("title", w)]
        assert len(titled) > 20
        assert all(store.stored_segments("title", w) for w in titled)
        assert not all(store.stored_segments("abstract", w) for w in titled)


def test_a_new_index_is_built_with_the_words_prefixes_expand_to_stored(
    sample_dir: Path,
) -> None:
    """A build also stores the impacts of the unstemmed words most common in its titles and
    abstracts (the `words` field, which `lang*` expands on), and prefixes, wildcards and
    fuzzy terms rank from them as they would without them."""
    queries = ("lang*", "model*", "*ation", "languge~", "mod* NOT lang*")
    _built_with_stored(sample_dir, "words", ["language", "models"], queries)


def _built_with_stored(
    sample_dir: Path, field: str, terms: list[str], queries: tuple[str, ...]
) -> None:
    """A new index of the samples has the impacts of `terms` in `field` stored, ranks from
    them (the first one's are read from the store), and every query of `queries` finds
    papers, as it does without the store."""
    with closing(Library([sample_dir], sample_dir.parent / "index")) as lib:
        lib.sync()
        store = ImpactStore(lib.index_dir / "impacts.sqlite")
        assert all(store.stored_segments(field, term) for term in terms)
        stored = {q: lib.search(q) for q in queries}
        assert all(stored[q].total for q in queries)
        with lib._lock:
            groups = lib._engine().impacts.impact(field, terms[0]).groups
        assert isinstance(groups, PartGroups)
    _same_without_the_store(sample_dir, lib.index_dir, stored)


def _same_without_the_store(sample_dir: Path, index_dir: Path, stored: dict[str, object]) -> None:
    """A library on the index with its store removed answers `stored`'s queries alike."""
    for name in ("impacts.sqlite", "impacts.sqlite-wal", "impacts.sqlite-shm"):
        (index_dir / name).unlink(missing_ok=True)
    with closing(Library([sample_dir], index_dir)) as plain:
        assert {q: plain.search(q) for q in stored} == stored


def test_a_build_stopped_while_storing_is_stopped(sample_dir: Path) -> None:
    """Its progress raising (the app closing) stops the build there, as in any other step:
    the exception is not taken for a bug, and no index is left half made."""

    class Closing(Exception):
        pass

    def progress(_done: int, _total: int, label: str) -> None:
        if label.startswith("preparing the ranking"):
            raise Closing

    with closing(Library([sample_dir], sample_dir.parent / "index")) as lib:
        with pytest.raises(Closing):
            lib.sync(progress=progress)
        assert not lib.available
        assert not (sample_dir.parent / "index.new").exists()


def test_a_bug_while_storing_leaves_the_build_and_says_so(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure nobody expected in the ranking step is logged and named in the sync's
    report (one line for the user); the new index is used, and answers as without it."""
    import reader.diagnostics as diagnostics
    import reader.search.warmup as warmup
    from reader.search import build_ranking

    logged: list[str] = []

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(warmup, "store_terms", broken)
    monkeypatch.setattr(diagnostics, "strict", lambda: False)
    monkeypatch.setattr(diagnostics, "unexpected", lambda what, exc: logged.append(what))
    with closing(Library([sample_dir], sample_dir.parent / "index")) as lib:
        report = lib.sync()
        assert build_ranking.FAILED in report.problems
        assert logged == ["storing a new index's ranking data"]
        assert lib.available and lib.search("model").total > 0


def test_a_segment_without_its_part_is_built_alone(
    synced: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after a sync that added a segment: the stored parts are used, the missing one is
    built from its own postings (and stored), and the impact is the one built whole."""
    with synced._lock:
        engine = synced._engine()
    store = ImpactStore(tmp_path / "impacts.sqlite")
    ranker = ImpactRanker(engine, store)
    stored = ranker.stored_terms
    assert stored is not None
    holding = [leaf for leaf, _info in engine.terms.located("abstract", "model")]
    assert len(holding) >= 2
    stored.store_term("abstract", "model", 10**9)
    dropped = holding[-1]
    store.keep_only([s for leaf, s in enumerate(stored.segments) if leaf != dropped])
    assert stored.segments[dropped] not in store.stored_segments("abstract", "model")
    monkeypatch.setattr(impact_parts, "MISSING_SHARE", 1.0)
    built: list[int] = []
    real = impact_parts.build_part
    monkeypatch.setattr(
        impact_parts, "build_part", lambda e, leaf, f, t: built.append(leaf) or real(e, leaf, f, t)
    )
    read = ranker.impact("abstract", "model")
    assert built == [dropped] and isinstance(read.groups, PartGroups)
    lengths = ranker.lengths("abstract")
    _same_impact(read, build_impact(engine, "abstract", "model", lengths), lengths)
    assert stored.segments[dropped] in store.stored_segments("abstract", "model")


def test_a_damaged_store_is_removed_and_searches_answer_the_same(
    own_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = own_library
    expected = lib.search("model language")
    lib.warm()
    path = lib.index_dir / "impacts.sqlite"
    assert path.exists()
    path.write_bytes(b"not a database" * 100)
    for name in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)
    said: list[str] = []
    monkeypatch.setattr(impact_store, "degraded", lambda what, why: said.append(why))
    again = Library(lib.roots, lib.index_dir)
    try:
        assert again.search("model language") == expected
        again.warm()
    finally:
        again.close()
    assert said and "damaged" in said[0]


def test_the_store_drops_its_oldest_parts_past_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ImpactStore(tmp_path / "impacts.sqlite")
    one = StoredImpact(
        [1.0], bytearray(10), array("H", [256]), array("I", [3]), array("I", [1, 2, 3])
    )
    monkeypatch.setattr(impact_store, "STORE_BYTES", 2 * len(one.to_bytes()))
    for term in ("a", "b", "c"):
        store.put("abstract", term, {("s1", 0): one})
    store.want("title", "d")
    assert store.wanted() == [
        ("abstract", "a"),
        ("abstract", "b"),
        ("abstract", "c"),
        ("title", "d"),
    ]
    assert not store.stored_segments("abstract", "a")
    got = store.parts("abstract", "c", {("s1", 0)})
    assert list(got[("s1", 0)].docs) == [1, 2, 3]
    assert store.parts("abstract", "c", {("s1", 1)}) == {}  # more deletions: another part
    store.keep_only({("s2", 0)})
    assert not store.stored_segments("abstract", "c")


def test_many_stored_terms_sum_the_store_s_size_only_when_it_could_pass_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm-up after a sync stores the new segment's parts of thousands of terms: the
    store's size (a read of every part's row) is summed at the first put, then again only
    once this process's writes could have passed `STORE_BYTES`, and from there the oldest
    parts are dropped at every put as before."""
    store = ImpactStore(tmp_path / "impacts.sqlite")
    one = StoredImpact(
        [1.0], bytearray(10), array("H", [256]), array("I", [3]), array("I", [1, 2, 3])
    )
    monkeypatch.setattr(impact_store, "STORE_BYTES", 50 * len(one.to_bytes()))
    sums: list[int] = []
    summed = impact_store._trim

    def counted(db: Any) -> int:
        sums.append(1)
        return summed(db)

    monkeypatch.setattr(impact_store, "_trim", counted)
    for n in range(50):
        store.put("abstract", f"t{n:02}", {("s1", 0): one})
    assert len(sums) == 1
    for n in range(50, 60):
        store.put("abstract", f"t{n:02}", {("s1", 0): one})
    assert len(sums) == 11
    kept = [n for n in range(60) if store.stored_segments("abstract", f"t{n:02}")]
    assert kept == list(range(10, 60))


def test_keeping_a_stored_term_cuts_nothing(
    one_segment: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up keeps its commonest terms' parts; when the store has them all, the
    impact (read from the store) is not cut again (cutting makes every group)."""
    with one_segment._lock:
        engine = one_segment._engine()
    store = ImpactStore(tmp_path / "impacts.sqlite")
    ranker = ImpactRanker(engine, store)
    assert ranker.stored_terms is not None
    ranker.stored_terms.store_term("abstract", "model", 10**9)
    read = ImpactRanker(engine, store).impact("abstract", "model")
    assert isinstance(read.groups, PartGroups)

    def cut(*_args: object) -> None:
        raise AssertionError("cut again")

    monkeypatch.setattr(TermImpact, "parts", cut)
    ranker.stored_terms.keep("abstract", "model", read)
