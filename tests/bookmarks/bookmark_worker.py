"""A separate process that changes the bookmarks in a loop (driven by the concurrency tests).

Usage: python bookmark_worker.py PATH PREFIX COUNT [--go]
Prints `ready`, then (with --go, after reading a line on stdin) for each n: adds
bookmark PREFIX-n, tags it, sets its note, and tags the shared bookmark; each change is
printed only after the call returned, i.e. after the store reported it saved.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.bookmarks import BookmarkStore
from reader.model import Paper, Source


def main() -> int:
    path, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = BookmarkStore(path, lock_timeout=30)
    print("ready", flush=True)
    if "--go" in sys.argv:
        sys.stdin.readline()
    shared = Paper(id="shared", title="Shared paper")
    for n in range(count):
        pid = f"{prefix}-{n}"
        paper = Paper(
            id=pid,
            title=f"Paper {pid} [Fe/H] " + "padding " * 40,
            abstract="An abstract that makes the file a little bigger. " * 20,
            sources=[Source(name="dump.txt", path="/x/dump.txt")],
        )
        store.add(paper, tags=[prefix])
        print(f"added {pid}", flush=True)
        store.tag(pid, [f"tag-{n}"])
        print(f"tagged {pid} tag-{n}", flush=True)
        store.set_note(pid, f"note {n}\nline two")
        print(f"noted {pid}", flush=True)
        store.add(shared, tags=[prefix])
        print(f"shared {prefix}", flush=True)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
