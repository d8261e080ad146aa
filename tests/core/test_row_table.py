"""The compact row table answers as the plain rows did: one `PaperRow` per paper in a dict.

`Plain` below is the library's former implementation of each operation over
`{id: PaperRow}` (read with `Catalog.paper_rows`); `RowTable.read` of the same catalog must
give the same ids in the same order (ties included), the same filters and the same counts.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reader.search.row_table as row_table
from reader.model import Paper, Source
from reader.search.catalog import Catalog, PaperRow
from reader.search.row_table import RowTable
from reader.search.types import Filters, Sort


class Plain:
    """Every operation over a dict of paper rows, as `CatalogView` did it."""

    def __init__(self, rows: dict[str, PaperRow]) -> None:
        self.rows = rows

    def sorted(self, ids: list[str], sort: Sort) -> list[str]:
        rows = self.rows
        if sort is Sort.RELEVANCE:
            return list(ids)
        if sort is Sort.TITLE:
            return sorted(ids, key=lambda i: rows[i].title_key if i in rows else "")
        if sort is Sort.UPVOTES:
            voted = [i for i in ids if i in rows and rows[i].upvotes is not None]
            unvoted = [i for i in ids if not (i in rows and rows[i].upvotes is not None)]
            return sorted(voted, key=lambda i: -(rows[i].upvotes or 0)) + unvoted
        dated = [i for i in ids if i in rows and rows[i].date_key]
        undated = [i for i in ids if not (i in rows and rows[i].date_key)]
        return sorted(dated, key=lambda i: rows[i].date_key, reverse=True) + undated

    def allowed_ids(self, f: Filters) -> set[str]:
        rows = self.rows
        allowed = set(rows) if f.ids is None else {i for i in f.ids if i in rows}
        if f.sources:
            allowed = {i for i in allowed if not f.sources.isdisjoint(rows[i].sources)}
        if f.date_from or f.date_to:
            lo, hi = f.date_from or "", (f.date_to or "9999") + "\uffff"
            allowed = {i for i in allowed if rows[i].date_key and lo <= rows[i].date_key <= hi}
        if f.min_upvotes is not None:
            allowed = {i for i in allowed if (rows[i].upvotes or 0) >= f.min_upvotes}
        if f.category:
            cat = f.category.casefold()
            allowed = {i for i in allowed if cat in (c.casefold() for c in rows[i].categories)}
        return allowed

    def count(self, ids: Iterable[str]) -> Counter[str]:
        return Counter(chain.from_iterable(self.rows[p].sources for p in ids if p in self.rows))


# Titles that tie after normalisation (case, accents, punctuation), unicode, empty ones.
TITLES = ["Attention", "attention!", "Àttention", "Zebra", "zèbre", "", "   ", "ΔNet", "日本語",
          "a", "A b", "a-b", "𝔘nicode", "Ωmega", "1 2 3", "[Fe/H] ratio"]  # fmt: skip
DUMPS = ["d1.txt", "d2.txt", 'quo"te.txt', "back\\slash", "ümlaut.json", "z"]
CATEGORIES = ["cs.CL", "CS.cl", "cs.LG", "math.AG", "Ünï.CO", "stat.ML"]
DATES = ["", "2024-01-01", "2024-01-01", "2024-02", "2024", "2023-12-31", "2024-03-15"]

paper = st.fixed_dictionaries(
    {
        "title": st.one_of(st.sampled_from(TITLES), st.text(max_size=12)),
        "dumps": st.lists(st.sampled_from(DUMPS), max_size=3, unique=True),
        "page_date": st.one_of(st.none(), st.sampled_from(["Jan 1", "Feb 2"])),
        "published": st.one_of(st.none(), st.sampled_from(DATES[1:])),
        "upvotes": st.one_of(st.none(), st.integers(-3, 5), st.integers(-(2**40), 2**40)),
        "categories": st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True),
        "date_key": st.sampled_from(DATES),
    }
)

filters = st.builds(
    Filters,
    sources=st.frozensets(st.sampled_from(DUMPS), max_size=3),
    ids=st.none(),
    date_from=st.one_of(st.none(), st.sampled_from(["2024", "2024-01-01", "2023", "2024-02-0"])),
    date_to=st.one_of(st.none(), st.sampled_from(["2024", "2024-01", "2023-12-31", ""])),
    min_upvotes=st.one_of(st.none(), st.integers(-4, 6)),
    category=st.one_of(st.none(), st.sampled_from([*CATEGORIES, "cs.cl", "CS", ""])),
)


def _catalog(folder: Path, papers: list[dict[str, object]]) -> Catalog:
    """A catalog with one paper per dict, put the way a sync puts them."""
    catalog = Catalog(folder / "catalog.sqlite")
    with catalog.transaction() as db:
        for n, p in enumerate(papers):
            sources = [Source(name=str(d), page_date=p["page_date"]) for d in p["dumps"]]  # type: ignore[attr-defined]
            catalog.put_paper(
                db,
                Paper(
                    id=f"p{n:03d}", title=str(p["title"]), sources=sources,
                    published=p["published"], upvotes=p["upvotes"],  # type: ignore[arg-type]
                    categories=list(p["categories"]),  # type: ignore[call-overload]
                ),
                str(p["date_key"]),
            )  # fmt: skip
    return catalog


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    papers=st.lists(paper, max_size=25),
    picks=st.lists(st.integers(0, 30), max_size=40),
    chosen=st.one_of(st.none(), st.frozensets(st.integers(0, 30), max_size=10)),
    f=filters,
)
def test_the_row_table_answers_as_the_plain_rows(
    papers: list[dict[str, object]], picks: list[int], chosen: frozenset[int] | None, f: Filters
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        catalog = _catalog(Path(folder), papers)
        try:
            plain = Plain({r.id: r for r in catalog.paper_rows()})
            table = RowTable.read(catalog)
        finally:
            catalog.close()
    # Ids in any order, repeated, and some not in the catalog (p025 and up never are).
    ids = [f"p{k:03d}" for k in picks]
    assert len(table) == len(plain.rows) and table.ids == list(plain.rows)
    for sort in Sort:
        assert table.sorted(ids, sort) == plain.sorted(ids, sort), sort
        assert table.sorted(list(plain.rows), sort) == plain.sorted(list(plain.rows), sort)
    if chosen is not None:
        f = f._replace(ids=frozenset(f"p{k:03d}" for k in chosen))
    assert table.allowed_ids(f) == plain.allowed_ids(f)
    assert table.count_sources(ids) == plain.count(ids)
    assert table.count_sources() == plain.count(plain.rows)
    for pid in [*ids, "", "nope"]:
        assert (pid in table) == (pid in plain.rows)
        row = plain.rows.get(pid)
        assert table.sources(pid) == (() if row is None else row.sources)


def test_a_table_built_from_rows_equals_the_one_read_from_the_catalog(tmp_path: Path) -> None:
    """`RowTable.build` (rows in memory) and `RowTable.read` (SQL, titles ordered by
    SQLite) rank unicode titles alike: SQLite's order of UTF-8 text is Python's."""
    papers = [
        {"title": t, "dumps": ["d1.txt"], "page_date": None, "published": None,
         "upvotes": None, "categories": [], "date_key": ""}
        for t in TITLES * 2
    ]  # fmt: skip
    catalog = _catalog(tmp_path, papers)
    try:
        read = RowTable.read(catalog)
        built = RowTable.build(catalog.paper_rows())
        plain = Plain({r.id: r for r in catalog.paper_rows()})
    finally:
        catalog.close()
    ids = list(plain.rows)
    assert read.sorted(ids, Sort.TITLE) == built.sorted(ids, Sort.TITLE)
    assert read.sorted(ids, Sort.TITLE) == plain.sorted(ids, Sort.TITLE)
    assert read.sorted(ids[::-1], Sort.TITLE) == plain.sorted(ids[::-1], Sort.TITLE)


def test_a_table_read_with_pauses_is_the_one_read_without(tmp_path: Path) -> None:
    """Reading every row pauses every `PAUSE_ROWS` papers, in the loops over all of them
    (the rows, the id table, the titles' ranks), so that searches typed meanwhile get the
    CPU: the table is the one read without pauses."""
    papers = [
        {"title": t, "dumps": ["d1.txt"], "page_date": None, "published": None,
         "upvotes": n, "categories": [], "date_key": ""}
        for n, t in enumerate(TITLES * 3)
    ]  # fmt: skip
    catalog = _catalog(tmp_path, papers)
    pauses: list[int] = []
    try:
        plain = RowTable.read(catalog)
        with patch.object(row_table, "PAUSE_ROWS", 2):
            paused = RowTable.read(catalog, lambda: pauses.append(1))
    finally:
        catalog.close()
    ids = plain.ids
    assert paused.ids == ids and len(pauses) >= 3 * (len(ids) // 2)
    for sort in Sort:
        assert paused.sorted(ids, sort) == plain.sorted(ids, sort)
        assert paused.sorted(ids[::-1], sort) == plain.sorted(ids[::-1], sort)


def test_a_sync_committing_between_the_two_reads_is_not_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table reads the papers twice (columns, then titles in order); a paper another
    connection commits in between (a sync) is in neither read, so the table holds the
    papers of one commit."""
    catalog = _catalog(tmp_path, [{"title": t, "dumps": ["d1.txt"], "page_date": None,
                                   "published": None, "upvotes": None, "categories": [],
                                   "date_key": ""} for t in TITLES])  # fmt: skip
    writer = Catalog(tmp_path / "catalog.sqlite")
    original = Catalog.ids_by_title

    def sync_meanwhile(self: Catalog) -> Iterator[tuple[str, str | None]]:
        with writer.transaction() as db:
            writer.put_paper(db, Paper(id="late", title="Arrived meanwhile"), "2024-01-01")
        return original(self)

    monkeypatch.setattr(Catalog, "ids_by_title", sync_meanwhile)
    try:
        table = RowTable.read(catalog)
        assert "late" not in table and len(table) == len(TITLES)
        monkeypatch.setattr(Catalog, "ids_by_title", original)
        assert "late" in RowTable.read(catalog)  # the next read sees it
    finally:
        catalog.close()
        writer.close()


def _table_of(count: int) -> RowTable:
    rows = [
        PaperRow(id=f"p{n:03d}", title=f"t{n}", title_key=f"t{n}", first_source="d1.txt",
                 page_date=None, published=None, upvotes=None, arxiv_id=None,
                 sources=("d1.txt",), categories=(), date_key="")
        for n in range(count)
    ]  # fmt: skip
    return RowTable.build(rows)


@settings(max_examples=200, deadline=None)
@given(
    count=st.integers(0, 12),
    picks=st.lists(st.integers(0, 16), max_size=30),
    head=st.booleans(),
    chunk=st.integers(1, 5),
)
def test_shared_ids_equal_the_ids_and_share_the_tables_strings(
    count: int, picks: list[int], head: bool, chunk: int
) -> None:
    """An index's id column read as the table's strings: any ids (the table's in its order,
    a head of them, others, unknown ones, repeats) give a list equal to them, whose known
    ids are the table's own string objects; the table's very list when equal to it."""
    table = _table_of(count)
    # Fresh string objects, as a column read gives them.
    ids = [f"p{k:03d}" for k in ([*range(count), *picks] if head else picks)]
    with patch.object(row_table, "_SHARE_CHUNK", chunk):
        shared = table.shared_ids(iter(ids))
    assert shared == ids
    own = {pid: pid for pid in table.ids}
    assert all(s is own[s] for s in shared if s in own)
    assert (shared is table.ids) == (ids == table.ids)


@settings(max_examples=100, deadline=None)
@given(count=st.integers(0, 12), picks=st.lists(st.integers(0, 16), max_size=30))
def test_a_table_taking_strings_holds_those_objects_and_answers_the_same(
    count: int, picks: list[int]
) -> None:
    table = _table_of(count)
    before = list(table.ids)
    ids = [f"p{k:03d}" for k in picks]  # fresh string objects, some not in the table
    pauses: list[int] = []
    with patch.object(row_table, "PAUSE_ROWS", 4):  # a pause after every 4 ids
        table.take_strings(iter(ids), lambda: pauses.append(1))
    assert len(pauses) == -(-len(ids) // 4)
    assert table.ids == before
    taken = {pid: pid for pid in ids}
    assert all(pid is taken[pid] for pid in table.ids if pid in taken)
    assert [table.position(pid) for pid in before] == list(range(count))
