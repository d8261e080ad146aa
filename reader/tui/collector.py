"""The one process-wide setting the app changes: when Python's cyclic garbage collector runs.

- `pause_for_start()` (called by `make_app`) and `resume_after_start()` (after the app's
  first frame, or when it closes before one): a start makes a few hundred thousand objects,
  all long-lived, and the collector's passes over them would be about a fifth of the start's
  CPU time. The collector is resumed only if this paused it.
- `settle_after_warmup()`: the index warm-up leaves many long-lived objects; one full
  collection while the app is idle, then `gc.freeze()`, so that the collector's later full
  passes skip them instead of walking them all during a keystroke.

`PAPER_READER_GC_TUNING=0` turns all of it off: the app then leaves the collector alone.
bench/README.md ("Process-wide settings") has the measurements.
"""

from __future__ import annotations

import gc
import os

ENV = "PAPER_READER_GC_TUNING"

_paused = False


def enabled() -> bool:
    """Whether the app may tune the collector (read at each call, so tests can switch it)."""
    return os.environ.get(ENV, "1").strip() != "0"


def pause_for_start() -> None:
    global _paused
    if enabled() and gc.isenabled():
        gc.disable()
        _paused = True


def resume_after_start() -> None:
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def settle_after_warmup() -> None:
    if enabled():
        gc.unfreeze()  # a later warm-up (after a rebuild) collects what the previous one left
        gc.collect()
        gc.freeze()
