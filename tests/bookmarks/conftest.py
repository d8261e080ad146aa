"""Fixtures for the bookmark store tests: a private store path and small `Paper` records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reader.bookmarks import BookmarkStore
from reader.model import Paper, Source

MakePaper = Callable[..., Paper]


def make_paper(n: int, **changes: object) -> Paper:
    """A small paper with a stable id `p<n>` and an arXiv id."""
    data: dict[str, object] = {
        "id": f"p{n:04d}",
        "title": f"Paper number {n}",
        "abstract": f"Abstract of paper {n}.\nSecond line.",
        "sources": [Source(name="daily.txt", path="/dumps/daily.txt", page_date="Mar 14")],
        "arxiv_id": f"2401.{n:05d}",
        "url": f"https://huggingface.co/papers/2401.{n:05d}",
        "authors": ["Ada Lovelace", "Alan Turing"],
        "published": "2024-01-15",
        "categories": ["cs.CL"],
    }
    data.update(changes)
    return Paper(**data)  # type: ignore[arg-type]


@pytest.fixture
def paper() -> MakePaper:
    return make_paper


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "paper-reader" / "bookmarks.json"


@pytest.fixture
def store(store_path: Path) -> BookmarkStore:
    return BookmarkStore(store_path)
