"""The reference: the same dumps in SQLite FTS5 (porter tokenizer, bm25), same queries.

Parsing goes through the product's own reader (`reader.ingest.iter_dump`), so both builds
pay the same parse cost; FTS5's index work is in C. Queries take the top 20 by bm25 with a
highlighted title and an abstract snippet, like the product's result list.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.fts5_once import SQL as _SQL
from reader.ingest import discover, iter_dump


def build(corpus: Path, db_path: Path) -> tuple[int, float]:
    """Parse every dump and index title + abstract; (papers, seconds)."""
    t = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE VIRTUAL TABLE papers USING fts5(title, abstract,"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    files, _ = discover([corpus])
    count = 0
    seen: set[str] = set()
    with db:
        for path in files:
            rows = []
            for paper in iter_dump(path):
                if paper.id in seen:
                    continue
                seen.add(paper.id)
                rows.append((paper.title, paper.abstract))
            db.executemany("INSERT INTO papers(title, abstract) VALUES (?, ?)", rows)
            count += len(rows)
    db.execute("INSERT INTO papers(papers) VALUES('optimize')")
    db.commit()
    db.close()
    return count, time.perf_counter() - t


def query_all(db_path: Path) -> list[dict[str, Any]]:
    from bench.queries import QUERIES

    db = sqlite3.connect(db_path)
    db.execute(_SQL, ("warm",)).fetchall()
    rows = []
    for kind, _text, fts in QUERIES:
        t = time.perf_counter()
        try:
            hits = len(db.execute(_SQL, (fts,)).fetchall())
        except sqlite3.OperationalError as exc:
            hits = -1
            print(f"fts5 query {fts!r}: {exc}")
        rows.append({"kind": kind, "query": fts, "ms": round((time.perf_counter() - t) * 1000, 2),
                     "hits": hits})  # fmt: skip
    db.close()
    return rows
