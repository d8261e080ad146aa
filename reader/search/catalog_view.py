"""`CatalogView`: what the library reads from one catalog generation, read once and kept.

The ids in dump order, every paper's sort and filter columns (a `RowTable`), the whole
library's per-dump counts and the news papers in inbox order are read from SQLite when
first needed and kept for the generation the view was made for; a new generation (a sync,
a rebuild, a reopen) gets a new view, so nothing read from an older catalog outlives it.
Its methods run under the library's lock, except `rows_loaded`, `rows` (the list's drawing
reads its few rows from SQLite without the lock) and `read_rows` (the slow read of every
paper's columns into a `RowTable`, done outside it); `install_rows` hands that read over.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from reader.ingest.identity import find_arxiv_id
from reader.ingest.merge import merge_records
from reader.model import Paper
from reader.search.catalog import Catalog, PaperRow
from reader.search.news import inbox_order, news_sources
from reader.search.row_table import RowTable
from reader.search.sync_plan import source_infos
from reader.search.types import Filters, Row, Sort

if TYPE_CHECKING:
    from reader.search.facets import SourceTable
    from reader.search.generation import Generation


class CatalogView:
    """The open catalog at generation `generation`, and the caches read from it."""

    def __init__(self, catalog: Catalog, generation: int) -> None:
        self.catalog = catalog
        self.generation = generation
        #: Every paper id in dump order, read when first needed (a read of the whole
        #: catalog: a one-off search or a short list never needs it).
        self._order_ids: list[str] | None = None
        #: Every paper's sort and filter columns; set once, never changed (read without
        #: the lock).
        self._rows: RowTable | None = None
        #: The rows' positions (`RowTable.positions`) of `_order_ids`, when first sorted.
        self._order_where: array[int] | None = None
        self._all_counts: Counter[str] | None = None
        #: The news papers in inbox order, for one archive threshold.
        self._news: tuple[int, list[str]] | None = None

    # -- ids and rows ------------------------------------------------------------------
    @property
    def order(self) -> list[str]:
        """Every paper id in dump order."""
        if self._order_ids is None:
            self._order_ids = self.catalog.ordered_ids()
        return self._order_ids

    def first_ids(self, limit: int | None) -> list[str]:
        """The first `limit` ids in dump order (all with None), without reading every id
        when they are not loaded yet."""
        if self._order_ids is not None or not limit:
            return list(self.order[:limit])
        return self.catalog.first_ids(limit)

    def paper_count(self) -> int:
        if self._order_ids is not None:
            return len(self._order_ids)
        return self.catalog.paper_count()

    @property
    def rows_loaded(self) -> RowTable | None:
        """Every paper's sort and filter columns if loaded, else None."""
        return self._rows

    def read_rows(self, pause: Callable[[], None] | None = None) -> RowTable:
        """Every paper's sort and filter columns, read from the catalog (the whole table:
        slow at 100k papers; `pause` called every few thousand rows)."""
        return RowTable.read(self.catalog, pause)

    def install_rows(self, rows: RowTable) -> None:
        """Keep `rows` (from `read_rows` of this generation) unless rows are loaded already."""
        if self._rows is None:
            self._rows = rows

    def all_rows(self) -> RowTable:
        """Every paper's sort and filter columns, read now if not loaded."""
        if self._rows is None:
            self._rows = self.read_rows()
        return self._rows

    def rows(self, ids: Sequence[str]) -> list[Row]:
        """List rows for `ids`, in the same order (ids not in the catalog are skipped).
        Read from the catalog alone (the list asks for the few rows it shows), so it may
        run without the library's lock."""
        if len(ids) > 2000:  # one table scan beats chunked lookups
            wanted = set(ids)
            found = {r.id: r for r in self.catalog.paper_rows() if r.id in wanted}
        else:
            found = {r.id: r for r in self.catalog.paper_rows(list(ids))}
        return [list_row(found[i]) for i in ids if i in found]

    # -- papers ------------------------------------------------------------------------
    def resolve_id(self, key: str) -> str | None:
        """A paper id from a paper id or an arXiv id (`2405.07960`, `arXiv:2405.07960v2`)."""
        key = key.strip()
        if _unencodable(key):
            return None
        if (self._rows is not None and key in self._rows) or self.catalog.has_paper(key):
            return key
        arxiv = find_arxiv_id(key)
        return self.catalog.id_for_arxiv(arxiv) if arxiv else None

    def paper(self, key: str) -> Paper | None:
        """The paper `key` names (see `resolve_id`), its dump records merged."""
        pid = self.resolve_id(key)
        if pid is None:
            return None
        records = self.catalog.records_for(pid)
        return merge_records(records) if records else None

    # -- sorting and filters -----------------------------------------------------------
    def sorted(self, ids: list[str], sort: Sort) -> list[str]:
        """`ids` in the order `sort` asks for (papers without the sort key last)."""
        if sort is Sort.RELEVANCE:
            return list(ids)
        table = self.all_rows()
        if ids is not self._order_ids:
            return table.sorted(ids, sort)
        if self._order_where is None:  # every paper sorted: their positions, found once
            self._order_where = array("I", table.positions(ids))
        return table.sorted(ids, sort, self._order_where)

    def allowed_ids(self, f: Filters) -> set[str]:
        """The ids of the papers that pass the filters `f`."""
        return self.all_rows().allowed_ids(f)

    # -- counts ------------------------------------------------------------------------
    def all_facets(self) -> Counter[str]:
        """Per-dump counts of the whole library."""
        if self._all_counts is None:
            self._all_counts = self.all_rows().count_sources()
        return self._all_counts

    def source_table(self, gen: Generation) -> SourceTable:
        """Per docnum of `gen`, the dumps its paper is in."""
        return gen.source_table(self.generation, self.sources_lookup())

    def sources_lookup(self) -> Callable[[str], tuple[str, ...]]:
        """A paper id -> the dumps it is in, over the rows (loaded here if they are not)."""
        return self.all_rows().sources

    # -- the inbox ---------------------------------------------------------------------
    def news_ids(self, archive_papers: int) -> list[str]:
        """Every paper of the news dumps once, in inbox order (newest dump first, page
        order); kept per archive threshold."""
        cached = self._news
        if cached is not None and cached[0] == archive_papers:
            return cached[1]
        ids = self.read_news_ids(archive_papers)
        self.install_news(archive_papers, ids)
        return ids

    def read_news_ids(
        self, archive_papers: int, pause: Callable[[], None] | None = None
    ) -> list[str]:
        """`news_ids` read from the catalog, not kept (a read of every news paper's id: the
        library runs it outside its lock); `pause` as `inbox_order` takes it."""
        sources = news_sources(source_infos(self.catalog), archive_papers)
        ids_by_path = self.catalog.ids_by_file([s.path for s in sources])
        return inbox_order(sources, ids_by_path, pause)

    def install_news(self, archive_papers: int, ids: list[str]) -> None:
        self._news = (archive_papers, ids)

    @property
    def news_read(self) -> list[str] | None:
        """The news ids if read (for any threshold), else None."""
        news = self._news
        return None if news is None else news[1]

    def news_loaded(self, archive_papers: int) -> bool:
        return self._news is not None and self._news[0] == archive_papers

    def inbox_head(
        self, limit: int, seen: AbstractSet[str], archive_papers: int
    ) -> tuple[list[str], int]:
        """The first `limit` news papers not in `seen` and how many there are in all (see
        `Library.inbox_head`)."""
        infos = source_infos(self.catalog)
        sources = news_sources(infos, archive_papers)
        if self.news_loaded(archive_papers) or len(sources) != sum(
            1 for s in infos if s.papers > 0
        ):
            unread = [i for i in self.news_ids(archive_papers) if i not in seen]
            return unread[:limit], len(unread)
        paths = [s.path for s in sources]
        head = self.catalog.first_unlisted(paths, limit, seen) if limit > 0 else []
        total = self.catalog.paper_count() - self.catalog.count_papers_among(seen)
        return head, total


def list_row(r: PaperRow) -> Row:
    """The list's row of a catalog row."""
    return Row(
        id=r.id, title=r.title, first_source=r.first_source, page_date=r.page_date,
        published=r.published, upvotes=r.upvotes, arxiv_id=r.arxiv_id,
    )  # fmt: skip


def _unencodable(text: str) -> bool:
    """Lone surrogates (from undecodable command-line bytes) cannot be looked up in SQLite."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
