"""The paper ids a build and the warm-up store beside the index: read back whole or not at
all, giving a fresh process the same results as the id column, never after the index
changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search import Library, id_file
from tests.core.test_vocabulary_file import library_dir

__all__ = ["library_dir"]  # the fixture, shared with test_vocabulary_file

QUERIES = ("diffusion", "language models", '"large language models"', "gen*", "zzqx")
_ID = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(_ID, max_size=300))
def test_stored_ids_read_back_the_same(ids: list[str]) -> None:
    stored = id_file.from_bytes(id_file.to_bytes(ids))
    assert len(stored) == len(ids)
    assert list(stored) == stored.all() == ids
    assert [stored[d] for d in range(len(ids))] == ids
    if ids:
        assert stored[-1] == ids[-1]
        with pytest.raises(IndexError):
            stored[len(ids)]


def test_an_id_that_cannot_be_stored_as_it_is_is_refused() -> None:
    for ids in (["a", "b\nc"], ["\n"], ["\ud800"]):
        with pytest.raises(ValueError):
            id_file.to_bytes(ids)


def test_a_truncated_or_garbled_file_is_refused() -> None:
    data = id_file.to_bytes([f"2401.{n:05d}" for n in range(500)])
    for cut in (0, 10, 30, 40, len(data) // 2, len(data) - 1):
        with pytest.raises(id_file.IdFileError):
            id_file.from_bytes(data[:cut])
    with pytest.raises(id_file.IdFileError):
        id_file.from_bytes(data + b"\0")
    for at in (0, 20, 30, 40, len(data) // 2, len(data) - 3):
        garbled = bytearray(data)
        garbled[at] ^= 0x20
        with pytest.raises(id_file.IdFileError):
            id_file.from_bytes(bytes(garbled))


def _files(index: Path) -> list[Path]:
    return sorted(index.glob("ids-*.bin"))


def _column(index: Path) -> list[str]:
    """The id column of the index's current commit, docnum by docnum."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index / "whoosh"))
    with ix.searcher() as searcher:
        return list(searcher.reader().column_reader("id"))


def _answers(dumps: Path, index: Path) -> list[tuple[list[str], int]]:
    """What a fresh process shows: each query's first page of ids and its total."""
    lib = Library([dumps], index)
    try:
        return [(r.ids, r.total) for r in (lib.search(q, limit=20) for q in QUERIES)]
    finally:
        lib.close()


def _warm(dumps: Path, index: Path) -> list[str]:
    """Warm a library up; the paper ids its engine then holds."""
    lib = Library([dumps], index)
    try:
        lib.warm()
        assert lib._gen is not None
        with lib._lock:
            return list(lib._gen.doc_ids())
    finally:
        lib.close()


def _no_column_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the reads of ids from Whoosh (its id column or stored fields) fail."""
    from whoosh.reading import IndexReader, MultiReader, SegmentReader

    def refuse(*_args: object) -> None:
        raise AssertionError("the ids were read from Whoosh")

    for reader in (IndexReader, MultiReader, SegmentReader):
        real = reader.column_reader

        def column_reader(self: object, field: str, *args: object, real: object = real) -> object:
            if field == "id":
                refuse()
            return real(self, field, *args)  # type: ignore[operator]

        monkeypatch.setattr(reader, "column_reader", column_reader)
        monkeypatch.setattr(reader, "stored_fields", refuse)


def test_a_fresh_process_reads_the_ids_the_build_stored_with_the_same_results(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    [built] = _files(index)
    column = _column(index)
    assert id_file.from_bytes(built.read_bytes()).all() == column
    with monkeypatch.context() as patched:
        _no_column_reads(patched)
        stored = _answers(dumps, index)
    built.unlink()
    plain = _answers(dumps, index)  # no file: Whoosh's stored fields
    assert plain[0][1] > 20 and plain[-1] == ([], 0)
    assert stored == plain
    assert _files(index) == []  # a search does not write it; the warm-up does
    assert _warm(dumps, index) == column
    assert [p.name for p in _files(index)] == [built.name]
    assert id_file.from_bytes(built.read_bytes()).all() == column
    with monkeypatch.context() as patched:
        _no_column_reads(patched)
        assert _warm(dumps, index) == column  # the warm-up reads the file back


def test_the_file_of_an_older_commit_is_not_used_after_a_sync(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.search import index_sync

    dumps, index = library_dir
    [old] = _files(index)
    # Not carried to the new commit (`reader.search.commit_carry`, tested on its own).
    monkeypatch.setattr(index_sync, "carry", lambda *_args: None)
    for f in (dumps.parent / "spare").iterdir():
        shutil.copy(f, dumps / f.name)
    lib = Library([dumps], index)
    try:
        lib.sync()
        with lib._lock:
            assert lib._fresh() is not None and lib._gen is not None
            assert lib._gen.stored_ids() is None  # the old file is not this commit's
    finally:
        lib.close()
    assert _files(index) == [old]
    plain = _answers(dumps, index)
    column = _column(index)
    assert _warm(dumps, index) == column
    [new] = _files(index)
    assert new != old  # written for the new commit, the old one removed
    assert id_file.from_bytes(new.read_bytes()).all() == column
    assert _answers(dumps, index) == plain


def test_a_damaged_file_is_ignored_and_rewritten_by_the_next_warm_up(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    [path] = _files(index)
    good = path.read_bytes()
    plain = _answers(dumps, index)
    column = _column(index)
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(id_file, "degraded", lambda what, why: said.append((what, why)))
    for damaged in (good[: len(good) // 2], good[:-1] + b"x", b"", b"not an id file"):
        path.write_bytes(damaged)
        assert _answers(dumps, index) == plain
        assert said and "damaged" in said[-1][1]
        assert _warm(dumps, index) == column
        assert path.read_bytes() == good


def test_ids_that_cannot_be_stored_leave_the_warm_up_whole(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    for built in _files(index):
        built.unlink()
    plain = _answers(dumps, index)

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    said: list[tuple[str, str]] = []
    monkeypatch.setattr(id_file, "replace_atomic", full)
    monkeypatch.setattr(id_file, "degraded", lambda what, why: said.append((what, why)))
    assert _warm(dumps, index) == _column(index)
    assert _files(index) == []
    assert said == [("storing the paper ids", "skipped (No space left on device)")]
    assert _answers(dumps, index) == plain
