"""The inbox order of the news papers (`reader.search.news.inbox_order`)."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search import news
from reader.search.types import SourceInfo


@settings(max_examples=150, deadline=None)
@given(
    pages=st.lists(st.lists(st.integers(0, 20), max_size=12), max_size=5),
    every=st.integers(1, 6),
)
def test_the_inbox_is_each_paper_once_in_page_order_pausing_as_it_goes(
    pages: list[list[int]], every: int
) -> None:
    """Each news paper once, where it first appears (dumps in the order given, each in
    page order), however the work is cut by pauses (every few thousand ids: searches typed
    while a million papers' inbox is read get the CPU)."""
    sources = [
        SourceInfo(f"d{n}", f"/d{n}.txt", "hf-daily", len(p), None) for n, p in enumerate(pages)
    ]
    ids_by_path = {s.path: [f"p{k}" for k in page] for s, page in zip(sources, pages, strict=True)}
    expected: list[str] = []
    for page in pages:
        for k in page:
            if f"p{k}" not in expected:
                expected.append(f"p{k}")
    pauses: list[int] = []
    with patch.object(news, "PAUSE_IDS", every):
        order = news.inbox_order(sources, ids_by_path, lambda: pauses.append(1))
    assert order == expected
    assert len(pauses) == sum(-(-len(page) // every) for page in pages)
    assert news.inbox_order(sources, ids_by_path) == expected
