"""A sync carries the stored paper ids and vocabulary to its new commit: the same as the
warm-up would read from Whoosh, so the first start after a sync reads neither again."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search import Library, id_file, merging, vocabulary_file
from reader.search.commit_carry import Carry
from reader.search.lexicon import Lexicon
from tests.core.test_id_file import _column, _no_column_reads, _warm
from tests.core.test_vocabulary_file import library_dir

__all__ = ["library_dir"]  # the fixture, shared

_ID = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    lists=st.lists(st.lists(_ID, max_size=20), min_size=1, max_size=4),
    cuts=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 20), st.integers(0, 20))),
)
def test_joined_parts_of_stored_ids_are_the_ids_of_the_parts_in_turn(
    lists: list[list[str]], cuts: list[tuple[int, int, int]]
) -> None:
    stored = [id_file.from_bytes(id_file.to_bytes(ids)) for ids in lists]
    parts = []
    expected: list[str] = []
    for which, a, b in cuts:
        ids = lists[which % len(lists)]
        first, stop = min(a, len(ids)), min(b, len(ids))
        parts.append((stored[which % len(lists)], first, stop))
        expected += ids[first:stop]
    data = id_file.joined(parts)
    assert data == id_file.to_bytes(expected)
    assert id_file.from_bytes(data).all() == expected


def _words(index: Path) -> list[str]:
    """The `words` vocabulary of the index's current commit, read from its term tables."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index / "whoosh"))
    with ix.searcher() as searcher:
        return list(Lexicon(searcher.reader(), "words").vocabulary)


def _segments(index: Path) -> list[str]:
    from whoosh import index as whoosh_index

    from reader.search.postings import segment_ids

    ix = whoosh_index.open_dir(str(index / "whoosh"))
    with ix.searcher() as searcher:
        return segment_ids(searcher.reader())


def _segment_words(index: Path, segment: str) -> set[bytes]:
    """The `words` terms of one segment of the index's current commit."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index / "whoosh"))
    with ix.searcher() as searcher:
        [leaf] = [
            leaf
            for leaf, _base in searcher.reader().leaf_readers()
            if str(leaf.segment().segment_id()) == segment
        ]
        return set(leaf.lexicon("words"))


def _sync(dumps: Path, index: Path) -> None:
    lib = Library([dumps], index)
    try:
        lib.sync()
    finally:
        lib.close()


def _stored(index: Path) -> tuple[list[str] | None, list[str] | None]:
    """The ids and words stored for the index's current commit (None: no file)."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index / "whoosh"))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids_path = id_file.path_for(ix, reader)
        words_path = vocabulary_file.path_for(ix, reader)
        assert ids_path is not None and words_path is not None
        ids = id_file.read(ids_path, reader.doc_count_all())
        words = vocabulary_file.read(words_path)
        return (
            None if ids is None else ids.all(),
            None if words is None else list(words),
        )


def test_a_sync_that_adds_and_updates_papers_carries_both_files(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    _warm(dumps, index)  # the first commit's files
    assert _stored(index) == (_column(index), _words(index))
    spare = sorted((dumps.parent / "spare").iterdir())
    # A new dump (a new segment), then a copy of a dump already read (its papers updated:
    # deleted in the segments that had them, written again in a new one), then a dump gone
    # (its papers deleted, no new segment).
    first = sorted(dumps.iterdir())[0]
    steps = [
        lambda: shutil.copy(spare[0], dumps / spare[0].name),
        lambda: shutil.copy(first, dumps / ("copy-" + first.name)),
        lambda: (dumps / spare[0].name).unlink(),
    ]
    for step in steps:
        before = _segments(index)
        step()
        _sync(dumps, index)
        assert set(before) <= set(_segments(index))  # nothing merged away
        assert _stored(index) == (_column(index), _words(index))
        assert len(list(index.glob("ids-*.bin"))) == len(list(index.glob("vocabulary-*.bin"))) == 1
    column = _column(index)
    with monkeypatch.context() as patched:
        _no_column_reads(patched)
        assert _warm(dumps, index) == column  # the first start after a sync reads the file


def test_a_sync_that_merges_segments_carries_both_files_without_the_words_it_lost(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    first, second = sorted(dumps.iterdir())  # 49 and 103 papers: one segment of 152
    spare = sorted((dumps.parent / "spare").iterdir())[0]  # 60 papers
    monkeypatch.setattr(merging, "SMALL_DOCS", 100)
    monkeypatch.setattr(merging, "MERGE_AT", 2)
    looked_up: list[tuple[frozenset[bytes], frozenset[bytes]]] = []
    real = Carry._lost_words

    def lost_words(carry: Carry, *args: Any) -> frozenset[bytes]:
        lost = real(carry, *args)
        looked_up.append((frozenset(carry.doomed), lost))
        return lost

    monkeypatch.setattr(Carry, "_lost_words", lost_words)
    _warm(dumps, index)
    shutil.copy(spare, dumps / spare.name)
    _sync(dumps, index)  # a small segment of its 60 papers; none before: none merged
    shutil.copy(first, dumps / ("copy-" + first.name))
    _sync(dumps, index)  # the first dump's papers written again in a small segment
    assert _stored(index) == (_column(index), _words(index))
    [built, *small] = _segments(index)
    words_before = set(_words(index))
    # Two small segments before: both merged into the new one, without the papers of the
    # dumps removed (their documents deleted: in the merged segments, the words only they
    # held are gone; in the segment kept, they stay).
    (dumps / spare.name).unlink()
    second.unlink()
    shutil.copy(first, dumps / ("again-" + first.name))
    _sync(dumps, index)
    assert built in _segments(index) and not set(small) & set(_segments(index))
    assert words_before - set(_words(index))  # words were lost
    assert _stored(index) == (_column(index), _words(index))
    [*_, (doomed, lost)] = looked_up
    [new] = set(_segments(index)) - {built}
    kept = doomed - lost - _segment_words(index, new)
    assert lost and kept  # of deleted documents' words, some gone and some in `built`
    assert kept <= _segment_words(index, built)


def test_nothing_is_carried_from_a_commit_without_stored_files(
    library_dir: tuple[Path, Path],
) -> None:
    dumps, index = library_dir
    for stored in [*index.glob("ids-*.bin"), *index.glob("vocabulary-*.bin")]:
        stored.unlink()
    spare = sorted((dumps.parent / "spare").iterdir())
    shutil.copy(spare[0], dumps / spare[0].name)
    _sync(dumps, index)
    assert _stored(index) == (None, None)
    assert list(index.glob("ids-*.bin")) == list(index.glob("vocabulary-*.bin")) == []


def test_a_file_that_cannot_be_carried_leaves_the_sync_whole(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    _warm(dumps, index)

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    said: list[tuple[str, str]] = []
    for module in (id_file, vocabulary_file):
        monkeypatch.setattr(module, "replace_atomic", full)
        monkeypatch.setattr(module, "degraded", lambda what, why: said.append((what, why)))
    spare = sorted((dumps.parent / "spare").iterdir())
    shutil.copy(spare[0], dumps / spare[0].name)
    lib = Library([dumps], index)
    try:
        report = lib.sync()
        assert report.changed_files == 1
        assert lib.search("diffusion").total > 0
    finally:
        lib.close()
    assert said == [
        ("storing the paper ids", "skipped (No space left on device)"),
        ("storing the vocabulary", "skipped (No space left on device)"),
    ]
    assert _stored(index) == (None, None)
