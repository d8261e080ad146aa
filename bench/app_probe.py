"""App probes, each in a fresh process: `python -m bench.app_probe MODE ...`, one JSON line out.

- `bare T0`: a bare Textual app that paints one label; time from T0 (the parent's
  `time.time()` just before it spawned this process) to the end of its first frame.
- `app T0 DUMPS`: `reader.tui.make_app([DUMPS])` to the end of the first frame that draws the
  result list with its first search's ids (index already built, as on every start but the
  first). The list's `render_lines` marks that frame.
  Both take the time when the frame is handed to `App._display` (headless: not written), so
  each measures the same thing; a `call_after_refresh` callback may wait for a later frame.
- `keys CORPUS INDEX TEXT [cold]`: the app on a prebuilt library, headless under Pilot; TEXT
  is typed a letter at a time, once the app's background warm-up worker has finished (the
  warm-up and the garbage collection after it; `cold`:
  as soon as the first list shows), and each key's latency to the repainted, updated list is
  recorded.
  Peak RSS of this process is the app's peak RSS with that library; its RSS once the
  warm-up has finished (before the typing) is `rss_after_warm_mb`.
"""

from __future__ import annotations

import time

T_IMPORT = time.time()

import asyncio  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _rss_mb() -> float | None:
    """This process's RSS now (Linux; None elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return round(int(f.read().split()[1]) * resource.getpagesize() / 1048576, 1)
    except OSError:
        return None


def bare(t0: float) -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    out: dict[str, Any] = {}

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("hello")

        def _display(self, screen: Any, renderable: Any) -> None:  # the end of a frame
            super()._display(screen, renderable)
            if renderable is not None and "ms" not in out:
                out["ms"] = (time.time() - t0) * 1000
                self.exit()

    Bare().run(headless=True, size=(120, 40))
    return out


def app(t0: float, dumps: str) -> dict[str, Any]:
    from reader.tui import make_app

    out: dict[str, Any] = {}
    application = make_app([dumps])

    from reader.tui.widgets import PaperList

    render_lines = PaperList.render_lines

    def drawn(self: PaperList, crop: Any) -> Any:
        lines = render_lines(self, crop)
        if not out and self.id == "results-list" and application.searches.shown:
            # This frame draws the first search's list (empty or not): done when it is out.
            out["papers_listed"] = len(self.ids)
            out["pending"] = True
        return lines

    display = application._display

    def shown(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None and out.pop("pending", None):
            out["ms"] = (time.time() - t0) * 1000
            application.exit()

    PaperList.render_lines = drawn  # type: ignore[method-assign]
    application._display = shown  # type: ignore[method-assign]
    application.run(headless=True, size=(120, 40))
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


async def keys(corpus: str, index: str, text: str, cold: bool = False) -> dict[str, Any]:
    from textual.widgets import Input

    from reader.search import Library
    from reader.tui import make_app

    library = Library([Path(corpus)], Path(index), lock_timeout=600)
    application = make_app([corpus], library=library)
    # Textual dispatches messages to class methods, so hook the calls the app makes instead:
    # the worker posts SearchFinished(generation, result); the handler then calls set_ids.
    queries: dict[int, str] = {}
    finished: dict[str, float] = {}
    shown: dict[str, float] = {}
    post = application.post_message

    def posted(message: Any) -> bool:
        result = getattr(message, "result", None)
        if result is not None and hasattr(message, "generation"):
            queries[message.generation] = result.query
        return post(message)

    application.post_message = posted  # type: ignore[method-assign]

    def hook_list() -> None:
        plist = application.results.list
        set_ids = plist.set_ids

        def timed(*args: Any, **kwargs: Any) -> Any:
            out = set_ids(*args, **kwargs)
            query = queries.get(application.searches.generation)
            if query is not None:
                finished[query] = time.perf_counter()
            return out

        plist.set_ids = timed  # type: ignore[method-assign]
        render_lines = plist.render_lines

        def painted(*args: Any, **kwargs: Any) -> Any:  # the first frame drawing the new list
            out = render_lines(*args, **kwargs)
            query = queries.get(application.searches.generation)
            if query is not None and query in finished and query not in shown:
                shown[query] = time.perf_counter()
            return out

        plist.render_lines = painted  # type: ignore[method-assign]
        bar = application.search_bar
        show_note = bar.show_note

        def noted(*args: Any, **kwargs: Any) -> Any:  # a query that only shows a note
            out = show_note(*args, **kwargs)
            query = queries.get(application.searches.generation)
            if query is not None:
                finished[query] = time.perf_counter()
            return out

        bar.show_note = noted  # type: ignore[method-assign]

    #: press -> first frame that draws the list for the typed text (the target's measure)
    latencies: list[float] = []
    #: press -> the whole screen idle (counts, read pane and all; Pilot's own wait)
    settled: list[float] = []
    start = time.perf_counter()
    async with application.run_test(size=(120, 40)) as pilot:
        hook_list()
        while not (application.ready and application.searches.shown):
            await pilot.pause(0.01)
            if time.perf_counter() - start > 600:
                raise TimeoutError("the app did not become ready")
        ready_ms = (time.perf_counter() - start) * 1000
        warm_ms = rss_warm = None
        if not cold:  # typing once the background warm-up (vocabulary, common terms) is done
            while not library.warmed.is_set() or any(  # the warm-up worker and its collection
                w.group == "warm" and not w.is_finished for w in application.workers
            ):
                await pilot.pause(0.05)
                if time.perf_counter() - start > 600:
                    raise TimeoutError("the library did not finish warming")
            warm_ms = round((time.perf_counter() - start) * 1000, 1)
            rss_warm = _rss_mb()
        box = application.query_one("#query", Input)
        box.focus()
        box.value = ""
        await pilot.pause(0.3)
        typed = ""
        for letter in text:
            typed += letter
            t = time.perf_counter()
            await pilot.press(letter if letter != " " else "space")
            while typed not in finished or finished[typed] < t:
                await pilot.pause(0.002)
                if time.perf_counter() - t > 30:
                    raise TimeoutError(f"no results for {typed!r}")
            await pilot.pause(0)  # let the list repaint
            settled.append((time.perf_counter() - t) * 1000)
            painted_at = shown.get(typed)
            if painted_at is None:  # a note-only answer (no new list): count until settled
                painted_at = time.perf_counter()
            latencies.append((painted_at - t) * 1000)
    return {
        "latencies_ms": [round(x, 1) for x in latencies],
        "settled_ms": [round(x, 1) for x in settled],
        "ready_ms": round(ready_ms, 1),
        "warm_ms": warm_ms,
        "rss_after_warm_mb": rss_warm,
        "peak_rss_mb": _peak_rss_mb(),
    }


def main() -> int:
    mode = sys.argv[1]
    if mode == "bare":
        result = bare(float(sys.argv[2]))
    elif mode == "app":
        result = app(float(sys.argv[2]), sys.argv[3])
    elif mode == "keys":
        cold = len(sys.argv) > 5 and sys.argv[5] == "cold"
        result = asyncio.run(keys(sys.argv[2], sys.argv[3], sys.argv[4], cold))
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
