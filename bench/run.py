"""The benchmark driver: corpus, then each phase in its own process, then JSON and Markdown."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.app import as_built
from bench.corpus import write_corpus
from bench.report import markdown

REPO = Path(__file__).resolve().parent.parent


def worker(phase: str, corpus: Path, index: Path, *extra: str, python: str = sys.executable) -> Any:
    """Run one phase in a fresh interpreter and return its JSON line."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [python, "-m", "bench.worker", phase, str(corpus), str(index), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"phase {phase} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def corpus_dir(work: Path, size: int, seed: int) -> tuple[Path, float | None]:
    """The corpus for (size, seed), generated once and reused (a marker says it is complete)."""
    target = work / f"corpus-{size}-{seed}"
    marker = target / ".complete"
    if marker.exists():
        return target, None
    shutil.rmtree(target, ignore_errors=True)
    t = time.perf_counter()
    write_corpus(target, size, seed)
    marker.write_text("ok\n")
    return target, time.perf_counter() - t


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1048576:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, Linux {platform.release()}, Python {platform.python_version()}"


def chars_per_paper(corpus: Path) -> float:
    from reader.ingest import discover, iter_dump

    files, _ = discover([corpus])
    total = count = 0
    for path in files[:50]:
        for paper in iter_dump(path):
            total += len(paper.title) + len(paper.abstract)
            count += 1
    return round(total / max(count, 1))


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    corpus, gen_s = corpus_dir(work, args.size, args.seed)
    index = work / f"index-{args.size}-{args.seed}"
    log = print if not args.quiet else (lambda *a, **k: None)
    log(f"corpus: {corpus}" + (f" (generated in {gen_s:.0f} s)" if gen_s else " (cached)"))
    result: dict[str, Any] = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "corpus": {"papers": 0, "chars_per_paper": chars_per_paper(corpus), "dumps": 0},
    }
    result["corpus"]["dumps"] = len(list(corpus.glob("*.txt")))
    py = args.python or sys.executable
    seed = ["--seed", str(args.seed)]

    log("build …")
    build = worker("build", corpus, index, python=py)
    result["corpus"]["papers"] = build["papers"]
    result["build"] = build
    log(f"  {build['papers_per_s']} papers/s, {build['seconds']} s, {build['index_mb']} MB")
    log("unchanged re-sync …")
    noop = [worker("noop", corpus, index, python=py) for _ in range(3)]
    best = sorted(noop, key=lambda r: r["noop_sync_ms"])[1]
    result["noop_sync_ms"] = best["noop_sync_ms"]
    result["noop_detail"] = best
    log(f"  {result['noop_sync_ms']} ms")
    log("add a 100-paper dump …")
    add = worker("add", corpus, index, *seed, python=py)
    result["add_100_ms"] = add["add_100_ms"]
    result["add_detail"] = add
    log(
        f"  {add['add_100_ms']} ms; a dump a day: {add['daily_sync_ms']} ms, then the merge of"
        f" {add['merge_papers']} papers {add['merge_ms']} ms"
    )
    log("queries …")
    as_built(index)
    query = worker("query", corpus, index, python=py)
    result["query"] = query
    log(
        f"  p50 {query['p50_ms']} ms, p95 {query['p95_ms']} ms, plain p95 {query['plain_p95_ms']} ms"
    )
    log("queries after the app's warm-up …")
    as_built(index)
    warm = worker("query", corpus, index, "--warm", python=py)
    result["query_warm"] = {k: warm[k] for k in (
        "warm_ms", "warm_cpu_s", "rss_after_warm_mb", "p50_ms", "p95_ms", "max_ms",
        "plain_p95_ms", "plain_p50_ms", "queries")}  # fmt: skip
    log(
        f"  warm-up {warm['warm_ms']} ms; p95 {warm['p95_ms']} ms, plain p95 {warm['plain_p95_ms']} ms"
    )
    log("triage (reading state, inbox, saved searches) …")
    tri = worker("triage", corpus, index, python=py)
    result["triage"] = {k: v for k, v in tri.items() if k not in ("whoosh", "python")}
    log(
        f"  mark one {tri['mark_one_p50_ms']} ms, load {tri['load_state_ms']} ms, inbox "
        f"{tri['inbox_open_ms']} ms, {tri['feeds']} saved searches {tri['feed_counts_ms']} ms"
    )
    if args.mmap:
        log("queries with mmap storage …")
        mm = worker("query", corpus, index, "--mmap", python=py)
        result["query_mmap"] = {k: mm[k] for k in (
            "p50_ms", "p95_ms", "max_ms", "plain_p95_ms", "rss_after_open_mb",
            "rss_after_queries_mb", "peak_rss_mb")}  # fmt: skip
    if not args.skip_fts5:
        log("SQLite FTS5 reference …")
        result["fts5"] = worker(
            "fts5", corpus, work / f"fts5-{args.size}-{args.seed}.db", python=py
        )
        f = result["fts5"]
        log(
            f"  build {f['build_papers_per_s']} papers/s, p50 {f['query_p50_ms']} ms, p95 {f['query_p95_ms']} ms"
        )
    else:
        result["fts5"] = {"build_papers_per_s": None, "query_p50_ms": None, "query_p95_ms": None}
    log("one-off commands, whole processes …")
    fts5_db = work / f"fts5-{args.size}-{args.seed}.db"
    extra = ["--rounds", str(args.cli_rounds)]
    if not args.skip_fts5 and fts5_db.exists():
        extra += ["--fts5", str(fts5_db)]
    result["cli"] = worker("cli", corpus, index, *extra, python=py)
    c = result["cli"]
    log(
        f"  search p50 {c['plain_p50_ms']} ms (CPU {c['plain_cpu_p50_ms']}), no hits "
        f"{c['no_hits_ms']} ms, list 20 {c['list_20_ms']} ms; FTS5 script p50 {c['fts5_p50_ms']} ms"
    )
    if args.app == "skip":
        result["app"] = _no_app("skipped (--app skip)")
    else:
        from bench.app import measure_app

        log("app …")
        as_built(index)
        result["app"] = measure_app(corpus, work, quick=args.app == "quick", python=py, log=log)
    if args.jsonl:
        from bench.corpus import write_arxiv_jsonl

        result["jsonl"] = []
        for n in args.jsonl:
            folder = work / f"jsonl-{n}"
            folder.mkdir(exist_ok=True)
            path = folder / "arxiv-snapshot.jsonl"
            if not path.exists():
                log(f"writing a {n}-record JSONL …")
                write_arxiv_jsonl(path, n, args.seed)
            log(f"indexing the {n}-record JSONL …")
            row = worker("jsonl", path, work / f"jsonl-index-{n}", python=py)
            row["file_mb"] = round(path.stat().st_size / 1048576, 1)
            result["jsonl"].append(row)
            log(f"  {row['records']} records, peak RSS {row['peak_rss_mb']} MB")
    return result


def _no_app(reason: str) -> dict[str, Any]:
    return {
        "start_ms": None, "bare_textual_start_ms": None, "start_ratio": None,
        "keystroke_p95_ms": None, "rss_mb": None, "not_measured": reason,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000, help="papers in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workdir", default=os.environ.get("BENCH_WORKDIR", "/tmp/paper-reader-bench")
    )
    parser.add_argument("--json", help="write the results as JSON to this file")
    parser.add_argument("--markdown", help="write the results table as Markdown to this file")
    parser.add_argument("--app", choices=["full", "quick", "skip"], default="full",
                        help="app measurements: full, quick (one repetition) or skip")  # fmt: skip
    parser.add_argument("--skip-fts5", action="store_true")
    parser.add_argument("--mmap", action="store_true", help="also query with mmap storage")
    parser.add_argument("--jsonl", type=int, nargs="*", default=[],
                        help="also index arXiv-snapshot JSONL files of these sizes (peak RSS)")  # fmt: skip
    parser.add_argument("--cli-rounds", type=int, default=3,
                        help="one-off commands: runs of every query (medians)")  # fmt: skip
    parser.add_argument("--python", help="interpreter for the phases (e.g. another venv)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    result = run(args)
    table = markdown(result)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(table)
    print(table)
    return 0
