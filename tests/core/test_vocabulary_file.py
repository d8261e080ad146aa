"""The vocabulary a build and the warm-up store beside the index: read back whole or not at all, used
by a fresh process's "did you mean" with the same answers, never after the index changed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search import Library, vocabulary_file
from reader.search.vocabulary import Vocabulary, VocabularyFileError
from tests.core.test_vocabulary import _WORD

SAMPLES = Path(__file__).resolve().parents[2] / "sample_dumps"
QUERIES = (
    "difusion",
    "difusion modles",
    "transfromer",
    "lnaguage modle",
    "diffsuion",
    "title:difusion AND modles",
    "diffusion models",
    "zzqx",
)


def _stored(vocabulary: Vocabulary) -> bytes:
    return b"".join(vocabulary.write_bytes())


@settings(max_examples=200, deadline=None)
@given(words=st.lists(_WORD, max_size=200), probes=st.lists(_WORD, max_size=20))
def test_a_stored_vocabulary_reads_back_the_same(words: list[str], probes: list[str]) -> None:
    made = Vocabulary.of(words)
    read = Vocabulary.from_bytes(_stored(made))
    assert list(read) == list(made) == sorted(set(words))
    assert len(read) == len(made)
    looked = [*probes, *words[:20], "", "\n", "\ud800"]
    assert [w in read for w in looked] == [w in made for w in looked]
    assert read.among(looked) == made.among(looked)
    for text in {w[:1] for w in looked} | {w[:2] for w in looked}:
        assert read.prefix(text) == made.prefix(text)
        assert read.wildcard(text + "*") == made.wildcard(text + "*")
        assert read.sized(text[:1], 1, 4) == made.sized(text[:1], 1, 4)


def test_a_truncated_or_garbled_file_is_refused() -> None:
    words = [f"{a}{n}" for a in "abcé" for n in range(100)]
    data = _stored(Vocabulary.of(words))
    for cut in (0, 10, 40, 60, len(data) // 2, len(data) - 1):
        with pytest.raises(VocabularyFileError):
            Vocabulary.from_bytes(data[:cut])
    with pytest.raises(VocabularyFileError):
        Vocabulary.from_bytes(data + b"\0")
    for at in (0, 30, 60, len(data) // 2, len(data) - 3):
        garbled = bytearray(data)
        garbled[at] ^= 0x20
        with pytest.raises(VocabularyFileError):
            Vocabulary.from_bytes(bytes(garbled))


@pytest.fixture()
def library_dir(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """The first two sample dumps, synced (the third is kept aside in `spare/`)."""
    dumps, spare = tmp_path / "dumps", tmp_path / "spare"
    dumps.mkdir()
    spare.mkdir()
    files = sorted(SAMPLES.iterdir())
    for f in files[:2]:
        shutil.copy(f, dumps / f.name)
    for f in files[2:]:
        shutil.copy(f, spare / f.name)
    lib = Library([dumps], tmp_path / "index")
    lib.sync()
    lib.close()
    yield dumps, tmp_path / "index"


def _answers(dumps: Path, index: Path) -> list[str | None]:
    lib = Library([dumps], index)
    try:
        return [lib.suggest(q) for q in QUERIES]
    finally:
        lib.close()


def _files(index: Path) -> list[Path]:
    return sorted(index.glob("vocabulary-*.bin"))


def _no_term_table_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the one-off path (a term-table lookup per candidate) fail if it is taken."""
    from whoosh.reading import MultiReader, SegmentReader

    from reader.search.spelling import InitialVocabulary

    def refuse(*_args: object) -> bool:
        raise AssertionError("the term tables were read")

    monkeypatch.setattr(MultiReader, "__contains__", refuse)
    monkeypatch.setattr(SegmentReader, "__contains__", refuse)
    monkeypatch.setattr(InitialVocabulary, "_within", refuse)


def _warm(dumps: Path, index: Path) -> list[str | None]:
    lib = Library([dumps], index)
    try:
        lib.warm()
        assert lib._gen is not None and lib._gen.lexicon_loaded is not None
        return [lib.suggest(q) for q in QUERIES]
    finally:
        lib.close()


def test_a_fresh_library_reads_the_stored_vocabulary_with_the_same_answers(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    assert len(_files(index)) == 1  # stored by the build
    for built in _files(index):
        built.unlink()
    plain = _answers(dumps, index)  # no file: the term tables
    assert _files(index) == []
    assert plain[0] is not None and "diffusion" in plain[0]
    warmed = _warm(dumps, index)
    assert len(_files(index)) == 1
    read: list[Path] = []
    real_read = vocabulary_file.read
    monkeypatch.setattr(vocabulary_file, "read", lambda p: read.append(p) or real_read(p))
    with monkeypatch.context() as patched:
        _no_term_table_lookups(patched)
        stored = _answers(dumps, index)
    assert read == _files(index)
    assert stored == warmed == plain


def test_the_file_of_an_older_generation_is_not_used_after_a_sync(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.search import index_sync

    dumps, index = library_dir
    _warm(dumps, index)
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
            assert lib._gen.stored_lexicon() is None  # the old file is not this commit's
        assert _files(index) == [old]
        plain = [lib.suggest(q) for q in QUERIES]
    finally:
        lib.close()
    assert _warm(dumps, index) == plain
    [new] = _files(index)
    assert new != old  # written for the new commit, the old one removed
    assert _answers(dumps, index) == plain


def test_a_damaged_file_is_ignored_and_rewritten_by_the_next_warm_up(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    warmed = _warm(dumps, index)
    [path] = _files(index)
    good = path.read_bytes()
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(vocabulary_file, "degraded", lambda what, why: said.append((what, why)))
    for damaged in (good[: len(good) // 2], good[:-1] + b"x", b"", b"not a vocabulary"):
        path.write_bytes(damaged)
        assert _answers(dumps, index) == warmed
        assert said and "damaged" in said[-1][1]
        assert _warm(dumps, index) == warmed
        assert path.read_bytes() == good


def test_a_vocabulary_that_cannot_be_stored_leaves_the_warm_up_whole(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps, index = library_dir
    for built in _files(index):  # the warm-up has it to store
        built.unlink()
    plain = _answers(dumps, index)

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    said: list[tuple[str, str]] = []
    monkeypatch.setattr(vocabulary_file, "replace_atomic", full)
    monkeypatch.setattr(vocabulary_file, "degraded", lambda what, why: said.append((what, why)))
    assert _warm(dumps, index) == plain
    assert _files(index) == []
    assert said == [("storing the vocabulary", "skipped (No space left on device)")]


def test_the_warm_up_reads_the_stored_vocabulary_instead_of_the_term_tables(
    library_dir: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a build (which stored it), a warm-up loads the file; without it, it would read
    every segment's terms, seconds at a million papers."""
    from reader.search import lexicon

    dumps, index = library_dir
    [built] = _files(index)
    good = built.read_bytes()
    plain = _answers(dumps, index)

    def refuse(*_args: object) -> list[str]:
        raise AssertionError("the term tables were read")

    with monkeypatch.context() as patched:
        patched.setattr(lexicon, "segment_terms", refuse)
        assert _warm(dumps, index) == plain
    assert _files(index) == [built] and built.read_bytes() == good
