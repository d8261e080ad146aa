"""Whether the fast paths may run, and how one is run: the one switch they all obey.

The fast paths (the BM25F engine, the bulk writer and its term table, the tuned writer,
the in-memory lexicon and its suggestions, the parallel build's join) read or write
Whoosh's files through its private names. They were written for one distribution and
version of Whoosh (`WHOOSH`, as pinned in pyproject.toml), checked here once with
`importlib.metadata`: any other turns them all off, with one log line, and everything runs
through Whoosh's public API. `PAPER_READER_FAST=0` turns them off too (the tests run the
search tests both ways). Modules of the fast paths import Whoosh's private names only
inside code that runs after `fast()` said yes, so none fails to import on another Whoosh.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from reader.diagnostics import degraded, unexpected

#: The Whoosh distribution and version the fast paths were written and tested against.
WHOOSH = ("whoosh3", "3.54.0")
#: `PAPER_READER_FAST=0` turns every fast path off.
FAST_ENV = "PAPER_READER_FAST"
_WHAT = "fast search paths (engine, bulk writer, lexicon, parallel build)"

T = TypeVar("T")


class Unsupported(Exception):
    """A fast path's "I don't handle this": the caller uses Whoosh's own path instead."""


@functools.cache
def whoosh_mismatch() -> str | None:
    """Why the installed Whoosh is not the one the fast paths were written for (None: it is)."""
    import whoosh

    name, version = WHOOSH
    # The pinned wheel's own record beside the package answers without importing
    # importlib.metadata (slow to import for a one-off command); anything else asks it.
    site = Path(whoosh.__file__).resolve().parent.parent
    if (site / f"{name}-{version}.dist-info" / "METADATA").is_file():
        return None
    import importlib.metadata

    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return f"the {name} distribution is not installed (another Whoosh is)"
    if installed != version:
        return f"{name} {installed} is installed; they were written for {version}"
    return None


def fast() -> bool:
    """True if the fast paths may run (the right Whoosh, and not turned off)."""
    if os.environ.get(FAST_ENV, "").strip() == "0":
        degraded(_WHAT, f"turned off by {FAST_ENV}=0; searching through Whoosh itself")
        return False
    reason = whoosh_mismatch()
    if reason is not None:
        degraded(_WHAT, f"off: {reason}; searching through Whoosh itself")
        return False
    return True


def attempt(context: str, run: Callable[[], T]) -> T | None:
    """A fast path's answer, or None when the caller must take Whoosh's own path: the fast
    paths are off, or the fast path refused (`Unsupported`), or it failed. A failure is a
    bug: logged (and raised when `PAPER_READER_STRICT=1`) by `diagnostics.unexpected`."""
    if not fast():
        return None
    try:
        return run()
    except Unsupported:
        return None
    except Exception as exc:
        unexpected(context, exc)
        return None
