"""One benchmark phase in a fresh process (`python -m bench.worker PHASE ARGS...`).

Each phase prints one JSON object on its last stdout line. A fresh process per phase keeps
phases independent (cold caches, honest "process start" costs, per-phase peak RSS) and lets
the same phases run under another interpreter (the whoosh 2.7.4 comparison).
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def rss_mb() -> float:
    """Peak RSS of this process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def children_cpu() -> float:
    """CPU seconds of this process's finished children (a parallel build's parts)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def children_rss_mb() -> float:
    """Peak RSS of the largest finished child."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576, 1)
    except OSError:
        return float("nan")


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def dir_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return round(total / 1048576, 1)


def library(corpus: Path, index: Path, mmap: bool = False, stock: bool = False) -> Any:
    if stock:  # the ablation: Whoosh's own searcher, expansions and corrector
        from reader.search.compat import FAST_ENV

        os.environ[FAST_ENV] = "0"
    if mmap:
        from whoosh.filedb.filestore import FileStorage

        import reader.search.storage as st

        st.storage = lambda d: FileStorage(str(d / st.WHOOSH_DIR), supports_mmap=True)
    from reader.search import Library

    return Library([corpus], index, lock_timeout=600)


def phase_build(args: argparse.Namespace) -> dict[str, Any]:
    from bench.app import keep_built
    from reader.search.build_ranking import LABEL

    lib = library(args.corpus, args.index)
    ranking: list[float] = []

    def progress(_done: int, _total: int, label: str) -> None:
        if label.startswith(LABEL) and not ranking:
            ranking.append(time.perf_counter())

    t, cpu, cpu_children = time.perf_counter(), time.process_time(), children_cpu()
    report = lib.sync(progress=progress, rebuild=True)
    seconds = time.perf_counter() - t
    keep_built(args.index)
    own_cpu = time.process_time() - cpu
    cpu = own_cpu + children_cpu() - cpu_children  # the part processes of a parallel build
    whoosh_dir = args.index / "whoosh"
    segments = len(list(whoosh_dir.glob("*.seg")))
    return {
        "papers": report.papers,
        "seconds": round(seconds, 2),
        "papers_per_s": round(report.papers / seconds, 1),
        # From the ranking step's first word stored to the end (`build_ranking`).
        "ranking_store_s": round(t + seconds - ranking[0], 2) if ranking else None,
        "cpu_seconds": round(cpu, 2),
        "papers_per_cpu_s": round(report.papers / cpu, 1),
        "index_mb": dir_mb(args.index),
        "whoosh_mb": dir_mb(whoosh_dir),
        "segments": segments,
        "peak_rss_mb": max(rss_mb(), children_rss_mb()),
        "parent_cpu_seconds": round(own_cpu, 2),
    }


def phase_noop(args: argparse.Namespace) -> dict[str, Any]:
    t_import = time.perf_counter()
    lib = library(args.corpus, args.index)
    t = time.perf_counter()
    report = lib.sync()
    done = time.perf_counter()
    assert report.changed_files == 0 and not report.rebuilt, report
    return {
        "noop_sync_ms": round((done - t) * 1000, 1),
        "imports_ms": round((t - T_START) * 1000, 1),
        "process_to_synced_ms": round((done - T_START) * 1000, 1),
        "import_only_ms": round((t_import - T_START) * 1000, 1),
    }


def phase_add(args: argparse.Namespace) -> dict[str, Any]:
    from bench.app import keep_synced
    from bench.corpus import write_extra_dump

    lib = library(args.corpus, args.index)
    extra = args.corpus / "zz_extra_100.txt"
    left = [extra, *args.corpus.glob("zz_day*_100.txt")]
    if any(dump.exists() for dump in left):  # an interrupted run's: start from the corpus
        for dump in left:
            dump.unlink(missing_ok=True)
        lib.sync()
    lib.search("warm")  # open handles as a running app would have them
    write_extra_dump(extra, 100, seed=args.seed)
    t = time.perf_counter()
    report = lib.sync()
    added = time.perf_counter() - t
    hit = lib.search('title:"' + _first_title(extra) + '"', limit=5).total
    extra.unlink()
    t = time.perf_counter()
    lib.sync()
    removed = time.perf_counter() - t
    daily = _daily(args, lib)
    keep_synced(args.index)  # the files the syncs carried: the phases after start from them
    return {
        "add_100_ms": round(added * 1000, 1),
        "remove_100_ms": round(removed * 1000, 1),
        "papers_after_add": report.papers,
        "new_paper_found": hit > 0,
        **daily,
    }


DAYS = 4


def _daily(args: argparse.Namespace, lib: Any) -> dict[str, Any]:
    """`DAYS` 100-paper dumps added a sync each, then the merge they make due (as the app
    runs it once typing pauses, `paper-reader index` after its report); then removed."""
    from bench.corpus import write_extra_dump

    days = [args.corpus / f"zz_day{n}_100.txt" for n in range(DAYS)]
    syncs = []
    for n, dump in enumerate(days):
        write_extra_dump(dump, 100, seed=args.seed + 1 + n)
        t = time.perf_counter()
        lib.sync()
        syncs.append(round((time.perf_counter() - t) * 1000, 1))
    t = time.perf_counter()
    merged = lib.merge()
    merge_ms = round((time.perf_counter() - t) * 1000, 1)
    found = lib.search('title:"' + _title_word(days[0]) + '"', limit=5).total
    for dump in days:
        dump.unlink()
    lib.sync()  # the merged segment's papers all removed: dropped
    lib.merge()
    return {
        "daily_sync_ms": syncs,
        "merge_ms": merge_ms,
        "merge_papers": merged.papers if merged else 0,
        "merged_paper_found": found > 0,
    }


def _title_word(dump: Path) -> str:
    """The longest word of the dump's first title (no stop word)."""
    from reader.ingest import read_dump

    return max(read_dump(dump)[0][0].title.replace(":", " ").split(), key=len)


def _first_title(dump: Path) -> str:
    from reader.ingest import read_dump

    return read_dump(dump)[0][0].title.split(":")[-1].split()[0]


CPU_MS: list[float] = []


#: Per query run, whether its total was estimated.
ESTIMATED: list[bool] = []


def run_query(lib: Any, text: str) -> tuple[float, int]:
    """One query as the app lists its first page: top 20 (a phrase's total may be an
    estimate: `Library.search(estimate=True)`), then title and abstract highlight
    fragments, as the CLI prints them."""
    from reader.search.snippets import fragment

    t, cpu = time.perf_counter(), time.process_time()
    result = lib.search(text, limit=20, estimate=True)
    ESTIMATED.append(not result.total_exact)
    for pid in result.ids:
        paper = lib.get(pid)
        lib.highlight_spans(paper.title, result.terms, "title")
        fragment(paper.abstract, lib.highlight_spans(paper.abstract, result.terms))
    CPU_MS.append((time.process_time() - cpu) * 1000)
    if result.note and "not built" in result.note:
        raise RuntimeError(f"{text!r}: {result.note}")
    return (time.perf_counter() - t) * 1000, result.total


def phase_query(args: argparse.Namespace) -> dict[str, Any]:
    from bench.queries import MISSPELT, PLAIN_KINDS, QUERIES

    lib = library(args.corpus, args.index, mmap=args.mmap, stock=args.stock)
    t = time.perf_counter()
    first_ms, _ = run_query(lib, "model")  # opens the index and builds per-generation caches
    open_ms = (time.perf_counter() - t) * 1000
    rss_open = current_rss_mb()
    warm_ms = warm_cpu_s = rss_warm = None
    if args.warm:  # what the app does once its first list is drawn (`Library.warm`)
        from reader.tui import collector

        t, cpu_t = time.perf_counter(), time.process_time()
        collector.pause_for_warmup()  # the app's settings of the garbage collector
        lib.warm()
        collector.resume_after_warmup()
        collector.settle_after_warmup()
        warm_ms = round((time.perf_counter() - t) * 1000, 1)
        warm_cpu_s = round(time.process_time() - cpu_t, 1)
        rss_warm = current_rss_mb()
    rows = []
    for kind, text, _fts in QUERIES:
        ms, total = run_query(lib, text)
        row = {"kind": kind, "query": text, "ms": round(ms, 1), "hits": total}
        if ESTIMATED[-1]:
            row["hits_estimated"] = True
        rows.append(row)
    times = [r["ms"] for r in rows]
    plain = [r["ms"] for r in rows if r["kind"] in PLAIN_KINDS]
    cpu = CPU_MS[1 : 1 + len(QUERIES)]
    repeat = [run_query(lib, text)[0] for _k, text, _f in QUERIES]
    suggest = []
    suggestions = {}
    for text in MISSPELT:
        t = time.perf_counter()
        suggestions[text] = lib.suggest(text)
        suggest.append((time.perf_counter() - t) * 1000)
    zero = []
    for text in MISSPELT:
        t = time.perf_counter()
        lib.search(text, limit=20)
        zero.append((time.perf_counter() - t) * 1000)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(pct(times, 95), 1),
        "max_ms": round(max(times), 1),
        "plain_p95_ms": round(pct(plain, 95), 1),
        "plain_p50_ms": round(statistics.median(plain), 1),
        "suggest_ms": round(statistics.median(suggest), 1),
        "suggest_max_ms": round(max(suggest), 1),
        "zero_hit_search_p50_ms": round(statistics.median(zero), 1),
        "repeat_p95_ms": round(pct(repeat, 95), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(pct(cpu, 95), 1),
        "first_query_ms": round(first_ms, 1),
        "warm_ms": warm_ms,
        "warm_cpu_s": warm_cpu_s,
        "rss_after_warm_mb": rss_warm,
        "open_and_first_query_ms": round(open_ms, 1),
        "rss_after_open_mb": rss_open,
        "rss_after_queries_mb": current_rss_mb(),
        "peak_rss_mb": rss_mb(),
        "suggestions": suggestions,
        "queries": rows,
    }


def phase_fts5(args: argparse.Namespace) -> dict[str, Any]:
    from bench.fts5 import build, query_all

    db = args.index
    if db.exists():
        db.unlink()
    papers, seconds = build(args.corpus, db)
    rows = query_all(db)
    times = [r["ms"] for r in rows]
    from bench.queries import PLAIN_KINDS

    plain = [r["ms"] for r in rows if r["kind"] in PLAIN_KINDS]
    return {
        "papers": papers,
        "build_seconds": round(seconds, 2),
        "build_papers_per_s": round(papers / seconds, 1),
        "db_mb": round(db.stat().st_size / 1048576, 1),
        "query_p50_ms": round(statistics.median(times), 2),
        "query_p95_ms": round(pct(times, 95), 2),
        "query_max_ms": round(max(times), 2),
        "plain_p95_ms": round(pct(plain, 95), 2),
        "queries": rows,
    }


def phase_jsonl(args: argparse.Namespace) -> dict[str, Any]:
    """Index an arXiv-snapshot JSONL file; peak RSS shows whether memory grows with the file."""
    lib = library(args.corpus, args.index)
    t = time.perf_counter()
    report = lib.sync(rebuild=True)
    seconds = time.perf_counter() - t
    return {
        "records": report.papers,
        "seconds": round(seconds, 1),
        "papers_per_s": round(report.papers / seconds, 1),
        "peak_rss_mb": rss_mb(),
        "format": report.files[0].format if report.files else None,
    }


def phase_triage(args: argparse.Namespace) -> dict[str, Any]:
    """Daily triage at this size: every paper but the newest dump's marked (the history), then
    mark one paper, load the state as a new process would, open the inbox, and count 20
    saved searches' unread papers (what the app does after a sync and after marks)."""
    import tempfile

    from bench.queries import PLAIN_KINDS, QUERIES
    from reader.bookmarks import BookmarkStore
    from reader.bookmarks.reading import ReadingStore, State
    from reader.search import Filters
    from reader.triage import Triage

    lib = library(args.corpus, args.index)
    lib.sync()
    folder = Path(tempfile.mkdtemp(prefix="triage-bench-"))
    path = folder / "reading.sqlite"
    bookmarks = BookmarkStore(folder / "bookmarks.json")
    t = time.perf_counter()
    news = lib.news_ids()
    news_first_ms = (time.perf_counter() - t) * 1000
    newest = {s.name for s in lib.news_sources()[:1]}
    today = set(lib.search("", Filters(sources=frozenset(newest)), limit=None).ids)
    history = [i for i in news if i not in today]
    t = time.perf_counter()
    ReadingStore(path).mark(history, State.SEEN, "bulk")
    bulk_ms = (time.perf_counter() - t) * 1000
    store = ReadingStore(path)
    store.refresh()
    marks = []
    for n in range(40):  # alternate two states so each call changes one row
        t = time.perf_counter()
        store.mark([history[n % len(history)]], State.DISMISSED if n % 2 else State.SEEN)
        marks.append((time.perf_counter() - t) * 1000)
    loads, load_cpu = [], []
    for _ in range(5):
        t, cpu = time.perf_counter(), time.process_time()
        ReadingStore(path).refresh()
        loads.append((time.perf_counter() - t) * 1000)
        load_cpu.append((time.process_time() - cpu) * 1000)
    inbox_cold: list[float] = []
    inbox_warm: list[float] = []
    for _ in range(3):
        fresh = library(args.corpus, args.index)
        triage = Triage(fresh, ReadingStore(path), bookmarks)
        t = time.perf_counter()
        inbox = triage.inbox()
        inbox_cold.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        triage.inbox()
        triage.unread_count()
        inbox_warm.append((time.perf_counter() - t) * 1000)
    queries = [text for kind, text, _ in QUERIES if kind in PLAIN_KINDS][:20]
    queries += [text for _, text, _ in QUERIES if text not in queries][: 20 - len(queries)]
    for n, text in enumerate(queries):
        store.save_search(f"feed {n:02d}", text, {})
    triage = Triage(lib, store, bookmarks)
    triage.feed_counts()  # opens the index (the app has it open by then)
    counts_ms = []
    for _ in range(3):
        t = time.perf_counter()
        counts = triage.feed_counts()
        counts_ms.append((time.perf_counter() - t) * 1000)
    return {
        "news_papers": len(news),
        "marks": len(history),
        "inbox_papers": len(inbox),
        "news_ids_first_ms": round(news_first_ms, 1),
        "bulk_mark_ms": round(bulk_ms, 1),
        "mark_one_p50_ms": round(statistics.median(marks), 2),
        "mark_one_p95_ms": round(pct(marks, 95), 2),
        "load_state_ms": round(statistics.median(loads), 1),
        "load_state_cpu_ms": round(statistics.median(load_cpu), 1),
        "inbox_open_ms": round(statistics.median(inbox_cold), 1),
        "inbox_again_ms": round(statistics.median(inbox_warm), 1),
        "feeds": len(queries),
        "feed_counts_ms": round(statistics.median(counts_ms), 1),
        "feed_unread_total": sum(counts.values()),
        "reading_file_mb": round(sum(f.stat().st_size for f in folder.iterdir()) / 1048576, 1),
    }


def _processes(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Run one whole process; (wall ms, CPU ms, stdout)."""
    import subprocess

    before = children_cpu()
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    wall = (time.perf_counter() - t) * 1000
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[3:]} failed: {proc.stderr[-2000:]}")
    return wall, (children_cpu() - before) * 1000, proc.stdout


def installed_python(work: Path, repo: Path) -> str:
    """An interpreter that imports paper-reader as `pip install .` leaves it: a venv (no pip)
    whose one `.pth` file puts the repository and this interpreter's packages on the path.
    The bench's own venv has the package installed in editable mode, whose import hook
    costs every process about 15 ms that an installed package does not."""
    import site
    import subprocess
    import sysconfig

    venv = work / "cli-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    ours = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    lines = [str(repo), *dict.fromkeys(p for p in ours if Path(p).is_dir())]
    Path(purelib, "paper_reader_bench.pth").write_text("\n".join(lines) + "\n")
    return str(python)


def phase_cli(args: argparse.Namespace) -> dict[str, Any]:
    """One-off commands as scripts run them: each question a whole `paper-reader` process
    on the built index (bytecode written, one unmeasured run first), beside a one-shot
    FTS5 script on the same corpus. Medians of `--rounds` runs of every query."""
    from bench.queries import MISSPELT, PLAIN_KINDS, QUERIES
    from reader.locations import resolve_locations

    repo = Path(__file__).resolve().parent.parent
    work = args.index.parent
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(repo), PAPER_READER_CACHE_DIR=str(work / "cli-cache"))
    for sub in ("DATA", "STATE", "CONFIG"):
        env[f"PAPER_READER_{sub}_DIR"] = str(work / f"cli-{sub.lower()}")
    # The CLI's index folder for this dump set is the bench's own index.
    os.environ["PAPER_READER_CACHE_DIR"] = env["PAPER_READER_CACHE_DIR"]
    link = resolve_locations().index_dir([args.corpus.resolve()])
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(args.index.resolve())
    cli = [installed_python(work, repo), "-m", "reader", "--dumps", str(args.corpus.resolve())]
    fts = [sys.executable, "-m", "bench.fts5_once", str(args.fts5)] if args.fts5 else None
    plain = [(text, fts_text) for kind, text, fts_text in QUERIES if kind in PLAIN_KINDS]

    def run(cmd: list[str]) -> tuple[float, float, str]:
        return _processes(cmd, env, repo)

    run([*cli, "search", "diffusion"])  # writes bytecode; the index's files are read once
    if fts:
        run([*fts, "diffusion"])
    walls: dict[str, list[float]] = {
        "plain": [],
        "no_hits": [],
        "list": [],
        "inbox": [],
        "fts5": [],
    }
    cpus: dict[str, list[float]] = {k: [] for k in walls}
    hints: dict[str, str] = {}
    for _ in range(args.rounds):
        for text, fts_text in plain:
            wall, cpu, _out = run([*cli, "search", text])
            walls["plain"].append(wall)
            cpus["plain"].append(cpu)
            if fts:
                wall, cpu, _out = run([*fts, fts_text])
                walls["fts5"].append(wall)
                cpus["fts5"].append(cpu)
        for text in MISSPELT:
            wall, cpu, out = run([*cli, "search", text])
            walls["no_hits"].append(wall)
            cpus["no_hits"].append(cpu)
            hints[text] = out.strip()
        for name, command in (("list", "list"), ("inbox", "inbox")):
            wall, cpu, _out = run([*cli, command, "--limit", "20"])
            walls[name].append(wall)
            cpus[name].append(cpu)

    def med(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if values else None

    return {
        "plain_p50_ms": med(walls["plain"]),
        "plain_p95_ms": round(pct(walls["plain"], 95), 1),
        "plain_cpu_p50_ms": med(cpus["plain"]),
        "no_hits_ms": med(walls["no_hits"]),
        "no_hits_cpu_ms": med(cpus["no_hits"]),
        "list_20_ms": med(walls["list"]),
        "list_20_cpu_ms": med(cpus["list"]),
        "inbox_20_ms": med(walls["inbox"]),
        "inbox_20_cpu_ms": med(cpus["inbox"]),
        "fts5_p50_ms": med(walls["fts5"]),
        "fts5_cpu_p50_ms": med(cpus["fts5"]),
        "rounds": args.rounds,
        "no_hits_output": hints,
    }


PHASES = {
    "build": phase_build,
    "noop": phase_noop,
    "add": phase_add,
    "query": phase_query,
    "fts5": phase_fts5,
    "jsonl": phase_jsonl,
    "triage": phase_triage,
    "cli": phase_cli,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.worker")
    parser.add_argument("phase", choices=sorted(PHASES))
    parser.add_argument("corpus", type=Path)
    parser.add_argument("index", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mmap", action="store_true")
    parser.add_argument("--stock", action="store_true", help="query: Whoosh's own paths only")
    parser.add_argument("--warm", action="store_true", help="query: after Library.warm()")
    parser.add_argument("--fts5", type=Path, help="cli: the FTS5 database of the same corpus")
    parser.add_argument("--rounds", type=int, default=3, help="cli: runs of every query")
    args = parser.parse_args(argv)
    result = PHASES[args.phase](args)
    import whoosh

    result["whoosh"] = getattr(whoosh, "versionstring", lambda: "?")()
    result["python"] = sys.version.split()[0]
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
