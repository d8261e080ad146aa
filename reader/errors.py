"""One line for the user, whatever went wrong (the CLI and the app both say it this way).

Cheap to import: the modules whose exceptions it knows are imported when an error is judged.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure the user can act on (bad input, a refused request); its text is the message."""


def expected_errors() -> tuple[type[BaseException], ...]:
    """Failures that are part of normal operation: shown as one line, never logged as bugs."""
    import sqlite3

    from reader.bookmarks.codec import CorruptFile
    from reader.bookmarks.model import BookmarkError
    from reader.ingest.files import DumpFileError
    from reader.locations import LocationError
    from reader.locking import LockBusy
    from reader.search.storage import IndexBusy, IndexDamaged, IndexWriteFailed

    return (
        UserError,
        LocationError,
        LockBusy,
        IndexBusy,
        IndexDamaged,
        IndexWriteFailed,
        BookmarkError,
        CorruptFile,
        DumpFileError,
        OSError,
        sqlite3.Error,
    )


def is_expected(exc: BaseException) -> bool:
    """True for the failures `expected_errors()` lists; anything else is a bug to log."""
    return isinstance(exc, expected_errors())


def note_unexpected(what: str, exc: BaseException) -> None:
    """At a boundary that degrades (a worker, a fallback): log `exc` if it is a bug (and raise
    it when strict, `reader.diagnostics`); an expected failure is left to the caller's message."""
    if not is_expected(exc):
        from reader.diagnostics import unexpected

        unexpected(what, exc)


def failure_message(what: str, exc: BaseException) -> str:
    """`what: <one line>` for a failure caught at a boundary, after `note_unexpected`."""
    note_unexpected(what, exc)
    return f"{what}: {error_message(exc)}"


def error_message(exc: BaseException) -> str:
    """One line for the user, whatever went wrong."""
    import sqlite3

    from reader.locations import LocationError
    from reader.search.storage import IndexBusy, IndexWriteFailed

    if isinstance(exc, (UserError, LocationError, IndexBusy, IndexWriteFailed)):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{(exc.strerror or str(exc)).lower()}{where}"
    if isinstance(exc, sqlite3.Error):
        return f"index catalog error: {exc}; run 'paper-reader index --rebuild'"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) < 300 else text[:297] + "..."
