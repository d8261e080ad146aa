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
