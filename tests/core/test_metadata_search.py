"""Metadata from rich dumps (HF API JSON, arXiv snapshot) becomes filters, sorts and lookups."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.search import Filters, Library, Sort


def _item(arxiv: str, title: str, upvotes: int, published: str) -> dict[str, object]:
    paper = {
        "id": arxiv,
        "title": title,
        "summary": f"We study {title.lower()} in depth.\nThe hard wrap is rejoined.",
        "authors": [{"name": "Ada Lovelace", "hidden": False}, {"name": "Hidden", "hidden": True}],
        "publishedAt": f"{published}T12:00:00.000Z",
        "upvotes": upvotes,
        "ai_summary": "A one-sentence summary.",
    }
    return {"paper": paper, "title": title, "numComments": 2, "publishedAt": paper["publishedAt"]}


@pytest.fixture
def rich_dumps(tmp_path: Path) -> Path:
    root = tmp_path / "rich"
    root.mkdir()
    items = [
        _item("2602.23229", "Quokka Models of Sleep", 10, "2026-02-26"),
        _item("2501.00001", "Wombat Scaling Laws", 140, "2025-01-10"),
        _item("2412.20138", "Platypus Benchmarks", 0, "2024-12-28"),
    ]
    (root / "daily.json").write_text(json.dumps(items))
    records = [
        {"id": "0704.0002", "submitter": "L", "authors": "Ileana Streinu and Louis Theran",
         "title": "Sparsity-certifying Graph\n  Decompositions", "comments": None, "journal-ref": None,
         "doi": None, "report-no": None, "categories": "math.CO cs.CG", "license": None,
         "abstract": "  We describe a new algorithm, the $(k,\\ell)$-pebble game with colors.\n",
         "versions": [{"version": "v1", "created": "Sat, 31 Mar 2007 02:26:18 GMT"}],
         "update_date": "2008-12-13", "authors_parsed": [["Streinu", "Ileana", ""]]},
        {"id": "2101.11408", "submitter": "D", "authors": "Daniel Lemire",
         "title": "Number Parsing at a Gigabyte per Second", "comments": None, "journal-ref": None,
         "doi": None, "report-no": None, "categories": "cs.DS cs.MS", "license": None,
         "abstract": "With disks and networks providing gigabytes per second.\n",
         "versions": [{"version": "v1", "created": "Mon, 11 Jan 2021 20:31:27 GMT"}],
         "update_date": "2022-11-07", "authors_parsed": [["Lemire", "Daniel", ""]]},
    ]  # fmt: skip
    (root / "snapshot.json").write_text("".join(json.dumps(r) + "\n" for r in records))
    return root


def test_rich_fields_drive_sorts_filters_and_lookup(tmp_path: Path, rich_dumps: Path) -> None:
    lib = Library([rich_dumps], tmp_path / "index")
    report = lib.sync()
    assert report.papers == 5
    formats = {f.name: f.format for f in report.files}
    assert formats == {"daily.json": "hf-api-json", "snapshot.json": "arxiv-jsonl"}

    top = lib.rows(lib.search("", sort=Sort.UPVOTES, limit=None).ids)
    assert [r.upvotes for r in top[:3]] == [140, 10, 0]
    assert lib.search("", Filters(min_upvotes=10)).total == 2
    assert lib.search("", Filters(category="cs.DS")).total == 1
    assert lib.search("", Filters(date_from="2025")).total == 2
    assert lib.search("", Filters(date_from="2007-01", date_to="2007-12")).total == 1
    newest = lib.rows(lib.search("", sort=Sort.DATE, limit=None).ids)
    assert [r.published for r in newest][:2] == ["2026-02-26", "2025-01-10"]

    paper = lib.get("arXiv:2501.00001v2")
    assert paper is not None and paper.title == "Wombat Scaling Laws"
    assert paper.authors == ["Ada Lovelace"] and paper.upvotes == 140 and paper.comments == 2
    assert paper.link == "https://huggingface.co/papers/2501.00001"
    assert "\n" not in paper.abstract
    graph = lib.get("0704.0002")
    assert graph is not None and graph.title == "Sparsity-certifying Graph Decompositions"
    assert graph.categories == ["math.CO", "cs.CG"] and graph.published == "2007-03-31"
    assert lib.search("author:lemire").total == 1
    assert lib.search("category:cs.cg").total == 1


def test_cli_filters(rich_dumps: Path) -> None:
    def search(*extra: str) -> list[dict[str, object]]:
        res = subprocess.run(
            [sys.executable, "-m", "reader", "--dumps", str(rich_dumps), "search", *extra, "--json"],
            capture_output=True, text=True, env=dict(os.environ), timeout=120,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        return list(json.loads(res.stdout))

    assert [p["title"] for p in search("*", "--sort", "upvotes", "--limit", "1")] == [
        "Wombat Scaling Laws"
    ]
    assert len(search("*", "--category", "math.CO")) == 1
    assert len(search("*", "--since", "2025-01-01", "--min-upvotes", "5")) == 2
