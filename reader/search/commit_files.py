"""Files derived from one commit of the Whoosh index, kept beside it (derived data).

A file is named `<prefix><generation>-<segments><suffix>`: the Whoosh generation and a
digest of the ids of the segments the reader reads, so a file of another commit is never
used (after a sync the name differs and the file is not found). Writing one removes the
files of older generations with the same prefix.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path
from typing import Any

from reader.search.postings import segment_ids

SUFFIX = ".bin"


def path_for(ix: Any, reader: Any, prefix: str) -> Path | None:
    """The `prefix` file of the commit `reader` reads (of index `ix`), or None when the index
    is not in a folder (Whoosh's RAM storage) or the reader has no generation."""
    folder = getattr(getattr(ix, "storage", None), "folder", None)
    generation = reader.generation() if hasattr(reader, "generation") else None
    if folder is None or generation is None or generation < 0:
        return None
    ids = ",".join(segment_ids(reader))
    digest = hashlib.sha1(ids.encode("utf-8")).hexdigest()[:16]
    return Path(folder).parent / f"{prefix}{generation}-{digest}{SUFFIX}"


def remove_older(path: Path, prefix: str) -> None:
    """Remove the `prefix` files of generations older than `path`'s (best effort)."""
    generation = generation_of(path.name, prefix)
    if generation is None:
        return
    for other in path.parent.glob(f"{prefix}*{SUFFIX}"):
        older = generation_of(other.name, prefix)
        if other != path and older is not None and older < generation:
            with contextlib.suppress(OSError):
                os.unlink(other)


def generation_of(name: str, prefix: str) -> int | None:
    """The Whoosh generation in a file name of `prefix`, or None if it is not one."""
    found = re.match(rf"{re.escape(prefix)}(\d+)-[0-9a-f]+{re.escape(SUFFIX)}\Z", name)
    return int(found.group(1)) if found else None


__all__ = ["SUFFIX", "generation_of", "path_for", "remove_older"]
