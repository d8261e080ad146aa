"""One line for the user, whatever went wrong (the CLI and the app both say it this way)."""

from __future__ import annotations

import sqlite3

from reader.locations import LocationError
from reader.search.storage import IndexBusy, IndexWriteFailed


def error_message(exc: BaseException) -> str:
    """One line for the user, whatever went wrong."""
    if isinstance(exc, (LocationError, IndexBusy, IndexWriteFailed)):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{(exc.strerror or str(exc)).lower()}{where}"
    if isinstance(exc, sqlite3.Error):
        return f"index catalog error: {exc}; run 'paper-reader index --rebuild'"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) < 300 else text[:297] + "..."
