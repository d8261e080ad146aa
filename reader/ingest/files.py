"""Finding dump files and reading them safely: regular files only, size-capped, never a hang."""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from reader.locations import DUMP_SUFFIXES

MAX_DUMP_ENV = "PAPER_READER_MAX_DUMP_MB"
DEFAULT_MAX_DUMP_MB = 64


class DumpFileError(Exception):
    """A dump path cannot be read; the message is the one-line reason shown to the user."""


def max_dump_bytes() -> int:
    """The size cap for one (non-streamed) dump file, from `PAPER_READER_MAX_DUMP_MB`.

    An unset, unreadable, non-positive or non-finite value means the default (64 MB).
    """
    raw = os.environ.get(MAX_DUMP_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_DUMP_MB
    except ValueError:
        mb = DEFAULT_MAX_DUMP_MB
    if not math.isfinite(mb) or mb <= 0:
        mb = DEFAULT_MAX_DUMP_MB
    return max(1, int(mb * 1024 * 1024))


def discover(roots: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand dump roots into files, and list the roots that could not be used.

    A folder is scanned recursively for dump suffixes (hidden entries and symlinked
    folders are skipped, so loops cannot hang the scan; unreadable subfolders are
    reported); a file given directly is used whatever its suffix. A file whose name is not
    valid UTF-8 cannot be recorded in the index, so it is reported, not returned. Returns
    (files in a stable order, [(path, reason)]).
    """
    names, problems = discover_names(roots)
    return [Path(name) for name in names], problems


def discover_names(roots: Iterable[Path]) -> tuple[list[str], list[tuple[Path, str]]]:
    """`discover`, its files given as their paths' strings (`str` of each `Path`) and made
    without a `Path` each: a sync's scan of thousands of dumps runs before every command."""
    files: list[str] = []
    problems: list[tuple[Path, str]] = []
    seen: set[str] = set()
    for root in roots:
        try:
            st = os.stat(root)
        except OSError as exc:
            problems.append((root, _os_reason(exc)))
            continue
        found = _walk(root, problems) if stat.S_ISDIR(st.st_mode) else [str(Path(root))]
        for path in found:
            if path in seen:
                continue
            seen.add(path)
            if _storable(path):
                files.append(path)
            else:
                problems.append((Path(path), BAD_NAME))
    return files, problems


BAD_NAME = "file name is not valid UTF-8 (rename the file to read it)"


def _storable(path: str) -> bool:
    """A path the index can record: one that is valid UTF-8 (no undecodable bytes)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(root: Path, problems: list[tuple[Path, str]]) -> list[str]:
    """The dump files under `root`, each as `str(Path(folder) / name)`: the folder's part
    is made once per folder."""
    found: list[str] = []

    def onerror(exc: OSError) -> None:
        problems.append((Path(exc.filename or root), _os_reason(exc)))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        head = None
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(DUMP_SUFFIXES):
                continue
            if head is None:  # a name is one part: Path joins it after this
                head = str(Path(dirpath) / "_")[:-1]
            found.append(head + name)
    return found


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _refuse_irregular(st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise DumpFileError("is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise DumpFileError("not a regular file (FIFO, socket or device)")


def check_regular(path: Path) -> os.stat_result:
    """Stat a dump path, refusing anything but a regular file (FIFOs, devices, folders)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise DumpFileError(_os_reason(exc)) from exc
    _refuse_irregular(st)
    return st


def open_regular(path: Path) -> tuple[BinaryIO, os.stat_result]:
    """Open a dump for binary reading, refusing anything but a regular file.

    The file is opened non-blocking and checked with `fstat` on the open descriptor, so a
    FIFO (or a path swapped for one after a `stat`) can never block the reader.
    """
    check_regular(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise DumpFileError(_os_reason(exc)) from exc
    try:
        st = os.fstat(fd)
        _refuse_irregular(st)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return handle, st


def too_large(size: int, limit: int) -> DumpFileError:
    """The error for a file over the size cap; the message says how to raise the cap."""
    return DumpFileError(
        f"too large ({size / 1048576:.1f} MB > {limit / 1048576:g} MB; "
        f"set {MAX_DUMP_ENV} to raise the cap)"
    )


def read_capped(path: Path, max_bytes: int | None = None) -> bytes:
    """Read a whole regular file, refusing one over the size cap (the message says how to raise it)."""
    limit = max_dump_bytes() if max_bytes is None else max_bytes
    handle, st = open_regular(path)
    with handle:
        if st.st_size > limit:
            raise too_large(st.st_size, limit)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise DumpFileError(_os_reason(exc)) from exc
    if len(data) > limit:
        raise too_large(len(data), limit)
    return data
