"""A merge reads a segment's postings a list at a time: the same tuples, in the same order,
as Whoosh's own walk, deleted documents left out, on every field of real segments."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.search import Library
from reader.search import merge_postings as module
from reader.search.merge_postings import MergeReader

SAMPLES = Path(__file__).resolve().parents[2] / "sample_dumps"


@pytest.fixture()
def index(tmp_path: Path) -> Iterator[Path]:
    """The sample dumps in three segments, with deleted documents in two of them (papers
    removed, and papers written again in a later segment)."""
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    first, second, third = sorted(SAMPLES.iterdir())
    shutil.copy(first, dumps / first.name)
    shutil.copy(second, dumps / second.name)
    lib = Library([dumps], tmp_path / "index")
    try:
        lib.sync()
        shutil.copy(third, dumps / third.name)
        shutil.copy(first, dumps / ("copy-" + first.name))  # its papers written again
        lib.sync()
        (dumps / third.name).unlink()  # its papers deleted
        lib.sync()
    finally:
        lib.close()
    yield tmp_path / "index"


def _segments(index: Path) -> tuple[Any, list[Any]]:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index / "whoosh"))
    with ix.searcher() as searcher:
        leaves = [leaf.segment() for leaf, _base in searcher.reader().leaf_readers()]
    return ix, leaves


def _both(ix: Any, segment: Any) -> tuple[list[Any], list[Any]]:
    from whoosh.reading import SegmentReader

    plain, fast = (
        SegmentReader(ix.storage, ix.schema, segment),
        MergeReader(ix.storage, ix.schema, segment),
    )
    try:
        return list(plain.iter_postings()), list(fast.iter_postings())
    finally:
        plain.close()
        fast.close()


def test_a_merge_reads_the_postings_whoosh_walks(index: Path) -> None:
    ix, segments = _segments(index)
    assert len(segments) >= 2 and any(s.has_deletions() for s in segments)
    for segment in segments:
        plain, fast = _both(ix, segment)
        assert fast == plain
        assert [type(p[3]) for p in fast] == [type(p[3]) for p in plain]
        assert [type(p[4]) for p in fast] == [type(p[4]) for p in plain]
    # What the samples hold: lists of several blocks (128 postings each, deleted ones
    # too), lists kept in the term info, fields with and without values (positions).
    from whoosh.reading import SegmentReader

    reader = SegmentReader(ix.storage, ix.schema, segments[0])
    try:
        infos = [info for _term, info in reader._terms.items()]
    finally:
        reader.close()
    assert max(info.doc_frequency() for info in infos) > 128
    values = {type(p[4]) for segment in segments for p in _both(ix, segment)[1]}
    assert bytes in values and len(values) > 1


def test_a_list_not_laid_out_as_expected_is_walked_by_whoosh(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix, segments = _segments(index)
    real = module._listed
    refused: list[int] = []

    def every_other(info: Any, postfile: Any, format_: Any) -> Any:
        refused.append(1)
        return None if len(refused) % 2 else real(info, postfile, format_)

    monkeypatch.setattr(module, "_listed", every_other)
    for segment in segments:
        plain, fast = _both(ix, segment)
        assert fast == plain
    assert len(refused) > 10


def test_without_the_fast_paths_the_merge_walks_whoosh_s_postings(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPER_READER_FAST", "0")
    monkeypatch.setattr(module, "_listed", lambda *_args: pytest.fail("read a list"))
    ix, segments = _segments(index)
    for segment in segments:
        plain, fast = _both(ix, segment)
        assert fast == plain


def test_fields_of_every_kind_read_as_whoosh_reads_them(tmp_path: Path) -> None:
    """A segment of Whoosh's own writer, with fields of several postings formats."""
    from whoosh import fields
    from whoosh import index as whoosh_index

    schema = fields.Schema(
        id=fields.ID(stored=True),
        text=fields.TEXT(),
        tags=fields.KEYWORD(commas=True, scorable=True),
        bare=fields.TEXT(phrase=False),
        counted=fields.NGRAM(minsize=2, maxsize=3),
    )
    ix = whoosh_index.create_in(str(tmp_path), schema)
    writer = ix.writer()
    for n in range(300):
        words = " ".join(f"w{n % k}" for k in (1, 2, 7, 150, 301)) + f" once{n}"
        writer.add_document(
            id=str(n), text=words + " w1 w1", tags=f"t{n % 5},u{n}", bare=words, counted=words
        )
    writer.commit()
    writer = ix.writer()
    for n in range(0, 300, 7):
        writer.delete_by_term("id", str(n))
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        [segment] = [leaf.segment() for leaf, _base in searcher.reader().leaf_readers()]
    plain, fast = _both(ix, segment)
    assert fast == plain and len(plain) > 1000
    assert [type(p[3]) for p in fast] == [type(p[3]) for p in plain]
    assert [type(p[4]) for p in fast] == [type(p[4]) for p in plain]
