"""Stored term impacts (`reader.search.impact_store`): a stored impact reads back as the
one built from the postings, queries ranked from stored impacts answer as the plain path,
the warm-up stores the common words and the ones searches asked for (again after a sync),
and a damaged or unusable store costs speed only."""

from __future__ import annotations

import shutil
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reader.search.impact as impact
import reader.search.impact_groups as impact_groups
import reader.search.impact_plan as impact_plan
import reader.search.impact_store as impact_store
from reader.search import Library
from reader.search.impact import ImpactRanker
from reader.search.impact_groups import StoredGroups
from reader.search.impact_store import ImpactStore, StoredImpact
from reader.search.impact_terms import build_impact
from tests.core.conftest import SAMPLES
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


def _groups(ranker: ImpactRanker, field: str, text: str) -> list[tuple[float, list[int]]]:
    found = ranker.impact(field, text).groups
    return [(score, list(docs)) for score, docs in (found[i] for i in range(len(found)))]


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
    store = ImpactStore(tmp_path / "impacts-1-0.sqlite")
    with lib._lock:
        engine = lib._engine()
    builder = ImpactRanker(engine, store)
    for text in FIXED:  # builds its terms' impacts, marking them wanted
        _check(lib, builder, text, 20, None)
    wanted = [(field, term) for field, term, kept in store.terms() if not kept]
    assert ("abstract", "model") in wanted
    for field, term in wanted:
        builder.store_term(field, term)
        assert store.has(field, term)
        assert builder.store_term(field, term) == 0  # stored once
    reader = ImpactRanker(engine, store)
    for field, term in wanted:
        built = build_impact(engine, field, term, reader.lengths(field))
        read = reader.impact(field, term)
        assert isinstance(read.groups, StoredGroups)
        assert (read.at, read.scores, read.count) == (built.at, built.scores, built.count)
        assert _groups(reader, field, term) == [
            (score, list(docs))
            for score, docs in (built.groups[i] for i in range(len(built.groups)))
        ]
    for text in FIXED:
        for limit in (1, 20, 1000):
            _check(lib, reader, text, limit, None)


@pytest.fixture
def own_library(tmp_path: Path) -> Iterator[Library]:
    dumps = tmp_path / "dumps"
    shutil.copytree(SAMPLES, dumps)
    lib = Library([dumps], tmp_path / "index")
    lib.sync()
    yield lib
    lib.close()


def _store_files(lib: Library) -> list[Path]:
    return sorted(lib.index_dir.glob("impacts-*.sqlite"))


def test_the_warm_up_stores_common_and_searched_words_for_later_processes(
    own_library: Library, tmp_path: Path
) -> None:
    lib = own_library
    answers = {q: lib.search(q) for q in ("model", "quantization", "diffusion models")}
    lib.warm()
    (path,) = _store_files(lib)
    listed = {(field, term): kept for field, term, kept in ImpactStore(path).terms()}
    assert listed[("abstract", "model")]  # a common word of the titles
    assert listed[("abstract", "quantiz")]  # asked for by a search, then stored
    again = Library(lib.roots, lib.index_dir)  # another process on the same index
    try:
        assert {q: again.search(q) for q in answers} == answers
        with again._lock:
            groups = again._engine().impacts.impact("abstract", "quantiz").groups
        assert isinstance(groups, StoredGroups)
    finally:
        again.close()


def test_after_a_sync_the_new_store_holds_the_words_of_the_old(own_library: Library) -> None:
    lib = own_library
    lib.search("quantization")
    lib.warm()
    (old,) = _store_files(lib)
    extra = lib.roots[0] / "zz_extra.txt"
    shutil.copy(sorted(lib.roots[0].iterdir())[0], extra)
    extra.write_text(extra.read_text(encoding="utf-8")[:2000], encoding="utf-8")
    lib.sync()
    lib.warm()
    (new,) = _store_files(lib)
    assert new != old and not old.exists()
    kept = {(field, term) for field, term, stored in ImpactStore(new).terms() if stored}
    assert ("abstract", "quantiz") in kept


def test_a_damaged_store_is_removed_and_searches_answer_the_same(
    own_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = own_library
    expected = lib.search("model language")
    lib.warm()
    (path,) = _store_files(lib)
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
    assert not path.exists() or ImpactStore(path).terms() is not None


def test_the_store_drops_its_oldest_impacts_past_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ImpactStore(tmp_path / "impacts-1-0.sqlite")
    one = StoredImpact(
        [1.0], bytearray(10), array("H", [256]), array("I", [3]), array("I", [1, 2, 3])
    )
    monkeypatch.setattr(impact_store, "STORE_BYTES", 2 * len(one.to_bytes()))
    for term in ("a", "b", "c"):
        store.put("abstract", term, one)
    store.want("title", "d")
    assert [(t, kept) for _f, t, kept in store.terms()] == [("b", True), ("c", True), ("d", False)]
    assert store.get("abstract", "a") is None and store.get("title", "d") is None
    got = store.get("abstract", "c")
    assert got is not None and list(got.docs) == [1, 2, 3]
