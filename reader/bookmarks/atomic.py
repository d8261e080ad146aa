"""The bookmarks' files: private folders, atomic writes (`reader.atomic`) with one-line
`BookmarkError`s, stale temp files, and the modes of exports."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from reader.atomic import TEMP_SUFFIX, replace_atomic, temp_prefix
from reader.bookmarks.model import BookmarkError


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


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> os.stat_result:
    """Replace `path` with `data` atomically and durably; return the new file's stat.

    Raises `BookmarkError` with a one-line message; on failure the old file is untouched
    and the temp file is removed.
    """
    try:
        return replace_atomic(path, data, mode)
    except OSError as exc:
        raise BookmarkError(f"cannot save {path}: {_reason(exc)}") from exc


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
