"""Apply a sync plan to one open index: re-read only new or changed dumps, drop what left.

A dump is fingerprinted by (path, size, mtime) and, when those change, its content hash:
a touched but identical file is not re-read. Work happens in three passes so that a paper
found in several dumps is written to Whoosh once, merged: (1) read changed dumps into the
catalog, (2) find ids shared with other dumps, (3) write documents. Whoosh commits first,
then the catalog; a crash in between is repaired by the next sync (writes are idempotent).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.ingest import DumpInfo, date_key, iter_dump, merge_records
from reader.model import Paper
from reader.search.bulk_writer import install as install_bulk
from reader.search.catalog import SCHEMA_VERSION, Catalog, FileRow, unpack
from reader.search.merging import MergeStopped, SmallMerges, due
from reader.search.schema import AUTHOR_SEPARATOR, PHRASE_FIELDS, PHRASE_PAIRS
from reader.search.sync_plan import FileState, Plan, Progress, dump_name, plan_sync, source_infos
from reader.search.tuned_writer import tune
from reader.search.types import MergeReport, SyncReport

__all__ = ["FileState", "Plan", "Progress", "Syncer", "plan_sync", "source_infos", "to_document"]

#: Index a fresh build through `reader.search.bulk_writer` (False: Whoosh's own writer, to compare).
BULK_BUILD = True


def file_hash(path: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def to_document(paper: Paper) -> dict[str, Any]:
    """The Whoosh document for a paper (only the id is stored)."""
    abstract = paper.abstract
    if paper.summary and paper.summary not in abstract:
        abstract = f"{abstract}\n{paper.summary}" if abstract else paper.summary
    names = paper.source_names
    stems = [n.rsplit(".", 1)[0] for n in names]
    authors = AUTHOR_SEPARATOR.join(a for a in [*paper.authors, paper.organization or ""] if a)
    document = {
        "id": paper.id,
        "title": paper.title,
        "abstract": abstract,
        "words": f"{paper.title}\n{abstract}",
        "source": ",".join(dict.fromkeys(names + stems)),
        "author": authors,
        "category": ",".join(paper.categories),
        "arxiv": paper.arxiv_id or "",
    }
    for field, shadow in PHRASE_FIELDS.items():
        document[shadow] = document[field]
    for shadow, pairs in PHRASE_PAIRS.items():
        document[pairs] = document[shadow]
    return document


class Syncer:
    """Runs one sync of a Whoosh index and its catalog against a plan."""

    def __init__(
        self,
        ix: Any,
        catalog: Catalog,
        progress: Progress | None = None,
        merges: SmallMerges | None = None,
    ) -> None:
        self.ix = ix
        self.catalog = catalog
        self.progress = progress or (lambda done, total, label: None)
        #: The commit's merge policy (`reader.search.merging`), which the caller may ask
        #: what it merged away.
        self.merges = merges or SmallMerges()

    def run(self, plan: Plan) -> SyncReport:
        report = SyncReport(problems=list(plan.problems))
        catalog = self.catalog
        mtimes = {s.path: s.mtime_ns for s in plan.states}
        order = {s.path: i for i, s in enumerate(plan.states)}
        total = 2 * len(plan.changed) + 1
        writer = None
        try:
            with catalog.transaction() as db:
                stale: set[str] = set()
                for path in plan.removed:
                    stale |= catalog.ids_of_file(path)
                    catalog.delete_file(db, path)
                    report.removed_files += 1
                reread: list[FileState] = []
                for done, state in enumerate(plan.changed):
                    self.progress(done, total, f"reading {dump_name(state.path)}")
                    if self._same_content(db, state):
                        continue
                    stale |= catalog.ids_of_file(state.path)
                    self._read_file(db, state, order[state.path])
                    reread.append(state)
                for state in plan.states:  # keep dump order current
                    db.execute(
                        "UPDATE files SET ord=? WHERE path=?", (order[state.path], state.path)
                    )
                report.changed_files = len(reread)
                if reread or stale:
                    writer = self.ix.writer(limitmb=256, timeout=30.0)
                    fresh = self.ix.doc_count_all() == 0
                    if not (BULK_BUILD and install_bulk(writer, existing_ok=not fresh)):
                        tune(writer)  # the bulk writer keeps its own lengths and postings
                    write = writer.add_document if fresh else writer.update_document
                    shared = self._shared_ids(db, [s.path for s in reread])
                    done_shared: set[str] = set()
                    for step, state in enumerate(reread, len(plan.changed)):
                        self.progress(step, total, f"indexing {dump_name(state.path)}")
                        rows = db.execute(
                            "SELECT id, data FROM records WHERE path=? ORDER BY seq", (state.path,)
                        )
                        for pid, blob in rows:
                            stale.discard(pid)
                            if pid in shared:
                                if pid in done_shared:
                                    continue
                                done_shared.add(pid)
                                paper = merge_records(catalog.records_for(pid, db))
                            else:
                                paper = unpack(blob)
                            write(**to_document(paper))
                            catalog.put_paper(db, paper, date_key(paper, mtimes))
                    for pid in stale:
                        records = catalog.records_for(pid, db)
                        if records:
                            paper = merge_records(records)
                            writer.update_document(**to_document(paper))
                            catalog.put_paper(db, paper, date_key(paper, mtimes))
                        else:
                            writer.delete_by_term("id", pid)
                            catalog.delete_paper(db, pid)
                    self.progress(total - 1, total, "saving index")
                    writer.commit(mergetype=self.merges)
                    writer = None
                catalog.set_meta(db, "generation", str(catalog.generation() + 1))
                catalog.set_meta(db, "schema_version", str(SCHEMA_VERSION))
        except BaseException:
            if writer is not None:
                with contextlib.suppress(Exception):  # the original error matters more
                    writer.cancel()
            raise
        self.progress(total, total, "done")
        report.papers = catalog.paper_count()
        report.duplicates_merged = catalog.record_count() - report.papers
        report.files = source_infos(catalog)
        return report

    def merge(
        self, stop: Callable[[], bool], pause: Callable[[], None] | None = None
    ) -> MergeReport | None:
        """Merge the small segments that are `due` (`reader.search.merging`) in a commit of
        their own, their live papers written again from the catalog; None when none are.
        `stop()` is asked before each paper: true, the merge is given up (`MergeStopped`)
        and the index is as it was. `pause()` is called between papers and, by the bulk
        writer, every `bulk_writer.PAUSE_TERMS` terms written: the caller may wait there
        (`Library.merge` waits while the user types)."""
        catalog = self.catalog
        writer = None
        papers = 0
        try:
            with catalog.transaction() as db:
                writer = opened = self.ix.writer(limitmb=256, timeout=30.0)

                def readd(ids: list[str]) -> None:
                    nonlocal papers
                    papers += self._readd(opened, db, ids, stop, pause)

                if not due(writer.segments):
                    writer.cancel()
                    writer = None
                    return None
                bulk = install_bulk(writer, existing_ok=True) if BULK_BUILD else None
                if bulk is None:
                    tune(writer)
                else:
                    bulk.pause = pause
                self.merges.readd = readd
                writer.commit(mergetype=self.merges)
                writer = None
                catalog.set_meta(db, "generation", str(catalog.generation() + 1))
        except BaseException:
            if writer is not None:
                with contextlib.suppress(Exception):  # the original error matters more
                    writer.cancel()
            raise
        return MergeReport(self.merges.merged_segments, papers)

    def _readd(
        self,
        writer: Any,
        db: Any,
        ids: list[str],
        stop: Callable[[], bool],
        pause: Callable[[], None] | None,
    ) -> int:
        """Write the papers `ids` again, as the catalog has them (a merged segment's live
        papers); how many were written. `stop` and `pause`: as `merge` says."""
        written = 0
        for pid in ids:
            if stop():
                raise MergeStopped
            if pause is not None:
                pause()
            records = self.catalog.records_for(pid, db)
            if records:
                writer.add_document(**to_document(merge_records(records)))
                written += 1
        return written

    def _same_content(self, db: Any, state: FileState) -> bool:
        """A dump whose stats changed but whose bytes did not: update its stats only."""
        row = self.catalog.files().get(state.path)
        if row is None or not state.regular or row.size != state.size:
            return False
        try:
            same = file_hash(state.path) == row.sha
        except OSError:
            return False
        if same:
            db.execute("UPDATE files SET mtime_ns=? WHERE path=?", (state.mtime_ns, state.path))
        return same

    def _read_file(self, db: Any, state: FileState, order: int) -> None:
        path = Path(state.path)
        info = DumpInfo(path=state.path, name=dump_name(state.path))
        papers = iter_dump(path, info)
        self.catalog.put_records(db, state.path, papers)
        try:
            sha = file_hash(state.path) if state.regular else ""
        except OSError:
            sha = ""
        self.catalog.put_file(
            db,
            FileRow(
                path=state.path, name=info.name, ord=order, size=state.size,
                mtime_ns=state.mtime_ns, sha=sha, format=info.format, page_date=info.page_date,
                query=info.query, papers=info.papers, warnings=info.warnings,
            ),
        )  # fmt: skip

    def _shared_ids(self, db: Any, paths: list[str]) -> set[str]:
        """Ids of the re-read dumps that have more than one record (several dumps)."""
        if not paths:
            return set()
        marks = ",".join("?" * len(paths))
        rows = db.execute(
            f"SELECT id FROM records WHERE id IN (SELECT id FROM records WHERE path IN ({marks}))"
            " GROUP BY id HAVING COUNT(*) > 1",
            paths,
        )
        return {r[0] for r in rows}
