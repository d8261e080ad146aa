"""The facet counts' table of the current index generation (per docnum, the dumps its
paper is in: `reader.search.facets.SourceTable`), built outside the library lock.

At a million papers reading the id column takes a second and the table a few more; built
under the library lock (as the first facet count would) it would hold up every search
typed meanwhile. `FacetTable.ensure` builds it with the lock taken only to look and to
hand the result over, one builder at a time: the warm-up and a facet count asked for
before the warm-up got there share one build instead of racing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from reader.search import id_file
from reader.search.activity import acquire_unless
from reader.search.facets import SourceTable
from reader.search.postings import segment_ids

if TYPE_CHECKING:
    from reader.search.generation import Generation
    from reader.search.row_table import RowTable


class FacetTable:
    """Builds the current generation's facet table. `current()` (under `lock`) gives the
    current generation (None without an index); `sources_of()` (under `lock`) the catalog
    generation and the `id -> dumps` lookup (usable outside the lock); `rows()` (under
    `lock`) the row table if it is loaded, whose id strings the id list shares."""

    def __init__(
        self,
        lock: threading.RLock,
        current: Callable[[], Generation | None],
        sources_of: Callable[[], tuple[int, Callable[[str], tuple[str, ...]]]],
        rows: Callable[[], RowTable | None],
    ) -> None:
        self.lock = lock
        self.current = current
        self.sources_of = sources_of
        self.rows = rows
        self._building = threading.Lock()

    def ensure(
        self, pause: Callable[[], None] | None = None, stale: Callable[[], bool] | None = None
    ) -> bool:
        """Build the table unless the current generation has it (waiting, without the
        library lock, for a build already under way, unless `stale()` turns true meanwhile:
        then False at once, see `activity.acquire_unless`; else True). `pause()` is called
        every few thousand papers (the warm-up's gives the CPU to searches typed meanwhile)."""
        if not acquire_unless(self._building, stale):
            return False
        try:
            self._build(pause)
        finally:
            self._building.release()
        return True

    def _build(self, pause: Callable[[], None] | None) -> None:
        with self.lock:
            gen = self.current()
            if gen is None:
                return
            catalog_generation, sources_of = self.sources_of()
            if gen.has_source_table(catalog_generation):
                return
            engine = gen.engine()
            ids = engine.doc_ids() if engine.ids_loaded else None
        if ids is None:
            ids = self.read_ids(gen, pause)
            if ids is None:
                return  # the index changed meanwhile: the next call builds the new one's
        table = SourceTable.build(ids, sources_of, pause)
        with self.lock:
            if self.current() is gen:
                gen.adopt_source_table(catalog_generation, table)

    def read_ids(
        self, gen: Generation, pause: Callable[[], None] | None = None
    ) -> list[str] | None:
        """The paper id of every docnum, read through a private searcher outside the lock
        and handed to `gen`'s engine (made of the row table's strings, so the ids are held
        once); None if the private searcher reads other segments (a sync committed). They
        are read from the file stored for the commit (`reader.search.id_file`), else from
        the id column and then stored for one-off commands and later starts."""
        with self.lock:
            rows = self.rows()
            shared = gen.engine()
            segments = shared.segment_ids()
        own = gen.ix.searcher()
        try:
            reader = own.reader()
            if segment_ids(reader) != segments:
                return None
            if not reader.doc_count_all():
                ids: list[str] = []  # an empty index (its reader has no columns)
            else:
                path = id_file.path_for(gen.ix, reader)
                stored = id_file.read(path, reader.doc_count_all()) if path else None
                # Read as they are compared, a chunk at a time: never a second full copy.
                source: Iterable[str] = stored if stored is not None else reader.column_reader("id")
                ids = list(source) if rows is None else rows.shared_ids(source, pause)
                if stored is None and path is not None:
                    id_file.store(path, ids)
        finally:
            own.close()
        with self.lock:
            if self.current() is gen and not shared.ids_loaded:
                gen.adopt_ids(ids)
        return ids


__all__ = ["FacetTable"]
