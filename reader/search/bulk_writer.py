"""Bulk indexing for a fresh build: postings grouped per term in memory, written a block at a time.

Whoosh's writer turns every posting into a tuple, pools, sorts and (beyond its memory limit)
pickles them one by one, then feeds them back one `add_posting` call at a time: about 25 us
a posting, 370 postings a paper. Here a document's text fields are counted with C-level
`Counter`s (or, for fields with positions, grouped per term) over cached word -> term
maps, postings are appended to per-term lists, and each
term is written as whole blocks through Whoosh's own block encoder, so the files are the ones
Whoosh writes (`tests/core/test_bulk_writer.py` compares every posting). Memory stays bounded:
past `SPILL_POSTINGS` the lists are written to a sorted run file, and runs are merged per
term at the end (documents are numbered in order, so a term's runs just concatenate).

For a writer adding documents: a fresh build, a sync (which deletes the papers it rewrites),
a merge of small segments (their papers written again), the parallel build's join.
Whoosh's merges (`add_reader`) and `_boost` keys need Whoosh's own path, and `install`
refuses anything it does not expect.

`BulkPostings` composes the parts: per field a `bulk_fields.BulkField` (its word -> term
map and held postings), the `bulk_runs.SortedRuns` on disk, the blocks of
`bulk_blocks` and the term table of `bulk_term_table`.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable, Iterator
from typing import Any

from reader.search import bulk_term_table, compat
from reader.search.analysis import _WORD
from reader.search.bulk_blocks import MAGIC, TERMINFO, configure, pack_int, pack_long, term_blocks
from reader.search.bulk_fields import BulkField, Terms, counted, encode_positions, term_positions
from reader.search.bulk_runs import TERM_COST, Record, SortedRuns
from reader.search.bulk_term_table import TermTable

#: Memory held before a sorted run is written to disk, in postings (about 20 bytes each; a
#: new term counts as `bulk_runs.TERM_COST`).
SPILL_POSTINGS = 16_000_000
#: Postings bytes gathered before a write, so a field of few, very common terms (a stemmed
#: abstract) never holds all its blocks in memory at once.
WRITE_BYTES = 8 << 20
#: Terms written between two calls of `BulkPostings.pause`.
PAUSE_TERMS = 512

_pack_ushort = struct.Struct("!H").pack
_pack_lengths = struct.Struct("!ii").pack  # the term table's record header


class BulkPostings:
    """The postings of the segment being written, per field and term, spilled in sorted runs."""

    def __init__(self, schema: Any, tempdir: str | None) -> None:
        from whoosh.util.numeric import byte_to_length, length_to_byte

        caches: dict[tuple[bool, frozenset[str]], Terms] = {}
        self.fields = {name: BulkField(name, schema[name], caches) for name in schema.names()}
        self.tempdir = tempdir
        self.runs = SortedRuns(tempdir)
        self.tables: list[TermTable] = []  # closed with the writer's term table
        self.held = 0
        #: Called every `PAUSE_TERMS` terms written, if set: a merge in the background waits
        #: there while the user types (`Library.merge`).
        self.pause: Callable[[], None] | None = None
        #: The current document's values mapped to terms, per (value, term map): a field and
        #: its shadow and pair fields hold the same text, analysed once.
        self._mapped: dict[tuple[int, int], tuple[str, list[str]]] = {}
        self._mapped_doc = -1
        self._quantised = [byte_to_length(length_to_byte(n)) for n in range(1024)]
        self._quantise = lambda n: byte_to_length(length_to_byte(n))

    # -- adding ------------------------------------------------------------------------
    def add(self, field: BulkField, value: Any, docnum: int) -> int:
        """Add one field value of document `docnum`; return its length (tokens, if scorable)."""
        postings = field.postings
        length = 0
        if field.kind != "whoosh":
            terms = self._terms_of(field, value, docnum)
        if field.kind in ("positions", "pairs"):
            positioned = term_positions(terms, pairs=field.kind == "pairs")
            new = len(postings)
            boost = field.boost
            for term, positions in positioned.items():
                count = len(positions)
                found = postings.get(term)
                if found is None:
                    postings[term] = [docnum, count * boost, encode_positions(positions)]
                else:
                    found += (docnum, count * boost, encode_positions(positions))
                length += count
            self.held += len(positioned) + TERM_COST * (len(postings) - new)
            if not field.scorable:
                length = 0
        elif field.kind == "words":
            counts = counted(terms)
            new = len(postings)
            for term, freq in counts.items():
                found = postings.get(term)
                if found is None:
                    postings[term] = [docnum, freq]
                else:
                    found.append(docnum)
                    found.append(freq)
            self.held += len(counts) + TERM_COST * (len(postings) - new)
            if field.scorable:
                length = counts.total()
        else:
            for tbytes, freq, weight, vbytes in field.obj.index(value):
                found = postings.get(tbytes)
                if found is None:
                    postings[tbytes] = [docnum, weight, vbytes]
                    self.held += TERM_COST
                else:
                    found += (docnum, weight, vbytes)
                if field.scorable:
                    length += freq
                self.held += 1
        if length:
            lengths = field.lengths
            if len(lengths) < docnum:  # documents without this field
                lengths.frombytes(bytes(lengths.itemsize * (docnum - len(lengths))))
            quantised = self._quantised
            lengths.append(quantised[length] if length < 1024 else self._quantise(length))
        if self.held >= SPILL_POSTINGS:
            self.spill()
        return length

    def _terms_of(self, field: BulkField, value: str, docnum: int) -> list[str]:
        """The words of `value` mapped by the field's term map, for document `docnum`."""
        if docnum != self._mapped_doc:
            self._mapped.clear()
            self._mapped_doc = docnum
        assert field.terms is not None
        key = (id(value), id(field.terms))
        found = self._mapped.get(key)
        if found is None or found[0] is not value:
            found = self._mapped[key] = (
                value,
                list(map(field.terms.__getitem__, _WORD.findall(value))),
            )
        return found[1]

    # -- runs ----------------------------------------------------------------------------
    def _records(self) -> Iterator[Record]:
        """The held postings as (field, term bytes, docnums, freqs or weights, values), sorted."""
        for name in sorted(self.fields):
            field = self.fields[name]
            postings = field.postings
            if field.valued:
                for term in sorted(postings):  # str and UTF-8 bytes sort alike
                    flat = postings[term]
                    tbytes = term.encode("utf-8") if isinstance(term, str) else term
                    yield name, tbytes, array("I", flat[0::3]), array("f", flat[1::3]), flat[2::3]
            else:
                for term in sorted(postings):
                    flat = postings[term]
                    yield (
                        name,
                        term.encode("utf-8"),
                        array("I", flat[0::2]),
                        array("I", flat[1::2]),
                        None,
                    )

    def _clear(self) -> None:
        for field in self.fields.values():
            field.postings = {}
        self.held = 0

    def spill(self) -> None:
        """Write the held postings to a sorted run file and forget them."""
        self.runs.write(self._records())
        self._clear()

    def merged(self) -> Iterator[Record]:
        """Every term once, in (field, term) order (from the runs, when any were written)."""
        if not self.runs.files:
            yield from self._records()
            return
        if self.held:
            self.spill()  # frees the held lists before the merge reads the runs back
        yield from self.runs.merged()

    def close(self) -> None:
        self.runs.close()
        for table in self.tables:
            table.close()
        self.tables = []
        self._clear()

    # -- writing -------------------------------------------------------------------------
    def write(self, fieldwriter: Any, schema: Any) -> None:
        """Write every term into the segment's postings file and term table.

        What `W3FieldWriter.start_term`/`add`/`finish_term` and the term table's
        `OrderedHashWriter.add` do per posting and per term, done per term with the
        file offsets tracked here and the bytes written in large batches.
        """
        tindex = fieldwriter._tindex
        tfile, postfile = tindex.dbfile, fieldwriter._postfile
        tpos, ppos = tfile.tell(), postfile.tell()
        written = ppos
        table = TermTable(self.tempdir)
        for number, entries in enumerate(tindex.buckets):  # none in a fresh segment
            for pair in entries:
                table.buckets[number].extend(pair)
        table.offsets.extend(tindex.index)
        hashfn, buckets, offsets = tindex.hashfn, table.buckets, table.offsets
        index_append, held = offsets.append, bulk_term_table.HELD_ENTRIES
        pack_lengths = _pack_lengths
        terms_out: list[bytes] = []
        posts_out: list[bytes] = []
        current = None
        field: BulkField | None = None
        key = None
        limit = level = 0
        fieldid = b""
        pause = self.pause
        for count, (name, tbytes, docs, second, values) in enumerate(self.merged(), 1):
            if pause is not None and not count % PAUSE_TERMS:
                pause()
            if name != current:
                if current is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(name, schema[name])
                current, field = name, self.fields[name]
                writer = fieldwriter._postwriter
                limit, level = writer._blocklimit, writer._compression
                fieldid = _pack_ushort(fieldwriter._fieldid)
            assert field is not None
            blocks = term_blocks(limit, level, field, docs, second, values)
            info = blocks.pop() + pack_long(ppos) + pack_int(blocks[-1])
            blocks.pop()
            posts_out.extend(blocks)
            ppos += sum(map(len, blocks))
            key = fieldid + tbytes
            index_append(tpos)
            h = hashfn(key)
            bucket = buckets[h & 255]
            bucket.append(h)
            bucket.append(tpos)
            if len(offsets) >= held:
                table.spill()
            terms_out.append(pack_lengths(len(key), len(info)))
            terms_out.append(key)
            terms_out.append(info)
            tpos += 8 + len(key) + len(info)
            if len(terms_out) > 30_000 or ppos - written > WRITE_BYTES:
                postfile.write(b"".join(posts_out))
                tfile.write(b"".join(terms_out))
                posts_out, terms_out, written = [], [], ppos
        postfile.write(b"".join(posts_out))
        tfile.write(b"".join(terms_out))
        if key is not None:
            tindex.lastkey = key
        if current is not None:
            fieldwriter.finish_field()
        table.install(tindex)
        self.tables.append(table)


def install(writer: Any, existing_ok: bool = False) -> BulkPostings | None:
    """Make a Whoosh `SegmentWriter` on an empty index add documents through `BulkPostings`.

    `existing_ok`: the index has segments, and the caller commits with `merge=False` or a
    merge policy that adds no reader (`merging.SmallMerges`): deleting from existing
    segments is fine; Whoosh's merging of them into this one is not.

    Returns None (the writer untouched) when the fast paths are off (`compat.fast`) or the
    writer, codec or schema is not the kind this was written and tested against.
    """
    if not compat.fast():
        return None
    from whoosh.codec import whoosh3 as w3
    from whoosh.fields import UnknownFieldError
    from whoosh.util.numeric import length_to_byte
    from whoosh.writing import SegmentWriter

    if (
        getattr(w3, "WHOOSH3_HEADER_MAGIC", None) != MAGIC
        or getattr(getattr(w3.W3TermInfo, "_struct", None), "format", None) != TERMINFO.format
        or type(writer) is not SegmentWriter
        or (writer.segments and not existing_ok)
        or writer.docnum != writer.docbase
        or writer.docbase != 0
        or not isinstance(writer.fieldwriter, w3.W3FieldWriter)
        or not isinstance(writer.perdocwriter, w3.W3PerDocWriter)
        or not all(hasattr(writer.fieldwriter, n) for n in ("_tindex", "_fieldid", "_postfile"))
        or not all(
            hasattr(writer.fieldwriter._tindex, n)
            for n in ("dbfile", "hashfn", "buckets", "index", "lastkey")
        )
    ):
        return None
    configure(getattr(w3, "COMPRESSION_MIN_SIZE", 0), length_to_byte)  # 2.7 compresses all
    schema = writer.schema
    for name in schema.names():
        fieldobj = schema[name]
        if fieldobj.vector or fieldobj.separate_spelling():
            return None
    folder = getattr(writer._tempstorage, "folder", None)
    bulk = BulkPostings(schema, folder if isinstance(folder, str) else None)
    fields = bulk.fields
    perdoc = writer.perdocwriter

    def add_document(**values: Any) -> None:
        writer._check_state()
        docnum = writer.docnum
        names = sorted(values)
        for name in names:
            if name not in fields:
                raise UnknownFieldError(f"No field named {name!r} in {schema}")
        perdoc.start_doc(docnum)
        for name in names:
            value = values[name]
            if value is None:
                continue
            field = fields[name]
            length = bulk.add(field, value, docnum) if field.indexed else 0
            perdoc.add_field(name, field.obj, value if field.stored else None, length)
            if field.column:
                perdoc.add_column_value(name, field.column, field.obj.to_column_value(value))
        perdoc.finish_doc()
        writer._added = True
        writer.docnum += 1

    def flush() -> None:
        perdoc.close()
        try:
            bulk.write(writer.fieldwriter, schema)
            writer.fieldwriter.close()  # reads the term table's spilled entries
        finally:
            bulk.close()

    original_cancel = writer.cancel

    def cancel() -> None:
        bulk.close()
        original_cancel()

    writer.add_document = add_document  # type: ignore[method-assign]
    writer._flush_segment = flush  # type: ignore[method-assign]
    writer.cancel = cancel  # type: ignore[method-assign]
    return bulk
