"""Closing a catalog while another thread reads it (a sync replaces the catalog while a
worker still reads the old one): the read in progress finishes, nothing crashes, and later
uses are refused as a closed connection refuses them."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from reader.search import Library
from reader.search.catalog import Catalog


def test_a_read_in_progress_finishes_when_another_thread_closes_the_catalog(
    sample_dir: Path,
) -> None:
    with closing(Library([sample_dir], sample_dir.parent / "index")) as lib:
        lib.sync()
        path = lib.index_dir / "catalog.sqlite"
    catalog = Catalog(path)
    expected = [pid for (pid,) in catalog.connect().execute("SELECT id FROM records")]
    assert len(expected) > 100
    started, closed = threading.Event(), threading.Event()
    read: list[str] = []
    refused: list[BaseException] = []

    def reader() -> None:
        rows = catalog.connect().execute("SELECT id FROM records")
        read.append(next(rows)[0])
        started.set()
        closed.wait(10)
        read.extend(pid for (pid,) in rows)  # the statement began before the close
        try:
            catalog.connect()
        except sqlite3.ProgrammingError as exc:
            refused.append(exc)

    worker = threading.Thread(target=reader)
    worker.start()
    assert started.wait(10)
    catalog.close()
    closed.set()
    worker.join(10)
    assert read == expected
    assert len(refused) == 1
    with pytest.raises(sqlite3.ProgrammingError):
        catalog.get_meta("generation")
