"""Unexpected errors and degraded features: logged to one rotating file, raised when strict.

Code catches the exceptions it expects and handles them. Anything else is a bug: the boundary
that catches it (a worker, a fast path, the CLI's `main`) calls `unexpected()`, which writes the
traceback to the log (`paper-reader paths` names it) and, when `PAPER_READER_STRICT=1` (the
test suite sets it), raises it again so nothing is hidden from the tests. A feature that keeps
working in a lesser way (a fast path turned off, facet counts skipped) says so with
`degraded()`, once per cause. Importing this module does no I/O and does not import `logging`
(with `logging.handlers` and `socket`, 5-10 ms of every one-off command's start): both come
with the first message, which opens the log file.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

STRICT_ENV = "PAPER_READER_STRICT"
_LOG_BYTES = 1_000_000
_LOG_BACKUPS = 2

_lock = threading.Lock()
_logger: logging.Logger | None = None
_logger_path: Path | None = None
_said: set[tuple[str, str]] = set()


def strict() -> bool:
    """True when unexpected errors must be raised, not only logged (`PAPER_READER_STRICT=1`)."""
    return os.environ.get(STRICT_ENV, "").strip() not in ("", "0")


def log_path() -> Path:
    """The log file: `<state dir>/paper-reader.log`."""
    from reader.locations import resolve_locations

    return resolve_locations().log_file


def logger() -> logging.Logger:
    """The `paper-reader` logger, writing to the rotating log file (set up on first use).

    The file follows the current locations (tests point them elsewhere per test). When the
    state directory cannot be created or written, messages go nowhere rather than onto the
    terminal the app draws on; the caller's own one-line message still reaches the user.
    """
    import logging
    import logging.handlers

    from reader.locations import LocationError

    global _logger, _logger_path
    with _lock:
        try:
            path: Path | None = log_path()
        except LocationError:
            path = None
        if _logger is not None and path == _logger_path:
            return _logger
        log = logging.getLogger("paper-reader")
        log.setLevel(logging.INFO)
        log.propagate = False
        for old in list(log.handlers):
            log.removeHandler(old)
            old.close()
        handler: logging.Handler = logging.NullHandler()
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                handler = logging.handlers.RotatingFileHandler(
                    path, maxBytes=_LOG_BYTES, backupCount=_LOG_BACKUPS, encoding="utf-8"
                )
            except OSError:
                pass
        handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(message)s"))
        log.addHandler(handler)
        _logger, _logger_path = log, path
        return log


def unexpected(context: str, exc: BaseException) -> None:
    """Log an exception nobody expected, with its traceback; raise it again when strict.

    Call it from the `except` block that caught `exc`, so a strict re-raise keeps the original
    traceback.
    """
    logger().error("unexpected error in %s", context, exc_info=exc)
    if strict():
        raise exc


def degraded(what: str, why: str) -> None:
    """Log, once per process and cause, that `what` works in a lesser way because of `why`."""
    key = (what, why)
    with _lock:
        if key in _said:
            return
        _said.add(key)
    logger().warning("%s: %s", what, why)
