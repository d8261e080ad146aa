"""The `words` vocabulary of one index generation, stored beside the index (derived data).

The warm-up, which reads the vocabulary from every segment anyway, writes it to
`<index_dir>/vocabulary-<generation>-<segments>.bin`; a one-off command's "did you mean"
reads it back in milliseconds instead of looking each spelling candidate up in every
segment's term table. The name holds the Whoosh generation and a digest of the segment ids
the reader reads, so a file of another commit is never used: after a sync the name differs
(the sync carries the file to its new commit, `reader.search.commit_carry`, and removes
older ones; failing that, the next warm-up writes it).
A file that cannot be read whole and valid is treated as absent and rewritten by the
next warm-up; a file that cannot be written only costs the one-off commands their speed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.atomic import replace_atomic
from reader.diagnostics import degraded
from reader.search import commit_files
from reader.search.vocabulary import Vocabulary, VocabularyFileError

PREFIX = "vocabulary-"


def path_for(ix: Any, reader: Any) -> Path | None:
    """The file of the commit `reader` reads (of index `ix`), or None when the index is not
    in a folder (Whoosh's RAM storage) or the reader has no generation."""
    return commit_files.path_for(ix, reader, PREFIX)


def read(path: Path) -> Vocabulary | None:
    """The stored vocabulary, or None when there is none or it cannot be read (logged)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        degraded("stored vocabulary", f"unreadable, not used ({exc.strerror or exc})")
        return None
    try:
        return Vocabulary.from_bytes(data)
    except VocabularyFileError as exc:
        degraded("stored vocabulary", f"damaged, not used until the next warm-up ({exc})")
        return None


def store(path: Path, vocabulary: Vocabulary) -> None:
    """Write `vocabulary` to `path` unless a valid file is there, and remove the files of
    older generations; a failure is logged once and otherwise ignored."""
    try:
        if not (path.is_file() and _valid(path)):
            replace_atomic(path, b"".join(vocabulary.write_bytes()), mode=0o644)
    except OSError as exc:
        degraded("storing the vocabulary", f"skipped ({exc.strerror or exc})")
        return
    commit_files.remove_older(path, PREFIX)


def _valid(path: Path) -> bool:
    try:
        Vocabulary.from_bytes(path.read_bytes())
    except VocabularyFileError:
        return False
    return True
