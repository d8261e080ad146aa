"""The triage commands as a user runs them (subprocess): inbox, mark, feeds, export/import,
and the archive rule."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from reader.search import Library, SourceInfo
from reader.search.news import ARCHIVE_FORMATS, ARCHIVE_PAPERS, is_archive, news_sources

REPEATED = "f9bdb993ac01"  # in 002 and 004
SAMPLES = Path(__file__).resolve().parents[2] / "sample_dumps"


def run(*args: str, dumps: Path | None = None) -> subprocess.CompletedProcess[str]:
    prefix = ["--dumps", str(dumps)] if dumps else []
    return subprocess.run(
        [sys.executable, "-m", "reader", *prefix, *args],
        capture_output=True, text=True, env=dict(os.environ), timeout=120,
    )  # fmt: skip


def ok(*args: str, dumps: Path | None = None) -> str:
    res = run(*args, dumps=dumps)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_first_run_the_inbox_holds_every_sample_paper(sample_dir: Path) -> None:
    assert ok("inbox", "--count", dumps=sample_dir) == "205\n"
    papers = json.loads(ok("inbox", "--json", "--limit", "5", dumps=sample_dir))
    assert len(papers) == 5 and {"id", "title", "sources", "abstract"} <= set(papers[0])
    text = ok("inbox", "--limit", "2", dumps=sample_dir)
    assert text.endswith("2 of 205 unread\n")


def test_a_paper_seen_in_one_dump_stays_seen_when_another_repeats_it(tmp_path: Path) -> None:
    dumps = tmp_path / "daily"
    dumps.mkdir()
    shutil.copy(next(SAMPLES.glob("004_*")), dumps)
    assert ok("inbox", "--count", dumps=dumps) == "60\n"
    first = json.loads(ok("inbox", "--json", dumps=dumps))
    ids = [p["id"] for p in first]
    assert REPEATED in ids
    others = [i for i in ids if i != REPEATED]
    assert ok("mark", "seen", REPEATED, others[0], dumps=dumps) == "2 papers marked seen\n"
    assert ok("mark", "dismissed", others[1], dumps=dumps) == "1 paper marked dismissed\n"
    assert ok("mark", "dismissed", others[1], dumps=dumps) == "0 papers marked dismissed\n"
    assert ok("inbox", "--count", dumps=dumps) == "57\n"
    shutil.copy(next(SAMPLES.glob("002_*")), dumps)  # 103 papers, 4 of them also in 004
    inbox = [p["id"] for p in json.loads(ok("inbox", "--json", dumps=dumps))]
    assert REPEATED not in inbox and others[0] not in inbox and others[1] not in inbox
    assert len(inbox) == 57 + 103 - 4
    # newest dump first: 004 (Mar 17) before 002 (Mar 14), each in page order
    assert inbox[:57] == [i for i in ids if i not in (REPEATED, others[0], others[1])]


def test_mark_by_dump_all_before_and_bad_input(sample_dir: Path) -> None:
    name = next(sample_dir.glob("004_*")).name
    assert ok("mark", "dismissed", REPEATED, dumps=sample_dir) == "1 paper marked dismissed\n"
    assert ok("mark", "seen", "--dump", name, dumps=sample_dir) == "59 papers marked seen\n"
    assert ok("inbox", "--count", dumps=sample_dir) == "145\n"
    assert ok("mark", "unread", "--all", dumps=sample_dir) == "60 papers marked unread\n"
    # 002 is dated Mar 14; 000 has no page date (its file date counts) and 004 is Mar 17
    year = json.loads(ok("index", "--json", dumps=sample_dir))  # noqa: F841 - synced
    out = ok("mark", "dismissed", "--before", "2100-01-01", dumps=sample_dir)
    assert out == "205 papers marked dismissed\n"
    assert ok("inbox", dumps=sample_dir) == "Inbox empty: nothing unread.\n"
    for args, message in (
        (("mark", "seen", "nope"), "no paper with id 'nope'"),
        (("mark", "seen"), "say which papers"),
        (("mark", "seen", "--before", "March"), "YYYY-MM-DD"),
        (("mark", "seen", "--dump", "nope.txt"), "no dump named 'nope.txt'"),
        (("inbox", "--feed", "nope"), "no saved search named 'nope'"),
        (("feeds", "remove", "nope"), "no saved search named 'nope'"),
    ):
        res = run(*args, dumps=sample_dir)
        assert res.returncode == 1 and message in res.stderr and "Traceback" not in res.stderr
    assert run("mark", "read", "x", dumps=sample_dir).returncode == 2


def test_a_saved_search_counts_its_unread_papers_and_falls_as_they_are_read(
    sample_dir: Path,
) -> None:
    out = ok("feeds", "add", "diffusion", "diffusion", dumps=sample_dir)
    found = json.loads(ok("search", "diffusion", "--limit", "500", "--json", dumps=sample_dir))
    assert out == f"saved 'diffusion': {len(found)} unread\n"
    feeds = json.loads(ok("feeds", "list", "--json", dumps=sample_dir))
    assert feeds == [{"name": "diffusion", "query": "diffusion", "filters": {},
                      "unread": len(found)}]  # fmt: skip
    ok("mark", "seen", found[0]["id"], found[1]["id"], dumps=sample_dir)
    assert f"diffusion · {len(found) - 2}" in ok("feeds", "list", dumps=sample_dir)
    inbox = json.loads(ok("inbox", "--feed", "diffusion", "--json", dumps=sample_dir))
    assert {p["id"] for p in inbox} == {p["id"] for p in found[2:]}
    name = next(sample_dir.glob("004_*")).name
    ok("feeds", "add", "only 004", "model", "--source", name, dumps=sample_dir)
    saved = json.loads(ok("feeds", "list", "--json", dumps=sample_dir))
    assert saved[1]["filters"] == {"sources": [name]}
    assert run("feeds", "add", "x", "y", "--source", "nope", dumps=sample_dir).returncode == 1
    assert run("feeds", "add", "diffusion", "z", dumps=sample_dir).returncode == 1
    assert ok("feeds", "remove", "diffusion", dumps=sample_dir) == "removed 'diffusion'\n"


def test_export_carries_reading_state_and_searches_and_import_merges(
    sample_dir: Path, tmp_path: Path
) -> None:
    ok("mark", "dismissed", REPEATED, dumps=sample_dir)
    ok("feeds", "add", "diffusion", "diffusion", dumps=sample_dir)
    ok("bookmarks", "add", REPEATED, dumps=sample_dir)
    exported = tmp_path / "all.json"
    ok("bookmarks", "export", "--format", "json", "-o", str(exported), dumps=sample_dir)
    doc = json.loads(exported.read_text())
    assert [m["id"] for m in doc["reading"]] == [REPEATED]
    assert doc["saved_searches"][0]["name"] == "diffusion"
    # another machine: fresh data dir
    env_data = tmp_path / "other-data"
    os.environ["XDG_DATA_HOME"] = str(env_data)
    try:
        out = ok("bookmarks", "import", str(exported), dumps=sample_dir)
        assert "reading state: 1 papers changed, 1 saved searches changed" in out
        assert ok("inbox", "--count", dumps=sample_dir) == "204\n"
        assert "diffusion" in ok("feeds", "list", dumps=sample_dir)
    finally:
        del os.environ["XDG_DATA_HOME"]


def _info(name: str, fmt: str, papers: int, page_date: str | None = None) -> SourceInfo:
    return SourceInfo(name=name, path=f"/d/{name}", format=fmt, papers=papers,
                      page_date=page_date, mtime_ns=1_700_000_000 * 10**9)  # fmt: skip


def test_the_archive_rule() -> None:
    assert ARCHIVE_PAPERS == 2000
    assert not is_archive(_info("a", "hf-text-lines", 2000))
    assert is_archive(_info("a", "hf-text-lines", 2001))
    assert is_archive(_info("s", "arxiv-jsonl", 10)) and is_archive(_info("s", "arxiv-json", 1))
    assert not is_archive(_info("l", "arxiv-listing", 300))
    assert not is_archive(_info("j", "hf-api-json", 50))
    assert is_archive(_info("a", "hf-text-lines", 51), archive_papers=50)
    ordered = news_sources([_info("old", "hf-text-lines", 5, "Mar 14"),
                            _info("big", "hf-text-lines", 5000, "Mar 20"),
                            _info("new", "hf-api-json", 5, "Mar 17")])  # fmt: skip
    assert [s.name for s in ordered] == ["new", "old"]


def test_a_snapshot_is_searchable_but_never_in_the_inbox(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    shutil.copy(next(SAMPLES.glob("004_*")), dumps)
    record = {
        "id": "2401.00001",
        "title": "A snapshot paper about diffusion",
        "abstract": "Diffusion everywhere.",
        "authors": "A. B",
        "categories": "cs.LG",
        "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:00 GMT"}],
    }
    (dumps / "arxiv-metadata-oai-snapshot.json").write_text(json.dumps(record) + "\n")
    lib = Library([dumps], tmp_path / "index")
    lib.sync()
    assert {s.format for s in lib.sources()} & ARCHIVE_FORMATS
    assert len(lib.news_ids()) == 60 and lib.paper_count() == 61
    assert lib.news_ids(archive_papers=59) == []  # 004 has 60 papers: an archive at 59
    assert lib.search("snapshot").total == 1
