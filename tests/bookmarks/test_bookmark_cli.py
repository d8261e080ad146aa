"""`paper-reader bookmarks ...`: the handlers in-process, then the real command in a subprocess."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import bibtexparser
import pytest

from reader.bookmarks import BookmarkError, BookmarkStore, add_bookmark_commands, run_bookmarks
from reader.bookmarks.model import arxiv_key
from reader.ingest import read_dump
from reader.model import Paper

MakePaper = Callable[..., Paper]
REPO = Path(__file__).resolve().parents[2]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paper-reader")
    sub = parser.add_subparsers(dest="command")
    add_bookmark_commands(sub)
    return parser


class Runner:
    """Parses `bookmarks ...` argv and runs the handler against an index of small papers."""

    def __init__(self, store: BookmarkStore, papers: list[Paper]) -> None:
        self.store = store
        self.papers = papers
        self.parser = _parser()

    def resolve(self, key: str) -> Paper | None:
        for paper in self.papers:
            if key == paper.id or (paper.arxiv_id and arxiv_key(key) == arxiv_key(paper.arxiv_id)):
                return paper
        return None

    def __call__(self, *argv: str) -> str:
        args = self.parser.parse_args(["bookmarks", *argv])
        out = io.StringIO()
        assert run_bookmarks(args, self.store, self.resolve, out) == 0
        return out.getvalue()


@pytest.fixture
def run(store: BookmarkStore, paper: MakePaper) -> Runner:
    return Runner(store, [paper(n) for n in range(1, 6)])


def test_add_by_id_or_arxiv_id_with_tags_and_note(run: Runner) -> None:
    out = run("add", "p0001", "--tag", "ml", "--tag", "to read", "--note", "look at fig 3")
    assert out == "bookmarked p0001  Paper number 1  [ml, to read]\n"
    out = run("add", "arXiv:2401.00002v2")
    assert out.startswith("bookmarked p0002  Paper number 2")
    out = run("add", "2401.00001", "--tag", "more")
    assert out == "updated p0001  Paper number 1  [ml, to read, more]\n"
    bookmark = run.store.get("p0001")
    assert bookmark is not None and bookmark.note == "look at fig 3"


def test_unknown_id_is_an_error(run: Runner) -> None:
    for argv in (("add", "nope"), ("remove", "nope"), ("tag", "nope", "x"), ("note", "nope", "x")):
        with pytest.raises(BookmarkError, match="no paper with id 'nope'"):
            run(*argv)


def test_bookmark_whose_paper_left_the_index_can_still_be_edited(run: Runner) -> None:
    run("add", "p0003")
    run.papers.clear()  # its dump was deleted
    assert run("tag", "p0003", "kept").startswith("tagged p0003")
    assert run("note", "2401.00003", "still here").startswith("note set on p0003")
    assert run("untag", "p0003", "kept").startswith("untagged p0003")
    assert run("remove", "2401.00003") == "removed p0003  Paper number 3\n"
    assert run.store.all() == []


def test_tag_and_note_bookmark_a_paper_if_needed(run: Runner) -> None:
    assert run("tag", "p0004", "a", "b").startswith("bookmarked p0004")
    assert run("note", "p0005", "line one\nline two").startswith("bookmarked p0005")
    four, five = run.store.get("p0004"), run.store.get("p0005")
    assert four is not None and four.tags == ["a", "b"]
    assert five is not None and five.note == "line one\nline two"


def test_untag_and_remove_need_a_bookmark(run: Runner) -> None:
    with pytest.raises(BookmarkError, match="not bookmarked"):
        run("untag", "p0001", "x")
    with pytest.raises(BookmarkError, match="not bookmarked"):
        run("remove", "p0001")


def test_list_plain_tag_and_json(run: Runner) -> None:
    assert run("list") == "no bookmarks\n"
    run("add", "p0001", "--tag", "ml", "--note", "two\nlines")
    run("add", "p0002")
    text = run("list")
    assert "p0001  Paper number 1  [ml]" in text and "    two\n    lines\n" in text
    assert "p0002  Paper number 2" in text
    assert "p0002" not in run("list", "--tag", "ml")
    assert run("list", "--tag", "none") == "no bookmarks tagged 'none'\n"
    rows = json.loads(run("list", "--json"))
    assert [r["id"] for r in rows] == ["p0002", "p0001"]
    for key in ("id", "title", "tags", "note", "added", "updated", "arxiv_id", "url", "sources"):
        assert key in rows[0]
    assert json.loads(run("list", "--json", "--tag", "nothing")) == []


def test_export_to_stdout_in_each_format(run: Runner) -> None:
    run("add", "p0001", "--tag", "ml")
    assert json.loads(run("export"))["bookmarks"][0]["id"] == "p0001"
    assert "## Paper number 1" in run("export", "--format", "markdown")
    library = bibtexparser.parse_string(run("export", "--format", "bibtex"))
    assert [e.key for e in library.entries] == ["p0001"]


def test_export_to_a_file_is_atomic_and_keeps_its_mode(run: Runner, tmp_path: Path) -> None:
    run("add", "p0001")
    target = tmp_path / "out.bib"
    assert run("export", "--format", "bibtex", "-o", str(target)) == (
        f"exported 1 bookmark to {target}\n"
    )
    assert bibtexparser.parse_file(str(target)).entries[0].key == "p0001"
    os.chmod(target, 0o640)
    run("add", "p0002")
    run("export", "--format", "bibtex", "-o", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert len(bibtexparser.parse_file(str(target)).entries) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    with pytest.raises(BookmarkError, match="cannot save"):
        run("export", "-o", str(tmp_path / "missing" / "out.json"))
    with pytest.raises(BookmarkError, match="folder"):
        run("export", "-o", str(tmp_path))
    with pytest.raises(BookmarkError, match="bookmarks file itself"):
        run("export", "-o", str(run.store.path))


def test_import_merges_and_says_what_changed(run: Runner, tmp_path: Path) -> None:
    other = Runner(BookmarkStore(tmp_path / "other" / "bookmarks.json"), run.papers)
    other("add", "p0001", "--tag", "from-other")
    other("add", "p0002")
    exported = tmp_path / "other.json"
    other("export", "-o", str(exported))
    run("add", "p0002", "--tag", "local")  # newer here: local wins
    out = run("import", str(exported))
    assert "added p0001  Paper number 1\n" in out
    assert out.endswith(f"imported {exported}: 1 added, 0 updated, 1 unchanged\n")
    assert run.store.ids() == frozenset({"p0001", "p0002"})
    two = run.store.get("p0002")
    assert two is not None and two.tags == ["local"]
    out = run("import", str(exported))
    assert out.endswith("0 added, 0 updated, 2 unchanged\n")


def test_import_errors(run: Runner, tmp_path: Path) -> None:
    with pytest.raises(BookmarkError, match="cannot read"):
        run("import", str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    with pytest.raises(BookmarkError, match="invalid JSON"):
        run("import", str(bad))


def test_usage_errors_exit_2() -> None:
    parser = _parser()
    for argv in (
        ["bookmarks"],
        ["bookmarks", "add"],
        ["bookmarks", "tag", "p1"],
        ["bookmarks", "export", "--format", "pdf"],
        ["bookmarks", "frobnicate"],
    ):
        with pytest.raises(SystemExit) as info:
            parser.parse_args(argv)
        assert info.value.code == 2, argv


def test_problem_is_reported_on_stderr(
    run: Runner, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_text("{broken")
    fresh = Runner(BookmarkStore(store_path), run.papers)
    assert json.loads(fresh("list", "--json")) == []
    err = capsys.readouterr().err
    assert err.startswith("warning: ") and "corrupt-" in err


# ----- the real command line --------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Dumps and cache shared by the subprocess tests, so the sample index is built once."""
    root = tmp_path_factory.mktemp("bookmarks-cli")
    dumps = root / "dumps"
    shutil.copytree(REPO / "sample_dumps", dumps)
    return dumps, root / "cache"


@pytest.fixture
def cli_env(tmp_path: Path, shared_index: tuple[Path, Path]) -> dict[str, str]:
    dumps, cache = shared_index
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PAPER_READER_DATA_DIR": str(tmp_path / "data"),
        "PAPER_READER_CACHE_DIR": str(cache),
        "PAPER_READER_STATE_DIR": str(tmp_path / "state"),
        "PAPER_READER_CONFIG_DIR": str(tmp_path / "config"),
        "PAPER_READER_DUMPS": str(dumps),
    }


def _cli(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", "bookmarks", *argv],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_end_to_end(
    cli_env: dict[str, str], shared_index: tuple[Path, Path], tmp_path: Path
) -> None:
    papers, _ = read_dump(sorted(shared_index[0].iterdir())[0])
    paper = papers[0]
    added = _cli(cli_env, "add", paper.id, "--tag", "[Fe/H]", "--tag", "y", "--note", "a\nb")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"bookmarked {paper.id}  {paper.title}")
    untagged = _cli(cli_env, "untag", paper.id, "y")
    assert untagged.returncode == 0, untagged.stderr

    rows = json.loads(_cli(cli_env, "list", "--json").stdout)
    assert [(r["id"], r["title"], r["tags"], r["note"]) for r in rows] == [
        (paper.id, paper.title, ["[Fe/H]"], "a\nb")
    ]
    path = tmp_path / "data" / "bookmarks.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700

    bib = tmp_path / "out.bib"
    exported = _cli(cli_env, "export", "--format", "bibtex", "-o", str(bib))
    assert exported.returncode == 0, exported.stderr
    assert [e.key for e in bibtexparser.parse_file(str(bib)).entries] == [paper.id]

    removed = _cli(cli_env, "remove", paper.id)
    assert (removed.returncode, removed.stdout) == (0, f"removed {paper.id}  {paper.title}\n")
    assert BookmarkStore(path).all() == []


def test_cli_import_and_errors(cli_env: dict[str, str], tmp_path: Path, paper: MakePaper) -> None:
    other = BookmarkStore(tmp_path / "elsewhere" / "bookmarks.json")
    other.add(paper(1), tags=["imported"])
    imported = _cli(cli_env, "import", str(other.path))
    assert imported.returncode == 0, imported.stderr
    assert "added p0001  Paper number 1" in imported.stdout
    assert "1 added, 0 updated, 0 unchanged" in imported.stdout
    # A bookmark whose paper is not in the index is found by its arXiv id.
    noted = _cli(cli_env, "note", "arXiv:2401.00001", "from the CLI")
    assert noted.returncode == 0, noted.stderr

    missing = _cli(cli_env, "add", "no-such-paper")
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        "paper-reader: error: no paper with id 'no-such-paper'"
    ]
    assert _cli(cli_env).returncode == 2

    path = tmp_path / "data" / "bookmarks.json"
    path.write_text("{broken", encoding="utf-8")
    listed = _cli(cli_env, "list", "--json")
    assert listed.returncode == 0
    assert "warning:" in listed.stderr and "corrupt-" in listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["id"] for r in rows] == ["p0001"], "the backup was restored"
