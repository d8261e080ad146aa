"""One question to the FTS5 reference as a script answers it: open, query, print, exit.

`python -m bench.fts5_once DB QUERY`: the top 20 by bm25 with a highlighted title and an
abstract snippet, as `paper-reader search` prints them. Only `sqlite3` is imported, as a
script written for the purpose would.
"""

from __future__ import annotations

import sqlite3
import sys

SQL = (
    "SELECT rowid, highlight(papers, 0, '[', ']'), snippet(papers, 1, '[', ']', '…', 32)"
    " FROM papers WHERE papers MATCH ? ORDER BY bm25(papers, 2.0, 1.0) LIMIT 20"
)


def main(argv: list[str]) -> int:
    db = sqlite3.connect(argv[0])
    rows = db.execute(SQL, (argv[1],)).fetchall()
    if not rows:
        print("No results.")
    for n, (rowid, title, snippet) in enumerate(rows, 1):
        print(f"{n:>3}. {title}\n     {rowid}\n     {snippet}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
