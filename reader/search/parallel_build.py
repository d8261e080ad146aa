"""A large fresh build split across processes: each part of the dump list is read and
indexed by its own spawned process into its own folder (catalog + one Whoosh segment),
then the parts are joined: their segments listed in one table of contents, their catalogs
copied into one, and papers found in several parts merged as an incremental sync would.

Separate interpreters (`python -m reader.search.parallel_build`, the job on stdin, progress as
JSON lines on stdout), never forks: the app syncs from a thread, and forking a threaded
process is unsafe. Small builds stay in one process (starting one costs more than it saves).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import threading
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.ingest import date_key, merge_records
from reader.search import compat
from reader.search.bulk_writer import install as install_bulk
from reader.search.catalog import SCHEMA_VERSION, Catalog
from reader.search.storage import CATALOG_FILE, WHOOSH_DIR, create_whoosh, storage
from reader.search.sync_apply import FileState, Plan, Progress, Syncer, source_infos, to_document
from reader.search.types import SyncReport

#: Processes for a large build (None: one per CPU, at most MAX_PROCESSES).
PROCESSES: int | None = None
MAX_PROCESSES = 4
#: Dump bytes a process must have to be worth starting (about 5,000 papers).
MIN_BYTES_PER_PROCESS = 8 << 20
#: Largest part: sized so a part's postings and terms stay under the bulk writer's spill limit
#: (up to `MAX_PARTS`).
MAX_BYTES_PER_PART = 32 << 20
#: The most parts, so segments, a build makes: a larger build makes larger parts, which
#: spill (a slower build), since every search pays per segment (each of its terms is
#: located, read and assembled segment by segment).
MAX_PARTS = 16


def processes() -> int:
    if PROCESSES is not None:
        return max(1, PROCESSES)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_PROCESSES, cpus))


def split(plan: Plan) -> list[list[FileState]] | None:
    """Contiguous parts of the dump list of about equal size, or None to build in one process
    (also when the fast paths are off: `compat.fast`).

    At least one part per process; more when a part would exceed `MAX_BYTES_PER_PART`, so
    that no part's postings outgrow memory (spilling and merging runs costs a part about
    half its time), up to `MAX_PARTS`: each part becomes one Whoosh segment.
    """
    if not compat.fast():  # the join rewrites Whoosh's table of contents: one process instead
        return None
    states = [s for s in plan.changed if s.size > 0]
    if plan.removed or len(states) != len(plan.changed):
        return None
    total = sum(s.size for s in states)
    procs = processes()
    if procs < 2 or total < 2 * MIN_BYTES_PER_PROCESS:
        return None
    most = max(1, MAX_PARTS // procs) * procs  # in whole rounds of processes
    parts = max(procs, min(most, -(-total // MAX_BYTES_PER_PART)))
    parts = min(len(states), -(-parts // procs) * procs)  # whole rounds of processes
    if parts < 2:
        return None
    out: list[list[FileState]] = [[] for _ in range(parts)]
    done = 0
    for state in states:
        index = min(parts - 1, (done + state.size // 2) * parts // total)
        out[index].append(state)
        done += state.size
    kept = [part for part in out if part]
    return kept if len(kept) > 1 else None


@dataclass
class _Part:
    number: int
    folder: Path
    states: list[FileState]
    process: Any = None
    done: int = 0
    total: int = 1
    finished: bool = False


def build(
    folder: Path, catalog: Catalog, ix: Any, plan: Plan, parts: list[list[FileState]],
    progress: Progress | None = None,
) -> SyncReport:  # fmt: skip
    """Build the index in `folder` (its catalog and empty Whoosh index already created),
    running `processes()` parts at a time."""
    report_progress = progress or (lambda done, total, label: None)
    messages: queue.Queue[tuple[int, dict[str, Any] | None]] = queue.Queue()
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    every = [
        _Part(number, folder / f"part-{number}", states, total=2 * len(states) + 1)
        for number, states in enumerate(parts)
    ]
    waiting = list(every)

    def start_next() -> None:
        part = waiting.pop(0)
        job = json.dumps({"folder": str(part.folder), "states": [s._asdict() for s in part.states]})
        part.process = subprocess.Popen(
            [sys.executable, "-m", "reader.search.parallel_build"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, text=True,
        )  # fmt: skip
        # The job is one line; stdin then stays open until the build ends, so a part sees
        # it close (end of file) if this process dies, and stops (`_exit_with_parent`).
        with contextlib.suppress(BrokenPipeError):  # a process that died: reported below
            part.process.stdin.write(job + "\n")
            part.process.stdin.flush()
        threading.Thread(
            target=_relay, args=(part.number, part.process, messages), daemon=True
        ).start()

    def show(label: str) -> None:
        report_progress(sum(p.done for p in every), sum(p.total for p in every) + 1, label)

    try:
        for _ in range(min(processes(), len(waiting))):
            start_next()
        pending = len(every)
        last = "indexing"
        while pending:
            try:
                number, message = messages.get(timeout=0.5)
            except queue.Empty:
                show(last)  # lets a caller that wants to stop (the app quitting) raise here
                continue
            part = every[number]
            if message is None:
                if not part.finished:
                    code = part.process.wait()
                    raise OSError(f"an indexing process stopped (exit code {code})")
                pending -= 1
                if waiting:
                    start_next()
            elif "progress" in message:
                part.done, part.total, last = message["progress"]
                show(last)
            elif "error" in message:
                raise _error(*message["error"])
            elif "done" in message:
                part.finished = True
                part.done = part.total
        show("joining the parts")
        return _join(folder, catalog, ix, plan, every)
    finally:
        for part in every:
            if part.process is not None:
                with contextlib.suppress(OSError):  # BrokenPipeError: the part is gone
                    part.process.stdin.close()
                if part.process.poll() is None:
                    part.process.kill()
                part.process.wait()
            shutil.rmtree(part.folder, ignore_errors=True)


def _relay(number: int, process: Any, messages: queue.Queue[Any]) -> None:
    """Forward a part's JSON lines to the parent's queue; None when its output ends."""
    for line in process.stdout:
        with contextlib.suppress(ValueError):
            messages.put((number, json.loads(line)))
    messages.put((number, None))


def main() -> int:
    """In a child process: index the part described on stdin; JSON lines on stdout."""

    def say(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    try:
        job = json.loads(sys.stdin.readline())
        threading.Thread(target=_exit_with_parent, daemon=True).start()
        part = Path(job["folder"])
        states = [FileState(**s) for s in job["states"]]
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        catalog = Catalog(part / CATALOG_FILE)
        ix = create_whoosh(part)
        try:
            plan = Plan(states=list(states), changed=list(states))
            Syncer(ix, catalog, lambda d, t, label: say({"progress": [d, t, label]})).run(plan)
        finally:
            catalog.close()
            ix.close()
        say({"done": True})
        return 0
    except BaseException as exc:  # report, never leave the parent guessing
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        if isinstance(exc, OSError):
            kind = "os"
        elif isinstance(exc, sqlite3.Error):
            kind = "sqlite"
        else:
            kind = "other"
        errno = exc.errno if isinstance(exc, OSError) else None
        strerror = exc.strerror if isinstance(exc, OSError) else None
        say({"error": [kind, errno, strerror, detail]})
        return 1


def _exit_with_parent() -> None:
    """In a child process: end at once when stdin closes, which happens when the build ends
    or the parent dies (killed, or an app that quit without waiting for it): a part left
    running would only write a folder nobody reads. Pipes close on every platform, unlike
    a check of the parent's process id."""
    sys.stdin.read()
    os._exit(3)


def _error(kind: str, errno: int | None, strerror: str | None, detail: str) -> Exception:
    """The parent's exception for a part's failure (OSError and SQLite errors keep their kind,
    so `Library.sync` reports a full disk the same way with or without processes)."""
    if kind == "os":
        return OSError(errno, strerror or detail) if errno else OSError(detail)
    if kind == "sqlite":
        return sqlite3.OperationalError(detail)
    return RuntimeError(f"indexing failed in a worker process: {detail}")


def _join(folder: Path, catalog: Catalog, ix: Any, plan: Plan, parts: list[_Part]) -> SyncReport:
    """One index from the parts: segments, catalog rows, then papers shared by parts merged."""
    from whoosh import index as windex

    store = storage(folder)
    segments = []
    for part in parts:
        part_store = storage(part.folder)
        toc = windex.TOC.read(part_store, windex._DEF_INDEX_NAME)
        for segment in toc.segments:
            prefix = segment.segment_id()  # "MAIN_<random id>"
            for name in part_store.list():
                if name.startswith(prefix):
                    os.replace(part.folder / WHOOSH_DIR / name, folder / WHOOSH_DIR / name)
            segments.append(segment)
    current = windex.TOC.read(store, windex._DEF_INDEX_NAME)
    generation = current.generation + 1
    windex.TOC(current.schema, segments, generation).write(store, windex._DEF_INDEX_NAME)
    windex.clean_files(store, windex._DEF_INDEX_NAME, generation, segments)

    order = {s.path: i for i, s in enumerate(plan.states)}
    mtimes = {s.path: s.mtime_ns for s in plan.states}
    with catalog.transaction() as db:
        seen: Counter[str] = Counter()
        for part in parts:  # one at a time: SQLite attaches at most 10 databases
            db.execute("ATTACH DATABASE ? AS part", (str(part.folder / CATALOG_FILE),))
            db.execute("INSERT INTO files SELECT * FROM part.files")
            db.execute("INSERT INTO records SELECT * FROM part.records")
            db.execute("INSERT OR IGNORE INTO papers SELECT * FROM part.papers")
            seen.update(row[0] for row in db.execute("SELECT id FROM part.papers"))
            db.commit()
            db.execute("DETACH DATABASE part")
        db.executemany("UPDATE files SET ord=? WHERE path=?", [(i, p) for p, i in order.items()])
        shared = [pid for pid, count in seen.items() if count > 1]
        if shared:
            writer = ix.writer(timeout=30.0)
            install_bulk(writer, existing_ok=True)
            try:
                for pid in shared:
                    paper = merge_records(catalog.records_for(pid, db))
                    writer.delete_by_term("id", pid)  # in every part (update_document: one)
                    writer.add_document(**to_document(paper))
                    catalog.put_paper(db, paper, date_key(paper, mtimes))
                writer.commit(merge=False)
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.cancel()
                raise
        catalog.set_meta(db, "generation", str(catalog.generation() + 1))
        catalog.set_meta(db, "schema_version", str(SCHEMA_VERSION))
    report = SyncReport(problems=list(plan.problems), changed_files=len(plan.changed))
    report.papers = catalog.paper_count()
    report.duplicates_merged = catalog.record_count() - report.papers
    report.files = source_infos(catalog)
    return report


if __name__ == "__main__":
    raise SystemExit(main())
