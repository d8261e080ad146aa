"""How the library's public reads never raise: a damaged index gives the caller's
fallback (logged once where the caller says so), anything else is a bug, logged, and
gives the fallback too (`reader.diagnostics`: raised again under PAPER_READER_STRICT)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from reader.search.storage import damage_errors

T = TypeVar("T")


def guarded(
    what: str,
    run: Callable[[], T],
    fallback: Callable[[BaseException], T],
    damaged: str | None = None,
) -> T:
    """`run()`, or `fallback(exc)` when it raised `exc`. An index damaged on disk since it
    was opened (`damage_errors`) is logged as `what` working in a lesser way when `damaged`
    says how ("none while the index cannot be read"); any other exception is a bug."""
    from reader.diagnostics import degraded, unexpected

    try:
        return run()
    except damage_errors() as exc:
        if damaged is not None:
            degraded(what, f"{damaged} ({exc})")
        return fallback(exc)
    except Exception as exc:
        unexpected(what, exc)
        return fallback(exc)


__all__ = ["guarded"]
