"""A sync carries the stored paper ids and vocabulary to its new commit: the same as the
warm-up would read from Whoosh, so the first start after a sync reads neither again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search import Library, commit_carry, id_file, merging, vocabulary_file
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


def _sync(dumps: Path, index: Path, merge: bool = False) -> None:
    """A sync, and with `merge` the merges due after it."""
    lib = Library([dumps], index)
    try:
        lib.sync()
        if merge:
            assert lib.merge() is not None
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
    # (its papers deleted: its segment, of deleted papers only, dropped with the words only
    # they held).
    first = sorted(dumps.iterdir())[0]
    steps = [
        lambda: shutil.copy(spare[0], dumps / spare[0].name),
        lambda: shutil.copy(first, dumps / ("copy-" + first.name)),
        lambda: (dumps / spare[0].name).unlink(),
    ]
    dropped = []
    for step in steps:
        before = _segments(index)
        step()
        _sync(dumps, index)
        dropped.append(len(set(before) - set(_segments(index))))
        assert _stored(index) == (_column(index), _words(index))
        assert len(list(index.glob("ids-*.bin"))) == len(list(index.glob("vocabulary-*.bin"))) == 1
    assert dropped == [0, 0, 1]
    column = _column(index)
    with monkeypatch.context() as patched:
        _no_column_reads(patched)
        assert _warm(dumps, index) == column  # the first start after a sync reads the file


def _json_dump(path: Path, ids: range, extra: str = "") -> None:
    papers = [
        {"id": f"2401.{n:05d}", "title": f"Paper k{n:03d} on sparse kernels {extra}",
         "summary": f"Text {n} zzday{n}.", "authors": ["Ann Lee"]}
        for n in ids
    ]  # fmt: skip
    path.write_text(json.dumps(papers), encoding="utf-8")


def test_a_merge_carries_both_files_without_the_words_it_lost(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    monkeypatch.setattr(merging, "SMALL_DOCS", 100)
    monkeypatch.setattr(merging, "MERGE_AT", 2)
    looked_up: list[frozenset[bytes]] = []
    real = commit_carry._lost_words

    def lost_words(*args: Any) -> frozenset[bytes]:
        looked_up.append(real(*args))
        return looked_up[-1]

    monkeypatch.setattr(commit_carry, "_lost_words", lost_words)
    _warm(dumps, index)
    _json_dump(dumps / "k1.json", range(199))  # a segment too large to merge
    _json_dump(dumps / "k2.json", range(199, 200), "zzkeep")
    _sync(dumps, index)
    _json_dump(dumps / "a1.json", range(1000, 1010))
    _json_dump(dumps / "a2.json", range(1010, 1012), "zzkeep zzlost")
    _sync(dumps, index)  # a small segment of 12
    _json_dump(dumps / "b.json", range(2000, 2010))
    _sync(dumps, index)  # one of 10: of the same size (no merge asked for yet)
    assert _stored(index) == (_column(index), _words(index))
    assert len(_segments(index)) == 4
    words_before = set(_words(index))
    # Two of the 12 papers removed, and one of the 200: the small segments (10 live papers
    # each) are merged into one; the words only the two held are gone with them, and the
    # word they shared with the one (deleted in a segment kept) stays.
    (dumps / "a2.json").unlink()
    (dumps / "k2.json").unlink()
    _json_dump(dumps / "c.json", range(3000, 3005))
    _sync(dumps, index)
    assert len(_segments(index)) == 5 and looked_up == []
    assert _stored(index) == (_column(index), _words(index))
    _sync(dumps, index, merge=True)
    assert len(_segments(index)) == 4
    assert "zzlost" in words_before - set(_words(index))
    assert "zzkeep" in _words(index)
    assert _stored(index) == (_column(index), _words(index))
    [lost] = looked_up
    assert b"zzlost" in lost and b"zzkeep" not in lost


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
