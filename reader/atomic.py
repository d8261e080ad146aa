"""Atomic file replacement: temp file in the same folder, fsync, rename over, fsync the folder.

A reader (or a crash at any instant) sees either the old file or the new one, never a mix; a
failed write (disk full, permission) leaves the old file untouched and removes the temp file.
Every file paper-reader writes for the user (bookmarks, the UI state, fetched days, the fetch
record, exports) goes through `replace_atomic`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def temp_prefix(path: Path) -> str:
    """The prefix of `path`'s temp files (hidden, beside it), so stale ones can be found."""
    return f".{path.name}."


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_atomic(path: Path, data: bytes, mode: int = 0o600) -> os.stat_result:
    """Replace `path` with `data` atomically and durably; return the new file's stat.

    The folder must exist. Raises `OSError`; on failure the old file is untouched.
    """
    import tempfile  # not at import: the CLI's start-up imports this module via the config

    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=folder)
    done = False
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        done = True
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    fsync_dir(folder)
    return os.stat(path)
