"""The bulk writer's sorted runs: postings spilled to disk, and merged back per term.

Each run is a temporary file of pickled batches of records in (field, term) order. At the
end the runs are merged, and a term's records from several runs concatenate: documents are
numbered in order, so each run holds later documents than the one before it.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from typing import IO, Any

#: A term's postings: (field, term bytes, docnums, freqs or weights, values or None).
Record = tuple[str, bytes, "array[int]", Any, Any]

#: A new term counts as TERM_COST postings (its string, list and table slot: about 200
#: bytes), since a part of rare word pairs holds millions of one-posting terms.
TERM_COST = 10
#: Postings per pickled batch in a run file (a record's arrays count; its term counts 10):
#: the merge holds one batch per run, so this bounds its memory (about 1 MB a run).
RUN_BATCH = 65_536


class SortedRuns:
    """The run files written so far (in `tempdir`, or the system's temporary folder)."""

    def __init__(self, tempdir: str | None) -> None:
        self.tempdir = tempdir
        self.files: list[IO[bytes]] = []

    def write(self, records: Iterable[Record]) -> None:
        """Write `records` (sorted by field and term) as a new run file."""
        run = tempfile.TemporaryFile(dir=self.tempdir, prefix="bulk-", suffix=".run")  # noqa: SIM115
        batch: list[Any] = []
        size = 0
        for record in records:
            batch.append(record)
            size += len(record[2]) + TERM_COST
            if size >= RUN_BATCH:
                pickle.dump(batch, run, pickle.HIGHEST_PROTOCOL)
                batch, size = [], 0
        if batch:
            pickle.dump(batch, run, pickle.HIGHEST_PROTOCOL)
        run.seek(0)
        self.files.append(run)

    @staticmethod
    def _read(run: IO[bytes]) -> Iterator[Any]:
        while True:
            try:
                batch = pickle.load(run)
            except EOFError:
                return
            yield from batch

    def merged(self) -> Iterator[Record]:
        """Every term once, in (field, term) order, its runs concatenated (docnums ascend)."""
        streams = [self._read(run) for run in self.files]
        # Plain tuple order: (field, term) first; a term's records from two runs then compare
        # by their docnum arrays, which ascend run by run, so runs stay in document order.
        merged = heapq.merge(*streams)
        current: list[Any] | None = None
        for record in merged:
            if current is not None and record[0] == current[0] and record[1] == current[1]:
                current[2].extend(record[2])
                current[3].extend(record[3])
                if current[4] is not None:
                    current[4].extend(record[4])
                continue
            if current is not None:
                yield current[0], current[1], current[2], current[3], current[4]
            current = list(record)
        if current is not None:
            yield current[0], current[1], current[2], current[3], current[4]

    def close(self) -> None:
        for run in self.files:
            run.close()
        self.files = []
