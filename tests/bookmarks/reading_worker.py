"""A separate process that marks papers in a loop (driven by the reading-state tests).

Usage: python reading_worker.py PATH PREFIX COUNT [--go]
Prints `ready`, then (with --go, after a line on stdin) marks PREFIX-0 .. PREFIX-(COUNT-1)
seen one at a time, printing each id only after the store reported it committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.bookmarks.reading import ReadingStore, State


def main() -> int:
    path, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = ReadingStore(path)
    store.refresh()
    print("ready", flush=True)
    if "--go" in sys.argv:
        sys.stdin.readline()
    for n in range(count):
        pid = f"{prefix}-{n}"
        store.mark([pid], State.SEEN if n % 3 else State.DISMISSED)
        print(pid, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
