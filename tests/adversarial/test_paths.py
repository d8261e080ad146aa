"""Odd environments: XDG_* unset, empty, relative or pointing at a file; HOME unset or odd.

paper-reader falls back to the defaults or stops with one clear line; it never creates a
stray `~` (or relative) folder in the working directory, and with every XDG_* pointed at a
temp tree it writes nothing outside that tree (the working directory and HOME stay empty).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
XDG = ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")


def base_env(**extra: str) -> dict[str, str]:
    """A minimal environment (no paper-reader overrides), plus `extra`."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TMPDIR")}
    return {**keep, "PYTHONPATH": str(REPO), **extra}


def cli(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    work = tmp_path / "cwd"
    work.mkdir()
    return work


@pytest.fixture
def dumps(tmp_path: Path) -> Path:
    target = tmp_path / "dumps"
    target.mkdir()
    shutil.copy(REPO / "sample_dumps" / "000_1828332811127e68.txt", target)
    return target


def test_everything_stays_inside_the_xdg_tree(tmp_path: Path, cwd: Path, dumps: Path) -> None:
    home = tmp_path / "emptyhome"
    home.mkdir()
    tree = tmp_path / "xdg"
    env = base_env(HOME=str(home), **{v: str(tree / v.lower()) for v in XDG})
    before = snapshot(tmp_path)
    for args in (
        ["--dumps", str(dumps), "index"],
        ["--dumps", str(dumps), "search", "diffusion"],
        ["--dumps", str(dumps), "paths"],
        ["--dumps", str(dumps), "bookmarks", "list"],
        ["paths", "--json"],
    ):
        res = cli(cwd, env, *args)
        assert res.returncode == 0, (args, res.stderr)
        assert "Traceback" not in res.stderr
    assert list(cwd.iterdir()) == []
    assert list(home.iterdir()) == []
    outside = {p for p in snapshot(tmp_path) - before if not p.startswith("xdg")}
    assert outside == set(), outside
    doc = json.loads(cli(cwd, env, "paths", "--json").stdout)
    for key in ("data_dir", "cache_dir", "config_dir", "state_dir", "index_dir"):
        assert doc[key].startswith(str(tree)), (key, doc[key])


@pytest.mark.parametrize("value", [None, "", "   ", "relative/dir", "~nouser/x", "."])
def test_unset_empty_or_relative_xdg_falls_back_to_home(
    tmp_path: Path, cwd: Path, dumps: Path, value: str | None
) -> None:
    home = tmp_path / "home2"
    home.mkdir()
    extra = {} if value is None else {v: value for v in XDG}
    env = base_env(HOME=str(home), **extra)
    doc = json.loads(cli(cwd, env, "paths", "--json").stdout)
    assert doc["data_dir"] == str(home / ".local/share/paper-reader")
    assert doc["cache_dir"] == str(home / ".cache/paper-reader")
    assert doc["config_dir"] == str(home / ".config/paper-reader")
    assert doc["state_dir"] == str(home / ".local/state/paper-reader")
    res = cli(cwd, env, "--dumps", str(dumps), "search", "diffusion", "--limit", "1")
    assert res.returncode == 0, res.stderr
    assert list(cwd.iterdir()) == [], "a stray folder in the working directory"
    assert (home / ".cache/paper-reader").is_dir()


@pytest.mark.parametrize("home", [None, "", "relative-home", "~"])
def test_odd_home_gives_absolute_paths_or_a_clear_error(
    tmp_path: Path, cwd: Path, dumps: Path, home: str | None
) -> None:
    """With HOME unusable the defaults come from the password database, or a clear error."""
    tree = tmp_path / "xdg"
    extra = {} if home is None else {"HOME": home}
    # `paths` alone writes nothing, so it is safe to run against the real defaults.
    res = cli(cwd, base_env(**extra), "paths", "--json")
    if res.returncode == 0:
        doc = json.loads(res.stdout)
        for key in ("data_dir", "cache_dir", "config_dir", "state_dir", "index_dir"):
            assert os.path.isabs(doc[key]) and "~" not in doc[key], doc[key]
    else:
        assert res.returncode == 1 and res.stderr.startswith("paper-reader: error:")
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    # With the XDG folders set, HOME does not matter at all; real work writes only there.
    env = base_env(**extra, **{v: str(tree / v.lower()) for v in XDG})
    for args in (["index"], ["search", "diffusion"], ["bookmarks", "list"]):
        res = cli(cwd, env, "--dumps", str(dumps), *args)
        assert res.returncode == 0, (args, res.stderr)
    assert list(cwd.iterdir()) == []


@pytest.mark.parametrize("var", XDG)
def test_xdg_pointing_at_a_file(tmp_path: Path, cwd: Path, dumps: Path, var: str) -> None:
    home = tmp_path / "home3"
    home.mkdir()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = base_env(HOME=str(home), **{v: str(tmp_path / v.lower()) for v in XDG})
    env[var] = str(blocker)
    for args in (["index"], ["search", "diffusion"], ["bookmarks", "list"], ["paths"]):
        res = cli(cwd, env, "--dumps", str(dumps), *args)
        assert "Traceback" not in res.stderr, (args, res.stderr)
        if res.returncode != 0:
            assert res.returncode == 1, (args, res.stderr)
            lines = res.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("paper-reader: error:"), res.stderr
            assert str(blocker) in lines[0] or "not a directory" in lines[0].lower(), lines[0]
    assert blocker.read_text() == "not a folder"
    assert list(cwd.iterdir()) == []


def test_override_must_be_absolute(tmp_path: Path, cwd: Path) -> None:
    env = base_env(HOME=str(tmp_path), PAPER_READER_CACHE_DIR="relative-cache")
    res = cli(cwd, env, "paths")
    assert res.returncode == 1
    assert "PAPER_READER_CACHE_DIR must be an absolute path" in res.stderr
    assert list(cwd.iterdir()) == []
