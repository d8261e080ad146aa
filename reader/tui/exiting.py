"""Running the app so that quitting ends the process at once, whatever runs in the background.

Textual runs each thread worker on its event loop's default executor, and `asyncio.run`
joins that executor's threads when the app returns (as Python joins every non-daemon thread
at exit): quitting during the index warm-up, a sync or a long search would wait for it, which
is minutes at a million papers. `run` gives the app a loop whose executor is shut down
without waiting, then makes the user-data writes still queued or in flight
(`PaperReaderApp.flush_user_data`: bookmarks, reading state, saved searches, UI state).
Read-only and derived work (the warm-up, searches, counts, a sync, a fetch) is abandoned: a
worker that checks `is_cancelled` stops at its next check, one that does not is left running,
and `reader.commands.run_app` ends the process without joining it (`abandoned_threads`). A
sync cut this way leaves the previous index in use: the catalog's transaction is rolled
back and Whoosh never committed (tests/tui/test_tui_quit.py kills one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.tui.app import PaperReaderApp

#: The longest the user's writes may take once the app has closed (seconds). They are quick
#: (an atomic file, a SQLite transaction), but one may be waiting for another paper-reader's.
FLUSH_TIMEOUT = 10.0


def run(app: PaperReaderApp) -> int:
    """Run the app until it quits, then write the user's data still queued (also when the
    run fails); 1 when the app failed or some of the data could not be written (one line per
    problem on stderr), else 0."""
    loop = asyncio.new_event_loop()
    executor = ThreadPoolExecutor(thread_name_prefix="paper-reader-worker")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    try:
        app.run(loop=loop)
    finally:
        try:
            _cancel_remaining(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            # Workers not yet started never start; running ones are not waited for.
            executor.shutdown(wait=False, cancel_futures=True)
            asyncio.set_event_loop(None)
            loop.close()
        problems = app.flush_user_data(FLUSH_TIMEOUT)
        for problem in problems:
            print(f"paper-reader: {problem}", file=sys.stderr)
    return 1 if problems or app.return_code else 0


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks the app left on its loop and let them unwind (as `asyncio.run` does)."""
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def abandoned_threads() -> list[threading.Thread]:
    """Threads still running that Python would join at exit (the main thread aside)."""
    main = threading.main_thread()
    return [t for t in threading.enumerate() if t is not main and not t.daemon and t.is_alive()]


def flush_output() -> None:
    """Flush stdout, stderr and the log's handlers: what `os._exit` would otherwise lose."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or broken stream: nothing to save
            stream.flush()
    logging.shutdown()
