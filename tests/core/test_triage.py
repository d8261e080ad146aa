"""Triage over the samples: inbox order, keep/dismiss/toggle and their undo, bulk marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.bookmarks import BookmarkStore
from reader.bookmarks.reading import ReadingStore, State
from reader.search import Library
from reader.triage import Triage


@pytest.fixture
def triage(sample_dir: Path, tmp_path: Path) -> Triage:
    lib = Library([sample_dir], tmp_path / "index")
    lib.sync()
    return Triage(lib, ReadingStore(tmp_path / "r.sqlite"), BookmarkStore(tmp_path / "b.json"))


def test_inbox_is_newest_dump_first_then_page_order(triage: Triage) -> None:
    inbox = triage.inbox()
    assert len(inbox) == 205 == triage.unread_count()
    order = [s.name[:3] for s in triage.library.news_sources()]
    # 000 has no page date: its file date (today) is newer than 004's Mar 17 and 002's Mar 14
    assert order == ["000", "004", "002"]
    first = triage.library.search("", limit=None).ids[:49]  # 000's papers, in page order
    assert inbox[:49] == first


def test_keep_dismiss_toggle_and_undo_repeatedly(triage: Triage) -> None:
    a, b, c = triage.inbox()[:3]
    paper = triage.library.get(a)
    assert paper is not None
    triage.keep(paper)
    triage.dismiss(b)
    triage.toggle(c)
    assert triage.bookmarks.get(a) is not None
    assert triage.reading.state(b) is State.DISMISSED and triage.reading.state(c) is State.SEEN
    assert triage.unread_count() == 202 and triage.inbox()[0] not in (a, b, c)
    assert triage.toggle(c).changed == 1 and triage.reading.state(c) is State.UNREAD
    undone = [triage.undo(), triage.undo(), triage.undo()]
    assert [u.paper_id for u in undone if u] == [c, c, b]
    assert triage.reading.state(b) is State.UNREAD
    action = triage.undo()
    assert action is not None and action.paper_id == a
    assert triage.bookmarks.get(a) is None  # keep's bookmark goes too
    assert triage.undo() is None and triage.unread_count() == 205


def test_keep_of_a_bookmarked_paper_keeps_the_bookmark_on_undo(triage: Triage) -> None:
    pid = triage.inbox()[0]
    paper = triage.library.get(pid)
    assert paper is not None
    triage.bookmarks.add(paper, tags=["x"])
    triage.keep(paper)
    triage.undo()
    assert triage.bookmarks.get(pid) is not None and triage.reading.state(pid) is State.UNREAD


def test_a_bulk_mark_is_undone_as_one_step(triage: Triage) -> None:
    gone = triage.inbox()[5]
    triage.dismiss(gone)
    ids = triage.library.search("model", limit=None).ids
    assert gone in ids
    triage.mark_many(ids)
    assert triage.unread_count() == 205 - len(set(ids))
    triage.undo()
    assert triage.unread_count() == 204 and triage.reading.state(gone) is State.DISMISSED


def test_matches_finds_what_search_finds(triage: Triage) -> None:
    """The counting path (no ranking) against the plain search, query by query."""
    from bench.queries import QUERIES
    from reader.search import Filters

    lib = triage.library
    some = frozenset(s.name for s in lib.sources()[:2])
    for _kind, text, _fts in [*QUERIES, ("empty", "", "")]:
        for filters in (Filters(), Filters(sources=some)):
            found = set(lib.search(text, filters, limit=None, suggest=False).ids)
            assert set(lib.matches(text, filters)) == found, (text, filters)


def test_unread_papers_are_the_news_minus_those_read(triage: Triage) -> None:
    news = set(triage.news_ids())
    assert triage.unread_ids() == news and triage.unread_count() == len(news)
    a, b = triage.inbox()[:2]
    triage.dismiss(b)
    triage.toggle(a)
    assert triage.unread_ids() == news - {a, b} and triage.unread_count() == len(news) - 2
    triage.undo()
    triage.undo()
    assert triage.unread_ids() == news and triage.unread_count() == len(news)
