"""Backups of the last good versions, and moving a corrupt file aside.

`bookmarks.json.bak1` is the newest backup, `.bak3` the oldest. A backup is only ever
made from a file that parsed, so a broken file can never push a good backup out.
Call these only while holding the store's lock.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path

from reader.bookmarks.codec import CorruptFile, Document, decode

KEEP = 3


def backup_path(path: Path, n: int) -> Path:
    return path.with_name(f"{path.name}.bak{n}")


def backup_paths(path: Path) -> list[Path]:
    """Newest first."""
    return [backup_path(path, n) for n in range(1, KEEP + 1)]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def rotate(path: Path, current: bytes) -> None:
    """Shift `.bak1..` down one and make `.bak1` the current (valid) file.

    `current` is what the caller read and parsed under the lock. The current file is
    hard-linked (it is about to be replaced by rename, so its inode becomes the backup);
    where links are not supported it is copied. Failures are ignored: backups are a
    safety net, and must never block saving.
    """
    newest = backup_path(path, 1)
    if _read(newest) == current:
        return
    for n in range(KEEP - 1, 0, -1):
        older, src = backup_path(path, n + 1), backup_path(path, n)
        if src.exists():
            with contextlib.suppress(OSError):
                os.replace(src, older)
    tmp = path.with_name(f".{path.name}.bak-new.tmp")
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    try:
        os.link(path, tmp)
    except OSError:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                view = memoryview(current)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            return
    with contextlib.suppress(OSError):
        os.replace(tmp, newest)


def good_backup(path: Path) -> tuple[Path, Document, bytes] | None:
    """The newest backup that parses and is of our schema version, if any."""
    for candidate in backup_paths(path):
        raw = _read(candidate)
        if raw is None:
            continue
        try:
            doc = decode(raw)
        except CorruptFile:
            continue
        if not doc.newer:
            return candidate, doc, raw
    return None


def move_aside(path: Path) -> Path:
    """Rename `path` to `<name>.corrupt-<UTC timestamp>` (never over an existing file).

    The bytes are kept as they are: a rename, not a copy. Raises `OSError`.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1000):
        suffix = f".corrupt-{stamp}" + (f"-{n}" if n else "")
        target = path.with_name(path.name + suffix)
        if target.exists() or target.is_symlink():
            continue
        try:
            # link + unlink: fails instead of silently replacing a file that appeared meanwhile.
            os.link(path, target)
        except FileExistsError:
            continue
        except OSError:
            os.rename(path, target)
            with contextlib.suppress(OSError):
                os.chmod(target, 0o600)
            return target
        os.unlink(path)
        with contextlib.suppress(OSError):
            os.chmod(target, 0o600)  # private like the rest; the bytes stay as they were
        return target
    raise OSError(f"too many corrupt copies of {path.name}")
