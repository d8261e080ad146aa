"""The paper-reader command line with its index warm-up blocked for ever (tests/tui/test_tui_quit.py).

`python -m tests.tui.quit_driver FD ARGS...` runs `paper-reader ARGS...` and reports on the
file descriptor FD, one line each: "paper <id>" when the read pane shows a paper, "warming"
when the warm-up has started (it then waits on an event nobody sets), and "flushing" when the
app has closed and its user-data writes are being made.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from reader.cli import main
from reader.search import Library
from reader.tui.app import PaperReaderApp

REPORT = int(sys.argv[1])


def say(line: str) -> None:
    os.write(REPORT, f"{line}\n".encode())


def blocked_warm(_library: Library) -> None:
    say("warming")
    threading.Event().wait()  # a warm-up that takes for ever


show_paper = PaperReaderApp.on_paper_loaded
flush = PaperReaderApp.flush_user_data


def paper_loaded(app: PaperReaderApp, message: Any) -> None:
    show_paper(app, message)
    if app.paper is not None:
        say(f"paper {app.paper.id}")


def flushing(app: PaperReaderApp, timeout: float) -> list[str]:
    say("flushing")
    return flush(app, timeout)


Library.warm = blocked_warm  # type: ignore[method-assign]
PaperReaderApp.on_paper_loaded = paper_loaded  # type: ignore[method-assign]
PaperReaderApp.flush_user_data = flushing  # type: ignore[method-assign]
raise SystemExit(main(sys.argv[2:]))
