"""Finding the dumps under a folder gives every path exactly as `Path(folder) / name` spells
it (the catalog keys files by that string: another spelling would re-read every dump),
however the root is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.ingest.files import discover, discover_names
from reader.locations import DUMP_SUFFIXES


def _reference(root: Path) -> list[str]:
    """The dump files under `root` as `Path` joins them, in the walk's order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name.lower().endswith(DUMP_SUFFIXES):
                found.append(str(Path(dirpath) / name))
    return found


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "dumps"
    for rel in [
        "a.txt", "B.TXT", "notes.md", ".hidden.txt", "x/one.json", "x/y/two.jsonl",
        "x/.skip/three.txt", "z/..dots.txt", "z/dots..txt", "z/ space .txt",
    ]:  # fmt: skip
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return root


@pytest.mark.parametrize("spelling", ["{root}", "{root}/", "{root}//", "{root}/./", "{root}/x/.."])
def test_paths_are_spelt_as_path_joins_them(tree: Path, spelling: str) -> None:
    root = Path(spelling.format(root=tree))
    names, problems = discover_names([root])
    assert problems == []
    assert names == _reference(root)
    assert discover([root]) == ([Path(n) for n in names], [])


def test_relative_roots_keep_their_spelling(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    for root in [Path("."), Path("x"), Path("./x"), Path("../dumps")]:
        names, _ = discover_names([root])
        assert names == _reference(root), root
        assert names and all(str(Path(n)) == n for n in names)


def test_a_file_given_twice_is_listed_once(tree: Path) -> None:
    names, _ = discover_names([tree / "a.txt", tree, Path(f"{tree}/./a.txt")])
    assert names.count(str(tree / "a.txt")) == 1
