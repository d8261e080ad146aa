"""`RowTable`: the columns every paper is sorted, filtered and counted by, kept compactly.

The library sorts (title, upvotes, date), filters (dumps, date range, upvotes, category)
and counts per dump over every paper of the catalog. A row object per paper costs several
hundred bytes (770 MB at a million papers); this table keeps one id string per paper and
small numbers in `array`s instead:

- the ids in catalog order and an open-addressing table of their positions (an `array`
  of positions indexed by the id's hash: no int object per paper, as a dict would have);
- the title as a dense rank of its sort key (equal keys, equal ranks: ties keep their
  order in a stable sort), read from one `ORDER BY title_key`;
- the date key, the dump list and the category list as an index into a table of their
  distinct values (a few thousand at most); the date keys' table is sorted, so the
  index is the date's rank;
- upvotes as numbers, `NO_VOTES` for none.

Each column has one more entry than there are papers, at `len(table)`: the answer for an id
not in the catalog (no title, no date, no votes, no dumps). The list's text (titles,
arXiv ids, dates to show) is not kept: the list reads the few rows it shows from SQLite.

Built once per catalog generation and never changed, so it is read without a lock.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from reader.search.activity import paused
from reader.search.catalog import names_of
from reader.search.types import Filters, Sort

if TYPE_CHECKING:
    from reader.search.catalog import Catalog, PaperRow

#: The upvotes column's value for a paper without upvotes (sorted last, counted as 0).
NO_VOTES = -(2**63)
_EMPTY = -1  # a free slot of the position table
#: Ids read at a time by `shared_ids` (their strings alive at once).
_SHARE_CHUNK = 65_536
#: Rows read between two calls of `read`'s pause.
PAUSE_ROWS = 8_192

T = TypeVar("T")
#: A name list as the catalog stores it (text, see `names_of`) or already split.
Names = str | None | tuple[str, ...]


def _smallest(
    values: Iterable[int], largest: int, pause: Callable[[], None] | None = None
) -> array[int]:
    """`values` (all in 0..largest) in the narrowest unsigned array that holds them, made
    `PAUSE_ROWS` at a time with `pause()` after each (one call over a million holds the
    interpreter for tens of milliseconds)."""
    code = "B" if largest < 2**8 else "H" if largest < 2**16 else "I" if largest < 2**32 else "Q"
    if pause is None:
        return array(code, values)
    made = array(code)
    for chunk in paused(values, PAUSE_ROWS, pause):
        made.extend(chunk)
    return made


class _Interned(Generic[T]):
    """Distinct values met while reading, each numbered once, with a row's number per row."""

    def __init__(self) -> None:
        self.number: dict[T, int] = {}
        self.per_row = array("I")

    def add(self, value: T) -> None:
        n = self.number.get(value)
        if n is None:
            n = self.number[value] = len(self.number)
        self.per_row.append(n)


class RowTable:
    """Every paper's sort and filter columns (see the module docstring)."""

    __slots__ = (
        "_categories",
        "_category_sets",
        "_date_keys",
        "_dates",
        "_ids",
        "_mask",
        "_slots",
        "_source_sets",
        "_sources",
        "_title_rank",
        "_upvotes",
    )

    def __init__(
        self,
        ids: list[str],
        title_keys: Iterable[tuple[str, str | None]],
        dates: _Interned[str],
        upvotes: array[int],
        sources: _Interned[Names],
        categories: _Interned[Names],
        pause: Callable[[], None] | None = None,
    ) -> None:
        """`ids` in table order and their columns in the same order (the dates, upvotes
        and the dump and category lists as the catalog stores them, see `names_of`), but
        `title_keys`: (id, title key) pairs in title key order. Use `read` or `build`.
        `pause()` is called every `PAUSE_ROWS` papers of the loops over them all."""
        self._ids = ids
        n = len(ids)
        size = 8
        while size < 2 * n:
            size *= 2
        self._mask = size - 1
        self._slots = array("i" if size < 2**31 else "q", [_EMPTY]) * size
        slots, mask = self._slots, self._mask
        for chunk in paused(enumerate(ids), PAUSE_ROWS, pause):
            for p, pid in chunk:
                i = hash(pid) & mask
                while slots[i] != _EMPTY:
                    if ids[slots[i]] == pid:
                        raise ValueError(f"paper id {pid!r} twice in the rows")
                    i = (i + 1) & mask
                slots[i] = p
        self._title_rank = self._rank_titles(title_keys, pause)
        self._date_keys, self._dates = self._sorted_column(dates, pause)
        if len(upvotes) != n:
            raise ValueError("the upvotes column does not match the ids")
        self._upvotes = upvotes
        self._upvotes.append(NO_VOTES)
        self._source_sets, self._sources = self._names_column(sources, pause)
        self._category_sets, self._categories = self._names_column(categories, pause)

    # -- building ----------------------------------------------------------------------
    @classmethod
    def read(cls, catalog: Catalog, pause: Callable[[], None] | None = None) -> RowTable:
        """The table of every paper of `catalog` (two reads of its papers table, in one
        read transaction). Each row's strings but the id are dropped as soon as they are
        read (a million of them alive at once would stay in the process's memory after
        they are freed). `pause()` is called every `PAUSE_ROWS` rows."""
        ids: list[str] = []
        votes = array("q")
        dates: _Interned[str] = _Interned()
        sources: _Interned[Names] = _Interned()
        categories: _Interned[Names] = _Interned()
        # The loop runs per paper: bound methods, and one dict call per interned value.
        add_id, add_vote = ids.append, votes.append
        date_no, add_date = dates.number, dates.per_row.append
        source_no, add_source = sources.number, sources.per_row.append
        category_no, add_category = categories.number, categories.per_row.append
        with catalog.snapshot():  # both reads see the same papers
            for pid, date_key, upvotes, source_list, category_list in catalog.sort_columns():
                if pause is not None and not len(ids) % PAUSE_ROWS:
                    pause()
                add_id(pid)
                add_date(date_no.setdefault(date_key or "", len(date_no)))
                add_vote(NO_VOTES if upvotes is None else upvotes)
                add_source(source_no.setdefault(source_list, len(source_no)))
                add_category(category_no.setdefault(category_list, len(category_no)))
            return cls(ids, catalog.ids_by_title(), dates, votes, sources, categories, pause)

    @classmethod
    def build(cls, rows: Iterable[PaperRow]) -> RowTable:
        """The table of `rows` (each id once), for tests and small catalogs."""
        rows = list(rows)
        votes = array("q", (NO_VOTES if r.upvotes is None else r.upvotes for r in rows))
        dates: _Interned[str] = _Interned()
        sources: _Interned[Names] = _Interned()
        categories: _Interned[Names] = _Interned()
        for r in rows:
            dates.add(r.date_key or "")
            sources.add(r.sources)
            categories.add(r.categories)
        titles = sorted(((r.id, r.title_key) for r in rows), key=lambda t: t[1] or "")
        return cls([r.id for r in rows], titles, dates, votes, sources, categories)

    def _rank_titles(
        self, title_keys: Iterable[tuple[str, str | None]], pause: Callable[[], None] | None
    ) -> array[int]:
        """Per position, the dense rank of its title key (0: none, and ids not in the
        table). `title_keys` come in key order: equal keys are neighbours."""
        ids, slots, mask = self._ids, self._slots, self._mask
        n = len(ids)
        rank = array("I", [0]) * (n + 1)
        previous = ""
        current = 0
        seen = 0
        for chunk in paused(title_keys, PAUSE_ROWS, pause):
            for pid, key in chunk:
                if key and key != previous:
                    if key < previous:
                        raise ValueError("the title keys are not in order")
                    current += 1
                    previous = key
                i = hash(pid) & mask  # `position`, inlined: it runs per paper
                p = slots[i]
                while p != _EMPTY and ids[p] != pid:
                    i = (i + 1) & mask
                    p = slots[i]
                if p == _EMPTY:
                    raise ValueError(f"title key of an unknown paper {pid!r}")
                if key:
                    rank[p] = current
            seen += len(chunk)
        if seen != n:
            raise ValueError("the title keys do not match the ids")
        return rank

    def _sorted_column(
        self, values: _Interned[str], pause: Callable[[], None] | None
    ) -> tuple[list[str], array[int]]:
        """The distinct values (strings) sorted, "" among them, and per position (plus the
        missing position, "") the index of its value, which is its rank."""
        values.add("")
        distinct = sorted(values.number)
        rank = {v: k for k, v in enumerate(distinct)}
        renumber = [rank[v] for v in values.number]
        column = _smallest(map(renumber.__getitem__, values.per_row), len(distinct), pause)
        if len(column) != len(self._ids) + 1:
            raise ValueError("a column does not match the ids")
        return distinct, column

    def _names_column(
        self, values: _Interned[Names], pause: Callable[[], None] | None
    ) -> tuple[list[tuple[str, ...]], array[int]]:
        """The distinct name lists (as stored: text, or tuples already split) parsed once,
        and per position (plus the missing position, no names) the index of its list."""
        values.add(())
        lists = [v if isinstance(v, tuple) else names_of(v) for v in values.number]
        column = _smallest(values.per_row, len(lists), pause)
        if len(column) != len(self._ids) + 1:
            raise ValueError("a column does not match the ids")
        return lists, column

    # -- ids ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, pid: object) -> bool:
        return isinstance(pid, str) and self.position(pid) != len(self._ids)

    @property
    def ids(self) -> list[str]:
        """Every paper id, in table order (the catalog's order; do not change it)."""
        return self._ids

    def shared_ids(self, ids: Iterable[str], pause: Callable[[], None] | None = None) -> list[str]:
        """`list(ids)`, made of this table's own id strings wherever it has them: the table's
        own list when `ids` are its ids in its order (an index's id column, docnum by
        docnum, usually is), else a new list that shares the strings (a copy of a million
        ids costs about 70 MB). Read a chunk at a time, compared in C; a chunk that differs
        from the table's ids there is looked up id by id. `pause()` is called after each
        chunk."""
        own, missing = self._ids, len(self._ids)
        out: list[str] = []
        same = True
        for chunk in paused(ids, _SHARE_CHUNK, pause):
            start = len(out)
            mine = own[start : start + len(chunk)]
            if chunk == mine:
                out += mine
            else:
                same = False
                where = self.positions(chunk)
                out += [
                    pid if p == missing else own[p] for pid, p in zip(chunk, where, strict=True)
                ]
        return own if same and len(out) == missing else out

    def take_strings(self, ids: Iterable[str], pause: Callable[[], None] | None = None) -> None:
        """Hold the string objects of `ids` (read elsewhere: the news papers' ids) in place of
        this table's equal ones, so the two lists share them. Only while the table is not
        handed out yet (it is read without a lock once it is). `pause()` is called after
        every `PAUSE_ROWS` ids."""
        own, missing = self._ids, len(self._ids)
        for chunk in paused(ids, PAUSE_ROWS, pause):
            for pid, p in zip(chunk, self.positions(chunk), strict=True):
                if p != missing:
                    own[p] = pid

    def position(self, pid: str) -> int:
        """The position of `pid`, or `len(self)` if it is not in the table."""
        slots, ids, mask = self._slots, self._ids, self._mask
        i = hash(pid) & mask
        p = slots[i]
        while p != _EMPTY:
            if ids[p] == pid:
                return p
            i = (i + 1) & mask
            p = slots[i]
        return len(ids)

    def positions(self, pids: Iterable[str]) -> list[int]:
        """`position` of each of `pids` (the same loop, inlined: it runs per match)."""
        slots, ids, mask, missing = self._slots, self._ids, self._mask, len(self._ids)
        out: list[int] = []
        append = out.append
        for pid in pids:
            i = hash(pid) & mask
            p = slots[i]
            while p != _EMPTY and ids[p] != pid:
                i = (i + 1) & mask
                p = slots[i]
            append(missing if p == _EMPTY else p)
        return out

    # -- sorting -----------------------------------------------------------------------
    def sorted(
        self, pids: Sequence[str], sort: Sort, where: Sequence[int] | None = None
    ) -> list[str]:
        """`pids` in the order `sort` asks for: by title key (no title first, as ""), by
        upvotes or by date, most first (papers without them last); ties keep their order.
        `where`: their `positions`, if known."""
        pids = list(pids)
        if sort is Sort.RELEVANCE:
            return pids
        if where is None:
            where = self.positions(pids)
        if sort is Sort.TITLE:
            keys = list(map(self._title_rank.__getitem__, where))
            return list(map(pids.__getitem__, sorted(range(len(pids)), key=keys.__getitem__)))
        column = self._upvotes if sort is Sort.UPVOTES else self._dates
        none = NO_VOTES if sort is Sort.UPVOTES else self._dates[-1]
        keys = list(map(column.__getitem__, where))
        have = [k for k, v in enumerate(keys) if v != none]
        lack = [k for k, v in enumerate(keys) if v == none]
        # reverse=True keeps equal keys in their order, as sorting by the negated key does.
        have.sort(key=keys.__getitem__, reverse=True)
        return [pids[k] for k in have] + [pids[k] for k in lack]

    # -- filters -----------------------------------------------------------------------
    def allowed_ids(self, f: Filters) -> set[str]:
        """The ids of the papers that pass the filters `f` (of `f.ids`, those in the table)."""
        n = len(self._ids)
        where: Iterable[int] = (
            range(n) if f.ids is None else [p for p in self.positions(f.ids) if p != n]
        )
        if f.sources:
            ok = bytes(not f.sources.isdisjoint(s) for s in self._source_sets)
            sources = self._sources
            where = [p for p in where if ok[sources[p]]]
        if f.date_from or f.date_to:
            lo, hi = f.date_from or "", (f.date_to or "9999") + "\uffff"
            ok = bytes(bool(d) and lo <= d <= hi for d in self._date_keys)
            dates = self._dates
            where = [p for p in where if ok[dates[p]]]
        if f.min_upvotes is not None:
            least, votes = f.min_upvotes, self._upvotes
            none_pass = least <= 0
            where = [p for p in where if votes[p] >= least or (none_pass and votes[p] == NO_VOTES)]
        if f.category:
            cat = f.category.casefold()
            ok = bytes(cat in (c.casefold() for c in cs) for cs in self._category_sets)
            categories = self._categories
            where = [p for p in where if ok[categories[p]]]
        ids = self._ids
        return set(map(ids.__getitem__, where))

    # -- dumps -------------------------------------------------------------------------
    def sources(self, pid: str) -> tuple[str, ...]:
        """The dumps paper `pid` is in (none if it is not in the table)."""
        return self._source_sets[self._sources[self.position(pid)]]

    def count_sources(self, pids: Iterable[str] | None = None) -> Counter[str]:
        """Per-dump counts of the papers `pids` (every paper with None; ids not in the
        table are skipped, an id given twice counts twice)."""
        if pids is None:
            lists = Counter(self._sources[: len(self._ids)])
        else:
            lists = Counter(map(self._sources.__getitem__, self.positions(pids)))
        counts: Counter[str] = Counter()
        for k, n in lists.items():
            for name in self._source_sets[k]:
                counts[name] += n
        return counts
