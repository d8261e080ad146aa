"""The app's measurements: start against a bare Textual app, keystroke latency, peak RSS."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from bench.queries import TYPED

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_dumps"


def compile_bytecode(python: str) -> None:
    """Write the bytecode of `reader` and `bench`, as `pip install` does for an installed app.

    The probes run the app from this checkout; with PYTHONDONTWRITEBYTECODE set (or after
    an edit) every start would compile the changed modules again (measured: 30 ms).
    """
    subprocess.run(
        [python, "-m", "compileall", "-q", str(REPO / "reader"), str(REPO / "bench")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip


def _probe(
    args: list[str], env: dict[str, str], python: str, timeout: float = 900
) -> dict[str, Any]:
    t0 = time.time()
    cmd = [
        python,
        "-m",
        "bench.app_probe",
        args[0],
        *([str(t0)] if args[0] != "keys" else []),
        *args[1:],
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                     ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):  # fmt: skip
        env[var] = str(home / sub)
    env["HOME"] = str(home)
    for var in ("PAPER_READER_DUMPS", "PAPER_READER_DATA_DIR", "PAPER_READER_CACHE_DIR"):
        env.pop(var, None)
    return env


def measure_app(
    corpus: Path, work: Path, quick: bool = False, python: str = sys.executable,
    log: Callable[..., None] = print,
) -> dict[str, Any]:  # fmt: skip
    """App start vs bare Textual (medians), keystroke p95 and peak RSS on the corpus."""
    result: dict[str, Any] = {
        "start_ms": None, "bare_textual_start_ms": None, "start_ratio": None,
        "keystroke_p95_ms": None, "rss_mb": None,
    }  # fmt: skip
    problems = []
    home = Path(tempfile.mkdtemp(prefix="bench-app-", dir=work))
    env = _env(home)
    dumps = home / "samples"
    shutil.copytree(SAMPLES, dumps)
    reps = 1 if quick else 9
    try:
        compile_bytecode(python)
        _probe(["app", str(dumps)], env, python)  # first start builds the samples' index
        bare, app = [], []
        for _ in range(reps):  # interleaved, so load changes hit both alike
            bare.append(_probe(["bare"], env, python)["ms"])
            started = _probe(["app", str(dumps)], env, python)
            if not started.get("papers_listed"):
                raise RuntimeError("the app listed no papers: the start measured an empty list")
            app.append(started["ms"])
        result["bare_textual_start_ms"] = round(statistics.median(bare), 1)
        result["start_ms"] = round(statistics.median(app), 1)
        result["start_ratio"] = round(result["start_ms"] / result["bare_textual_start_ms"], 2)
        result["start_samples_ms"] = {
            "app": [round(x) for x in app],
            "bare": [round(x) for x in bare],
        }
        log(f"  start {result['start_ms']} ms vs bare {result['bare_textual_start_ms']} ms")
    except Exception as exc:  # the app is being written concurrently: report, do not invent
        problems.append(f"start: {_last_line(exc)}")
    index = work / f"index-{corpus.name.removeprefix('corpus-')}"
    if index.exists():
        try:
            as_built(index)  # a first start after the build and the syncs
            keys = _probe(["keys", str(corpus), str(index), TYPED], env, python)
            lat = keys["latencies_ms"]
            ordered = sorted(lat)
            result["keystroke_p95_ms"] = ordered[max(0, round(0.95 * len(ordered) + 0.5) - 1)]
            result["keystroke_median_ms"] = statistics.median(lat)
            result["keystroke_latencies_ms"] = lat
            settled = sorted(keys.get("settled_ms", []))
            if settled:  # press -> whole screen idle (counts and read pane included)
                result["keystroke_settled_p95_ms"] = settled[
                    max(0, round(0.95 * len(settled) + 0.5) - 1)
                ]
                result["keystroke_settled_median_ms"] = statistics.median(settled)
            result["rss_mb"] = keys["peak_rss_mb"]
            result["keys_ready_ms"] = keys["ready_ms"]
            result["keys_warm_ms"] = keys.get("warm_ms")
            result["rss_after_warm_mb"] = keys.get("rss_after_warm_mb")
            log(
                f"  keystroke p95 {result['keystroke_p95_ms']} ms, peak RSS {result['rss_mb']} MB"
                f" ({result['rss_after_warm_mb']} MB after the warm-up)"
            )
            # The same typing as soon as the first list shows, while the warm-up still runs:
            # at a later start (the impacts the warm-up above stored are read), then at the
            # first start on this commit (nothing stored).
            for name in ("restart", "cold"):
                if name == "cold":
                    as_built(index)
                cold = _probe(["keys", str(corpus), str(index), TYPED, "cold"], env, python)
                lat = cold["latencies_ms"]
                ordered = sorted(lat)
                result[f"keystroke_{name}_p95_ms"] = ordered[
                    max(0, round(0.95 * len(ordered) + 0.5) - 1)
                ]
                result[f"keystroke_{name}_median_ms"] = statistics.median(lat)
                result[f"keystroke_{name}_latencies_ms"] = lat
                result["rss_mb"] = max(result["rss_mb"], cold["peak_rss_mb"])
                log(
                    f"  typed at once ({name}): keystroke p95 {result[f'keystroke_{name}_p95_ms']} ms"
                )
        except Exception as exc:
            problems.append(f"keystrokes: {_last_line(exc)}")
    else:
        problems.append("keystrokes: no prebuilt index for the corpus")
    if problems:
        result["not_measured"] = "; ".join(problems)
    shutil.rmtree(home, ignore_errors=True)
    return result


def _last_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}".strip()


def built_store(index: Path) -> Path:
    """The folder where the benchmark keeps a copy of what the build stored beside `index`."""
    return index.with_name(index.name + "-as-built")


def _stored(index: Path) -> list[Path]:
    return [*index.glob("impacts.sqlite*"), *_commit_files(index)]


def _commit_files(index: Path) -> list[Path]:
    """The vocabulary and paper id files stored beside `index`."""
    return [*index.glob("vocabulary-*.bin"), *index.glob("ids-*.bin")]


def keep_built(index: Path) -> None:
    """Copy what the build stored beside the index (the vocabulary, the paper ids and the
    common words' impacts, `reader.search.build_ranking`), for `as_built`."""
    kept = built_store(index)
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir()
    for path in _commit_files(index):
        shutil.copyfile(path, kept / path.name)
    source = index / "impacts.sqlite"
    if source.exists():
        target = kept / source.name
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)


def keep_synced(index: Path) -> None:
    """Replace the vocabulary and paper id files kept by `keep_built` with those of the
    index's current commit, which its syncs carried (`reader.search.commit_carry`), for
    `as_built`: a sync stores no impacts, so the build's are kept."""
    kept = built_store(index)
    if not kept.is_dir():
        return
    for path in _commit_files(kept):
        path.unlink()
    for path in _commit_files(index):
        shutil.copyfile(path, kept / path.name)


def as_built(index: Path) -> None:
    """Remove what warm-ups stored beside the index (the impacts,
    `reader.search.impact_store`, the vocabulary and the paper ids, `vocabulary_file` and
    `id_file`) and put back what the build and the syncs stored (`keep_built`,
    `keep_synced`), so what follows measures a first start after the benchmark's syncs:
    only its own warm-up stores more. The copies are written
    out before it returns (`os.sync`): a million papers' store is about a gigabyte, whose
    write-back would otherwise share the disk and the cores with the phase that follows."""
    for path in _stored(index):
        path.unlink()
    kept = built_store(index)
    for path in kept.iterdir() if kept.is_dir() else ():
        shutil.copyfile(path, index / path.name)
    os.sync()
