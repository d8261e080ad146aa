"""The one process-wide setting the app changes: when Python's cyclic garbage collector runs.

- `pause_for_start()` (called by `make_app`) and `resume_after_start()` (after the app's
  first frame, or when it closes before one): a start makes a few hundred thousand objects,
  all long-lived, and the collector's passes over them would be about a fifth of the start's
  CPU time. The collector is resumed only if this paused it.
- `pause_for_warmup()` and `resume_after_warmup()`, around the index warm-up: it makes
  most of the process's long-lived objects, and the collector's full passes over them while
  it runs would stop the keystrokes typed meanwhile.
- `settle_after_warmup()`: the index warm-up leaves many long-lived objects (frozen as it
  ends, so that no pass walks them during a keystroke); one full collection once typing
  has paused (a tenth of a second at a million papers), then `gc.freeze()` again, so that
  the collector's later full passes skip them.

`PAPER_READER_GC_TUNING=0` turns all of it off: the app then leaves the collector alone.
bench/README.md ("Process-wide settings") has the measurements.
"""

from __future__ import annotations

import gc
import os
import threading

ENV = "PAPER_READER_GC_TUNING"

#: Why the collector is paused ("start", "warm-up"): it runs again when none is left, and
#: only if it ran when the first pause began (a host program's choice is kept).
_holds: set[str] = set()
_holding = threading.Lock()


def enabled() -> bool:
    """Whether the app may tune the collector (read at each call, so tests can switch it)."""
    return os.environ.get(ENV, "1").strip() != "0"


def _hold(reason: str) -> None:
    if not enabled():
        return
    with _holding:
        if not _holds:
            if not gc.isenabled():
                return  # paused by someone else: theirs to resume
            gc.disable()
        _holds.add(reason)


def _release(reason: str) -> None:
    with _holding:
        if reason not in _holds:
            return
        _holds.discard(reason)
        if not _holds:
            gc.enable()


def pause_for_start() -> None:
    _hold("start")


def resume_after_start() -> None:
    _release("start")


def pause_for_warmup() -> None:
    """From the warm-up's worker, before it starts: its full collections over the growing
    heap (a fifth to a third of a second each at a million papers, four or five of them)
    would each stop every thread, keystrokes' searches and the screen included."""
    _hold("warm-up")


def resume_after_warmup() -> None:
    """The warm-up's objects are frozen first (`gc.freeze()`, no pass over them), so that
    the collector's passes skip them until `settle_after_warmup` looks at them once."""
    if enabled():
        gc.freeze()
    _release("warm-up")


def settle_after_warmup() -> None:
    if enabled():
        gc.unfreeze()  # a later warm-up (after a rebuild) collects what the previous one left
        gc.collect()
        gc.freeze()
