"""Terms read straight from a segment's terms file are Whoosh's own `lexicon(field)`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.search import Library, term_file
from reader.search.compat import FAST_ENV
from reader.search.lexicon import Lexicon


def test_terms_cut_from_the_terms_file_are_whooshs_in_every_field(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library([sample_dir], tmp_path / "index")
    lib.sync()
    first = sorted(sample_dir.iterdir())[0]
    moved = sample_dir.parent / "moved.txt"
    shutil.move(first, moved)
    lib.sync()
    shutil.move(moved, first)
    lib.sync()  # a second segment
    lib.search("diffusion")
    leaves = [leaf for leaf, _base in lib._searcher.reader().leaf_readers()]
    assert len(leaves) >= 2
    # Windows that cut records (and keys) in two, and one shorter than any record
    for window in (1 << 16, 100, 9, 1):
        monkeypatch.setattr(term_file, "WINDOW", window)
        for leaf in leaves:
            fields = list(leaf.indexed_field_names())
            assert "words" in fields
            for field in fields:
                expected = list(leaf.lexicon(field))
                assert list(term_file._records(leaf, field)) == expected, (window, field)
            assert list(term_file._records(leaf, "no such field")) == []
    words = Lexicon(lib._searcher.reader(), "words").words
    monkeypatch.setenv(FAST_ENV, "0")  # Whoosh's own lexicon: the same vocabulary
    assert list(Lexicon(lib._searcher.reader(), "words").words) == list(words)
    assert list(term_file.segment_terms(leaves[0], "words")) == list(leaves[0].lexicon("words"))


def test_term_infos_read_from_the_terms_file_are_whooshs(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`segment_items` gives the terms of a range with the infos Whoosh's `iter_from`
    gives, whatever the window, up to the range's last term and not past its field."""
    lib = Library([sample_dir], tmp_path / "index")
    lib.sync()
    lib.search("diffusion")
    leaves = [leaf for leaf, _base in lib._searcher.reader().leaf_readers()]
    ranges = [
        (b"gen", b"gen\xff"),
        (b"a", b"b"),
        (b"mod", b"model"),
        (b"", b"\xff"),
        (b"zzz", b"zzzz"),
    ]
    for window in (1 << 16, 100, 9, 1):
        monkeypatch.setattr(term_file, "WINDOW", window)
        for leaf in leaves:
            for field in ("words", "abstract", "title"):
                for first, last in ranges:
                    expected = []
                    for (name, text), info in leaf.iter_from(field, first):
                        if name != field or text > last:
                            break
                        expected.append((text, vars(info)))
                    items = term_file.segment_items(leaf, field, first, last)
                    assert items is not None
                    got = [(text, vars(term_file.info_of(value))) for text, value in items]
                    assert got == expected, (window, field, first)
                    assert expected or first == b"zzz"
            assert list(term_file.segment_items(leaf, "no such field", b"a", b"z") or ()) == []
    monkeypatch.setenv(FAST_ENV, "0")
    assert term_file.segment_items(leaves[0], "words", b"a", b"b") is None
