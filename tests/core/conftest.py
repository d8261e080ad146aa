"""Fixtures for the core tests: a library over the samples, built once per module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.search import Library

SAMPLES = Path(__file__).resolve().parents[2] / "sample_dumps"


@pytest.fixture(scope="module")
def sample_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """A synced, read-only-by-convention library over a copy of the samples."""
    root = tmp_path_factory.mktemp("lib")
    dumps = root / "dumps"
    shutil.copytree(SAMPLES, dumps)
    lib = Library([dumps], root / "index")
    lib.sync()
    yield lib
    lib.close()
