"""A damaged index folder: the library and the CLI notice, rebuild or fall back, and say so.

Bookmarks are never touched: `<XDG_DATA_HOME>/paper-reader/bookmarks.json` is byte-identical
after every scenario.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from reader.locations import resolve_locations
from reader.search import Library
from tests import unprivileged
from tests.unprivileged import run as unprivileged_run

REPO = Path(__file__).resolve().parents[2]
DUMP = "000_1828332811127e68.txt"  # one sample dump (49 papers): quick to rebuild
# A valid (empty) bookmarks file, oddly spaced: a rewrite would change its bytes.
BOOKMARK_BYTES = b'{ "schema_version": 1,   "bookmarks": [], "x": "keep me \xc3\xa9" }\n'


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(dumps folder, a built index folder to copy) shared by the module."""
    base = tmp_path_factory.mktemp("damage")
    dumps = base / "dumps"
    dumps.mkdir()
    shutil.copy(REPO / "sample_dumps" / DUMP, dumps / DUMP)
    built = base / "index"
    lib = Library([dumps], built)
    assert lib.sync().papers == 49
    lib.close()
    return dumps, built


def _index_dir(dumps: Path) -> Path:
    return resolve_locations().index_dir([dumps])


@pytest.fixture
def setup(template: tuple[Path, Path]) -> tuple[Path, Path, Path]:
    """(dumps, this test's index folder, bookmarks file), index copied in place."""
    dumps, built = template
    index_dir = _index_dir(dumps)
    index_dir.parent.mkdir(parents=True)
    shutil.copytree(built, index_dir)
    bookmarks = resolve_locations().bookmarks_file
    bookmarks.parent.mkdir(parents=True)
    bookmarks.write_bytes(BOOKMARK_BYTES)
    return dumps, index_dir, bookmarks


def cli(
    dumps: Path, *args: str, env: dict[str, str] | None = None, unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    """`paper-reader --dumps DUMPS ARGS`; `unprivileged`: in a process file modes bind."""
    full = dict(os.environ if env is None else env, PYTHONPATH=str(REPO))
    run = unprivileged_run if unprivileged else partial(subprocess.run, text=True)
    return run(
        [sys.executable, "-m", "reader", "--dumps", str(dumps), *args],
        capture_output=True,
        env=full,
        timeout=120,
    )


def _toc(ix: Path) -> Path:
    return next((ix / "whoosh").glob("_MAIN_*.toc"))


def _seg(ix: Path) -> Path:
    return next((ix / "whoosh").glob("*.seg"))


def _truncate(path: Path, keep: int) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: keep if keep >= 0 else len(data) + keep])


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(max(path.stat().st_size, 4096)))


def _empty(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.mkdir()


def _replace_with_file(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.write_text("not an index")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated_toc": lambda ix: _truncate(_toc(ix), 100),
    "corrupt_toc": lambda ix: _garbage(_toc(ix)),
    "empty_toc": lambda ix: _truncate(_toc(ix), 0),
    "missing_toc": lambda ix: _toc(ix).unlink(),
    "missing_segment": lambda ix: _seg(ix).unlink(),
    "truncated_segment": lambda ix: _truncate(_seg(ix), -100),
    "segment_cut_in_half": lambda ix: _truncate(_seg(ix), _seg(ix).stat().st_size // 2),
    "empty_whoosh_folder": lambda ix: _empty(ix / "whoosh"),
    "empty_index_folder": lambda ix: _empty(ix),
    "missing_catalog": lambda ix: (ix / "catalog.sqlite").unlink(),
    "truncated_catalog": lambda ix: _truncate(ix / "catalog.sqlite", 3000),
    "corrupt_catalog": lambda ix: _garbage(ix / "catalog.sqlite"),
    "index_path_is_a_file": lambda ix: _replace_with_file(ix),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_library_detects_damage_and_sync_rebuilds(
    setup: tuple[Path, Path, Path], damage: str
) -> None:
    dumps, index_dir, bookmarks = setup
    DAMAGE[damage](index_dir)
    lib = Library([dumps], index_dir)
    assert lib.damage, "the damage went unnoticed"
    assert not lib.available
    result = lib.search("diffusion")  # reads before the rebuild see an empty library
    assert result.ids == [] and result.note
    assert lib.facets("diffusion") == {} and lib.suggest("difusion") is None
    report = lib.sync()
    assert report.rebuilt and report.rebuild_reason
    assert report.papers == 49 and lib.search("diffusion").total > 0
    assert lib.damage is None
    lib.close()
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


# The library test above covers every kind; the CLI (a subprocess each) a representative few.
CLI_DAMAGE = [
    "truncated_toc", "corrupt_toc", "missing_segment", "segment_cut_in_half",
    "empty_index_folder", "corrupt_catalog", "index_path_is_a_file",
]  # fmt: skip


@pytest.mark.parametrize("damage", CLI_DAMAGE)
def test_cli_rebuilds_with_a_message(setup: tuple[Path, Path, Path], damage: str) -> None:
    dumps, index_dir, bookmarks = setup
    DAMAGE[damage](index_dir)
    res = cli(dumps, "search", "diffusion", "--limit", "1")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert "paper-reader: index rebuilt (" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "Diffusion" in res.stdout
    again = cli(dumps, "search", "diffusion", "--limit", "1")
    assert again.returncode == 0 and again.stderr == ""
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_stray_files_are_ignored(setup: tuple[Path, Path, Path]) -> None:
    dumps, index_dir, bookmarks = setup
    (index_dir / "notes.txt").write_text("stray")
    (index_dir / "whoosh" / "stray.bin").write_bytes(os.urandom(100))
    (index_dir.parent / "README").write_text("stray beside the index folders")
    res = cli(dumps, "search", "diffusion", "--limit", "1")
    assert res.returncode == 0 and res.stderr == "" and "Diffusion" in res.stdout
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_garbage_inside_a_segment_never_shows_a_traceback(setup: tuple[Path, Path, Path]) -> None:
    """Whoosh has no checksums: garbage mid-segment may go unnoticed, but never crashes a command."""
    dumps, index_dir, bookmarks = setup
    seg = _seg(index_dir)
    data = bytearray(seg.read_bytes())
    start = len(data) // 4
    data[start : start + len(data) // 2] = os.urandom(len(data) // 2)
    seg.write_bytes(bytes(data))
    for query in ("diffusion", "model*", "title:language", '"large language"', "scal~2"):
        res = cli(dumps, "search", query, "--limit", "2")
        assert res.returncode in (0, 1), res.stderr
        assert "Traceback" not in res.stderr, res.stderr
        assert len(res.stderr.strip().splitlines()) <= 2, res.stderr
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_leftovers_of_a_killed_rebuild_are_cleared(setup: tuple[Path, Path, Path]) -> None:
    dumps, index_dir, bookmarks = setup
    half = index_dir.with_name(index_dir.name + ".new")
    old = index_dir.with_name(index_dir.name + ".old-99999")
    shutil.copytree(index_dir, half)
    shutil.copytree(index_dir, old)
    res = cli(dumps, "index", "--rebuild")
    assert res.returncode == 0, res.stderr
    assert not half.exists() and not old.exists()
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_cache_folder_under_a_regular_file(setup: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """An unwritable cache (works as root too): one clear line, exit 1, bookmarks untouched."""
    dumps, _, bookmarks = setup
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    env = dict(os.environ, XDG_CACHE_HOME=str(blocker / "cache"))
    for args in (["index"], ["search", "diffusion"], ["list"]):
        res = cli(dumps, *args, env=env)
        assert res.returncode == 1, res.stderr
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("paper-reader: error: cannot use the index")
        assert "XDG_CACHE_HOME" in lines[0]
    res = cli(dumps, "bookmarks", "list", env=env)  # bookmarks do not need the cache
    assert "Traceback" not in res.stderr
    assert blocker.read_text() == "a file, not a folder"
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_index_root_is_a_file(setup: tuple[Path, Path, Path]) -> None:
    dumps, index_dir, bookmarks = setup
    root = index_dir.parent
    shutil.rmtree(root)
    root.write_text("squatter")
    res = cli(dumps, "search", "diffusion")
    assert res.returncode == 1
    assert "exists but is not a directory" in res.stderr and "Traceback" not in res.stderr
    assert root.read_text() == "squatter"  # a user's file is never deleted
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_lock_path_taken_by_a_folder_falls_back(setup: tuple[Path, Path, Path]) -> None:
    dumps, index_dir, bookmarks = setup
    lock = index_dir.with_name(index_dir.name + ".lock")
    if lock.exists():
        lock.unlink()
    lock.mkdir()
    # A changed dump, so the search must sync (an unchanged one is checked without the lock).
    (dumps / DUMP).write_text((dumps / DUMP).read_text() + "\nNew title\nNew abstract.\n")
    res = cli(dumps, "search", "diffusion", "--limit", "1")
    assert res.returncode == 0 and "Diffusion" in res.stdout
    assert "using the last built index" in res.stderr and "Traceback" not in res.stderr
    res = cli(dumps, "index")
    assert res.returncode == 1 and res.stderr.startswith(
        "paper-reader: error: cannot update the index"
    )
    assert bookmarks.read_bytes() == BOOKMARK_BYTES


def test_read_only_cache_falls_back_to_the_last_index(setup: tuple[Path, Path, Path]) -> None:
    """The search runs in a process that file modes bind (also when the suite runs as root)."""
    if reason := unprivileged.why_modes_cannot_bind():
        pytest.skip(reason)
    dumps, index_dir, bookmarks = setup
    (dumps / DUMP).write_text((dumps / DUMP).read_text() + "\nNew title\nNew abstract.\n")
    modes = {p: p.stat().st_mode for p in (index_dir.parent, index_dir, index_dir / "whoosh")}
    try:
        for p in modes:
            p.chmod(0o500)
        res = cli(dumps, "search", "diffusion", "--limit", "1", unprivileged=True)
        assert res.returncode == 0 and "Diffusion" in res.stdout, res.stderr
        assert "using the last built index" in res.stderr
    finally:
        for p, mode in modes.items():
            p.chmod(mode)
    assert bookmarks.read_bytes() == BOOKMARK_BYTES
