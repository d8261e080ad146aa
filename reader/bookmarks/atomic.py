"""Atomic file replacement: temp file in the same folder, fsync, rename over, fsync the folder.

A reader (or a crash at any instant) sees either the old file or the new one, never a
mix; a failed write (disk full, permission) leaves the old file untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reader.bookmarks.model import BookmarkError

TEMP_SUFFIX = ".tmp"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def ensure_private_dir(folder: Path) -> None:
    """Create `folder` (0700 whatever the umask); tighten it to 0700 if it is looser."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        mode = folder.stat().st_mode
        if mode & 0o077 or (mode & 0o700) != 0o700:
            os.chmod(folder, 0o700)
    except FileExistsError as exc:
        raise BookmarkError(f"{folder} exists but is not a folder") from exc
    except OSError as exc:
        raise BookmarkError(f"cannot create the bookmarks folder {folder}: {_reason(exc)}") from exc


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


def temp_prefix(path: Path) -> str:
    return f".{path.name}."


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> os.stat_result:
    """Replace `path` with `data` atomically and durably; return the new file's stat.

    Raises `BookmarkError` with a one-line message; on failure the old file is untouched
    and the temp file is removed.
    """
    folder = path.parent
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=folder)
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
        tmp = None
        fsync_dir(folder)
        return os.stat(path)
    except OSError as exc:
        raise BookmarkError(f"cannot save {path}: {_reason(exc)}") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def remove_stale_temps(path: Path) -> None:
    """Delete temp files a killed writer left next to `path` (call only while holding the lock)."""
    prefix = temp_prefix(path)
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)


def default_file_mode() -> int:
    """0666 minus the process umask (read without changing it), as a new file would get."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o600


def export_mode(path: Path) -> int:
    """The mode for an export written to `path`: keep an existing file's, else the umask default."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return default_file_mode()
