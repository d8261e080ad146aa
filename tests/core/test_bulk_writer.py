"""The bulk writer (fresh builds) writes exactly the index Whoosh's own writer writes.

Every term's postings (ids, weights, values), its statistics, every field length, stored
field and column are compared between the two paths, with the run files forced (tiny
spill limit) so the merge of runs is exercised too.
"""

from __future__ import annotations

import shutil
from array import array
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reader.search.bulk_term_table as termtable
import reader.search.bulk_writer as bulk
import reader.search.sync_apply as sync
from reader.search import Library
from reader.search.postings import blocks, read_extent
from reader.search.schema import PHRASE_FIELDS, PHRASE_PAIRS
from reader.search.storage import create_whoosh, storage
from tests.conftest import SAMPLES


def snapshot(index_dir: Path) -> dict[str, Any]:
    """Everything a reader can see of an index, as plain data."""
    ix = storage(index_dir).open_index()
    with ix.reader() as r:
        terms = {}
        for fieldname, text in r.all_terms():
            m = r.postings(fieldname, text)
            items = []
            while m.is_active():
                items.append((m.id(), m.weight(), m.value()))
                m.next()
            ti = r.term_info(fieldname, text)
            stats = (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length())
            terms[(fieldname, text)] = (items, stats, ti.max_weight(), ti.min_id(), ti.max_id())
        # Prefix expansion seeks through the term table's ordered offsets; lookups above
        # went through its hash buckets.
        starts = sorted({(f, t[:2]) for n, (f, t) in enumerate(terms) if n % 7 == 0})
        expanded = {(f, p): list(r.expand_prefix(f, p)) for f, p in starts}
        docs = range(r.doc_count_all())
        names = r.schema.names()
        return {
            "terms": terms,
            "expanded": expanded,
            "lengths": {f: [r.doc_field_length(d, f) for d in docs] for f in names},
            "totals": {f: r.field_length(f) for f in names},
            "stored": [r.stored_fields(d) for d in docs],
            "ids": list(r.column_reader("id")),
            "segments": len(r.leaf_readers()) if hasattr(r, "leaf_readers") else 1,
        }


def build(index_dir: Path, documents: list[dict[str, Any]], use_bulk: bool) -> dict[str, Any]:
    ix = create_whoosh(index_dir)
    writer = ix.writer()
    if use_bulk:
        assert bulk.install(writer) is not None
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    ix.close()
    return snapshot(index_dir)


def test_library_build_is_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "SPILL_POSTINGS", 3_000)  # several runs to merge
    monkeypatch.setattr(termtable, "HELD_ENTRIES", 1_000)  # term table chunks on disk
    monkeypatch.setattr(bulk, "WRITE_BYTES", 2_000)  # postings written in many pieces
    made = {}
    for use_bulk in (False, True):
        monkeypatch.setattr(sync, "BULK_BUILD", use_bulk)
        lib = Library([SAMPLES], tmp_path / f"index-{use_bulk}")
        lib.sync(rebuild=True)
        lib.close()
        made[use_bulk] = snapshot(tmp_path / f"index-{use_bulk}")
    stock, fast = made[False], made[True]
    assert len(stock["terms"]) > 10_000
    assert stock.keys() == fast.keys()
    for key in stock:
        assert stock[key] == fast[key], key


def test_bulk_writer_is_used_for_a_fresh_build_and_a_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed: list[tuple[bool, object]] = []
    real = bulk.install

    def install(writer: object, existing_ok: bool = False) -> object:
        installed.append((existing_ok, real(writer, existing_ok)))
        return installed[-1][1]

    monkeypatch.setattr(sync, "install_bulk", install)
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    first, *others = sorted(SAMPLES.iterdir())
    shutil.copy(first, dumps / first.name)
    lib = Library([dumps], tmp_path / "index")
    try:
        lib.sync(rebuild=True)
        for other in others:
            shutil.copy(other, dumps / other.name)
        lib.sync()
        [(fresh, built), (existing, synced)] = installed
        assert not fresh and built is not None and existing and synced is not None
        assert lib.search("diffusion").total > 0
    finally:
        lib.close()


def test_syncs_through_the_bulk_writer_make_the_index_whoosh_s_writer_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adding, updating and removing papers, and merging small segments (Whoosh's
    `add_reader` on one side, the papers written again on the other): the same index."""
    import json

    from reader.search import merging

    monkeypatch.setattr(merging, "SMALL_DOCS", 100)
    monkeypatch.setattr(merging, "MERGE_AT", 2)
    first, second, third = sorted(SAMPLES.iterdir())  # 49, 103 and 60 papers
    papers = [
        {"id": f"2401.{n:05d}", "title": f"Paper k{n:03d} on sparse kernels",
         "summary": f"Text {n}.", "authors": ["Ann Lee"]}
        for n in range(50)
    ]  # fmt: skip

    def steps(dumps: Path) -> Any:
        yield lambda: shutil.copy(first, dumps / first.name)
        yield lambda: shutil.copy(second, dumps / second.name)
        yield lambda: shutil.copy(third, dumps / third.name)
        yield lambda: shutil.copy(first, dumps / ("copy-" + first.name))  # updates
        yield lambda: (  # removes, and merges two small segments of a size
            (dumps / second.name).unlink(),
            (dumps / "d.json").write_text(json.dumps(papers), encoding="utf-8"),
        )

    made: dict[bool, list[dict[str, Any]]] = {}
    for use_bulk in (False, True):
        monkeypatch.setattr(sync, "BULK_BUILD", use_bulk)
        dumps = tmp_path / f"dumps-{use_bulk}"
        dumps.mkdir()
        lib = Library([dumps], tmp_path / f"index-{use_bulk}")
        made[use_bulk] = []
        try:
            for n, step in enumerate(steps(dumps)):
                step()
                lib.sync()
                lib.merge()
                if n >= 3:  # before and after the merge (each snapshot reads every posting)
                    made[use_bulk].append(snapshot(tmp_path / f"index-{use_bulk}"))
        finally:
            lib.close()
    stock, fast = made[False], made[True]
    # Updating the first dump's papers empties its segment, dropped; removing the second
    # empties another; the merge after it leaves two segments.
    assert [s["segments"] for s in stock] == [3, 2]
    for n, (before, after) in enumerate(zip(stock, fast, strict=True)):
        assert before.keys() == after.keys()
        for key in before:
            assert before[key] == after[key], (n, key)


_WORD = st.sampled_from(
    ["model", "models", "the", "of", "diffusion", "Schrödinger", "ÆON", "x", "$\\alpha$",
     "[Fe/H]", "naïve", "über", "LLM", "3D", "gpt-4", "a" * 41, "数据", "ﬁeld", "Straße"]
)  # fmt: skip
_TEXT = st.lists(_WORD, max_size=60).map(" ".join)
_DOC = st.fixed_dictionaries(
    {"title": _TEXT, "abstract": _TEXT, "author": _TEXT},
    optional={"category": st.sampled_from(["cs.CL", "cs.LG,stat.ML", ""])},
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(docs=st.lists(_DOC, min_size=1, max_size=40), spill=st.sampled_from([1, 50, 10**9]))
def test_any_documents_index_identically(
    tmp_path_factory: pytest.TempPathFactory, docs: list[dict[str, str]], spill: int
) -> None:
    documents = []
    for n, doc in enumerate(docs):
        full = dict(doc, id=f"p{n:04d}", words=f"{doc['title']}\n{doc['abstract']}")
        for field, shadow in PHRASE_FIELDS.items():
            full[shadow] = full[field]
        for shadow, pairs in PHRASE_PAIRS.items():
            full[pairs] = full[shadow]
        documents.append(full)
    base = tmp_path_factory.mktemp("bulk")
    old = bulk.SPILL_POSTINGS, termtable.HELD_ENTRIES
    bulk.SPILL_POSTINGS, termtable.HELD_ENTRIES = spill, spill
    try:
        stock = build(base / "stock", documents, use_bulk=False)
        fast = build(base / "bulk", documents, use_bulk=True)
    finally:
        bulk.SPILL_POSTINGS, termtable.HELD_ENTRIES = old
    assert stock == fast


def test_install_refuses_an_index_with_segments(tmp_path: Path) -> None:
    ix = create_whoosh(tmp_path)
    writer = ix.writer()
    writer.add_document(id="a", title="one")
    writer.commit()
    writer = ix.writer()
    assert bulk.install(writer) is None  # deletions and merges need Whoosh's own path
    writer.cancel()


def test_bulk_blocks_load_as_arrays_and_read_as_whoosh_reads_them(tmp_path: Path) -> None:
    """The bulk writer pickles a block's id deltas and weights as arrays at protocol 4
    (loaded without an object per posting); Whoosh's matcher and the engine's whole-list
    reader (`postings.read_extent`) read every posting list of such an index alike."""
    lib = Library([SAMPLES], tmp_path / "index")
    lib.sync(rebuild=True)
    lib.close()
    ix = storage(tmp_path / "index").open_index()
    arrays = 0
    with ix.reader() as r:
        for fieldname, text in r.all_terms():
            m = r.postings(fieldname, text)
            ids, weights = read_extent(m)
            m = r.postings(fieldname, text)
            walked = []
            while m.is_active():
                walked.append((m.id(), m.weight()))
                m.next()
            assert list(zip(ids, weights, strict=True)) == walked, (fieldname, text)
            m = r.postings(fieldname, text)
            for _count, deltas, block_weights, _values in blocks(m):
                assert isinstance(deltas, array)
                arrays += isinstance(block_weights, array)
    assert arrays > 1000  # blocks of several weights
