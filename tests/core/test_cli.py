"""The command line as a user runs it: subprocesses, exit codes, JSON, quiet pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        cwd=cwd,
        timeout=120,
    )


def test_index_reports_each_file_and_json_totals(sample_dir: Path) -> None:
    first = run("--dumps", str(sample_dir), "index")
    assert first.returncode == 0, first.stderr
    assert "hf-text-lines" in first.stdout and "49 papers" in first.stdout
    assert "205 papers from 3 dumps" in first.stdout
    again = run("index", "--json", "--dumps", str(sample_dir))
    doc = json.loads(again.stdout)
    assert doc["papers"] == 205 and doc["changed_files"] == 0 and doc["duplicates_merged"] == 7
    assert {f["papers"] for f in doc["files"]} == {49, 103, 60}
    assert all({"path", "format", "papers", "warnings"} <= set(f) for f in doc["files"])


def test_search_list_similar_json(sample_dir: Path) -> None:
    res = run("--dumps", str(sample_dir), "search", "state space models", "--limit", "5", "--json")
    assert res.returncode == 0, res.stderr
    hits = json.loads(res.stdout)
    assert len(hits) == 5
    assert {"id", "title", "abstract", "sources", "arxiv_id", "url", "score"} <= set(hits[0])
    assert hits[0]["sources"][0].endswith(".txt")
    listed = json.loads(run("--dumps", str(sample_dir), "list", "--json").stdout)
    assert len(listed) == 205 and listed[0]["title"].startswith("PyTorch FSDP")
    sim = run("--dumps", str(sample_dir), "similar", hits[0]["id"], "--json", "--limit", "3")
    assert sim.returncode == 0 and len(json.loads(sim.stdout)) == 3
    text = run("--dumps", str(sample_dir), "similar", hits[0]["id"])
    assert "Key terms:" in text.stdout


def test_env_dumps_and_default_samples(sample_dir: Path, tmp_path: Path) -> None:
    one = next(sample_dir.glob("004_*"))
    env = dict(os.environ, PAPER_READER_DUMPS=str(one))
    doc = json.loads(run("index", "--json", env=env).stdout)
    assert doc["papers"] == 60
    paths = json.loads(run("paths", "--json", env=env).stdout)
    assert paths["dumps"] == {"origin": "PAPER_READER_DUMPS", "paths": [str(one)]}
    default = json.loads(run("paths", "--json").stdout)
    assert default["dumps"]["origin"] == "bundled samples"
    assert set(default) >= {
        "data_dir",
        "cache_dir",
        "config_dir",
        "index_dir",
        "bookmarks_file",
        "reading_file",
        "dumps",
    }
    assert default["reading_file"] == str(Path(default["data_dir"]) / "reading.sqlite")
    assert default["data_dir"].startswith(str(tmp_path))
    # A non-empty <data dir>/dumps is used when nothing else is given.
    user_dumps = Path(default["data_dir"]) / "dumps"
    user_dumps.mkdir(parents=True)
    (user_dumps / "mine.txt").write_text("A Paper Of My Own\nIts abstract, which is long enough.\n")
    mine = json.loads(run("paths", "--json").stdout)
    assert mine["dumps"]["origin"] == "data dir"
    assert json.loads(run("index", "--json").stdout)["papers"] == 1


def test_exit_codes_and_one_line_errors(tmp_path: Path) -> None:
    usage = run("search")
    assert usage.returncode == 2 and "usage:" in usage.stderr
    assert run("frobnicate").returncode == 2
    assert run("search", "x", "--limit", "0").returncode == 2
    missing = run("--dumps", str(tmp_path / "nope"), "search", "x")
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines()[-1].startswith("paper-reader: error:")
    assert "Traceback" not in missing.stderr
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("paper-reader ")
    bad_id = run("similar", "no-such-paper")
    assert (
        bad_id.returncode == 1 and "no paper" in bad_id.stderr and "Traceback" not in bad_id.stderr
    )


def test_bad_query_is_a_note_not_a_traceback(sample_dir: Path) -> None:
    res = run("--dumps", str(sample_dir), "search", 'title:"((')
    assert res.returncode == 0 and "Traceback" not in res.stderr
    miss = run("--dumps", str(sample_dir), "search", "difusion modls")
    assert "Did you mean: diffusion models?" in miss.stdout


def test_pipe_to_head_is_quiet(sample_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "--dumps", str(sample_dir), "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_cli_commands_do_not_import_textual(
    sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = (
        "import sys; from reader.cli import main; "
        f"rc = main(['--dumps', {str(sample_dir)!r}, 'search', 'diffusion', '--limit', '1']); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr


def test_main_in_process_returns_codes(
    sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--dumps", str(sample_dir), "search", "diffusion", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n  1. ") + out.startswith("  1. ") == 1


def test_search_lists_a_phrase_s_best_papers_with_an_estimated_total(
    sample_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phrase of words common enough to rank from their impacts lists the same papers
    whether its total is counted or estimated; the estimate says "about"."""
    import reader.search.impact as impact

    args = ["--dumps", str(sample_dir), "search", '"language models"', "--limit", "3"]
    assert main(args) == 0
    exact = capsys.readouterr().out
    monkeypatch.setattr(impact, "MIN_POSTINGS", 0)  # the sample's words count as common
    monkeypatch.setattr(impact, "FEW_MATCHES", 0)
    assert main(args) == 0
    estimated = capsys.readouterr().out
    head, _, tail = estimated.rpartition("\n3 of ")
    assert tail.startswith("about ") and tail.endswith(" results\n"), estimated
    assert exact.rpartition("\n3 of ")[0] == head


def test_index_merges_the_small_segments_after_its_report(
    sample_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`index` prints its report once the papers are in, then merges the small segments the
    syncs left (`Library.merge`): the report is the one a sync alone prints."""
    from reader.locations import resolve_locations
    from reader.search import Library, merging

    monkeypatch.setattr(merging, "SMALL_DOCS", 50)
    monkeypatch.setattr(merging, "MERGE_AT", 2)
    printed: list[str] = []
    real = Library.merge

    def merge(self: Library, *args: object) -> object:
        printed.append(capsys.readouterr().out)  # what was printed before it
        return real(self, *args)

    monkeypatch.setattr(Library, "merge", merge)
    assert main(["--dumps", str(sample_dir), "index"]) == 0
    for day in range(2):
        papers = [{"id": f"2402.{day}{n:04d}", "title": f"Quokka {day} {n}", "summary": "S."}
                  for n in range(5)]  # fmt: skip
        (sample_dir / f"zz_day{day}.json").write_text(json.dumps(papers), encoding="utf-8")
        assert main(["--dumps", str(sample_dir), "index"]) == 0
    assert "215 papers from 5 dumps (1 changed" in printed[-1]
    lib = Library([sample_dir], resolve_locations().index_dir([sample_dir]))
    try:
        assert lib.merge() is None  # done by the last `index`
        assert lib.search("quokka", limit=None).total == 10
        reader = lib._searcher.reader()
        assert sorted(leaf.doc_count_all() for leaf, _ in reader.leaf_readers())[0] == 10
    finally:
        lib.close()
